package flock_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kefuai/kefu/internal/flock"
)

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	open := func() *os.File {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a, b := open(), open()
	defer b.Close()
	if err := flock.Lock(a); err != nil {
		t.Fatalf("first lock: %v", err)
	}
	if err := flock.Lock(b); err != flock.ErrLocked {
		t.Fatalf("second lock while the first is held: %v, want ErrLocked", err)
	}
	a.Close()
	if err := flock.Lock(b); err != nil {
		t.Fatalf("lock after the holder closed: %v", err)
	}
}
