package transcripttest_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
	"github.com/kefuai/kefu/analytics/transcripttest"
)

// testStore is the test an implementation's package has, under a name such
// as TestStore: every check gets an empty store made with the options it
// asks for, and closes it when the check ends.
//
//lint:ignore U1000 go doc shows this whole file as the example; it is read, not called.
func testStore(t *testing.T) {
	transcripttest.Run(t, func(t *testing.T, opts analytics.StoreOptions) analytics.Store {
		s, err := boltstore.Open(filepath.Join(t.TempDir(), "transcripts.db"), boltstore.Options{StoreOptions: opts})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// Run is called from an implementation's tests, as testStore above shows;
// this example is compiled but not run.
func Example() {}
