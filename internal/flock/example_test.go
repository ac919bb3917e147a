package flock_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kefuai/kefu/internal/flock"
)

func Example() {
	dir, _ := os.MkdirTemp("", "flock")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "store.lock")
	first, _ := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	defer first.Close()
	second, _ := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	defer second.Close()
	fmt.Println(flock.Lock(first))
	fmt.Println(flock.Lock(second))
	// Output:
	// <nil>
	// file locked by another process
}
