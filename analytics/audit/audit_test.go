package audit_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/analytics/audit/audittest"
)

func newFile(t *testing.T) (*audit.FileLog, string) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := audit.OpenFile(path, audit.FileOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l, path
}

func TestFileLog(t *testing.T) {
	audittest.Run(t, func(t *testing.T) audit.Log {
		l, _ := newFile(t)
		return l
	})
}

func fiveRecords(t *testing.T, l audit.Log) []audit.Record {
	var out []audit.Record
	for i, a := range []string{audit.ActionKnowledgeCreate, audit.ActionKnowledgeUpdate, audit.ActionExportUser, audit.ActionEraseUser, audit.ActionReportDownload} {
		r, err := l.Append(context.Background(), audit.Entry{
			Time: time.Date(2026, 11, 1, 10, i, 0, 0, time.UTC), Actor: "admin", Action: a, Target: "t" + string(rune('0'+i)),
			Details: map[string]string{"n": string(rune('0' + i))},
		})
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

func brokenAt(t *testing.T, l audit.Log) uint64 {
	t.Helper()
	_, err := audit.Verify(context.Background(), l)
	var be *audit.BrokenError
	require.ErrorAs(t, err, &be, "tampering must be detected")
	return be.Seq
}

// rewrite edits the lines of a file log as someone with access to the
// file could.
func rewrite(t *testing.T, path string, edit func(lines []string) []string) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(edit(lines), "\n")+"\n"), 0o600))
}

func TestFileLogTampering(t *testing.T) {
	cases := []struct {
		name string
		edit func(lines []string) []string
		want uint64
	}{
		{"edit actor", func(l []string) []string {
			l[2] = strings.Replace(l[2], `"actor":"admin"`, `"actor":"nobody"`, 1)
			return l
		}, 3},
		{"edit details", func(l []string) []string {
			l[1] = strings.Replace(l[1], `"n":"1"`, `"n":"9"`, 1)
			return l
		}, 2},
		{"edit and rehash", func(l []string) []string {
			var r audit.Record
			require.NoError(t, jsonUnmarshal(l[1], &r))
			r.Target = "someone-else"
			r.Hash = r.ComputeHash()
			l[1] = jsonMarshal(t, r)
			return l
		}, 3},
		{"delete", func(l []string) []string { return append(l[:2], l[3:]...) }, 3},
		{"reorder", func(l []string) []string {
			l[1], l[2] = l[2], l[1]
			return l
		}, 2},
		{"garbage", func(l []string) []string {
			l[3] = "not json"
			return l
		}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, path := newFile(t)
			fiveRecords(t, l)
			_, err := audit.Verify(context.Background(), l)
			require.NoError(t, err)
			rewrite(t, path, c.edit)
			assert.Equal(t, c.want, brokenAt(t, l))
		})
	}
}

func TestFileLogTruncationNeedsHead(t *testing.T) {
	l, path := newFile(t)
	recs := fiveRecords(t, l)
	rewrite(t, path, func(lines []string) []string { return lines[:3] })
	// A shorter chain is still a chain...
	head, err := audit.Verify(context.Background(), l)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), head.Seq)
	// ...but the head recorded earlier is gone.
	_, err = audit.VerifyHead(context.Background(), l, recs[4].Head())
	assert.ErrorIs(t, err, audit.ErrBroken)
}

func TestFileLogReopenContinuesChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := audit.OpenFile(path, audit.FileOptions{})
	require.NoError(t, err)
	recs := fiveRecords(t, l)
	_, err = audit.OpenFile(path, audit.FileOptions{})
	assert.ErrorIs(t, err, audit.ErrLocked)
	require.NoError(t, l.Close())
	l, err = audit.OpenFile(path, audit.FileOptions{})
	require.NoError(t, err)
	defer l.Close()
	assert.Equal(t, recs[4].Head(), l.Head())
	r, err := l.Append(context.Background(), audit.Entry{Actor: "a", Action: "b"})
	require.NoError(t, err)
	assert.Equal(t, uint64(6), r.Seq)
	assert.Equal(t, recs[4].Hash, r.Prev)
	_, err = audit.Verify(context.Background(), l)
	assert.NoError(t, err)
}

func TestCanonical(t *testing.T) {
	r := audit.Record{Seq: 7, Time: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("CST", 8*3600)), Actor: "a\"b", Action: "x.y",
		Details: map[string]string{"z": "1", "a": "<2>"}, Prev: audit.Genesis}
	want := `{"seq":7,"time":"2026-01-01T19:04:05.000006Z","actor":"a\"b","action":"x.y","target":"","details":{"a":"\u003c2\u003e","z":"1"},"prev":"` + audit.Genesis + `"}`
	assert.Equal(t, want, string(r.Canonical()))
	assert.Len(t, r.ComputeHash(), 64)
	r2 := r
	r2.Details = map[string]string{"a": "<2>", "z": "1"}
	assert.True(t, bytes.Equal(r.Canonical(), r2.Canonical()), "map order does not matter")
}
