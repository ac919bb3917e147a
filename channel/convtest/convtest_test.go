package convtest_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
)

const suite = `
conversations:
  - name: fee question
    turns:
      - say: 挂失要收费吗？
        expect: {entry: lost-fee, flow: "", text: [免费, 挂失], not_text: 冻结}
  - name: lost card
    turns:
      - say: 我卡丢了
        expect: {intent: lost_card, flow: lost_card, state: ask}
      - say: "1234"
        wait: 2m
        expect:
          slots: {last4: "1234"}
          no_action: true
      - say: 确认
        lang: zh
        expect: {steps: [call freeze_card], handoff: false, lang: zh}
`

// bank answers like a bot that explains itself.
func bank(_ context.Context, m channel.Message) (channel.Reply, error) {
	x := &channel.Explanation{Lang: "zh"}
	r := channel.Reply{Explanation: x}
	switch m.Text {
	case "挂失要收费吗？":
		r.Parts = []channel.Part{channel.Text("挂失免费。")}
		x.Entry = &channel.EntryMatch{ID: "lost-fee", Confidence: 1}
	case "我卡丢了":
		r.Parts = []channel.Part{channel.Text("请提供卡号后四位。")}
		x.Intent, x.Flow, x.State = "lost_card", "lost_card", "ask"
	case "1234":
		x.Flow, x.State, x.Slots = "lost_card", "ask", map[string]string{"last4": "1234"}
	case "确认":
		x.Steps = []string{"call freeze_card", "end completed"}
	}
	if m.Meta["lang"] != "" {
		x.Lang = m.Meta["lang"]
	}
	return r, nil
}

func TestRunPasses(t *testing.T) {
	s, err := convtest.Parse("bank.yaml", []byte(suite))
	require.NoError(t, err)
	require.Len(t, s.Conversations, 2)
	assert.Equal(t, 3, len(s.Conversations[1].Turns))
	rep := convtest.Run(context.Background(), channel.HandlerFunc(bank), convtest.Options{}, s)
	assert.Equal(t, 2, rep.Passed)
	assert.Zero(t, rep.Failed)
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	assert.Contains(t, b.String(), "PASS  bank.yaml: lost card")
	assert.Contains(t, b.String(), "2 of 2 conversations passed (100.0 %)")
}

func TestRunReportsEveryFailure(t *testing.T) {
	s, err := convtest.Parse("bank.yaml", []byte(strings.NewReplacer(
		"entry: lost-fee", "entry: other", "state: ask", "state: confirm", "call freeze_card", "ticket x").Replace(suite)))
	require.NoError(t, err)
	// A bot that acts on the side: no_action fails too.
	h := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		r, _ := bank(ctx, m)
		if m.Text == "1234" {
			r.Explanation.Steps = []string{"call freeze_card"}
		}
		return r, nil
	})
	rep := convtest.Run(context.Background(), h, convtest.Options{}, s)
	assert.Equal(t, 0, rep.Passed)
	assert.Equal(t, 2, rep.Failed)
	var whats []string
	for _, r := range rep.Results {
		for _, f := range r.Failures {
			whats = append(whats, f.What)
		}
	}
	assert.Contains(t, whats, `entry: want "other", got "lost-fee"`)
	assert.Contains(t, whats, `state: want "confirm", got "ask"`)
	assert.Contains(t, whats, `no_action: the turn did "call freeze_card"`)
	assert.Contains(t, whats, `steps: want "ticket x" among ["call freeze_card" "end completed"]`)
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	assert.Contains(t, b.String(), "0 of 2 conversations passed (0.0 %)")
}

func TestRunNeedsExplanations(t *testing.T) {
	s, err := convtest.Parse("x.yaml", []byte("conversations:\n  - name: a\n    turns:\n      - {say: hi, expect: {flow: x}}\n"))
	require.NoError(t, err)
	rep := convtest.Run(context.Background(), channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.TextReply("hi"), nil
	}), convtest.Options{}, s)
	require.Equal(t, 1, rep.Failed)
	assert.Contains(t, rep.Results[0].Failures[0].What, "no explanation")
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"", "x.yaml:1: empty file"},
		{"- a", "x.yaml:1: a conversation file is a mapping"},
		{"conversations: []", "no conversations"},
		{"conversation: []", `x.yaml:1: unknown field "conversation"`},
		{"conversations:\n  - name: a\n    turns:\n      - say: hi\n        expect: {flw: x}\n", `x.yaml:5: unknown field "flw"`},
		{"conversations:\n  - name: a\n    turns:\n      - expect: {flow: x}\n", "x.yaml:4: a turn needs something to say"},
		{"conversations:\n  - name: a\n    turns: []\n", `conversation "a" has no turns`},
		{"conversations:\n  - turns: [{say: hi}]\n", "a conversation needs a name"},
		{"conversations:\n  - {name: a, turns: [{say: hi}]}\n  - {name: a, turns: [{say: hi}]}\n", `x.yaml:3: conversation "a" is also on line 2`},
		{"conversations:\n  - name: a\n    turns:\n      - {say: hi, wait: soon}\n", `wait: want a duration`},
		{"conversations:\n  - name: a\n    turns:\n      - {say: hi, expect: {handoff: maybe}}\n", "want true or false"},
		{"conversations: [", "x.yaml:1:"},
	} {
		_, err := convtest.Parse("x.yaml", []byte(tc.yaml))
		require.Error(t, err, tc.yaml)
		assert.Contains(t, err.Error(), tc.want, tc.yaml)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(suite))
	f.Add([]byte("conversations:\n  - {name: a, turns: [{say: hi, expect: {slots: {a: b}}}]}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := convtest.Parse("f.yaml", b)
		if err != nil {
			if s != nil {
				t.Fatal("a suite and an error")
			}
			return
		}
		for _, c := range s.Conversations {
			if c.Name == "" || len(c.Turns) == 0 {
				t.Fatalf("accepted %+v", c)
			}
		}
	})
}
