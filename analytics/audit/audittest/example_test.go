package audittest_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/analytics/audit/audittest"
)

// testLog is the test an implementation's package has, under a name such as
// TestLog: every check gets an empty log, closed when the check ends.
//
//lint:ignore U1000 go doc shows this whole file as the example; it is read, not called.
func testLog(t *testing.T) {
	audittest.Run(t, func(t *testing.T) audit.Log {
		l, err := audit.OpenFile(filepath.Join(t.TempDir(), "audit.jsonl"), audit.FileOptions{})
		require.NoError(t, err)
		t.Cleanup(func() { l.Close() })
		return l
	})
}

// Run is called from an implementation's tests, as testLog above shows; this
// example is compiled but not run.
func Example() {}
