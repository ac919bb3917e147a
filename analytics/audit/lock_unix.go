//go:build unix

package audit

import (
	"errors"
	"os"
	"syscall"
)

// ErrLocked is returned by OpenFile when another process has the log open.
var ErrLocked = errors.New("audit: log file in use by another process")

func lockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return ErrLocked
	}
	return nil
}
