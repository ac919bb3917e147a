package dialogue_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
)

var t0 = time.Date(2025, 3, 12, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestConfirmation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want dialogue.Answer
	}{
		{"是的", dialogue.Yes}, {"是", dialogue.Yes}, {"对", dialogue.Yes}, {"对的！", dialogue.Yes}, {"好的", dialogue.Yes},
		{"好", dialogue.Yes}, {"没错", dialogue.Yes}, {"嗯", dialogue.Yes}, {"嗯嗯", dialogue.Yes}, {"可以", dialogue.Yes}, {"需要", dialogue.Yes}, {"要的", dialogue.Yes}, {"要", dialogue.Yes}, {"需要吗？", dialogue.Unsure}, {"要多久", dialogue.Unsure}, {"不需要", dialogue.No},
		{"可以的", dialogue.Yes}, {"确认", dialogue.Yes}, {"对，就是这个订单", dialogue.Yes}, {"行吧", dialogue.Yes},
		{"没问题", dialogue.Yes}, {"OK", dialogue.Yes}, {"yes", dialogue.Yes}, {"Yep", dialogue.Yes}, {"yeah sure", dialogue.Yes},
		{"sure!", dialogue.Yes}, {"that's right", dialogue.Yes}, {"Correct.", dialogue.Yes}, {"ｙｅｓ", dialogue.Yes},
		{"不是", dialogue.No}, {"不对", dialogue.No}, {"不是的", dialogue.No}, {"不用了", dialogue.No}, {"算了", dialogue.No},
		{"不要", dialogue.No}, {"错了", dialogue.No}, {"没有", dialogue.No}, {"不", dialogue.No}, {"否", dialogue.No},
		{"no", dialogue.No}, {"nope", dialogue.No}, {"No thanks", dialogue.No}, {"not really", dialogue.No},
		{"that's wrong", dialogue.No}, {"nah", dialogue.No},
		{"是不是要运费？", dialogue.Unsure}, {"好不好用", dialogue.Unsure}, {"运费谁出？", dialogue.Unsure},
		{"是这样的，我想问一下", dialogue.Unsure}, {"行李箱坏了", dialogue.Unsure}, {"is it free?", dialogue.Unsure},
		{"我再想想", dialogue.Wait}, {"", dialogue.Unsure}, {"！！", dialogue.Unsure}, {"maybe", dialogue.Wait},
		{"对了，挂失要收费吗", dialogue.Unsure}, {"没有问题", dialogue.Yes}, {"先不要", dialogue.Wait}, {"不是不要", dialogue.Unsure},
		{"可以吗", dialogue.Unsure},
	} {
		assert.Equal(t, tc.want, dialogue.Confirmation(tc.in), tc.in)
	}
	assert.Equal(t, "unsure", dialogue.Unsure.String())
	assert.Equal(t, "wait", dialogue.Wait.String())
}

// oneSlot runs a flow that asks for sl and then says its value; it returns
// what the engine did with answer.
func oneSlot(t *testing.T, sl dialogue.Slot, answer string) []string {
	t.Helper()
	sl.Name = "v"
	if sl.Prompt == "" {
		sl.Prompt = "?"
	}
	f := &dialogue.Flow{Name: "one", Intents: []string{"go"}, Slots: []dialogue.Slot{sl}, States: []dialogue.State{
		{Name: "ask", Collect: []string{"v"}, Transitions: []dialogue.Transition{{To: "done"}}},
		{Name: "done", Do: []dialogue.Do{{Say: "got {v}"}}},
	}}
	e, err := dialogue.NewEngine([]*dialogue.Flow{f}, dialogue.Options{})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = e.Step(ctx, "s", dialogue.Input{Intent: "go", Confidence: 1, Time: t0})
	require.NoError(t, err)
	acts, err := e.Step(ctx, "s", dialogue.Input{Text: answer, Time: t0.Add(time.Minute)})
	require.NoError(t, err)
	var out []string
	for _, a := range acts {
		out = append(out, a.String())
	}
	return out
}

