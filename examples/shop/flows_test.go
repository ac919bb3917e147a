package shop_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/examples/shop"
)

// flowIntents maps each intent that starts a flow to the flow.
func flowIntents(t *testing.T) map[string]string {
	t.Helper()
	flows, err := flows()
	require.NoError(t, err)
	m := map[string]string{}
	for _, f := range flows {
		for _, in := range f.Intents {
			m[in] = f.Name
		}
	}
	return m
}

func TestFlows(t *testing.T) {
	flows, err := flows()
	require.NoError(t, err)
	var names []string
	for _, f := range flows {
		names = append(names, f.Name)
		assert.NoError(t, f.Validate(), f.Name)
	}
	assert.ElementsMatch(t, []string{"returns", "order_status"}, names)
	_, err = dialogue.NewEngine(flows, dialogue.Options{Funcs: shop.Funcs()})
	require.NoError(t, err)

	train, err := intents()
	require.NoError(t, err)
	tr := byIntent(train)
	starts := flowIntents(t)
	for in, flow := range starts {
		assert.Contains(t, tr, in, "intent of flow %s", flow)
	}
	assert.Equal(t, map[string]string{
		"return_goods": "returns", "refund": "returns", "order_status": "order_status",
	}, starts)
}

func TestOrderStatus(t *testing.T) {
	f := shop.Funcs()["order_status"]
	require.NotNil(t, f)
	now := time.Date(2025, 6, 20, 15, 4, 0, 0, time.FixedZone("CST", 8*3600))
	callIn := func(id string, lang dialogue.Lang) dialogue.Result {
		t.Helper()
		res, err := f(context.Background(), dialogue.Call{
			Flow: "order_status", Time: now, Lang: lang,
			Slots: map[string]dialogue.Value{"order_id": {Text: id}},
		})
		require.NoError(t, err)
		return res
	}
	call := func(id string) dialogue.Result { return callIn(id, dialogue.LangZH) }
	events := map[string]string{}
	for _, id := range shop.Orders() {
		res := call(id)
		events[id] = res.Event
		en := callIn(id, dialogue.LangEN)
		assert.Equal(t, res.Event, en.Event, id)
		for _, s := range []string{"item", "carrier", "tracking_no", "latest"} {
			assert.NotEmpty(t, res.Slots[s].Text, "%s: slot %s", id, s)
			assert.NotEmpty(t, en.Slots[s].Text, "%s: slot %s in English", id, s)
		}
		// The item, carrier and latest scan follow the language; the
		// tracking number does not.
		assert.True(t, hasHan(res.Slots["carrier"].Text), "%s: %s", id, res.Slots["carrier"].Text)
		for _, s := range []string{"item", "carrier", "latest"} {
			assert.False(t, hasHan(en.Slots[s].Text), "%s: slot %s in English: %s", id, s, en.Slots[s].Text)
		}
		assert.Equal(t, res.Slots["tracking_no"], en.Slots["tracking_no"], id)
		switch res.Event {
		case shop.EventShipped:
			assert.True(t, res.Slots["eta"].Time.After(now), "%s: eta", id)
		case shop.EventDelivered:
			assert.True(t, res.Slots["delivered_on"].Time.Before(now), "%s: delivered_on", id)
		}
	}
	assert.Equal(t, map[string]string{
		"DD2025061801": "shipped", "DD2025061502": "delivered",
		"DD2025062003": "shipped", "DD2025060904": "delivered",
	}, events)

	res := call("2025061801")
	assert.Equal(t, "shipped", res.Event)
	assert.Equal(t, "DD2025061801", res.Slots["order_id"].Text)
	assert.Equal(t, "2025-06-21", res.Slots["eta"].Text)
	assert.Equal(t, res, call("2025061801"), "deterministic")

	res = call("DD1234567890")
	assert.Equal(t, shop.EventNotFound, res.Event)
	res = call("")
	assert.Equal(t, shop.EventNotFound, res.Event)
}

// step runs the inputs through the demo flows and returns each turn's
// actions, one line per action.
func step(t *testing.T, inputs ...dialogue.Input) [][]string {
	t.Helper()
	flows, err := flows()
	require.NoError(t, err)
	e, err := dialogue.NewEngine(flows, dialogue.Options{Funcs: shop.Funcs()})
	require.NoError(t, err)
	now := time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var out [][]string
	for _, in := range inputs {
		now = now.Add(time.Minute)
		in.Time = now
		if in.Intent != "" && in.Confidence == 0 {
			in.Confidence = 0.9
		}
		as, err := e.Step(context.Background(), "s", in)
		require.NoError(t, err)
		var lines []string
		for _, a := range as {
			if a.Kind == dialogue.ActionCall {
				continue // done already; nothing said
			}
			lines = append(lines, a.Kind.String()+": "+a.Text)
		}
		out = append(out, lines)
	}
	return out
}

