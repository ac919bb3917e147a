package flows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue/flows"
)

func TestLoad(t *testing.T) {
	fs, err := flows.Load()
	require.NoError(t, err)
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
		assert.NoError(t, f.Validate())
	}
	assert.ElementsMatch(t, []string{"returns", "order_status"}, names)
}
