package kbtest_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/boltstore"
	"github.com/kefuai/kefu/kb/kbtest"
)

// testConformance is the test a store's package has, under a name such as
// TestConformance: every subtest gets an empty store, closed when it ends.
//
//lint:ignore U1000 go doc shows this whole file as the example; it is read, not called.
func testConformance(t *testing.T) {
	kbtest.Run(t, func(t *testing.T) kb.Store {
		s, err := boltstore.Open(filepath.Join(t.TempDir(), "kb.db"), boltstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// Run is called from a store's tests, as testConformance above shows; this
// example is compiled but not run.
func Example() {}
