package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
)

// Transcripts kept in one file: the text is redacted before it is written,
// and one customer's events can be exported and erased.
func Example() {
	dir, err := os.MkdirTemp("", "kefu-transcripts")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	s, err := boltstore.Open(filepath.Join(dir, "transcripts.db"), boltstore.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	ctx := context.Background()
	t := time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC)
	err = s.Append(ctx, []analytics.Event{
		{ID: "e1", Kind: analytics.MessageIn, Time: t, SessionID: "s-1", UserID: "u-1", Channel: "web", Text: "我的电话13812345678，快递到哪了？"},
		{ID: "e2", Kind: analytics.MessageOut, Time: t.Add(time.Second), SessionID: "s-1", UserID: "u-1", Channel: "web", Text: "您的包裹预计今天送达。"},
		{ID: "e3", Kind: analytics.MessageIn, Time: t.Add(time.Minute), SessionID: "s-2", UserID: "u-2", Channel: "web", Text: "怎么开发票？"},
	})
	if err != nil {
		panic(err)
	}

	err = s.Scan(ctx, analytics.Query{Kinds: []analytics.Kind{analytics.MessageIn}}, func(e analytics.Event) error {
		fmt.Println(e.UserID, e.Text)
		return nil
	})
	if err != nil {
		panic(err)
	}

	var export strings.Builder
	if err := s.ExportUser(ctx, "u-1", &export); err != nil {
		panic(err)
	}
	fmt.Print(export.String())

	n, err := s.EraseUser(ctx, "u-1")
	if err != nil {
		panic(err)
	}
	fmt.Println("erased:", n)
	// Output:
	// u-1 我的电话[手机号]，快递到哪了？
	// u-2 怎么开发票？
	// {"id":"e1","kind":"message_in","time":"2026-11-12T10:00:00Z","session_id":"s-1","user_id":"u-1","channel":"web","text":"我的电话[手机号]，快递到哪了？"}
	// {"id":"e2","kind":"message_out","time":"2026-11-12T10:00:01Z","session_id":"s-1","user_id":"u-1","channel":"web","text":"您的包裹预计今天送达。"}
	// erased: 2
}
