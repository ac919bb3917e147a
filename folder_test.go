package kefu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/channel/webhook"
	"github.com/kefuai/kefu/dialogue"
)

const bankSecret = "test-bank-secret"

// folderFS reads the files of dir into memory, so that a test can change
// them.
func folderFS(t testing.TB, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path.Join(dir, p))
		m[p] = &fstest.MapFile{Data: b}
		return err
	}))
	return m
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// bankEndpoint is the bank's freeze_card endpoint: it verifies the
// signature and freezes cards ending 6789; a card ending 0000 does not
// exist, 5000 makes it fail with a 500, 7777 makes it too slow, 1111 makes
// it answer something that is not JSON, 2222 makes it report an error.
type bankEndpoint struct {
	*httptest.Server
	mu    sync.Mutex
	calls []httpActionRequest
}

func newBankEndpoint(t testing.TB) *bankEndpoint {
	e := &bankEndpoint{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.VerifyRequest(r, []byte(bankSecret), time.Minute)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var req httpActionRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.calls = append(e.calls, req)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch req.Slots["last4"] {
		case "6789":
			card := "尾号 6789 的借记卡"
			if req.Lang == "en" {
				card = "debit card ending 6789"
			}
			json.NewEncoder(w).Encode(map[string]any{"event": "frozen", "slots": map[string]string{"card": card, "reference": "F-6789"}})
		case "0000":
			w.Write([]byte(`{"event":"not_found"}`))
		case "5000":
			http.Error(w, "database down", http.StatusInternalServerError)
		case "7777":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "1111":
			w.Write([]byte(`<html>oops</html>`))
		case "2222":
			w.Write([]byte(`{"ok":false,"error":"card service closed for maintenance"}`))
		}
	}))
	t.Cleanup(e.Close)
	return e
}

// loadBankFolder loads testdata/folderbot with its action pointing at
// endpoint.
func loadBankFolder(t testing.TB, endpoint string) *Folder {
	t.Helper()
	m := folderFS(t, "testdata/folderbot")
	m["bot.yaml"].Data = []byte(strings.Replace(string(m["bot.yaml"].Data), "http://127.0.0.1:8089/kefu/freeze_card", endpoint+"/freeze", 1))
	f, err := LoadFolder(context.Background(), m, FolderOptions{Getenv: env(map[string]string{"BANK_ACTION_SECRET": bankSecret})})
	require.NoError(t, err)
	return f
}

// TestFolderBot loads the bank folder bot, serves it through the JSON API
// and runs its conversation tests, whose lost-card flow freezes the card
// through the bank's HTTP endpoint; then the failures of the endpoint.
func TestFolderBot(t *testing.T) {
	ctx := context.Background()
	ep := newBankEndpoint(t)
	f := loadBankFolder(t, ep.URL)
	assert.Equal(t, "示例银行", f.Name)
	assert.Len(t, f.Entries, 22)
	assert.Len(t, f.Flows, 1)
	assert.Contains(t, f.Funcs, "freeze_card")
	assert.Equal(t, [][]string{{"银行卡", "储蓄卡", "借记卡"}, {"额度", "信用额度"}}, f.Synonyms)
	assert.Equal(t, 0.5, f.MinConfidence)

	bot, err := f.NewBot(ctx, FolderStores{})
	require.NoError(t, err)
	defer bot.Close()
	srv := httptest.NewServer(httpapi.New(bot, httpapi.Options{Explain: true}))
	defer srv.Close()

	suites, err := convtest.Load(f.Conversations, "*.yaml")
	require.NoError(t, err)
	convtest.RunTest(t, httpapi.NewClient(srv.URL+httpapi.Path, nil), convtest.Options{}, suites...)
	require.NotEmpty(t, ep.calls, "the endpoint was called")
	c := ep.calls[0]
	assert.Equal(t, "freeze_card", c.Action)
	assert.Equal(t, "lost_card", c.Flow)
	assert.Equal(t, "freeze", c.State)
	assert.Equal(t, "zh", c.Lang)
	assert.Equal(t, "6789", c.Slots["last4"])

	// The failures: each hands the customer to a person, since the flow
	// has no transition on "error".
	for _, last4 := range []string{"5000", "7777", "1111", "2222"} {
		t.Run(last4, func(t *testing.T) {
			sid := "fail-" + last4
			now := time.Now()
			var r channel.Reply
			for _, text := range []string{"我的银行卡丢了", "尾号" + last4, "确认"} {
				now = now.Add(time.Second)
				r, err = bot.Handle(ctx, channel.Message{SessionID: sid, Text: text, Time: now, Explain: true})
				require.NoError(t, err)
			}
			assert.True(t, r.Handoff, "%s: %s", last4, r.PlainText())
			assert.Equal(t, channel.HandoffFunctionFailed, r.HandoffReason)
		})
	}
}

