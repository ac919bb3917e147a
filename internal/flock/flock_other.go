//go:build !unix && !windows

package flock

import (
	"errors"
	"os"
)

// Lock reports errors.ErrUnsupported: this system has no file locks that
// kefu can use, and a store that cannot be locked is not opened.
func Lock(f *os.File) error { return errors.ErrUnsupported }
