package entity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChineseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"一", 1, true}, {"两", 2, true}, {"十", 10, true}, {"十五", 15, true}, {"二十", 20, true},
		{"二十五", 25, true}, {"一百", 100, true}, {"一百零五", 105, true}, {"一百一十", 110, true},
		{"三百五", 350, true}, {"三百五十", 350, true}, {"两千五", 2500, true}, {"两千五百", 2500, true},
		{"一千零十", 1010, true}, {"一万", 10000, true}, {"一万二", 12000, true}, {"一万二千", 12000, true},
		{"十万", 100000, true}, {"三百五万", 3500000, true}, {"二十一万", 210000, true},
		{"一亿二千万", 120000000, true}, {"二零二四", 2024, true}, {"〇", 0, true}, {"叁佰", 300, true},
		{"", 0, false}, {"百", 0, false}, {"一二十", 0, false}, {"十百", 0, false}, {"万", 0, false},
		{"一万万", 0, false}, {"abc", 0, false}, {"三a", 0, false},
	} {
		got, ok := ChineseInt(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"42", 42, true}, {" 3.5 ", 3.5, true}, {"1,200", 1200, true}, {"12,345.5", 12345.5, true},
		{"３５０", 350, true}, {"三百五", 350, true}, {"三点五", 3.5, true}, {"1.5万", 15000, true},
		{"3千", 3000, true}, {"2万5", 25000, true}, {"2千五", 2500, true},
		{"1,2", 0, false}, {"1..2", 0, false}, {".5", 0, false}, {"-3", 0, false}, {"3点", 0, false},
		{"三点", 0, false}, {"5万5万", 0, false}, {"", 0, false}, {"1e9", 0, false}, {"99999999999999999", 0, false},
	} {
		got, ok := Number(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.InDelta(t, tc.want, got, 1e-9, tc.in)
	}
}

func TestFindAmount(t *testing.T) {
	for _, tc := range []struct {
		in       string
		cents    int64
		currency string
	}{
		{"¥350", 35000, "CNY"}, {"￥350", 35000, "CNY"}, {"退我350元", 35000, "CNY"},
		{"三百五十块", 35000, "CNY"}, {"两千五百块", 250000, "CNY"}, {"3.5元", 350, "CNY"},
		{"三块五", 350, "CNY"}, {"3块5毛", 350, "CNY"}, {"3元5角2分", 352, "CNY"},
		{"RMB 80", 8000, "CNY"}, {"80rmb", 8000, "CNY"}, {"人民币200元", 20000, "CNY"},
		{"$20", 2000, "USD"}, {"it cost 20 dollars", 2000, "USD"}, {"20美元", 2000, "USD"},
		{"1.5万元", 1500000, "CNY"}, {"1,200元", 120000, "CNY"}, {"运费10块钱", 1000, "CNY"},
		{"3块5个", 300, "CNY"}, {"€15.50", 1550, "EUR"}, {"两百块，谢谢", 20000, "CNY"},
	} {
		a, ok := FindAmount(tc.in)
		if assert.True(t, ok, tc.in) {
			assert.Equal(t, tc.cents, a.Cents, tc.in)
			assert.Equal(t, tc.currency, a.Currency, tc.in)
		}
	}
	for _, in := range []string{"我要退货", "三百五", "3个", "80", "DD2024030501", "元旦", ""} {
		_, ok := FindAmount(in)
		assert.False(t, ok, in)
	}
	a, ok := FindAmount("¥350")
	require.True(t, ok)
	assert.Equal(t, "350.00", a.String())
	assert.InDelta(t, 350.0, a.Value(), 1e-9)
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{"三百五": 35000, "80": 8000, "3.5": 350, "两千五百块": 250000, "$20": 2000} {
		a, ok := ParseAmount(in)
		if assert.True(t, ok, in) {
			assert.Equal(t, want, a.Cents, in)
		}
	}
	_, ok := ParseAmount("不知道")
	assert.False(t, ok)
}