func TestSlotTypes(t *testing.T) {
	five, hundred := 5.0, 100.0
	for _, tc := range []struct {
		name   string
		slot   dialogue.Slot
		answer string
		want   string // the first action
	}{
		{"text", dialogue.Slot{}, "  随便说点什么 ", "say: got 随便说点什么"},
		{"regex group", dialogue.Slot{Type: dialogue.SlotRegex, Pattern: `(?P<value>[a-z]+)@example\.com`}, "Mail: Bob@Example.com", "say: got bob"},
		{"regex whole", dialogue.Slot{Type: dialogue.SlotRegex, Pattern: `\d{6}`}, "邮编 100080", "say: got 100080"},
		{"mobile", dialogue.Slot{Type: dialogue.SlotMobile}, "电话是 138-1234-5678", "say: got 13812345678"},
		{"mobile none", dialogue.Slot{Type: dialogue.SlotMobile}, "12345678901", "ask v: 抱歉，我没有理解您的回答。?"},
		{"order default", dialogue.Slot{Type: dialogue.SlotOrder}, "订单 TB2025030512345", "say: got TB2025030512345"},
		{"order not a mobile", dialogue.Slot{Type: dialogue.SlotOrder}, "13812345678", "ask v: 抱歉，我没有理解您的回答。?"},
		{"order inside longer", dialogue.Slot{Type: dialogue.SlotOrder, Pattern: `\d{4}`}, "12345", "ask v: 抱歉，我没有理解您的回答。?"},
		{"amount", dialogue.Slot{Type: dialogue.SlotAmount}, "三百五", "say: got 350.00"},
		{"amount dollars", dialogue.Slot{Type: dialogue.SlotAmount}, "$20", "say: got 20.00"},
		{"amount too much", dialogue.Slot{Type: dialogue.SlotAmount, Validate: dialogue.Validation{Max: &hundred, Message: "最多退 100 元。"}},
			"两千五百块", "ask v: 最多退 100 元。?"},
		{"quantity", dialogue.Slot{Type: dialogue.SlotQuantity}, "两件", "say: got 2"},
		{"quantity too many", dialogue.Slot{Type: dialogue.SlotQuantity, Validate: dialogue.Validation{Max: &five}}, "10个", "ask v: 您的回答不符合要求。?"},
		{"number", dialogue.Slot{Type: dialogue.SlotNumber}, "大概3.5", "say: got 3.5"},
		{"date", dialogue.Slot{Type: dialogue.SlotDate}, "大后天", "say: got 2025-03-15"},
		{"date month end", dialogue.Slot{Type: dialogue.SlotDate}, "月底", "say: got 2025-03-31"},
		{"date not future", dialogue.Slot{Type: dialogue.SlotDate, Validate: dialogue.Validation{NotFuture: true}}, "明天", "ask v: 您的回答不符合要求。?"},
		{"date drops time", dialogue.Slot{Type: dialogue.SlotDate}, "明天晚上8点", "say: got 2025-03-13"},
		{"time", dialogue.Slot{Type: dialogue.SlotTime}, "明天晚上8点", "say: got 2025-03-13 20:00"},
		{"time needs hour", dialogue.Slot{Type: dialogue.SlotTime}, "明天", "ask v: 抱歉，我没有理解您的回答。?"},
		{"yesno", dialogue.Slot{Type: dialogue.SlotYesNo}, "不用了", "say: got no"},
		{"length", dialogue.Slot{Validate: dialogue.Validation{MinLen: 5}}, "太短", "ask v: 您的回答不符合要求。?"},
		{"pattern", dialogue.Slot{Validate: dialogue.Validation{Pattern: `^\d+$`, Message: "只要数字。"}}, "abc", "ask v: 只要数字。?"},
		{"lookup synonym", dialogue.Slot{Type: dialogue.SlotLookup, Values: []dialogue.LookupValue{
			{Value: "退款", Synonyms: []string{"退钱", "refund"}}, {Value: "换货", Synonyms: []string{"换一个"}}}}, "我想退钱", "say: got 退款"},
		{"lookup first in text", dialogue.Slot{Type: dialogue.SlotLookup, Values: []dialogue.LookupValue{
			{Value: "退款", Synonyms: []string{"退钱", "refund"}}, {Value: "换货", Synonyms: []string{"换一个"}}}}, "换一个或者退钱", "say: got 换货"},
		{"lookup latin word", dialogue.Slot{Type: dialogue.SlotLookup, Values: []dialogue.LookupValue{
			{Value: "退款", Synonyms: []string{"refund"}}}}, "I want a REFUND", "say: got 退款"},
		{"lookup latin inside word", dialogue.Slot{Type: dialogue.SlotLookup, Values: []dialogue.LookupValue{
			{Value: "退款", Synonyms: []string{"refund"}}}}, "refunded", "ask v: 抱歉，我没有理解您的回答。?"},
		{"custom extractor", dialogue.Slot{Extractor: dialogue.ExtractorFunc(func(s string, now time.Time) (dialogue.Value, bool) {
			if i := strings.Index(s, "@"); i > 0 {
				return dialogue.Value{Text: s[i:]}, true
			}
			return dialogue.Value{}, false
		})}, "bob@kefu.dev", "say: got @kefu.dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := oneSlot(t, tc.slot, tc.answer)
			require.NotEmpty(t, got)
			assert.Equal(t, tc.want, got[0])
		})
	}
}

