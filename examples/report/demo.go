package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
)

type demoIntent struct {
	name, category string
	weight         float64
	questions      []string
}

var demoIntents = []demoIntent{
	{"query_logistics", "物流", 30, []string{"我的快递到哪了？", "订单什么时候发货", "物流好几天没更新了", "能不能加急配送"}},
	{"return_goods", "售后", 20, []string{"怎么申请退货", "衣服尺码不合适想换货", "退款多久到账？", "退货运费谁出"}},
	{"invoice", "发票", 10, []string{"怎么开发票", "发票抬头写错了能改吗", "电子发票在哪下载"}},
	{"change_address", "订单", 9, []string{"收货地址填错了", "能改一下收货电话吗 手机13912345678", "下单后还能改地址吗"}},
	{"coupon", "促销", 8, []string{"优惠券怎么用不了", "满减活动什么时候结束", "新人券在哪领"}},
	{"member_points", "会员", 6, []string{"积分怎么兑换", "会员等级怎么升级", "积分什么时候过期"}},
	{"payment", "支付", 7, []string{"付款失败怎么办", "可以用花呗吗", "重复扣款了"}},
	{"product_info", "商品", 10, []string{"这款有现货吗", "材质是纯棉的吗", "保修期多久"}},
}

var demoUnanswered = []string{
	"你们线下门店在哪里", "能开专票吗", "可以货到付款吗", "你们线下门店在哪里？", "支持海外直邮吗", "能开专票吗",
	"发错货了怎么办", "客服电话多少", "可以分期付款吗", "直播间的价格能保价吗",
}

// fillDemo emits synthetic conversations of the period through a
// dispatcher into a bbolt store, as a bot would, and returns the number of
// sessions.
func fillDemo(ctx context.Context, path, walDir string, p analytics.Period, loc *time.Location, perDay int, seed uint64) (int, error) {
	store, err := boltstore.Open(path, boltstore.Options{NoSync: true})
	if err != nil {
		return 0, err
	}
	defer store.Close()
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	if err := d.AddDurable("transcripts", analytics.StoreHook(store), analytics.DurableOptions{Dir: walDir, MaxBytes: 1 << 30}); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b656675))
	total := 0.0
	for _, it := range demoIntents {
		total += it.weight
	}
	pick := func() demoIntent {
		x := rng.Float64() * total
		for _, it := range demoIntents {
			if x -= it.weight; x < 0 {
				return it
			}
		}
		return demoIntents[0]
	}
	from, to := p.Bounds(loc)
	sessions := 0
	for day, i := from, 0; day.Before(to); day, i = day.AddDate(0, 0, 1), i+1 {
		// Busier on weekdays, a promotion bump mid-period, some noise.
		mean := float64(perDay)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			mean *= 0.7
		}
		mean *= 1 + 0.5*math.Exp(-math.Pow(float64(i)-float64(to.Sub(from)/(48*time.Hour)), 2)/8)
		n := max(1, int(mean*(0.85+0.3*rng.Float64())))
		for range n {
			sessions++
			if err := demoSession(d, rng, pick, day, sessions); err != nil {
				return sessions, err
			}
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := d.Close(cctx); err != nil {
		return sessions, err
	}
	if st := d.Stats()[0]; st.Dropped > 0 || st.Backlog > 0 {
		return sessions, fmt.Errorf("%d events dropped, %d bytes left in the log", st.Dropped, st.Backlog)
	}
	return sessions, nil
}

func demoSession(d *analytics.Dispatcher, rng *rand.Rand, pick func() demoIntent, day time.Time, n int) error {
	// Office hours are busiest.
	hour := 8 + rng.NormFloat64()*3 + 6*rng.Float64()
	hour = math.Min(math.Max(hour, 0), 23.9)
	t := day.Add(time.Duration(hour * float64(time.Hour)))
	sess := fmt.Sprintf("demo-%06d", n)
	user := fmt.Sprintf("user-%05d", rng.IntN(n/2+50))
	channel := []string{"web", "web", "web", "wecom", "wecom", "app"}[rng.IntN(6)]
	emit := func(e analytics.Event) error {
		e.SessionID, e.UserID, e.Channel, e.Time = sess, user, channel, t
		return d.Emit(e)
	}
	step := func(base, spread float64) {
		t = t.Add(time.Duration((base + rng.ExpFloat64()*spread) * float64(time.Second)))
	}
	if err := emit(analytics.Event{Kind: analytics.SessionStarted}); err != nil {
		return err
	}
	turns := 1 + rng.IntN(3)
	handedOff := false
	for range turns {
		step(3, 20)
		if rng.Float64() < 0.12 {
			q := demoUnanswered[rng.IntN(len(demoUnanswered))]
			emit(analytics.Event{Kind: analytics.MessageIn, Text: q})
			emit(analytics.Event{Kind: analytics.IntentRecognized, Text: q, Intent: pick().name, Confidence: 0.2 + 0.25*rng.Float64(), OutOfScope: true})
			emit(analytics.Event{Kind: analytics.Fallback, Text: q})
			step(0.5, 1)
			emit(analytics.Event{Kind: analytics.MessageOut, Text: "抱歉，这个问题我还不会回答，需要为您转人工吗？"})
			if rng.Float64() < 0.5 {
				step(2, 5)
				emit(analytics.Event{Kind: analytics.Handoff, Reason: "no_answer"})
				handedOff = true
				break
			}
			continue
		}
		it := pick()
		q := it.questions[rng.IntN(len(it.questions))]
		emit(analytics.Event{Kind: analytics.MessageIn, Text: q})
		emit(analytics.Event{Kind: analytics.IntentRecognized, Text: q, Intent: it.name, Confidence: 0.6 + 0.4*rng.Float64()})
		emit(analytics.Event{Kind: analytics.AnswerServed, EntryID: fmt.Sprintf("faq-%s-%d", it.name, rng.IntN(3)), Category: it.category})
		step(0.5, 1)
		emit(analytics.Event{Kind: analytics.MessageOut, Text: "好的，已为您查询到相关信息。"})
		if rng.Float64() < 0.04 {
			step(2, 5)
			emit(analytics.Event{Kind: analytics.Handoff, Reason: "requested"})
			handedOff = true
			break
		}
	}
	step(10, 120)
	if rng.Float64() < 0.45 {
		r := 5
		switch x := rng.Float64(); {
		case handedOff && x < 0.5:
			r = 2 + rng.IntN(2)
		case x < 0.05:
			r = 1
		case x < 0.12:
			r = 3
		case x < 0.45:
			r = 4
		}
		emit(analytics.Event{Kind: analytics.Rating, Rating: r})
		step(1, 3)
	}
	return emit(analytics.Event{Kind: analytics.SessionEnded, Confirmed: !handedOff && rng.Float64() < 0.3})
}
