package dialogue_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/flows"
)

// Conversation scripts live in testdata/scripts. A script is a list of
// lines:
//
//	# comment
//	now 2025-03-12T10:00:00+08:00      the time of the first turn
//	> 我要退货 [intent=return_goods]     the customer says; attributes:
//	                                    intent=, conf= (0.9 with an intent),
//	                                    event=, wait= (time since the last
//	                                    turn, 1m by default)
//	< ask order_id: 好的，请提供…         an action, as Action.String gives it;
//	                                    a trailing "..." matches a prefix
//	= state confirm                     the session after the turn: flow,
//	                                    state, slot NAME VALUE, retries, turns
//
// Every action of a turn must be listed, in order.

type scriptTurn struct {
	line  int
	in    dialogue.Input
	want  []string
	check [][2]string
}

type script struct {
	name  string
	turns []scriptTurn
}

func parseScript(t *testing.T, path string) script {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := script{name: filepath.Base(path)}
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	first := true
	s := bufio.NewScanner(f)
	for ln := 1; s.Scan(); ln++ {
		line := strings.TrimRight(s.Text(), " ")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "now "):
			now, err = time.Parse(time.RFC3339, strings.TrimPrefix(line, "now "))
			require.NoError(t, err, "%s:%d", path, ln)
		case strings.HasPrefix(line, ">"):
			body := strings.TrimSpace(strings.TrimPrefix(line, ">"))
			in := dialogue.Input{}
			wait := time.Minute
			if i := strings.LastIndex(body, " ["); (i >= 0 || strings.HasPrefix(body, "[")) && strings.HasSuffix(body, "]") {
				if i < 0 {
					i = 0
				}
				attrs := strings.Fields(strings.Trim(body[i:], " []"))
				body = strings.TrimSpace(body[:i])
				for _, a := range attrs {
					k, v, _ := strings.Cut(a, "=")
					switch k {
					case "intent":
						in.Intent = v
						if in.Confidence == 0 {
							in.Confidence = 0.9
						}
					case "conf":
						in.Confidence, err = strconv.ParseFloat(v, 64)
						require.NoError(t, err, "%s:%d", path, ln)
					case "event":
						in.Event = v
					case "wait":
						wait, err = time.ParseDuration(v)
						require.NoError(t, err, "%s:%d", path, ln)
					default:
						t.Fatalf("%s:%d: unknown attribute %q", path, ln, k)
					}
				}
			}
			if !first {
				now = now.Add(wait)
			}
			first = false
			in.Text, in.Time = body, now
			sc.turns = append(sc.turns, scriptTurn{line: ln, in: in})
		case strings.HasPrefix(line, "<"):
			require.NotEmpty(t, sc.turns, "%s:%d: an action before any input", path, ln)
			tt := &sc.turns[len(sc.turns)-1]
			tt.want = append(tt.want, strings.TrimSpace(strings.TrimPrefix(line, "<")))
		case strings.HasPrefix(line, "="):
			require.NotEmpty(t, sc.turns, "%s:%d: a check before any input", path, ln)
			k, v, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "=")), " ")
			tt := &sc.turns[len(sc.turns)-1]
			tt.check = append(tt.check, [2]string{k, v})
		default:
			t.Fatalf("%s:%d: cannot read %q", path, ln, line)
		}
	}
	require.NoError(t, s.Err())
	return sc
}

// run plays the script, turn i on engines[i % len(engines)], all sharing
// session id.
func (sc script) run(t *testing.T, id string, engines ...*dialogue.Engine) {
	t.Helper()
	ctx := context.Background()
	for i, tt := range sc.turns {
		e := engines[i%len(engines)]
		acts, err := e.Step(ctx, id, tt.in)
		require.NoError(t, err, "%s:%d", sc.name, tt.line)
		got := make([]string, len(acts))
		for j, a := range acts {
			got[j] = a.String()
		}
		if !matchActions(tt.want, got) {
			t.Fatalf("%s:%d: > %s\nwant:\n\t%s\ngot:\n\t%s", sc.name, tt.line, tt.in.Text,
				strings.Join(tt.want, "\n\t"), strings.Join(got, "\n\t"))
		}
		if len(tt.check) == 0 {
			continue
		}
		s, err := e.Session(ctx, id)
		require.NoError(t, err)
		for _, c := range tt.check {
			where := fmt.Sprintf("%s:%d: = %s %s", sc.name, tt.line, c[0], c[1])
			switch c[0] {
			case "flow":
				assert.Equal(t, strings.TrimPrefix(c[1], "-"), s.Flow, where)
			case "state":
				assert.Equal(t, c[1], s.State, where)
			case "slot":
				name, val, _ := strings.Cut(c[1], " ")
				assert.Equal(t, val, s.Slots[name].Text, where)
			case "retries":
				assert.Equal(t, c[1], strconv.Itoa(s.Retries), where)
			case "turns":
				assert.Equal(t, c[1], strconv.Itoa(s.Turns), where)
			default:
				t.Fatalf("%s: unknown check", where)
			}
		}
	}
}

func matchActions(want, got []string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if p, ok := strings.CutSuffix(want[i], "..."); ok {
			if !strings.HasPrefix(got[i], p) {
				return false
			}
		} else if want[i] != got[i] {
			return false
		}
	}
	return true
}

// orderStatus is the operator function of the order-status flow in tests.
func orderStatus(_ context.Context, c dialogue.Call) (dialogue.Result, error) {
	switch id := c.Slots["order_id"].Text; id {
	case "202503051234":
		return dialogue.Result{Say: "Order " + id + " shipped on " + c.Time.AddDate(0, 0, -1).Format("January 2") +
			" and arrives in 2 days.", Event: "shipped"}, nil
	case "202503050000":
		return dialogue.Result{Say: "Order " + id + " was delivered yesterday.", Event: "delivered"}, nil
	case "999999999999":
		return dialogue.Result{}, errors.New("order service unreachable")
	}
	return dialogue.Result{Event: "not_found"}, nil
}

func testFlows(t testing.TB) []*dialogue.Flow {
	t.Helper()
	fs, err := flows.Load()
	require.NoError(t, err)
	return fs
}

func newTestEngine(t testing.TB, store dialogue.Store) *dialogue.Engine {
	t.Helper()
	e, err := dialogue.NewEngine(testFlows(t), dialogue.Options{
		Store: store,
		Funcs: map[string]dialogue.Func{"order_status": orderStatus},
	})
	require.NoError(t, err)
	return e
}

func scripts(t *testing.T) []script {
	paths, err := filepath.Glob("testdata/scripts/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	var out []script
	for _, p := range paths {
		out = append(out, parseScript(t, p))
	}
	return out
}

func TestScripts(t *testing.T) {
	for _, sc := range scripts(t) {
		t.Run(sc.name, func(t *testing.T) {
			sc.run(t, "s-"+sc.name, newTestEngine(t, dialogue.NewMemoryStore(dialogue.MemoryOptions{})))
		})
	}
}
