package kefu

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/adminauth"
	"github.com/kefuai/kefu/analytics/audit"
	abolt "github.com/kefuai/kefu/analytics/boltstore"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type adminEnv struct {
	*botEnv
	srv         *httptest.Server
	transcripts analytics.Store
	sessions    dialogue.Store
	events      *analytics.Dispatcher
	auditLog    *audit.FileLog
	base        *kb.Base
}

const (
	opsToken = "ops-token-0123456789abcdef"
	dpoToken = "dpo-token-0123456789abcdef"
)

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	transcripts, err := abolt.Open(filepath.Join(dir, "events.db"), abolt.Options{NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { transcripts.Close() })
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	require.NoError(t, d.AddDurable("transcripts", analytics.StoreHook(transcripts), analytics.DurableOptions{Dir: filepath.Join(dir, "wal")}))
	t.Cleanup(func() { d.Close(context.Background()) })

	_, entries := fixtures(t)
	st := kb.NewMemoryStore()
	_, err = st.Write(ctx, kb.Batch{Author: "test", Put: entries})
	require.NoError(t, err)
	base, err := kb.Open(ctx, st, kb.Options{NoLearn: true})
	require.NoError(t, err)
	t.Cleanup(func() { base.Close() })

	sessions := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	env := newTestBot(t, sessions, WithEvents(d), WithKnowledge(base))
	t.Cleanup(func() { env.bot.Close() })

	log, err := audit.OpenFile(filepath.Join(dir, "audit.jsonl"), audit.FileOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { log.Close() })
	auth, err := adminauth.New([]adminauth.Token{
		{Name: "ops", Secret: opsToken, Scopes: []string{adminauth.ScopeKnowledge, adminauth.ScopeReports, adminauth.ScopeReview}},
		{Name: "dpo", Secret: dpoToken, Scopes: []string{adminauth.ScopeExport, adminauth.ScopeErase, adminauth.ScopeAudit}},
	}, adminauth.Options{})
	require.NoError(t, err)
	admin, err := NewAdmin(AdminOptions{Auth: auth, Audit: log, Knowledge: base, Transcripts: transcripts,
		Sessions: sessions, Events: d, Bot: env.bot, Reports: analytics.ReportOptions{Location: time.UTC}})
	require.NoError(t, err)
	srv := httptest.NewServer(admin.Handler())
	t.Cleanup(srv.Close)
	return &adminEnv{botEnv: env, srv: srv, transcripts: transcripts, sessions: sessions, events: d, auditLog: log, base: base}
}

func (e *adminEnv) do(t *testing.T, method, path, token string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// waitStored waits until the transcript store holds n events of user.
func (e *adminEnv) waitStored(t *testing.T, user string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var buf bytes.Buffer
		require.NoError(t, e.transcripts.ExportUser(context.Background(), user, &buf))
		if strings.Count(buf.String(), "\n") >= n {
			return
		}
		require.True(t, time.Now().Before(deadline), "events never reached the transcript store")
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *adminEnv) chat(t *testing.T, user, session string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		_, err := e.bot.Handle(context.Background(), channel.Message{SessionID: session, UserID: user, Text: s, Channel: "web"})
		require.NoError(t, err)
	}
}

func TestAdminEraseAndExport(t *testing.T) {
	e := newAdminEnv(t)
	e.chat(t, "alice", "a1", "我的手机号是13812345678，运费多少钱", "我要退货")
	e.chat(t, "bob", "b1", "怎么开发票")
	e.waitStored(t, "alice", 8)
	e.waitStored(t, "bob", 4)

	code, _ := e.do(t, "GET", "/admin/users/alice/export", "", nil)
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = e.do(t, "GET", "/admin/users/alice/export", opsToken, nil)
	assert.Equal(t, http.StatusForbidden, code, "the ops token has no export scope")

	code, body := e.do(t, "GET", "/admin/users/alice/export", dpoToken, nil)
	require.Equal(t, http.StatusOK, code)
	out := string(body)
	assert.Contains(t, out, `"type":"event"`)
	assert.Contains(t, out, `"type":"session"`, "the live session state is exported too")
	assert.Contains(t, out, "运费多少钱")
	assert.True(t, strings.HasPrefix(lastLine(out), `{"type":"end","events":`), "an export ends with its end line")
	assert.NotContains(t, out, "13812345678", "stored text is redacted")
	assert.NotContains(t, out, "bob")

	code, body = e.do(t, "DELETE", "/admin/users/alice", dpoToken, nil)
	require.Equal(t, http.StatusOK, code, string(body))
	var er Erasure
	require.NoError(t, json.Unmarshal(body, &er))
	assert.Equal(t, 1, er.Sessions)
	assert.GreaterOrEqual(t, er.Events, int64(8))

	// The idle sweep must not bring alice back.
	assert.Equal(t, 1, e.bot.EndIdleSessions(e.now.Add(time.Hour)), "bob's session ends, alice's was forgotten")
	e.waitStored(t, "bob", 5)
	_, body = e.do(t, "GET", "/admin/users/alice/export", dpoToken, nil)
	assert.Equal(t, `{"type":"end","events":0}`, strings.TrimSpace(string(body)), "nothing of alice is left")
	_, err := e.sessions.Get(context.Background(), "a1")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
	_, err = e.sessions.Get(context.Background(), stateKey("a1"))
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
	_, body = e.do(t, "GET", "/admin/users/bob/export", dpoToken, nil)
	assert.Contains(t, string(body), "怎么开发票", "other users keep their data")

	code, body = e.do(t, "GET", "/admin/export", dpoToken, nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `"type":"entry"`, "a full export holds the knowledge base")
	assert.Contains(t, string(body), "怎么开发票")

	code, body = e.do(t, "GET", "/admin/audit/verify", dpoToken, nil)
	require.Equal(t, http.StatusOK, code, string(body))
	var actions []string
	require.NoError(t, e.auditLog.Scan(context.Background(), 1, func(r audit.Record) error {
		actions = append(actions, r.Actor+" "+r.Action+" "+r.Target)
		return nil
	}))
	assert.Equal(t, []string{
		"dpo data.export_user alice", "dpo data.erase_user alice", "dpo data.export_user alice",
		"dpo data.export_user bob", "dpo data.export_all *",
	}, actions)
}

