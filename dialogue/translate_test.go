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

const bilingualFlow = `
name: returns
intents: [return_goods]
slots:
  - name: order_id
    type: order
    prompt: 请提供订单号。
  - name: reason
    type: lookup
    prompt: 退货原因是什么？
    values:
      - {value: 质量问题, synonyms: [坏了]}
      - {value: 不想要了}
states:
  - name: ask
    collect: [order_id, reason]
    confirm: 订单 {order_id}，原因「{reason}」，确认提交吗？
    transitions: [{event: yes, to: done}, {event: no, to: ask, clear: [order_id, reason]}]
  - name: done
    do: [{say: 已提交。}]
translations:
  en:
    请提供订单号。: Your order number, please.
    退货原因是什么？: Why are you returning it?
    质量问题: damaged
    不想要了: changed my mind
    订单 {order_id}，原因「{reason}」，确认提交吗？: 'Order {order_id}, reason "{reason}". Submit?'
`

func TestOneFlowSpeaksBothLanguages(t *testing.T) {
	f, err := dialogue.ParseFlow("returns.yaml", []byte(bilingualFlow))
	require.NoError(t, err)
	e, err := dialogue.NewEngine([]*dialogue.Flow{f}, dialogue.Options{})
	require.NoError(t, err)
	now := t0
	step := func(id, text string, lang dialogue.Lang, intent string) []string {
		now = now.Add(time.Minute)
		in := dialogue.Input{Text: text, Time: now, Lang: lang}
		if intent != "" {
			in.Intent, in.Confidence = intent, 0.9
		}
		acts, err := e.Step(context.Background(), id, in)
		require.NoError(t, err)
		var out []string
		for _, a := range acts {
			s := a.String()
			if len(a.Options) > 0 {
				s += " " + joinOptions(a.Options)
			}
			out = append(out, s)
		}
		return out
	}
	assert.Equal(t, []string{"ask order_id: Your order number, please."}, step("en", "I want to return something", dialogue.LangEN, "return_goods"))
	assert.Equal(t, []string{"ask reason: Why are you returning it? [damaged|changed my mind]"}, step("en", "DD2025061801", dialogue.LangEN, ""))
	// The translated value is understood and shown translated; the slot
	// keeps the flow's own value.
	assert.Equal(t, []string{`confirm: Order DD2025061801, reason "damaged". Submit? [Yes|No]`}, step("en", "it's damaged", dialogue.LangEN, ""))
	s, err := e.Session(context.Background(), "en")
	require.NoError(t, err)
	assert.Equal(t, "质量问题", s.Slots["reason"].Text)
	// The same flow in Chinese; a text without a translation is said as
	// written, the built-in messages follow the language.
	assert.Equal(t, []string{"ask order_id: 请提供订单号。"}, step("zh", "我要退货", dialogue.LangZH, "return_goods"))
	assert.Equal(t, []string{"ask order_id: Sorry, I didn't catch that. Your order number, please."}, step("zh", "I am at work", dialogue.LangEN, ""))
}

func joinOptions(o []string) string {
	s := "["
	for i, x := range o {
		if i > 0 {
			s += "|"
		}
		s += x
	}
	return s + "]"
}

func TestTranslationsAreChecked(t *testing.T) {
	bad := bilingualFlow + "    没有这句话: nothing\n    已提交。: 'Done {nope}.'\n"
	_, err := dialogue.ParseFlow("returns.yaml", []byte(bad))
	var fe *dialogue.FlowError
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Contains(t, err.Error(), `no text of the flow reads "没有这句话"`)
	assert.Contains(t, err.Error(), "unknown slot {nope}")
	_, err = dialogue.ParseFlow("returns.yaml", []byte(bilingualFlow+"  fr:\n    已提交。: Fait.\n"))
	assert.ErrorContains(t, err, `unknown language "fr"`)
}

func TestTranslationsKeepTheSlots(t *testing.T) {
	bad := strings.Replace(bilingualFlow, `'Order {order_id}, reason "{reason}". Submit?'`, `'Submit the return?'`, 1)
	_, err := dialogue.ParseFlow("returns.yaml", []byte(bad))
	assert.ErrorContains(t, err, "the translation names slots [], the text [order_id reason]")
}
