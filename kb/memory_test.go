package kb_test

import (
	"testing"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/kbtest"
)

func TestMemoryConformance(t *testing.T) {
	kbtest.Run(t, func(t *testing.T) kb.Store { return kb.NewMemoryStore() })
}
