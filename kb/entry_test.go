package kb

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEntryZeroIsEnabled(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, Entry{ID: "a", Question: "怎么申请退款"})
	assert.Equal(t, "a", top(t, ix, "申请退款", SearchOptions{}))
}

func TestEntryJSON(t *testing.T) {
	for _, tc := range []struct {
		in       string
		disabled bool
	}{
		{`{"id":"a","question":"q"}`, false},
		{`{"id":"a","question":"q","disabled":true}`, true},
		{`{"id":"a","question":"q","enabled":false}`, true},
		{`{"id":"a","question":"q","enabled":true}`, false},
	} {
		var e Entry
		require.NoError(t, json.Unmarshal([]byte(tc.in), &e), tc.in)
		assert.Equal(t, tc.disabled, e.Disabled, tc.in)
		assert.Equal(t, "a", e.ID)
		b, err := json.Marshal(e)
		require.NoError(t, err)
		var back Entry
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, e.Disabled, back.Disabled, string(b))
	}
	var e Entry
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"id":"a","qestion":"q"}`), &e), "unknown field")
}
