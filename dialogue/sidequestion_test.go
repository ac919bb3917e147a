package dialogue_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
)

// lostCard is a bank's lost-card flow: the last four digits, a
// confirmation, then a call that freezes the card.
func lostCard(relaxed bool) *dialogue.Flow {
	return &dialogue.Flow{
		Name: "lost_card", Intents: []string{"lost_card"}, RelaxedConfirm: relaxed,
		Slots: []dialogue.Slot{{Name: "last4", Type: dialogue.SlotRegex, Pattern: `\b(\d{4})\b`, Prompt: "请提供卡号后四位。"}},
		States: []dialogue.State{
			{Name: "ask", Collect: []string{"last4"}, Confirm: "确认冻结尾号 {last4} 的银行卡吗？", Transitions: []dialogue.Transition{
				{Event: dialogue.EventYes, To: "freeze"}, {Event: dialogue.EventNo, To: "kept"}}},
			{Name: "freeze", Do: []dialogue.Do{{Call: "freeze"}, {Say: "已冻结。"}}},
			{Name: "kept", Do: []dialogue.Do{{Say: "好的，没有冻结。"}}},
		},
	}
}

type cardBank struct {
	e      *dialogue.Engine
	frozen atomic.Int32
	t      *testing.T
	now    time.Time
}

func newCardBank(t *testing.T, relaxed bool) *cardBank {
	b := &cardBank{t: t, now: t0}
	e, err := dialogue.NewEngine([]*dialogue.Flow{lostCard(relaxed)}, dialogue.Options{Funcs: map[string]dialogue.Func{
		"freeze": func(context.Context, dialogue.Call) (dialogue.Result, error) {
			b.frozen.Add(1)
			return dialogue.Result{}, nil
		}}})
	require.NoError(t, err)
	b.e = e
	return b
}

// say steps session s; answerable says whether the knowledge base
// answers the text.
func (b *cardBank) say(s, text, intent string, conf float64, answerable bool) []string {
	b.t.Helper()
	b.now = b.now.Add(time.Minute)
	acts, err := b.e.Step(context.Background(), s, dialogue.Input{Text: text, Intent: intent, Confidence: conf, Time: b.now,
		Answerable: func(bool) bool { return answerable }})
	require.NoError(b.t, err)
	var out []string
	for _, a := range acts {
		out = append(out, a.String())
	}
	return out
}

func (b *cardBank) retries(s string) int {
	b.t.Helper()
	sess, err := b.e.Session(context.Background(), s)
	require.NoError(b.t, err)
	return sess.Retries
}

