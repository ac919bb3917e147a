package storetest_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/boltstore"
	"github.com/kefuai/kefu/dialogue/storetest"
)

// testStore is the test an implementation's package has, under a name such
// as TestStore: every check gets an empty store, closed when the check ends.
//
//lint:ignore U1000 go doc shows this whole file as the example; it is read, not called.
func testStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dialogue.Store {
		s, err := boltstore.Open(filepath.Join(t.TempDir(), "sessions.db"), boltstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// Run is called from an implementation's tests, as testStore above shows;
// this example is compiled but not run.
func Example() {}
