package shop

import (
	"context"
	"strings"
	"time"

	"github.com/kefuai/kefu/dialogue"
)

// Events raised by the order_status function.
const (
	EventShipped   = "shipped"
	EventDelivered = "delivered"
	EventNotFound  = "not_found"
)

// order is one order of the demo order book. Dates are days relative to
// the turn's day, so the demo reads the same whenever it runs.
type order struct {
	id                    string
	status                string // EventShipped or EventDelivered
	item, itemEn          string
	carrier, carrierEn    string
	tracking              string
	latest, latestEn      string
	etaDays, deliveredAgo int
}

var orders = []order{
	{
		id: "DD2025061801", status: EventShipped,
		item: "纯棉圆领T恤（白色 M）", itemEn: "cotton crew-neck T-shirt, white, M",
		carrier: "顺丰速运", carrierEn: "SF Express", tracking: "SF1402384756201",
		latest: "已到达【上海浦东转运中心】，正在发往下一站", latestEn: "arrived at the Shanghai Pudong hub",
		etaDays: 1,
	},
	{
		id: "DD2025061502", status: EventDelivered,
		item: "降噪蓝牙耳机", itemEn: "noise-cancelling Bluetooth headphones",
		carrier: "中通快递", carrierEn: "ZTO Express", tracking: "75381234567890",
		latest: "已签收，签收人：本人", latestEn: "delivered, signed for by the recipient",
		deliveredAgo: 2,
	},
	{
		id: "DD2025062003", status: EventShipped,
		item: "iPhone 15 手机壳（雾蓝）", itemEn: "iPhone 15 case, misty blue",
		carrier: "圆通速递", carrierEn: "YTO Express", tracking: "YT8812345678901",
		latest: "已从【广州白云分拨中心】发出", latestEn: "left the Guangzhou Baiyun sorting centre",
		etaDays: 3,
	},
	{
		id: "DD2025060904", status: EventDelivered,
		item: "帆布托特包（米白）", itemEn: "canvas tote bag, off-white",
		carrier: "顺丰速运", carrierEn: "SF Express", tracking: "SF1402384750088",
		latest: "已签收，签收人：快递柜", latestEn: "delivered to a parcel locker",
		deliveredAgo: 9,
	},
}

// Orders returns the numbers of the demo orders, to try the order-status
// flows with.
func Orders() []string {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.id
	}
	return ids
}

// Funcs returns the operator functions the flows call. "order_status"
// looks the slot order_id up in the demo order book; it raises the event
// shipped, delivered or not_found and sets the slots item, carrier and
// latest in the language the flow speaks (Call.Lang: English for
// dialogue.LangEN, Chinese otherwise), tracking_no, and eta (shipped) or
// delivered_on (delivered), dates as 2006-01-02. An order number typed
// without "DD" gets it. The result depends only on the order number, the
// language and the turn's day.
func Funcs() map[string]dialogue.Func {
	return map[string]dialogue.Func{"order_status": orderStatus}
}

func orderStatus(_ context.Context, c dialogue.Call) (dialogue.Result, error) {
	id := strings.ToUpper(strings.TrimSpace(c.Slots["order_id"].Text))
	if id != "" && !strings.HasPrefix(id, "DD") {
		id = "DD" + id
	}
	for _, o := range orders {
		if o.id != id {
			continue
		}
		day := func(d int) dialogue.Value {
			t := c.Time.AddDate(0, 0, d)
			return dialogue.Value{Text: t.Format(time.DateOnly), Time: t}
		}
		item, carrier, latest := o.item, o.carrier, o.latest
		if c.Lang == dialogue.LangEN {
			item, carrier, latest = o.itemEn, o.carrierEn, o.latestEn
		}
		slots := map[string]dialogue.Value{
			"order_id":    {Text: o.id},
			"item":        {Text: item},
			"carrier":     {Text: carrier},
			"tracking_no": {Text: o.tracking},
			"latest":      {Text: latest},
		}
		if o.status == EventShipped {
			slots["eta"] = day(o.etaDays)
		} else {
			slots["delivered_on"] = day(-o.deliveredAgo)
		}
		return dialogue.Result{Event: o.status, Slots: slots}, nil
	}
	res := dialogue.Result{Event: EventNotFound}
	if id != "" {
		res.Slots = map[string]dialogue.Value{"order_id": {Text: id}}
	}
	return res, nil
}