func TestConversations(t *testing.T) {
	t.Run("order_status shipped", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "我的快递到哪了", Intent: "order_status"},
			dialogue.Input{Text: "dd2025061801"},
			dialogue.Input{Text: "好的"},
			dialogue.Input{Text: "后天"},
		)
		assert.Contains(t, turns[0][0], "请发送您的订单号")
		assert.Equal(t, "say: 您的订单 DD2025061801（纯棉圆领T恤（白色 M））已由顺丰速运发出，运单号 SF1402384756201。"+
			"最新物流：已到达【上海浦东转运中心】，正在发往下一站。预计 2025-06-21 送达。", turns[1][0])
		assert.Equal(t, "confirm: 需要帮您改约送达日期吗？", turns[1][1])
		assert.Contains(t, turns[2][0], "ask: 您希望改到哪天送达")
		assert.Equal(t, "ticket: 订单 DD2025061801 改约 2025-06-22 送达", turns[3][0])
	})
	t.Run("order_status order number alone", func(t *testing.T) {
		turns := step(t, dialogue.Input{Text: "DD2025060904", Intent: "order_status", Confidence: 1})
		assert.Contains(t, turns[0][0], "say: 您的订单 DD2025060904（帆布托特包（米白））已于 2025-06-11 由顺丰速运送达并签收。")
		assert.Equal(t, "confirm: 请问您收到包裹了吗？", turns[0][1])
	})
	t.Run("order_status delivered not received", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "帮我查下订单DD2025061502", Intent: "order_status"},
			dialogue.Input{Text: "没有"},
		)
		assert.Contains(t, turns[0][0], "已于 2025-06-18 由中通快递送达并签收")
		assert.Equal(t, "ticket: 订单 DD2025061502 显示已签收，顾客未收到", turns[1][0])
	})
	en := dialogue.LangEN
	t.Run("order_status in English, not found", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "where is my order", Intent: "order_status", Lang: en},
			dialogue.Input{Text: "it's DD1111111111", Lang: en},
			dialogue.Input{Text: "no", Lang: en},
			dialogue.Input{Text: "yes", Lang: en},
		)
		assert.Contains(t, turns[0][0], "What's your order number?")
		assert.Equal(t, "confirm: I couldn't find order DD1111111111. Would you like to try another number?", turns[1][0])
		assert.Equal(t, "confirm: Would you like to talk to a member of our team?", turns[2][0])
		assert.Equal(t, "handoff: Let me connect you with a member of our team.", turns[3][0])
	})
	t.Run("order_status in English, shipped", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "track DD2025062003 please", Intent: "order_status", Lang: en},
			dialogue.Input{Text: "no thanks", Lang: en},
		)
		assert.Equal(t, "say: Order DD2025062003 (iPhone 15 case, misty blue) is on its way with YTO Express, "+
			"tracking number YT8812345678901. Latest update: left the Guangzhou Baiyun sorting centre. "+
			"Expected delivery: 2025-06-23.", turns[0][0])
		assert.Equal(t, "say: Glad I could help. Anything else?", turns[1][0])
	})
	t.Run("returns", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "我要退货", Intent: "return_goods"},
			dialogue.Input{Text: "DD2025061502"},
			dialogue.Input{Text: "耳机一边有杂音，质量不好"},
			dialogue.Input{Text: "明天"},
			dialogue.Input{Text: "确认"},
		)
		assert.Contains(t, turns[0][0], "ask: 好的，请提供需要退货的订单号")
		assert.Equal(t, "ask: 请问退货的原因是什么？", turns[1][0])
		assert.Equal(t, "say: 非常抱歉给您带来不好的体验！质量问题的退货运费由我们承担，无需您垫付。", turns[2][0])
		assert.Equal(t, "confirm: 请确认：订单 DD2025061502，退货原因「质量问题」，2025-06-21 上门取件。确认提交吗？", turns[3][0])
		assert.Equal(t, "ticket: 退货 DD2025061502（质量问题），2025-06-21 上门取件", turns[4][0])
	})
	t.Run("returns in English", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "I'd like to return order DD2025060904, it's too small", Intent: "return_goods", Lang: en},
			dialogue.Input{Text: "tomorrow", Lang: en},
			dialogue.Input{Text: "yes", Lang: en},
		)
		assert.Contains(t, turns[0][0], "ask: Which day should the courier pick it up?")
		assert.Equal(t, `confirm: Let me check: order DD2025060904, reason "Wrong size", pickup on 2025-06-21. Shall I submit the return?`, turns[1][0])
		// The staff read tickets in the flow's language.
		assert.Equal(t, "ticket: 退货 DD2025060904（尺码不合适），2025-06-21 上门取件", turns[2][0])
		assert.Contains(t, turns[2][1], "say: Your return is booked. The courier will come on 2025-06-21")
	})
	t.Run("returns in English, a faulty item", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "I want to return something", Intent: "return_goods", Lang: en},
			dialogue.Input{Text: "DD2025061502", Lang: en},
			dialogue.Input{Text: "the left earbud stopped working", Lang: en},
		)
		assert.Equal(t, "ask: What's the reason for the return?", turns[1][0])
		assert.Equal(t, "say: I'm sorry about that! Since the item is faulty, return shipping is on us.", turns[2][0])
	})
	t.Run("returns in English, the options", func(t *testing.T) {
		flows, err := flows()
		require.NoError(t, err)
		e, err := dialogue.NewEngine(flows, dialogue.Options{Funcs: shop.Funcs()})
		require.NoError(t, err)
		now := time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
		var got [][]string
		for _, in := range []dialogue.Input{
			{Text: "return DD2025061502 please", Intent: "return_goods", Confidence: 0.9, Lang: en},
			{Text: "wrong colour", Lang: en},
		} {
			now = now.Add(time.Minute)
			in.Time = now
			as, err := e.Step(context.Background(), "s", in)
			require.NoError(t, err)
			for _, a := range as {
				if len(a.Options) > 0 {
					got = append(got, a.Options)
				}
			}
		}
		assert.Equal(t, [][]string{
			{"Damaged or faulty", "Wrong size", "Wrong item", "Changed my mind"},
			{"Tomorrow", "The day after tomorrow"},
		}, got)
	})
	t.Run("cancel", func(t *testing.T) {
		turns := step(t,
			dialogue.Input{Text: "我要退款", Intent: "refund"},
			dialogue.Input{Text: "算了", Intent: "cancel"},
		)
		assert.Equal(t, "say: 好的，已为您取消。", turns[1][0])
	})
}
