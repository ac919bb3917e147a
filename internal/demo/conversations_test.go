package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/internal/demo"
)

// modelDir caches the demo bot's trained intent model for the test binary:
// the bots of the tests train it once and load it after.
var modelDir string

func TestMain(m *testing.M) {
	var err error
	modelDir, err = os.MkdirTemp("", "kefu-demo-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(modelDir)
	os.Exit(code)
}

// cachedModels copies the models cached in modelDir into dir, a bot's
// DataDir, so that the bot loads them rather than training again.
func cachedModels(t *testing.T, dir string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(modelDir, "*.model"))
	require.NoError(t, err)
	for _, name := range names {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(name)), b, 0o600))
	}
}

// demoBot is the real demo bot, without analytics, built once for the
// conversation tests; its DataDir holds only the cached model.
var demoBot = sync.OnceValues(func() (*demo.Bot, error) {
	return demo.NewBot(context.Background(), demo.BotOptions{
		DataDir: modelDir, MemorySessions: true, MemoryKnowledge: true, NoEvents: true,
	})
})

// conversationStart is the time of the first message of each
// conversation: a Friday morning in Shanghai.
var conversationStart = time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TestConversationFiles runs the demo's conversation tests against the
// demo bot. The pending file (known issues) runs too: its failures are
// logged and the test is skipped while any remain.
func TestConversationFiles(t *testing.T) {
	suites, err := convtest.Load(demo.Conversations(), "*.yaml")
	require.NoError(t, err)
	names, err := fs.Glob(demo.Conversations(), "*.yaml")
	require.NoError(t, err)
	for _, p := range demo.PendingConversations() {
		require.Contains(t, names, p, "pending conversation file")
	}
	var ready, pending []*convtest.Suite
	for _, s := range suites {
		require.NotEmpty(t, s.Conversations, s.Name)
		if slices.Contains(demo.PendingConversations(), s.Name) {
			pending = append(pending, s)
		} else {
			ready = append(ready, s)
		}
	}
	require.Len(t, ready, 6, "returns, order_status, digressions, faq, language and traditional")

	b, err := demoBot()
	require.NoError(t, err)
	opts := convtest.Options{Start: conversationStart}
	convtest.RunTest(t, b.Bot, opts, ready...)

	for _, s := range pending {
		t.Run(s.Name, func(t *testing.T) {
			rep := convtest.Run(t.Context(), b.Bot, opts, s)
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