func TestStepNeedsTime(t *testing.T) {
	e := newTestEngine(t, nil)
	_, err := e.Step(context.Background(), "s", dialogue.Input{Text: "hi"})
	assert.ErrorIs(t, err, dialogue.ErrInvalidInput)
}

// The same stored session and input give the same actions and the same
// stored session, whatever the engine and the wall clock.
func TestStepDeterministic(t *testing.T) {
	ctx := context.Background()
	s1, s2 := dialogue.NewMemoryStore(dialogue.MemoryOptions{}), dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	e1, e2 := newTestEngine(t, s1), newTestEngine(t, s2)
	inputs := []dialogue.Input{
		{Text: "我要退货，订单号DD2025030501", Intent: "return_goods", Confidence: 0.95},
		{Text: "运费谁出？", Intent: "faq.shipping_fee", Confidence: 0.8},
		{Text: "尺码太小了"},
		{Text: "下周三下午"},
		{Text: "不对"},
	}
	for i, in := range inputs {
		in.Time = t0.Add(time.Duration(i) * time.Minute)
		a1, err := e1.Step(ctx, "s", in)
		require.NoError(t, err)
		a2, err := e2.Step(ctx, "s", in)
		require.NoError(t, err)
		assert.Equal(t, a1, a2, in.Text)
		b1, err := s1.Get(ctx, "s")
		require.NoError(t, err)
		b2, err := s2.Get(ctx, "s")
		require.NoError(t, err)
		assert.Equal(t, string(b1), string(b2), in.Text)
	}
	// Replaying the last input on a copy of the session before it gives
	// the same result again.
	s3 := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	e3 := newTestEngine(t, s3)
	for i, in := range inputs[:len(inputs)-1] {
		in.Time = t0.Add(time.Duration(i) * time.Minute)
		_, err := e3.Step(ctx, "s", in)
		require.NoError(t, err)
	}
	last := inputs[len(inputs)-1]
	last.Time = t0.Add(time.Duration(len(inputs)-1) * time.Minute)
	a3, err := e3.Step(ctx, "s", last)
	require.NoError(t, err)
	b1, _ := s1.Get(ctx, "s")
	b3, _ := s3.Get(ctx, "s")
	assert.Equal(t, string(b1), string(b3))
	assert.Equal(t, "ask order_id", a3[0].Kind.String()+" "+a3[0].Slot)
}

