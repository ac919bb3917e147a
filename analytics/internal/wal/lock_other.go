//go:build !unix

package wal

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir opens the lock file; other systems get no lock.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	return f, nil
}
