package entity_test

import (
	"fmt"
	"time"

	"github.com/kefuai/kefu/dialogue/entity"
)

// Relative dates are resolved against the time of the message, in its time
// zone: here Wednesday 12 March 2025, 10:00 in Beijing.
func ExampleFindWhen() {
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, s := range []string{"明天下午3点半送到", "下周一可以退吗", "能不能3月20号之前到", "can you deliver next friday at 10am?"} {
		w, ok := entity.FindWhen(s, now)
		if !ok {
			fmt.Printf("%s: no date or time\n", s)
			continue
		}
		fmt.Printf("%s (%s): %s\n", w.Text, w.Grain, w)
	}
	// Output:
	// 明天 下午3点半 (minute): 2025-03-13 15:30
	// 下周一 (day): 2025-03-17
	// 3月20号 (day): 2025-03-20
	// next friday 10am (hour): 2025-03-21 10:00
}

// An amount in free text names its currency; a bare number does not count
// (see ParseAmount).
func ExampleFindAmount() {
	for _, s := range []string{"三百五", "退我三百五块", "两千五百块", "一共¥89.9", "refund $20 please"} {
		a, ok := entity.FindAmount(s)
		if !ok {
			fmt.Printf("%s: no amount\n", s)
			continue
		}
		fmt.Printf("%s: %s %s\n", a.Text, a.Currency, a)
	}
	// Output:
	// 三百五: no amount
	// 三百五块: CNY 350.00
	// 两千五百块: CNY 2500.00
	// ¥89.9: CNY 89.90
	// $20: USD 20.00
}

// A bare number is the sum when it answers a question about money.
func ExampleParseAmount() {
	a, ok := entity.ParseAmount("三百五")
	fmt.Println(a.Currency, a, ok)
	// Output:
	// CNY 350.00 true
}

// A mobile number may be written with its country code and in groups; digits
// inside a longer number, such as an order number, are not one.
func ExampleFindMobile() {
	for _, s := range []string{"我电话是 +86 138-1234-5678", "订单号 201381234567890"} {
		m, ok := entity.FindMobile(s)
		fmt.Printf("%q %v\n", m, ok)
	}
	// Output:
	// "13812345678" true
	// "" false
}

// Chinese numerals, with the spoken abbreviations; decimals are for Number.
func ExampleChineseInt() {
	for _, s := range []string{"十五", "一百零五", "三百五", "一万二", "二零二四", "三点五"} {
		n, ok := entity.ChineseInt(s)
		fmt.Println(s, n, ok)
	}
	// Output:
	// 十五 15 true
	// 一百零五 105 true
	// 三百五 350 true
	// 一万二 12000 true
	// 二零二四 2024 true
	// 三点五 0 false
}