func TestAdminKnowledge(t *testing.T) {
	e := newAdminEnv(t)
	entry := `{"id":"gift-wrap","question":"可以包装成礼物吗？","similar":["礼品包装"],"enabled":true,"answer":{"text":"下单时勾选礼品包装即可。"}}`
	code, body := e.do(t, "PUT", "/admin/kb/entries/gift-wrap", opsToken, strings.NewReader(entry))
	require.Equal(t, http.StatusOK, code, string(body))
	e.bot.SetIntents(nil) // the knowledge base alone answers
	assert.Contains(t, texts(e.say(t, "k1", "可以包装成礼物吗")), "礼品包装", "an edit is searchable at once")

	code, _ = e.do(t, "PUT", "/admin/kb/entries/gift-wrap", opsToken, strings.NewReader(entry))
	assert.Equal(t, http.StatusConflict, code, "version 0 means new: a second create conflicts")

	code, body = e.do(t, "GET", "/admin/kb/entries/gift-wrap", opsToken, nil)
	require.Equal(t, http.StatusOK, code)
	var got kb.Entry
	require.NoError(t, json.Unmarshal(body, &got))
	assert.Equal(t, int64(1), got.Version)

	code, _ = e.do(t, "DELETE", "/admin/kb/entries/gift-wrap?version=1", opsToken, nil)
	assert.Equal(t, http.StatusOK, code)
	code, _ = e.do(t, "GET", "/admin/kb/entries/gift-wrap", opsToken, nil)
	assert.Equal(t, http.StatusNotFound, code)

	bad := "id,question,similar,answer_text\nx,,,\n"
	code, body = e.do(t, "POST", "/admin/kb/import?format=csv", opsToken, strings.NewReader(bad))
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "nothing imported")

	code, body = e.do(t, "GET", "/admin/kb/export?format=csv", opsToken, nil)
	require.Equal(t, http.StatusOK, code)
	code, body = e.do(t, "POST", "/admin/kb/import?format=csv", opsToken, bytes.NewReader(body))
	assert.Equal(t, http.StatusOK, code, "an export imports back: %s", body)
	code, _ = e.do(t, "GET", "/admin/kb/entries", dpoToken, nil)
	assert.Equal(t, http.StatusForbidden, code)
}

func TestAdminReportsAndReview(t *testing.T) {
	e := newAdminEnv(t)
	e.chat(t, "u1", "r1", "运费多少钱", "怎么开发票")
	e.chat(t, "u2", "r2", "你好")
	e.waitStored(t, "u2", 4)
	e.waitStored(t, "u1", 8)
	period := e.now.Format("2006-01")

	code, body := e.do(t, "GET", "/admin/reports?period="+period+"&format=json", opsToken, nil)
	require.Equal(t, http.StatusOK, code, string(body))
	var rep analytics.Report
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, 3, rep.Volume.MessagesIn)
	assert.Equal(t, 2, rep.Volume.Sessions)
	assert.Equal(t, 2, rep.Volume.UniqueUsers)

	code, body = e.do(t, "GET", "/admin/review/sample?period="+period, opsToken, nil)
	require.Equal(t, http.StatusOK, code, string(body))
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4, "a header and three recognized turns")
	gold, pred := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "gold":
			gold = i
		case "predicted":
			pred = i
		}
	}
	require.True(t, gold >= 0 && pred >= 0, "columns: %v", rows[0])
	for _, r := range rows[1:] {
		r[gold] = r[pred] // a reviewer agreeing with every prediction
	}
	var sheet bytes.Buffer
	require.NoError(t, csv.NewWriter(&sheet).WriteAll(rows))
	code, body = e.do(t, "POST", "/admin/review/report?format=json", opsToken, &sheet)
	require.Equal(t, http.StatusOK, code, string(body))
	var acc struct {
		Accuracy        float64 `json:"accuracy"`
		Examples        int     `json:"n_examples"`
		Threshold       float64 `json:"threshold"`
		ThresholdSource string  `json:"threshold_source"`
	}
	require.NoError(t, json.Unmarshal(body, &acc))
	assert.Equal(t, 3, acc.Examples)
	assert.InDelta(t, 1, acc.Accuracy, 1e-9)
	// The report says what threshold the bot's model rejects with.
	m, _ := fixtures(t)
	assert.Equal(t, m.Info().ThresholdSource, acc.ThresholdSource)
	assert.InDelta(t, m.Info().Threshold, acc.Threshold, 1e-6)
	assert.NotEmpty(t, acc.ThresholdSource)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
