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
				channel.QuickReply{Title: "Which size should I choose?"},
			),
		}},
	}
}

// IntentTitles returns, for the intents worth offering as "did you
// mean…" suggestions, the question a customer would ask, in Chinese.
// Titles of intents without a flow are standard questions of
// knowledge-base entries. Small talk and cancel have no title.
func IntentTitles() map[string]string {
	return map[string]string{
		"return_goods":   "怎么申请退货？",
		"refund":         "退款多久到账？",
		"order_status":   "我的订单到哪了？",
		"delivery_time":  "下单后多久发货？",
		"shipping_fee":   "运费怎么收？",
		"change_address": "下单后怎么修改收货地址？",
		"cancel_order":   "怎么取消订单？",
		"invoice":        "怎么开发票？",
		"payment":        "支持哪些付款方式？",
		"coupon":         "优惠券怎么用？",
		"membership":     "会员有什么权益？",
		"warranty":       "商品保修多久？",
		"size_guide":     "尺码怎么选？",
		"product_stock":  "缺货的商品什么时候补货？",
		"human":          "转人工客服",
	}
}
