//go:build !unix

package audit

import (
	"errors"
	"os"
)

// ErrLocked is returned by OpenFile when another process has the log open.
var ErrLocked = errors.New("audit: log file in use by another process")

func lockFile(*os.File) error { return nil }
