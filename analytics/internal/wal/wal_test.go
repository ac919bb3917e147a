package wal

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func drain(t *testing.T, l *Log, commit bool) []string {
	t.Helper()
	var out []string
	for {
		recs, c, err := l.Next(3)
		require.NoError(t, err)
		if len(recs) == 0 {
			return out
		}
		for _, r := range recs {
			out = append(out, string(r))
		}
		if commit {
			require.NoError(t, l.Commit(c))
		} else {
			// Without a commit the same records come again.
			again, _, err := l.Next(3)
			require.NoError(t, err)
			require.Equal(t, recs, again)
			return out
		}
	}
}

func TestAppendReadCommitReopen(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 64})
	require.NoError(t, err)
	var want []string
	for i := range 10 {
		s := fmt.Sprintf("record-%02d", i)
		want = append(want, s)
		require.NoError(t, l.Append([]byte(s)))
	}
	assert.True(t, l.Pending())
	segs, _ := filepath.Glob(filepath.Join(dir, "*.wal"))
	assert.Greater(t, len(segs), 1, "small segments rotate")

	// Next stops at the end of a segment.
	recs, c, err := l.Next(4)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	require.NoError(t, l.Commit(c))
	require.NoError(t, l.Close())

	// After a restart, delivery resumes after the committed cursor.
	l, err = Open(dir, Options{SegmentBytes: 64})
	require.NoError(t, err)
	defer l.Close()
	assert.Equal(t, want[3:], drain(t, l, true))
	assert.False(t, l.Pending())
	assert.Zero(t, l.Bytes(), "a consumed log frees its disk")
	segs, _ = filepath.Glob(filepath.Join(dir, "*.wal"))
	assert.Len(t, segs, 1)

	require.NoError(t, l.Append([]byte("after")))
	assert.Equal(t, []string{"after"}, drain(t, l, true))
}

func TestUncommittedIsRedelivered(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, l.Append([]byte("a")))
	require.NoError(t, l.Append([]byte("b")))
	assert.Equal(t, []string{"a", "b"}, drain(t, l, false))
	require.NoError(t, l.Close())
	l, err = Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	assert.Equal(t, []string{"a", "b"}, drain(t, l, true))
}

func TestTornTailIsCut(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, l.Append([]byte("whole")))
	require.NoError(t, l.Append([]byte("torn record")))
	require.NoError(t, l.Close())
	seg := filepath.Join(dir, segName(1))
	fi, err := os.Stat(seg)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(seg, fi.Size()-3))

	l, err = Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, l.Append([]byte("next")))
	assert.Equal(t, []string{"whole", "next"}, drain(t, l, true))
}

func TestFull(t *testing.T) {
	l, err := Open(t.TempDir(), Options{MaxBytes: 30})
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, l.Append([]byte("0123456789")))
	assert.ErrorIs(t, l.Append([]byte("0123456789abcdef")), ErrFull)
	_ = drain(t, l, true)
	assert.NoError(t, l.Append([]byte("0123456789abcdef")), "space comes back once consumed")
}

func TestClosed(t *testing.T) {
	l, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	assert.ErrorIs(t, l.Append([]byte("x")), ErrClosed)
	_, _, err = l.Next(1)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	_, err = Open(dir, Options{})
	assert.ErrorIs(t, err, ErrLocked)
	require.NoError(t, l.Close())
	l, err = Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, l.Close())
}

func TestAppendBatch(t *testing.T) {
	l, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, l.AppendBatch([][]byte{[]byte("a"), []byte("b"), []byte("c")}))
	require.NoError(t, l.Append([]byte("d")))
	assert.Equal(t, []string{"a", "b", "c", "d"}, drain(t, l, true))

	full, err := Open(t.TempDir(), Options{MaxBytes: 20})
	require.NoError(t, err)
	defer full.Close()
	assert.ErrorIs(t, full.AppendBatch([][]byte{[]byte("1234"), []byte("5678")}), ErrFull, "a batch that does not fit is refused whole")
	assert.False(t, full.Pending())
}