func TestCallErrorLeavesSessionUnchanged(t *testing.T) {
	boom := errors.New("backend down")
	f := &dialogue.Flow{Name: "c", Intents: []string{"go"}, Slots: []dialogue.Slot{{Name: "n", Prompt: "name?"}},
		States: []dialogue.State{
			{Name: "ask", Collect: []string{"n"}, Transitions: []dialogue.Transition{{To: "call"}}},
			{Name: "call", Do: []dialogue.Do{{Call: "f"}}},
		}}
	e, err := dialogue.NewEngine([]*dialogue.Flow{f}, dialogue.Options{Funcs: map[string]dialogue.Func{
		"f": func(context.Context, dialogue.Call) (dialogue.Result, error) { return dialogue.Result{}, boom },
	}})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = e.Step(ctx, "s", dialogue.Input{Intent: "go", Confidence: 1, Time: t0})
	require.NoError(t, err)
	acts, err := e.Step(ctx, "s", dialogue.Input{Text: "Bob", Time: t0.Add(time.Minute)})
	assert.Nil(t, acts)
	assert.ErrorIs(t, err, boom)
	var ce *dialogue.CallError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "f", ce.Func)
	s, err := e.Session(ctx, "s")
	require.NoError(t, err)
	assert.Equal(t, "ask", s.State)
	assert.Equal(t, "n", s.Pending)
	assert.Equal(t, 1, s.Turns, "the failed turn was not saved")
}

func TestTransitionLoop(t *testing.T) {
	f := &dialogue.Flow{Name: "loop", Intents: []string{"go"}, States: []dialogue.State{
		{Name: "a", Transitions: []dialogue.Transition{{To: "b"}}},
		{Name: "b", Transitions: []dialogue.Transition{{To: "a"}}},
	}}
	e, err := dialogue.NewEngine([]*dialogue.Flow{f}, dialogue.Options{})
	require.NoError(t, err)
	_, err = e.Step(context.Background(), "s", dialogue.Input{Intent: "go", Confidence: 1, Time: t0})
	assert.ErrorIs(t, err, dialogue.ErrLoop)
}

// A flow defined in Go, started by an event, with a transition on an intent
// while a slot is pending, one on an external event, a call whose result
// fills a slot and picks the branch, and answer and ticket steps.
func TestGoFlowEventsAndIntents(t *testing.T) {
	f := &dialogue.Flow{
		Name:   "payment",
		Lang:   dialogue.LangEN,
		Events: []string{"payment_failed"},
		Slots: []dialogue.Slot{
			{Name: "card", Type: dialogue.SlotRegex, Pattern: `\b(\d{4})\b`, Prompt: "Your payment failed. What are the last 4 digits of your card?"},
			{Name: "ref", Prompt: "unused"},
		},
		States: []dialogue.State{
			{Name: "ask", Collect: []string{"card"}, Transitions: []dialogue.Transition{
				{Intent: "pay_later", To: "later"},
				{To: "check"},
			}},
			{Name: "check", Do: []dialogue.Do{{Call: "check_card"}}, Transitions: []dialogue.Transition{
				{Event: "ok", To: "wait", When: []dialogue.Condition{{Slot: "ref", Op: dialogue.OpSet}}},
				{Event: "blocked", To: "human"},
			}},
			{Name: "wait", Do: []dialogue.Do{{Say: "Retrying with reference {ref}."}}, Transitions: []dialogue.Transition{
				{Event: "paid", To: "paid"},
			}},
			{Name: "paid", Do: []dialogue.Do{{Say: "Paid, thank you!"}, {Ticket: &dialogue.Ticket{Queue: "billing", Summary: "Card {card} recovered"}}}},
			{Name: "later", Do: []dialogue.Do{{Answer: "faq.pay_later"}}},
			{Name: "human", Do: []dialogue.Do{{Handoff: true}}},
		},
	}
	check := func(_ context.Context, c dialogue.Call) (dialogue.Result, error) {
		if c.Slots["card"].Text == "0000" {
			return dialogue.Result{Event: "blocked"}, nil
		}
		return dialogue.Result{Event: "ok", Slots: map[string]dialogue.Value{"ref": {Text: "R-" + c.Slots["card"].Text}}}, nil
	}
	e, err := dialogue.NewEngine([]*dialogue.Flow{f}, dialogue.Options{Funcs: map[string]dialogue.Func{"check_card": check}})
	require.NoError(t, err)
	ctx := context.Background()
	turn := 0
	step := func(id string, in dialogue.Input) []string {
		turn++
		in.Time = t0.Add(time.Duration(turn) * time.Minute)
		acts, err := e.Step(ctx, id, in)
		require.NoError(t, err)
		var out []string
		for _, a := range acts {
			out = append(out, a.String())
		}
		return out
	}
	assert.Equal(t, []string{"ask card: Your payment failed. What are the last 4 digits of your card?"}, step("a", dialogue.Input{Event: "payment_failed"}))
	assert.Equal(t, []string{"call check_card", "say: Retrying with reference R-4242."}, step("a", dialogue.Input{Text: "it ends in 4242"}))
	// Waiting for the event: a question is answered meanwhile.
	assert.Equal(t, []string{"answer faq.fees: any fees?"}, step("a", dialogue.Input{Text: "any fees?", Intent: "faq.fees", Confidence: 0.9}))
	assert.Empty(t, step("a", dialogue.Input{Event: "page_view"}))
	assert.Equal(t, []string{"say: Paid, thank you!", "ticket billing {card=4242 ref=R-4242}: Card 4242 recovered", "end completed"},
		step("a", dialogue.Input{Event: "paid"}))

	step("b", dialogue.Input{Event: "payment_failed"})
	assert.Equal(t, []string{"answer faq.pay_later", "end completed"}, step("b", dialogue.Input{Text: "can I pay later?", Intent: "pay_later", Confidence: 0.8}))

	step("c", dialogue.Input{Event: "payment_failed"})
	assert.Equal(t, []string{"call check_card", "handoff flow: Let me connect you with a member of our team.", "end flow"}, step("c", dialogue.Input{Text: "0000"}))
}

