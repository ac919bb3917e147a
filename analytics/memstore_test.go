package analytics_test

import (
	"testing"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/transcripttest"
)

func TestMemoryStore(t *testing.T) {
	transcripttest.Run(t, func(t *testing.T, opts analytics.StoreOptions) analytics.Store {
		return analytics.NewMemoryStore(opts)
	})
}
