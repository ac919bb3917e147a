package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel/webhook"
)

const bankSecret = "quickstart-test-secret"

// bankEndpoint serves the folder bot's freeze_card action: it freezes
// cards ending 6789.
func bankEndpoint(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.VerifyRequest(r, []byte(bankSecret), time.Minute)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var req struct{ Slots map[string]string }
		json.Unmarshal(body, &req)
		if req.Slots["last4"] != "6789" {
			w.Write([]byte(`{"event":"not_found"}`))
			return
		}
		w.Write([]byte(`{"event":"frozen","slots":{"card":"尾号 6789 的借记卡","reference":"F-6789"}}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// bankFolder copies testdata/folderbot to a directory, its action pointing
// at endpoint, and sets the secret's environment variable.
func bankFolder(t *testing.T, endpoint string) string {
	t.Helper()
	t.Setenv("BANK_ACTION_SECRET", bankSecret)
	src, dir := "../../testdata/folderbot", t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(src)))
	cfg := filepath.Join(dir, "bot.yaml")
	b, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, bytes.Replace(b, []byte("http://127.0.0.1:8089/kefu/freeze_card"), []byte(endpoint+"/freeze"), 1), 0o600))
	return dir
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	dir := bankFolder(t, "http://127.0.0.1:8089")
	var out, errs bytes.Buffer
	require.Equal(t, 0, checkFolder(ctx, dir, &out, &errs), errs.String())
	assert.Empty(t, errs.String())
	assert.Equal(t, dir+": 示例银行 is ready: 12 intents (109 examples), 22 FAQ entries, 1 flows calling 1 functions, 1 conversation files\n", out.String())

	out.Reset()
	require.Equal(t, 0, checkFolder(ctx, "", &out, &errs), errs.String())
	assert.True(t, strings.HasPrefix(out.String(), "(demo): 青禾优选 is ready: "), out.String())

	// Broken files: status 1, every problem on stderr as file:line.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "intents.tsv"), []byte("lost_card\t卡丢了\nlost_card 帮我挂失\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte("name: 示例银行\ngreetings:\n  zh: {text: 您好}\ncutoff: 0.5\n"), 0o600))
	out.Reset()
	assert.Equal(t, 1, checkFolder(ctx, dir, &out, &errs))
	assert.Empty(t, out.String())
	assert.Equal(t, "bot.yaml:4: unknown key cutoff\n"+
		"flows/lost_card.yaml:23: call freeze_card: no such action: declare it under actions in bot.yaml\n"+
		"intents.tsv:2: no TAB between intent and text\n", errs.String())
}

// TestFolderBotServed serves the bank folder bot, not the demo, and
// freezes a card through its HTTP action over the JSON API.
func TestFolderBotServed(t *testing.T) {
	ep := bankEndpoint(t)
	a, err := newApp(context.Background(), config{bot: bankFolder(t, ep.URL), data: t.TempDir()}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(func() {
		srv.Close()
		a.close(context.Background())
	})
	_, r := post(t, srv.URL, `{"session_id":"bank","text":"我的银行卡丢了"}`)
	assert.Contains(t, text(r), "卡号后四位")
	_, r = post(t, srv.URL, `{"session_id":"bank","text":"尾号6789"}`)
	assert.Contains(t, text(r), "确认冻结尾号 6789")
	_, r = post(t, srv.URL, `{"session_id":"bank","text":"确认"}`)
	assert.Contains(t, text(r), "已冻结您的尾号 6789 的借记卡，冻结编号 F-6789。")

	// The demo's pictures are not this bot's.
	resp, err := http.Get(srv.URL + "/demo/img/" + firstImage(t))
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotEqual(t, http.StatusOK, resp.StatusCode)
}