func TestLowConfidenceIsNotADigression(t *testing.T) {
	e := newTestEngine(t, nil)
	ctx := context.Background()
	_, err := e.Step(ctx, "s", dialogue.Input{Text: "我要退货", Intent: "return_goods", Confidence: 0.9, Time: t0})
	require.NoError(t, err)
	acts, err := e.Step(ctx, "s", dialogue.Input{Text: "运费", Intent: "faq.shipping_fee", Confidence: 0.4, Time: t0.Add(time.Minute)})
	require.NoError(t, err)
	require.Len(t, acts, 1)
	assert.Equal(t, dialogue.ActionAsk, acts[0].Kind)
	s, err := e.Session(ctx, "s")
	require.NoError(t, err)
	assert.Equal(t, 1, s.Retries)
}

func TestUnreadableSessionStartsAfresh(t *testing.T) {
	ctx := context.Background()
	store := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	require.NoError(t, store.Update(ctx, "s", 0, func([]byte) ([]byte, error) { return []byte("{not json"), nil }))
	require.NoError(t, store.Update(ctx, "old", 0, func([]byte) ([]byte, error) {
		return []byte(`{"id":"old","flow":"removed","state":"x","turns":3}`), nil
	}))
	e := newTestEngine(t, store)
	for _, id := range []string{"s", "old"} {
		acts, err := e.Step(ctx, id, dialogue.Input{Text: "我要退货", Intent: "return_goods", Confidence: 0.9, Time: t0})
		require.NoError(t, err, id)
		require.Len(t, acts, 1, id)
		assert.Equal(t, "order_id", acts[0].Slot, id)
	}
	s, err := e.Session(ctx, "old")
	require.NoError(t, err)
	assert.Equal(t, "returns", s.Flow)
	require.NoError(t, e.Reset(ctx, "old"))
	_, err = e.Session(ctx, "old")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
}

func TestActionStrings(t *testing.T) {
	assert.Equal(t, "end expired", dialogue.Action{Kind: dialogue.ActionEnd, Reason: dialogue.ReasonExpired}.String())
	assert.Equal(t, "answer: 你好", dialogue.Action{Kind: dialogue.ActionAnswer, Text: "你好"}.String())
	assert.Equal(t, "ActionKind(42)", dialogue.ActionKind(42).String())
	assert.Equal(t, "Reason(42)", dialogue.Reason(42).String())
}
