package kefu

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// The bank bot of testdata/bank is what an operator builds in an
// afternoon: 12 intents of 8 to 12 examples, 22 FAQ entries, and a
// lost-card flow that freezes the card.
var (
	bankOnce  sync.Once
	bankModel *intent.Model
	bankKB    *kb.Base
	bankErr   error
)

type bankBot struct {
	*Bot
	frozen atomic.Int32
	now    time.Time
}

func newBankBot(t testing.TB) *bankBot {
	t.Helper()
	ctx := context.Background()
	bankOnce.Do(func() {
		ex, err := intent.ReadTSVFile("testdata/bank/intents.tsv")
		if err != nil {
			bankErr = err
			return
		}
		if bankModel, bankErr = intent.Train(ctx, ex, intent.Options{Seed: 1}); bankErr != nil {
			return
		}
		f, err := os.Open("testdata/bank/faq.json")
		if err != nil {
			bankErr = err
			return
		}
		defer f.Close()
		es, err := kb.ReadEntries(f, kb.JSON)
		if err != nil {
			bankErr = err
			return
		}
		st := kb.NewMemoryStore()
		if _, bankErr = st.Write(ctx, kb.Batch{Put: es}); bankErr != nil {
			return
		}
		if bankKB, bankErr = kb.Open(ctx, st, kb.Options{}); bankErr != nil {
			return
		}
		bankErr = bankKB.WaitLearned(ctx)
	})
	require.NoError(t, bankErr)
	b := &bankBot{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	fl, err := dialogue.LoadFlows(os.DirFS("testdata/bank/flows"), "*.yaml")
	require.NoError(t, err)
	sessions := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	engine, err := dialogue.NewEngine(fl, dialogue.Options{Store: sessions, Funcs: map[string]dialogue.Func{
		"freeze_card": func(context.Context, dialogue.Call) (dialogue.Result, error) {
			b.frozen.Add(1)
			return dialogue.Result{}, nil
		}}})
	require.NoError(t, err)
	b.Bot, err = New(WithIntents(bankModel), WithKnowledge(bankKB), WithDialogue(engine), WithSessionStore(sessions))
	require.NoError(t, err)
	return b
}

func (b *bankBot) say(t testing.TB, session, text string) channel.Reply {
	t.Helper()
	b.now = b.now.Add(time.Minute)
	r, err := b.Handle(context.Background(), channel.Message{SessionID: session, Text: text, Time: b.now, Explain: true})
	require.NoError(t, err, text)
	require.NotNil(t, r.Explanation)
	return r
}

func entryID(r channel.Reply) string {
	if r.Explanation.Entry == nil {
		return ""
	}
	return r.Explanation.Entry.ID
}

func TestBankFAQBeforeFlow(t *testing.T) {
	b := newBankBot(t)
	// A question about the flow's subject that an entry answers: answered.
	r := b.say(t, "a", "挂失要收费吗？")
	assert.Equal(t, "lost-fee", entryID(r), texts(r))
	assert.Empty(t, r.Explanation.Flow)
	// A statement of the problem: the flow.
	r = b.say(t, "b", "我卡丢了")
	assert.Equal(t, "lost_card", r.Explanation.Flow, texts(r))
	assert.Contains(t, texts(r), "卡号后四位")
	// A request phrased as a question: the flow.
	r = b.say(t, "c", "能帮我挂失吗")
	assert.Equal(t, "lost_card", r.Explanation.Flow, texts(r))
}

func TestBankSideQuestionsAndConfirmation(t *testing.T) {
	b := newBankBot(t)
	b.say(t, "s", "我的银行卡丢了")
	// A FAQ question inside the flow, even one that looks like the
	// flow's own intent: answered, then the prompt again.
	r := b.say(t, "s", "挂失要收费吗？")
	assert.Equal(t, "lost-fee", entryID(r), texts(r))
	assert.Contains(t, texts(r), "卡号后四位")
	assert.Equal(t, "lost_card", r.Explanation.Flow)
	r = b.say(t, "s", "尾号是6789")
	assert.Contains(t, texts(r), "确认冻结尾号 6789")
	assert.Equal(t, map[string]string{"last4": "6789"}, r.Explanation.Slots)
	// A side question that opens with 对了 at the confirmation: answered,
	// never a yes.
	r = b.say(t, "s", "对了，补卡要多久")
	assert.Equal(t, "lost-replace", entryID(r), texts(r))
	assert.Contains(t, texts(r), "确认冻结尾号 6789")
	assert.EqualValues(t, 0, b.frozen.Load())
	// Not ready, then a tentative yes: nothing is frozen.
	b.say(t, "s", "先不要")
	r = b.say(t, "s", "应该是吧")
	assert.EqualValues(t, 0, b.frozen.Load(), texts(r))
	assert.Contains(t, texts(r), "请回复“确认”")
	// An explicit yes freezes the card; the flow's answer step answers
	// the intent it names from the entries that name it.
	r = b.say(t, "s", "没有问题")
	assert.EqualValues(t, 1, b.frozen.Load(), texts(r))
	assert.Contains(t, r.Explanation.Steps, "call freeze_card")
	assert.Equal(t, "lost-replace", entryID(r), "the answer step: %s", texts(r))
	assert.Empty(t, r.Explanation.Flow, "the flow ended")
}

func TestBankSmallTalkAndLinkedIntents(t *testing.T) {
	b := newBankBot(t)
	r := b.say(t, "t", "你好")
	assert.Equal(t, "greeting", r.Explanation.SmallTalk)
	assert.Equal(t, "您好！请问有什么可以帮您？", texts(r))
	r = b.say(t, "t", "好的谢谢")
	assert.Equal(t, "thanks", r.Explanation.SmallTalk)
	r = b.say(t, "u", "thank you!")
	assert.Equal(t, "You're welcome! If there's anything else, just ask.", texts(r))
	// A confident intent answers from the entry that names it, even when
	// the words differ from the entry's questions.
	r = b.say(t, "v", "存钱利息高吗")
	assert.Equal(t, "interest_rate", r.Explanation.Intent, texts(r))
	assert.Equal(t, "rates", entryID(r), texts(r))
	// Steps say what happened.
	r = b.say(t, "w", "网点几点开门")
	assert.Equal(t, []string{"answer hours"}, r.Explanation.Steps)
}

func TestBankSessionLanguage(t *testing.T) {
	b := newBankBot(t)
	r := b.say(t, "en", "hello")
	assert.Equal(t, "en", r.Explanation.Lang)
	assert.Equal(t, "Hello! How can I help you?", texts(r))
	// A number says nothing about the language: the session keeps it.
	r = b.say(t, "en", "1234")
	assert.Equal(t, "en", r.Explanation.Lang, texts(r))
	assert.False(t, strings.ContainsFunc(texts(r), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }), texts(r))
	r = b.say(t, "en", "你好")
	assert.Equal(t, "zh", r.Explanation.Lang)
}

func TestBankConversations(t *testing.T) {
	b := newBankBot(t)
	suites, err := convtest.Load(os.DirFS("testdata/bank"), "conversations.yaml")
	require.NoError(t, err)
	convtest.RunTest(t, b, convtest.Options{Start: b.now}, suites...)
}
