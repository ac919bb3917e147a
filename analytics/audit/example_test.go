package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kefuai/kefu/analytics/audit"
)

// Each record carries the hash of the one before it; Verify checks the whole
// chain and returns its head, to be kept somewhere else for VerifyHead.
func Example() {
	dir, err := os.MkdirTemp("", "kefu-audit")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	l, err := audit.OpenFile(filepath.Join(dir, "audit.jsonl"), audit.FileOptions{})
	if err != nil {
		panic(err)
	}
	defer l.Close()

	ctx := context.Background()
	t := time.Date(2026, 11, 12, 9, 30, 0, 0, time.UTC)
	for _, e := range []audit.Entry{
		{Time: t, Actor: "admin-alice", Action: audit.ActionExportUser, Target: "u-42"},
		{Time: t.Add(time.Minute), Actor: "admin-alice", Action: audit.ActionEraseUser, Target: "u-42",
			Details: map[string]string{"events": "17"}},
	} {
		r, err := l.Append(ctx, e)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%d %s %s prev=%.8s hash=%.8s\n", r.Seq, r.Action, r.Target, r.Prev, r.Hash)
	}

	head, err := audit.Verify(ctx, l)
	fmt.Printf("verified %d records, head %.8s, err %v\n", head.Seq, head.Hash, err)
	// Output:
	// 1 data.export_user u-42 prev=00000000 hash=b163a289
	// 2 data.erase_user u-42 prev=b163a289 hash=b2376069
	// verified 2 records, head b2376069, err <nil>
}

// Changing a record on disk breaks the chain from that record on.
func ExampleVerify() {
	dir, err := os.MkdirTemp("", "kefu-audit")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "audit.jsonl")

	l, err := audit.OpenFile(path, audit.FileOptions{})
	if err != nil {
		panic(err)
	}
	defer l.Close()
	ctx := context.Background()
	for _, target := range []string{"u-42", "u-43"} {
		if _, err := l.Append(ctx, audit.Entry{Actor: "admin-alice", Action: audit.ActionEraseUser, Target: target}); err != nil {
			panic(err)
		}
	}

	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	b = bytes.Replace(b, []byte(`"target":"u-43"`), []byte(`"target":"u-99"`), 1)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		panic(err)
	}

	head, err := audit.Verify(ctx, l)
	fmt.Println(err)
	fmt.Println("broken:", errors.Is(err, audit.ErrBroken), "intact records:", head.Seq)
	// Output:
	// audit: chain broken at record 2: content does not match its hash (edited)
	// broken: true intact records: 1
}
