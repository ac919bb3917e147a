package shop_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/examples/shop"
	"github.com/kefuai/kefu/kb"
)

// The demo content wired into a kefu.Bot, as the quickstart does.
func TestBot(t *testing.T) {
	ctx := context.Background()
	var tickets []string
	bot := newBot(t, func(_ context.Context, tk kefu.Ticket) error {
		tickets = append(tickets, tk.Queue+": "+tk.Summary)
		return nil
	})

	now := time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, turn := range []struct{ say, want string }{
		{"你好", "我是青禾优选的智能客服小禾"},
		{"运费怎么算呀", "全场实付满 ¥99 包邮"},
		{"how much is shipping?", "Shipping is free on orders of ¥99 or more"},
		{"我的快递到哪了", "请发送您的订单号"},
		{"DD2025061801", "已由顺丰速运发出"},
		{"不用了", "还有其他可以帮您的吗"},
		{"我想退货", "请提供需要退货的订单号"},
		{"DD2025061502", "请问退货的原因是什么"},
		{"尺码不对", "快递员哪天上门取件方便"},
		{"后天", "请确认：订单 DD2025061502，退货原因「尺码不合适」，2025-06-22 上门取件"},
		{"是的", "退货申请已提交"},
		{"请问你们有优惠券吗", "结算时系统会自动选择最划算的一张"},
		{"转人工", "正在为您转接人工客服"},
	} {
		now = now.Add(time.Minute)
		r, err := bot.Handle(ctx, channel.Message{SessionID: "s1", Text: turn.say, Time: now})
		require.NoError(t, err)
		var texts []string
		for _, p := range r.Parts {
			if p.Type == channel.PartText {
				texts = append(texts, p.Text)
			}
		}
		assert.Contains(t, strings.Join(texts, "\n"), turn.want, "> %s", turn.say)
	}
	assert.Equal(t, []string{"returns: 退货 DD2025061502（尺码不合适），2025-06-22 上门取件"}, tickets)
}

// newBot wires the demo content into a kefu.Bot in memory, with tickets
// going to tickets.
func newBot(t *testing.T, tickets kefu.TicketFunc) *kefu.Bot {
	t.Helper()
	m, err := model()
	require.NoError(t, err)
	flows, err := flows()
	require.NoError(t, err)
	engine, err := dialogue.NewEngine(flows, dialogue.Options{Funcs: shop.Funcs()})
	require.NoError(t, err)
	entries, err := entries()
	require.NoError(t, err)
	ix, err := kb.NewIndex(kb.IndexOptions{Words: words(), Synonyms: synonyms()})
	require.NoError(t, err)
	ix.Put(entries...)
	bot, err := kefu.New(kefu.WithIntents(m), kefu.WithDialogue(engine), kefu.WithKnowledge(ix),
		kefu.WithBilingualIntentTitles(intentTitles()), kefu.WithTickets(tickets))
	require.NoError(t, err)
	return bot
}
