package shop_test

import (
	"bytes"
	"context"
	"io/fs"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel/convtest"
)

// demoBot is the demo bot, in memory, built once for the conversation
// tests.
var demoBot = sync.OnceValues(func() (*kefu.Bot, error) {
	f, err := folder()
	if err != nil {
		return nil, err
	}
	return f.NewBot(context.Background(), kefu.FolderStores{},
		kefu.WithTickets(func(context.Context, kefu.Ticket) error { return nil }))
})

// conversationStart is the time of the first message of each
// conversation: a Friday morning in Shanghai.
var conversationStart = time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TestConversationFiles runs the demo's conversation tests against the
// demo bot. The pending file (known issues) runs too: its failures are
// logged and the test is skipped while any remain.
func TestConversationFiles(t *testing.T) {
	suites, err := convtest.Load(conversations(), "*.yaml")
	require.NoError(t, err)
	names, err := fs.Glob(conversations(), "*.yaml")
	require.NoError(t, err)
	for _, p := range pendingConversations() {
		require.Contains(t, names, p, "pending conversation file")
	}
	var ready, pending []*convtest.Suite
	for _, s := range suites {
		require.NotEmpty(t, s.Conversations, s.Name)
		if slices.Contains(pendingConversations(), s.Name) {
			pending = append(pending, s)
		} else {
			ready = append(ready, s)
		}
	}
	require.Len(t, ready, 6, "returns, order_status, digressions, faq, language and traditional")

	b, err := demoBot()
	require.NoError(t, err)
	opts := convtest.Options{Start: conversationStart}
	convtest.RunTest(t, b, opts, ready...)

	for _, s := range pending {
		t.Run(s.Name, func(t *testing.T) {
			rep := convtest.Run(t.Context(), b, opts, s)
			if rep.Failed == 0 {
				// Fixed: the file's conversations belong with the others now.
				t.Logf("all %d conversations of %s pass: move them to the file of their topic", rep.Passed, s.Name)
				return
			}
			var out bytes.Buffer
			require.NoError(t, rep.WriteText(&out))
			t.Log(out.String())
			t.Skipf("known issues of the bot: %d of %d conversations fail", rep.Failed, rep.Failed+rep.Passed)
		})
	}
}