// testFolder returns a small valid folder with the files of over
// replacing or adding to it (an empty string removes a file).
func testFolder(over map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"bot.yaml":         {Data: []byte("name: 测试\nactions:\n  lookup:\n    url: https://ops.example.com/lookup\n    secret_env: LOOKUP_SECRET\n")},
		"intents.tsv":      {Data: []byte("greet\t你好\ngreet\t您好\norder_status\t我的快递到哪了\norder_status\t查一下订单\n")},
		"faq.csv":          {Data: []byte("id,question,answer\nhours,几点营业？,每天 9 点到 18 点。\n")},
		"flows/order.yaml": {Data: []byte("name: order\nintents: [order_status]\nstates:\n  - name: look\n    do:\n      - call: lookup\n")},
	}
	for k, v := range over {
		if v == "" {
			delete(m, k)
			continue
		}
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func loadTestFolder(over map[string]string) (*Folder, error) {
	return LoadFolder(context.Background(), testFolder(over), FolderOptions{Getenv: env(map[string]string{"LOOKUP_SECRET": "s"})})
}

// TestLoadFolderProblems checks each kind of problem in a folder: the
// message names the file and the line, and nothing is loaded.
func TestLoadFolderProblems(t *testing.T) {
	f, err := loadTestFolder(nil)
	require.NoError(t, err, "the base folder is valid")
	require.Len(t, f.Entries, 1)
	require.Len(t, f.Examples, 4)

	for _, c := range []struct {
		name string
		over map[string]string
		want []string
	}{
		{"bad TSV lines, every one", map[string]string{"intents.tsv": "greet\t你好\ngreet 您好\norder_status\t我的快递到哪了\n\t没有意图\norder_status\t查一下订单\n"},
			[]string{"intents.tsv:2: no TAB between intent and text", "intents.tsv:4: empty intent"}},
		{"one intent", map[string]string{"intents.tsv": "order_status\t我的快递到哪了\n"},
			[]string{"intents.tsv: examples of at least two intents are needed"}},
		{"missing intents", map[string]string{"intents.tsv": ""}, []string{"intents.tsv: missing"}},
		{"bad CSV quoting", map[string]string{"faq.csv": "id,question,answer\nhours,几点营业？,每天 9 点\nx,\"unclosed,y\n"},
			[]string{"faq.csv:3: extraneous or missing \" in quoted-field"}},
		{"bad CSV entry after a multi-line cell", map[string]string{"faq.csv": "id,question,similar,answer,enabled\nhours,几点营业？,\"几点开门\n几点关门\",每天 9 点,\nmaybe,今天营业吗？,,营业,maybe\n"},
			[]string{"faq.csv:4: row 3: enabled: "}},
		{"bad JSON FAQ", map[string]string{"faq.csv": "", "faq.json": "[\n  {\"id\": \"a\", \"question\": \"q\", \"answer\": {\"text\": \"t\"}},\n  {\"id\": \"a\", \"question\": \"q2\", \"answer\": {\"text\": \"t\"}}\n]\n"},
			[]string{"faq.json:3: entry 2: id: "}},
		{"two knowledge bases", map[string]string{"faq.json": "[]"}, []string{"faq.csv: two knowledge bases (faq.json, faq.csv)"}},
		{"bad flow YAML", map[string]string{"flows/order.yaml": "name: order\nintents: [order_status]\nstates:\n  - name: look\n    do:\n      - call: lookup\n\t- say: tab\n"},
			[]string{"flows/order.yaml:6: found a tab character"}},
		{"flow with an unknown key", map[string]string{"flows/order.yaml": "name: order\nintents: [order_status]\nstates:\n  - name: look\n    colect: [x]\n    do:\n      - call: lookup\n"},
			[]string{"flows/order.yaml:5:"}},
		{"flow calling an unknown action", map[string]string{"flows/order.yaml": "name: order\nintents: [order_status]\nstates:\n  - name: look\n    do:\n      - say: 好的\n      - call: lookup_order\n"},
			[]string{"flows/order.yaml:7: call lookup_order: no such action"}},
		{"flow on an unknown intent", map[string]string{"flows/order.yaml": "name: order\nintents:\n  - order_status\n  - order_stauts\nstates:\n  - name: look\n    do:\n      - call: lookup\n"},
			[]string{"flows/order.yaml:4: intent order_stauts: not in intents.tsv"}},
		{"unknown config key", map[string]string{"bot.yaml": "name: 测试\ngreeting:\n  zh: {text: 你好}\n"},
			[]string{"bot.yaml:2: unknown key greeting", "flows/order.yaml:6: call lookup: no such action"}},
		{"bad config YAML", map[string]string{"bot.yaml": "name: [测试\n"}, []string{"bot.yaml:1:"}},
		{"config problems, every one", map[string]string{"bot.yaml": "name: 测试\nmin_confidence: 1.5\ntitles:\n  refund: {zh: 怎么退款？}\ngreetings:\n  fr: {text: bonjour}\nactions:\n  lookup:\n    url: http://ops.example.com/lookup\n    secret_env: NOT_SET\n    timeout: 1h\n"},
			[]string{"bot.yaml:2: min_confidence", "bot.yaml:4: titles: unknown intent \"refund\"", "bot.yaml:6: greetings: language \"fr\"",
				"bot.yaml:9: actions.lookup.url: \"http://ops.example.com/lookup\": plain http only to this machine",
				"bot.yaml:10: actions.lookup.secret_env: the environment variable NOT_SET is not set",
				"bot.yaml:11: actions.lookup.timeout"}},
		{"action without a secret", map[string]string{"bot.yaml": "name: 测试\nactions:\n  lookup:\n    url: https://ops.example.com/lookup\n"},
			[]string{"bot.yaml:3: actions.lookup.secret_env: missing"}},
		{"missing config", map[string]string{"bot.yaml": ""}, []string{"bot.yaml: missing"}},
		{"bad synonyms", map[string]string{"synonyms.txt": "# groups\n退款, 退钱\n运费\n"}, []string{"synonyms.txt:3: a group needs two words"}},
		{"bad rules", map[string]string{"rules.yaml": "- name: order number\n  intent: order_status\n  pattern: '(unclosed'\n- name: nothing\n  intent: greet\n"},
			[]string{"rules.yaml:3: rule 1: pattern:", "rules.yaml:4: rule 2: neither keywords nor a pattern"}},
		{"static outside the folder", map[string]string{"bot.yaml": "name: 测试\nstatic:\n  /img/: ../img\nactions:\n  lookup: {url: 'https://x.example/', secret_env: LOOKUP_SECRET}\n"},
			[]string{"bot.yaml:3: static./img/"}},
		{"bad conversation file", map[string]string{"conversations/a.yaml": "conversations:\n  - name: no turns\n"},
			[]string{`conversations/a.yaml:2: conversation "no turns" has no turns`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := loadTestFolder(c.over)
			require.Error(t, err)
			assert.Nil(t, f, "nothing is loaded")
			var fe *FolderError
			require.True(t, errors.As(err, &fe), "%v", err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Len(t, fe.Problems, len(c.want), "%v", err)
		})
	}
}

// TestLoadFolderFuncs checks that a flow may call the program's Go
// functions, and that an action may not take one's name.
func TestLoadFolderFuncs(t *testing.T) {
	over := map[string]string{"bot.yaml": "name: 测试\n"}
	_, err := loadTestFolder(over)
	require.ErrorContains(t, err, "flows/order.yaml:6: call lookup: no such action")
	lookup := func(context.Context, dialogue.Call) (dialogue.Result, error) { return dialogue.Result{}, nil }
	f, err := LoadFolder(context.Background(), testFolder(over), FolderOptions{Funcs: map[string]dialogue.Func{"lookup": lookup}})
	require.NoError(t, err)
	assert.Contains(t, f.Funcs, "lookup")
	_, err = LoadFolder(context.Background(), testFolder(nil), FolderOptions{
		Funcs:  map[string]dialogue.Func{"lookup": lookup},
		Getenv: env(map[string]string{"LOOKUP_SECRET": "s"}),
	})
	require.ErrorContains(t, err, "bot.yaml:3: actions: \"lookup\" is the name of a function of the program")
}

// FuzzLoadFolder feeds arbitrary bot.yaml, intents.tsv, synonyms.txt and
// flow files to LoadFolder: it must return a folder or a *FolderError
// whose problems name a file, never panic.
func FuzzLoadFolder(f *testing.F) {
	base := testFolder(nil)
	f.Add(string(base["bot.yaml"].Data), string(base["intents.tsv"].Data), "退款, 退钱\n", string(base["flows/order.yaml"].Data))
	f.Add("name: x\nactions: {a: {url: 'http://[::1]/', secret_env: LOOKUP_SECRET, timeout: 1s}}\n", "a\tb\nc\td\n", "a", "name: [")
	f.Add("greetings: {zh: {quick_replies: ['']}}\nstatic: {/x/: .}\n", "\xff\tx\n", ",,\t", "states: [{do: [{call: 7}]}]")
	f.Fuzz(func(t *testing.T, cfg, intents, synonyms, flow string) {
		m := testFolder(map[string]string{"bot.yaml": cfg, "intents.tsv": intents, "synonyms.txt": synonyms, "flows/order.yaml": flow})
		folder, err := LoadFolder(context.Background(), m, FolderOptions{Getenv: env(map[string]string{"LOOKUP_SECRET": "s"})})
		if err == nil {
			if folder == nil || folder.Name == "" {
				t.Fatal("a folder without a name loaded")
			}
			return
		}
		var fe *FolderError
		if !errors.As(err, &fe) || len(fe.Problems) == 0 {
			t.Fatalf("not a FolderError: %v", err)
		}
		for _, p := range fe.Problems {
			if p.File == "" || p.Msg == "" {
				t.Fatalf("problem without a file or message: %+v", p)
			}
		}
	})
}

// A workbook FAQ loads like the others; its problems name the cell.
func TestLoadFolderXLSX(t *testing.T) {
	book := func(rows [][]any) string {
		x := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			require.NoError(t, x.SetSheetRow("Sheet1", cell, &r))
		}
		var b bytes.Buffer
		require.NoError(t, x.Write(&b))
		return b.String()
	}
	f, err := loadTestFolder(map[string]string{"faq.csv": "", "faq.xlsx": book([][]any{
		{"id", "question", "answer"}, {"hours", "几点营业？", "每天 9 点到 18 点。"}, {"address", "店在哪里？", "人民路 88 号。"},
	})})
	require.NoError(t, err)
	assert.Len(t, f.Entries, 2)

	_, err = loadTestFolder(map[string]string{"faq.csv": "", "faq.xlsx": book([][]any{
		{"id", "question", "answer", "enabled"}, {"hours", "几点营业？", "每天 9 点到 18 点。", "maybe"},
	})})
	require.ErrorContains(t, err, "faq.xlsx:D2: row 2: enabled: ")
}