func TestFindQuantity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int64
		unit string
	}{
		{"两件", 2, "件"}, {"我买了3个", 3, "个"}, {"一双", 1, "双"}, {"要x2", 2, ""}, {"3 pcs", 3, "pcs"},
		{"two items please", 2, "items"}, {"买了五盒", 5, "盒"}, {"十二瓶", 12, "瓶"}, {"a dozen boxes", 12, "boxes"},
	} {
		q, ok := FindQuantity(tc.in)
		if assert.True(t, ok, tc.in) {
			assert.Equal(t, tc.n, q.N, tc.in)
			assert.Equal(t, tc.unit, q.Unit, tc.in)
		}
	}
	for _, in := range []string{"3个月", "两个小时", "三个人", "我要退货", "1.5个", "box"} {
		_, ok := FindQuantity(in)
		assert.False(t, ok, in)
	}
	q, ok := ParseQuantity("两")
	require.True(t, ok)
	assert.Equal(t, int64(2), q.N)
	q, ok = ParseQuantity("3")
	require.True(t, ok)
	assert.Equal(t, int64(3), q.N)
	_, ok = ParseQuantity("0")
	assert.False(t, ok)
}

func TestFindMobile(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678": "13812345678", "我的手机是13812345678谢谢": "13812345678",
		"+86 138 1234 5678": "13812345678", "138-1234-5678": "13812345678", "8613812345678": "13812345678",
		"１３８１２３４５６７８": "13812345678", "电话: 199 0000 1111, 订单 123": "19900001111",
	} {
		got, ok := FindMobile(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"12345678901", "202403051381234567890", "dd13812345678", "1381234567",
		"138123456789", "138 1234 56789", ""} {
		_, ok := FindMobile(in)
		assert.False(t, ok, in)
	}
	assert.True(t, IsMobile("15900001111"))
	assert.False(t, IsMobile("1590000111a"))
}