func TestConfirmationNeverActsOnAMisread(t *testing.T) {
	for _, tc := range []struct {
		reply      string
		intent     string
		conf       float64
		answerable bool
		want       []string // the actions of the reply
	}{
		// A side question that opens with 对了 is answered, then the
		// question is asked again.
		{"对了，挂失要收费吗？", "lost_card", 0.9, true, []string{"answer: 对了，挂失要收费吗？", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"}},
		{"对了，你们几点下班", "", 0, false, []string{"answer: 对了，你们几点下班", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"}},
		// A yes that goes on to another request does nothing.
		{"好的，我还想改一下手机号", "change_phone", 0.9, false, []string{"answer change_phone: 好的，我还想改一下手机号", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"}},
		// Small talk the bot can answer.
		{"谢谢", "", 0, true, []string{"answer: 谢谢", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"}},
		// Not ready: the question stays open.
		{"先不要", "", 0, false, []string{"confirm: 好的，不着急。您想好了回复“确认”即可，或回复“不用了”取消。"}},
		{"等一下，我问问家里人", "", 0, false, []string{"confirm: 好的，不着急。您想好了回复“确认”即可，或回复“不用了”取消。"}},
		// A tentative yes to a step with side effects asks for an explicit one.
		{"应该是吧", "", 0, false, []string{"confirm: 为了安全，请回复“确认”继续，或回复“不用了”取消。确认冻结尾号 1234 的银行卡吗？"}},
		{"没有问题", "", 0, false, []string{"call freeze", "say: 已冻结。", "end completed"}},
		{"不是不要", "", 0, false, []string{"confirm: 请回复“是”或“不是”。确认冻结尾号 1234 的银行卡吗？"}},
		{"不用了", "", 0, false, []string{"say: 好的，没有冻结。", "end completed"}},
		// A yes on a condition, about another card, or with more to say
		// than a yes: nothing is frozen.
		{"好的，如果免费的话", "", 0, false, []string{"answer: 好的，如果免费的话", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"}},
		{"是的，冻结尾号5678的卡", "", 0, false, []string{"confirm: 确认冻结尾号 5678 的银行卡吗？"}}, // a corrected value, asked again
		{"好的，麻烦尽快处理", "", 0, false, []string{"confirm: 为了安全，请回复“确认”继续，或回复“不用了”取消。确认冻结尾号 1234 的银行卡吗？"}},
		{"ok how much does it cost", "", 0, false, []string{"answer: ok how much does it cost", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"}},
	} {
		t.Run(tc.reply, func(t *testing.T) {
			b := newCardBank(t, false)
			b.say("s", "我卡丢了", "lost_card", 0.95, false)
			got := b.say("s", "尾号1234", "", 0, false)
			require.Equal(t, []string{"confirm: 确认冻结尾号 1234 的银行卡吗？"}, got)
			assert.Equal(t, tc.want, b.say("s", tc.reply, tc.intent, tc.conf, tc.answerable))
			frozen := strings.HasPrefix(strings.Join(tc.want, "|"), "call freeze")
			assert.Equal(t, frozen, b.frozen.Load() == 1, "the card was frozen: %d", b.frozen.Load())
			if !strings.Contains(strings.Join(tc.want, "|"), "请回复") {
				assert.Equal(t, 0, b.retries("s"), "a side question or a wait spends no retry")
			}
		})
	}
}

func TestRelaxedConfirmAcceptsATentativeYes(t *testing.T) {
	b := newCardBank(t, true)
	b.say("s", "我卡丢了", "lost_card", 0.95, false)
	b.say("s", "1234", "", 0, false)
	assert.Equal(t, []string{"call freeze", "say: 已冻结。", "end completed"}, b.say("s", "应该是吧", "", 0, false))
	assert.EqualValues(t, 1, b.frozen.Load())

	// Without the relaxation the same reply asks again, and an explicit
	// yes then freezes the card.
	b = newCardBank(t, false)
	b.say("s", "我卡丢了", "lost_card", 0.95, false)
	b.say("s", "1234", "", 0, false)
	b.say("s", "应该是吧", "", 0, false)
	assert.EqualValues(t, 0, b.frozen.Load())
	assert.Equal(t, 1, b.retries("s"))
	assert.Equal(t, []string{"call freeze", "say: 已冻结。", "end completed"}, b.say("s", "确认", "", 0, false))
}

func TestSideQuestionsInsideAFlow(t *testing.T) {
	b := newCardBank(t, false)
	b.say("s", "我卡丢了", "lost_card", 0.95, false)
	// A question that the classifier files under the flow's own intent is
	// still a question: answered, no retry spent, the prompt again.
	assert.Equal(t, []string{"answer: 挂失要收费吗？", "ask last4: 回到刚才的问题：请提供卡号后四位。"},
		b.say("s", "挂失要收费吗？", "lost_card", 0.9, true))
	assert.Equal(t, 0, b.retries("s"))
	// A statement the knowledge base answers is a side question too.
	assert.Equal(t, []string{"answer: 补卡流程", "ask last4: 回到刚才的问题：请提供卡号后四位。"},
		b.say("s", "补卡流程", "", 0, true))
	assert.Equal(t, 0, b.retries("s"))
	// Something that neither answers nor asks is a failed answer.
	assert.Equal(t, []string{"ask last4: 抱歉，我没有理解您的回答。请提供卡号后四位。"}, b.say("s", "我在外地", "", 0, false))
	assert.Equal(t, 1, b.retries("s"))
}

func TestAQuestionAboutAFlowDoesNotStartIt(t *testing.T) {
	for _, tc := range []struct {
		text       string
		answerable bool
		starts     bool
	}{
		{"挂失要收费吗？", true, false},
		{"挂失要收费吗", true, false},
		{"how much does it cost to report a lost card?", true, false},
		// The knowledge base has no answer: the flow is the best there is.
		{"挂失要收费吗？", false, true},
		// Statements and requests start the flow.
		{"我卡丢了", true, true},
		{"能帮我挂失吗", true, true},
		{"怎么挂失", true, true},
		{"can you freeze my card?", true, true},
	} {
		b := newCardBank(t, false)
		got := b.say("s", tc.text, "lost_card", 0.9, tc.answerable)
		require.NotEmpty(t, got, tc.text)
		if tc.starts {
			assert.Equal(t, "ask last4: 请提供卡号后四位。", got[0], tc.text)
		} else {
			assert.Equal(t, []string{"answer: " + tc.text}, got, tc.text)
		}
	}
}

func TestCommandsInsideMessagesAndExtendedPhrases(t *testing.T) {
	for _, tc := range []struct {
		text    string
		globals dialogue.Globals
		cancels bool
	}{
		{"算了不办了", dialogue.Globals{}, true},
		{"不用了谢谢", dialogue.Globals{}, true},
		{"那算了吧", dialogue.Globals{}, true},
		{"算了，我自己去网点办", dialogue.Globals{}, true},
		{"cancel please", dialogue.Globals{}, true},
		{"怎么取消订单？", dialogue.Globals{}, false},
		{"取消订单要收费吗", dialogue.Globals{}, false},
		{"我在外地", dialogue.Globals{}, false},
		// An operator's phrase is added to the defaults.
		{"不整了", dialogue.Globals{CancelPhrases: []string{"不整了"}}, true},
		{"算了", dialogue.Globals{CancelPhrases: []string{"不整了"}}, true},
		// Or replaces them.
		{"算了", dialogue.Globals{CancelPhrases: []string{"不整了"}, NoDefaults: true}, false},
	} {
		e, err := dialogue.NewEngine([]*dialogue.Flow{lostCard(false)}, dialogue.Options{Globals: tc.globals,
			Funcs: map[string]dialogue.Func{"freeze": func(context.Context, dialogue.Call) (dialogue.Result, error) {
				return dialogue.Result{}, nil
			}}})
		require.NoError(t, err)
		ctx := context.Background()
		_, err = e.Step(ctx, "s", dialogue.Input{Text: "我卡丢了", Intent: "lost_card", Confidence: 0.9, Time: t0})
		require.NoError(t, err)
		acts, err := e.Step(ctx, "s", dialogue.Input{Text: tc.text, Time: t0.Add(time.Minute)})
		require.NoError(t, err)
		cancelled := len(acts) > 0 && acts[len(acts)-1].Kind == dialogue.ActionEnd && acts[len(acts)-1].Reason == dialogue.ReasonCancelled
		assert.Equal(t, tc.cancels, cancelled, "%s: %v", tc.text, acts)
	}
	assert.Contains(t, dialogue.DefaultGlobals().CancelPhrases, "算了")
}

func TestInfoQuestionAskedPolitely(t *testing.T) {
	for _, text := range []string{"我想问一下挂失要收费吗", "请问挂失收费吗？", "can you tell me if there is a fee?"} {
		b := newCardBank(t, false)
		assert.Equal(t, []string{"answer: " + text}, b.say("s", text, "lost_card", 0.9, true), text)
	}
}

func TestHandOffPhrasesInsideMessages(t *testing.T) {
	e, err := dialogue.NewEngine(nil, dialogue.Options{})
	require.NoError(t, err)
	for text, want := range map[string]bool{
		"帮我转人工吧": true, "我要找人工客服": true, "i want to talk to a person please": true, "human please": true,
		"不要转人工，你帮我冻结吧": false, "不要人工客服": false, "人工客服几点上班？": false,
		"my travel agent said the flight is delayed": false,
	} {
		acts, err := e.Step(context.Background(), "s-"+text, dialogue.Input{Text: text, Time: t0})
		require.NoError(t, err)
		got := len(acts) > 0 && acts[0].Kind == dialogue.ActionHandoff
		assert.Equal(t, want, got, "%s: %v", text, acts)
	}
}

// Another flow's request at a confirmation is answered by that flow; when
// it ends, the first flow asks its question again.
func TestSwitchAndComeBack(t *testing.T) {
	address := &dialogue.Flow{Name: "address", Intents: []string{"change_address"},
		Slots: []dialogue.Slot{{Name: "addr", Prompt: "新地址是？"}},
		States: []dialogue.State{{Name: "ask", Collect: []string{"addr"}, Transitions: []dialogue.Transition{{To: "done"}}},
			{Name: "done", Do: []dialogue.Do{{Say: "地址已改为 {addr}。"}}}}}
	e, err := dialogue.NewEngine([]*dialogue.Flow{lostCard(false), address}, dialogue.Options{
		Funcs: map[string]dialogue.Func{"freeze": func(context.Context, dialogue.Call) (dialogue.Result, error) { return dialogue.Result{}, nil }}})
	require.NoError(t, err)
	now := t0
	step := func(text, intent string) []string {
		now = now.Add(time.Minute)
		in := dialogue.Input{Text: text, Time: now}
		if intent != "" {
			in.Intent, in.Confidence = intent, 0.9
		}
		acts, err := e.Step(context.Background(), "s", in)
		require.NoError(t, err)
		var out []string
		for _, a := range acts {
			out = append(out, a.String())
		}
		return out
	}
	step("我卡丢了", "lost_card")
	step("1234", "")
	assert.Equal(t, []string{"end switched", "ask addr: 新地址是？"}, step("好的，我还要改一下地址", "change_address"))
	assert.Equal(t, []string{"say: 地址已改为 上海市浦东新区。", "end completed", "confirm: 回到刚才的问题：确认冻结尾号 1234 的银行卡吗？"},
		step("上海市浦东新区", ""))
	s, err := e.Session(context.Background(), "s")
	require.NoError(t, err)
	assert.Equal(t, "lost_card", s.Flow)
	assert.Equal(t, "1234", s.Slots["last4"].Text)
	assert.Empty(t, s.Paused)
	assert.Equal(t, []string{"call freeze", "say: 已冻结。", "end completed"}, step("确认", ""))

	// A no to the question ends it; nothing comes back.
	step("我卡丢了", "lost_card")
	step("5678", "")
	step("不用了，我要改地址", "change_address")
	assert.Equal(t, []string{"say: 地址已改为 北京。", "end completed"}, step("北京", ""))
}
