package demo

import "github.com/kefuai/kefu/channel"

// Greetings returns the bot's opening message by language, "zh" and
// "en", each with quick replies in its own language, for
// webchat.Options.Greetings.
func Greetings() map[string]channel.Reply {
	return map[string]channel.Reply{
		"zh": {Parts: []channel.Part{
			channel.Text("您好，我是青禾优选的智能客服小禾，很高兴为您服务！\n" +
				"您可以直接问我运费、发货时间、退换货、发票、优惠券、尺码等问题，" +
				"也可以发送订单号查物流（演示订单：DD2025061801）。需要人工服务请发送“转人工”。"),
			channel.QuickReplies(
				channel.QuickReply{Title: "运费怎么收？"},
				channel.QuickReply{Title: "我的快递到哪了"},
				channel.QuickReply{Title: "我想退货"},
				channel.QuickReply{Title: "尺码怎么选？"},
			),
		}},
		"en": {Parts: []channel.Part{
			channel.Text("Hi, I'm Xiaohe, Qinghe Select's assistant. Ask me about shipping, returns, " +
				"payment or sizes, or say \"where is my order\" to track one (try DD2025061801). " +
				"To talk to a person, just say so."),
			channel.QuickReplies(
				channel.QuickReply{Title: "How much is shipping?"},
				channel.QuickReply{Title: "Where is my order?"},
				channel.QuickReply{Title: "I'd like to return an item"},
				channel.QuickReply{Title: "What size should I get?"},
			),
		}},
	}
}

// IntentTitles returns, for the intents worth offering as "did you
// mean…" suggestions, the question a customer would ask, in Chinese and
// English.
// Titles of intents without a flow are standard questions of
// knowledge-base entries. Small talk and cancel have no title.
func IntentTitles() map[string]channel.Bilingual {
	return map[string]channel.Bilingual{
		"return_goods":   {Zh: "怎么申请退货？", En: "How do I return an item?"},
		"refund":         {Zh: "退款多久到账？", En: "When will I get my refund?"},
		"order_status":   {Zh: "我的订单到哪了？", En: "Where is my order?"},
		"delivery_time":  {Zh: "下单后多久发货？", En: "How long does delivery take?"},
		"shipping_fee":   {Zh: "运费怎么收？", En: "How much is shipping?"},
		"change_address": {Zh: "下单后怎么修改收货地址？", En: "How do I change my delivery address?"},
		"cancel_order":   {Zh: "怎么取消订单？", En: "How do I cancel my order?"},
		"invoice":        {Zh: "怎么开发票？", En: "How do I get an invoice?"},
		"payment":        {Zh: "支持哪些付款方式？", En: "What payment methods do you accept?"},
		"coupon":         {Zh: "优惠券怎么用？", En: "How do I use a coupon?"},
		"membership":     {Zh: "会员有什么权益？", En: "What are the membership benefits?"},
		"warranty":       {Zh: "商品保修多久？", En: "How long is the warranty?"},
		"size_guide":     {Zh: "尺码怎么选？", En: "What size should I get?"},
		"product_stock":  {Zh: "缺货的商品什么时候补货？", En: "When will it be back in stock?"},
		"human":          {Zh: "转人工客服", En: "Talk to a person"},
	}
}