// 2025-03-12 is a Wednesday.
var refNow = time.Date(2025, 3, 12, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestFindWhen(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		grain    Grain
	}{
		{"今天", "2025-03-12", GrainDay}, {"明天", "2025-03-13", GrainDay}, {"后天", "2025-03-14", GrainDay},
		{"大后天", "2025-03-15", GrainDay}, {"昨天", "2025-03-11", GrainDay}, {"前天", "2025-03-10", GrainDay},
		{"下周一", "2025-03-17", GrainDay}, {"下个星期一", "2025-03-17", GrainDay}, {"这周五", "2025-03-14", GrainDay},
		{"周五来取", "2025-03-14", GrainDay}, {"周一", "2025-03-17", GrainDay}, {"上周日", "2025-03-09", GrainDay},
		{"下下周三", "2025-03-26", GrainDay}, {"周末", "2025-03-15", GrainDay}, {"星期天", "2025-03-16", GrainDay},
		{"礼拜3", "2025-03-12", GrainDay}, {"下周", "2025-03-17", GrainWeek},
		{"3月5号", "2025-03-05", GrainDay}, {"3月5日", "2025-03-05", GrainDay}, {"三月五号", "2025-03-05", GrainDay},
		{"３月２５号", "2025-03-25", GrainDay}, {"2024年3月5日", "2024-03-05", GrainDay},
		{"二〇二四年三月五日", "2024-03-05", GrainDay}, {"2025-04-01", "2025-04-01", GrainDay},
		{"2025/4/1", "2025-04-01", GrainDay}, {"4月", "2025-04", GrainMonth},
		{"月底", "2025-03-31", GrainDay}, {"这个月底", "2025-03-31", GrainDay}, {"下个月底", "2025-04-30", GrainDay},
		{"月初", "2025-03-01", GrainDay}, {"2月底", "2025-02-28", GrainDay}, {"3月底", "2025-03-31", GrainDay},
		{"下个月", "2025-04", GrainMonth}, {"下月5号", "2025-04-05", GrainDay}, {"15号", "2025-03-15", GrainDay},
		{"二十五号", "2025-03-25", GrainDay}, {"三天后", "2025-03-15", GrainDay}, {"两周后", "2025-03-26", GrainDay},
		{"上午十点", "2025-03-12 10:00", GrainHour}, {"晚上8点", "2025-03-12 20:00", GrainHour},
		{"明天下午3点半", "2025-03-13 15:30", GrainMinute}, {"10点15分", "2025-03-12 10:15", GrainMinute},
		{"8:30", "2025-03-12 08:30", GrainMinute}, {"晚上8:30", "2025-03-12 20:30", GrainMinute},
		{"中午12点", "2025-03-12 12:00", GrainHour}, {"中午1点", "2025-03-12 13:00", GrainHour},
		{"凌晨2点", "2025-03-12 02:00", GrainHour}, {"明晚8点", "2025-03-13 20:00", GrainHour},
		{"十点一刻", "2025-03-12 10:15", GrainMinute}, {"晚上12点", "2025-03-13 00:00", GrainHour},
		{"下周一上午9点", "2025-03-17 09:00", GrainHour}, {"今晚", "2025-03-12", GrainDay},
		{"today", "2025-03-12", GrainDay}, {"Tomorrow", "2025-03-13", GrainDay}, {"yesterday", "2025-03-11", GrainDay},
		{"the day after tomorrow", "2025-03-14", GrainDay}, {"next Monday", "2025-03-17", GrainDay},
		{"this friday", "2025-03-14", GrainDay}, {"on Friday", "2025-03-14", GrainDay}, {"last sunday", "2025-03-09", GrainDay},
		{"next tue", "2025-03-18", GrainDay}, {"March 5", "2025-03-05", GrainDay}, {"March 5th, 2024", "2024-03-05", GrainDay},
		{"5 March", "2025-03-05", GrainDay}, {"the 5th of march", "2025-03-05", GrainDay}, {"Apr 1", "2025-04-01", GrainDay},
		{"in 3 days", "2025-03-15", GrainDay}, {"two weeks from now", "2025-03-26", GrainDay},
		{"next week", "2025-03-17", GrainWeek}, {"next month", "2025-04", GrainMonth}, {"end of month", "2025-03-31", GrainDay},
		{"10am", "2025-03-12 10:00", GrainHour}, {"8:30 pm", "2025-03-12 20:30", GrainMinute},
		{"tomorrow at 9", "2025-03-13 09:00", GrainHour}, {"tomorrow 3pm", "2025-03-13 15:00", GrainHour},
		{"noon", "2025-03-12 12:00", GrainHour}, {"12am", "2025-03-12 00:00", GrainHour},
	} {
		w, ok := FindWhen(tc.in, refNow)
		if assert.True(t, ok, tc.in) {
			assert.Equal(t, tc.want, w.String(), tc.in)
			assert.Equal(t, tc.grain, w.Grain, tc.in)
			assert.Equal(t, refNow.Location(), w.Time.Location(), tc.in)
		}
	}
	for _, in := range []string{"便宜一点", "我要退货", "2月30号", "13月", "sat on it", "3个月", "订单号 DD2024030501",
		"7天无理由", "", "2025-13-01", "35号", "25:00"} {
		w, ok := FindWhen(in, refNow)
		assert.False(t, ok, "%s → %v", in, w)
	}
}

func TestFindWhenFlags(t *testing.T) {
	w, ok := FindWhen("明天晚上8点送过来", refNow)
	require.True(t, ok)
	assert.True(t, w.HasDate)
	assert.True(t, w.HasTime)
	assert.Equal(t, time.Date(2025, 3, 13, 20, 0, 0, 0, refNow.Location()), w.Time)

	w, ok = FindWhen("晚上8点", refNow)
	require.True(t, ok)
	assert.False(t, w.HasDate)
	assert.True(t, w.HasTime)

	// December rolls over to the next year.
	dec := time.Date(2025, 12, 20, 9, 0, 0, 0, time.UTC)
	w, ok = FindWhen("下个月5号", dec)
	require.True(t, ok)
	assert.Equal(t, "2026-01-05", w.String())
	w, ok = FindWhen("下个月底", dec)
	require.True(t, ok)
	assert.Equal(t, "2026-01-31", w.String())
}

func TestGrainString(t *testing.T) {
	assert.Equal(t, "day", GrainDay.String())
	assert.Equal(t, "Grain(9)", Grain(9).String())
}

func BenchmarkFindWhen(b *testing.B) {
	s := "麻烦下周一下午3点半来取件，谢谢"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := FindWhen(s, refNow); !ok {
			b.Fatal("no date")
		}
	}
}

func BenchmarkFindAmount(b *testing.B) {
	s := "这件衣服两千五百块，能退多少钱"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := FindAmount(s); !ok {
			b.Fatal("no amount")
		}
	}
}
