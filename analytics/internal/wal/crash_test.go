package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type crash struct{ step string }

// crashAt makes the log stop at the n-th time it reaches step, as a
// process killed there would, and returns how to abandon the log
// afterwards: its files closed without any of Close's work.
func crashAt(t *testing.T, step string, n int) {
	t.Helper()
	seen := 0
	crashPoint = func(s string) {
		if s == step {
			if seen++; seen == n {
				panic(crash{s})
			}
		}
	}
	t.Cleanup(func() { crashPoint = func(string) {} })
}

// abandon releases what a dead process would: its files and its lock.
func abandon(l *Log) {
	l.cur.Close()
	l.cursorFile.Close()
	l.lock.Close()
}

// run calls fn and reports whether it crashed.
func run(fn func() error) (crashed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			crashed = true
		}
	}()
	return false, fn()
}

// Every step of Append and Commit that changes a file is a place a process
// may die. After a restart at any of them, every record whose Append
// returned is delivered that was not committed, at most the committed
// batch again, and delivery goes on: a record appended after the restart
// is delivered too.
func TestCrashAtEveryStep(t *testing.T) {
	for _, step := range []string{"append.write", "append.rotate", "commit.cursor", "commit.create", "commit.move", "commit.remove"} {
		for n := 1; n <= 3; n++ {
			t.Run(fmt.Sprintf("%s#%d", step, n), func(t *testing.T) {
				dir := t.TempDir()
				opts := Options{SegmentBytes: 48}
				l, err := Open(dir, opts)
				require.NoError(t, err)
				crashAt(t, step, n)

				// committed holds the records delivered before the crash:
				// those of the finished commits and of the one the crash
				// interrupted (delivered before it was called).
				var acked, committed []string
				crashed := false
				for i := 0; i < 12 && !crashed; i++ {
					rec := fmt.Sprintf("r%02d", i)
					c, err := run(func() error { return l.Append([]byte(rec)) })
					if crashed = c; crashed {
						break
					}
					require.NoError(t, err)
					acked = append(acked, rec)
					if i%3 == 2 { // deliver and commit every third record
						recs, cur, err := l.Next(100)
						require.NoError(t, err)
						for _, r := range recs {
							committed = append(committed, string(r))
						}
						c, err := run(func() error { return l.Commit(cur) })
						if crashed = c; crashed {
							break
						}
						require.NoError(t, err)
					}
				}
				if !crashed {
					t.Skipf("the log never reached %s #%d", step, n)
				}
				abandon(l)
				crashPoint = func(string) {}

				l, err = Open(dir, opts)
				require.NoError(t, err)
				defer l.Close()
				require.NoError(t, l.Append([]byte("after")))
				got := drain(t, l, true)
				require.NotEmpty(t, got)
				assert.Equal(t, "after", got[len(got)-1], "delivery goes on after the restart")
				for _, r := range acked {
					if !slices.Contains(committed, r) {
						assert.Contains(t, got, r, "an acknowledged record not yet delivered is lost")
					}
				}
				redelivered := 0
				for _, r := range got {
					if slices.Contains(committed, r) {
						redelivered++
					}
				}
				assert.LessOrEqual(t, redelivered, 3, "at most the batch being committed is delivered again: %v", got)
			})
		}
	}
}

// A cursor left past the end of its segment, as a crash between cutting a
// segment and moving the cursor used to leave it, is moved back at Open:
// delivery does not wedge on records appended afterwards.
func TestCursorPastTheEndRecovers(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	for i := range 5 {
		require.NoError(t, l.Append(fmt.Appendf(nil, "old-%d", i)))
	}
	require.NoError(t, l.Close())
	// The state the old commit left: the segment cut to nothing, the
	// cursor still at its former end.
	seg := filepath.Join(dir, segName(1))
	fi, err := os.Stat(seg)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(seg, 0))
	var b [20]byte
	binary.LittleEndian.PutUint64(b[:8], 1)
	binary.LittleEndian.PutUint64(b[8:16], uint64(fi.Size()))
	binary.LittleEndian.PutUint32(b[16:], crc32.Checksum(b[:16], castagnoli))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cursor"), b[:], 0o600))

	l, err = Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	assert.True(t, l.Recovered())
	for i := range 10 {
		require.NoError(t, l.Append(fmt.Appendf(nil, "new-%d", i)))
	}
	got := drain(t, l, true)
	assert.Len(t, got, 10)
	assert.Equal(t, "new-0", got[0])
}
