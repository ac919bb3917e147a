// Package flock takes exclusive locks on open files, so that two processes
// never write the same log or store at once. A lock lasts until the file
// is closed or the process ends, however it ends.
package flock

import "errors"

// ErrLocked is returned by Lock when another open file holds the lock.
var ErrLocked = errors.New("file locked by another process")
