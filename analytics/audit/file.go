package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/kefuai/kefu/internal/flock"
)

// FileOptions configure a FileLog. The zero value works.
type FileOptions struct {
	// Now is the clock for entries without a time; time.Now when nil.
	Now func() time.Time
}

// FileLog is a Log in a file of JSON lines, opened for appending only and
// synced to disk after each record. One process at a time may have the
// file open (a lock on it enforces this where the system allows). It is
// safe for concurrent use.
type FileLog struct {
	path string
	now  func() time.Time

	mu   sync.Mutex
	f    *os.File
	head Head
}

// ErrLocked is returned by OpenFile when another process has the log open.
var ErrLocked = errors.New("audit: log file in use by another process")

// OpenFile opens or creates the log at path and finds its head. It does
// not verify the chain: call Verify for that.
func OpenFile(path string, opts FileOptions) (*FileLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if err := flock.Lock(f); err != nil {
		f.Close()
		if errors.Is(err, flock.ErrLocked) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("audit: %w", err)
	}
	l := &FileLog{path: path, now: opts.Now, f: f}
	if l.now == nil {
		l.now = time.Now
	}
	err = l.Scan(context.Background(), 1, func(r Record) error {
		l.head = r.Head()
		return nil
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// Append implements Log.
func (l *FileLog) Append(ctx context.Context, e Entry) (Record, error) {
	if err := e.Validate(); err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return Record{}, errors.New("audit: log closed")
	}
	r := Next(l.head, e, l.now())
	b, err := json.Marshal(r)
	if err != nil {
		return Record{}, err
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return Record{}, fmt.Errorf("audit: append: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return Record{}, fmt.Errorf("audit: append: %w", err)
	}
	l.head = r.Head()
	return r, nil
}

// Head returns the head of the log as this process knows it.
func (l *FileLog) Head() Head {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Scan implements Log. A line that is not a record stops the scan with an
// error naming the line.
func (l *FileLog) Scan(ctx context.Context, from uint64, fn func(Record) error) error {
	f, err := os.Open(l.path)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := br.ReadBytes('\n')
		if len(b) == 0 && err == io.EOF {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("audit: %w", err)
		}
		var r Record
		if jerr := json.Unmarshal(b, &r); jerr != nil {
			return &BrokenError{Seq: uint64(line), Reason: fmt.Sprintf("line %d is not a record: %v", line, jerr)}
		}
		if r.Seq >= from {
			if err := fn(r); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// Close closes the file.
func (l *FileLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
