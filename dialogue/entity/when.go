package entity

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kefuai/kefu/internal/textnorm"
)

// Grain is how precisely a When names a moment.
type Grain uint8

// Grains, from finest to coarsest.
const (
	// GrainMinute is a time of day to the minute ("8点半", "10:15am").
	GrainMinute Grain = iota + 1
	// GrainHour is a time of day to the hour ("晚上8点", "3pm").
	GrainHour
	// GrainDay is a day ("明天", "3月5号", "next monday").
	GrainDay
	// GrainWeek is a week starting on Monday ("下周", "next week").
	GrainWeek
	// GrainMonth is a month ("下个月", "3月").
	GrainMonth
)

var grainNames = [...]string{"", "minute", "hour", "day", "week", "month"}

// String returns the grain's lower-case name.
func (g Grain) String() string {
	if int(g) < len(grainNames) && g > 0 {
		return grainNames[g]
	}
	return "Grain(" + strconv.Itoa(int(g)) + ")"
}

// When is a date, a time of day, or both, found in text and resolved
// against a reference time.
type When struct {
	// Time is the start of the named period in the reference time's
	// location: midnight for a day, the first day for a week or month.
	Time time.Time
	// Grain says how precise Time is.
	Grain Grain
	// HasDate reports that the text named a day, week or month; when it
	// named only a time of day, the day is the reference day.
	HasDate bool
	// HasTime reports that the text named a time of day.
	HasTime bool
	// Text is the matched text, normalized; date and time are joined by a
	// space when they were found apart.
	Text string
}

// String returns the canonical form: "2025-03" for a month,
// "2025-03-05" for a day or a week's Monday, "2025-03-05 20:00" with a
// time of day.
func (w When) String() string {
	switch {
	case w.HasTime:
		return w.Time.Format("2006-01-02 15:04")
	case w.Grain == GrainMonth:
		return w.Time.Format("2006-01")
	default:
		return w.Time.Format("2006-01-02")
	}
}

// FindWhen finds the first date and the first time of day in s and resolves
// them against now, in now's location. Weeks start on Monday.
//
// Chinese: 今天, 明天, 后天, 大后天, 昨天, 前天, 今晚, 明早; 周五, 这周五,
// 下周一, 下下周三, 上周日, 周末, 下周; 3月5号, 3月5日, 三月五号,
// 2025年3月5日, 2025-03-05, 5号 (this month); 月底, 月初, 下个月底, 下个月,
// 下个月5号, 3月; 三天后, 两周后; 上午十点, 晚上8点, 下午3点半,
// 10点15分, 8:30, 中午12点, 凌晨2点.
//
// English: today, tonight, tomorrow, yesterday, the day after tomorrow;
// friday, this friday, next monday, last sunday; March 5, March 5th 2025,
// 5 March, the 5th of March; in 3 days, 2 weeks from now; next week, next
// month, end of month; 10am, 8:30 pm, at 9, noon, midnight.
//
// Resolution rules: a bare weekday ("周五", "friday") is the next such day
// on or after now's day; "下周一" and "next monday" are the Monday of the
// following week; a day of a month without a year is in now's year; a
// time without a date is on now's day.
func FindWhen(s string, now time.Time) (When, bool) {
	t := textnorm.Normalize(s).Text
	if len(t) > 4096 {
		t = t[:4096]
	}
	var w When
	date, dgrain, dtext, hasDate := findDate(t, now)
	h, mi, doff, ttext, hasTime := findTime(t)
	if !hasDate && !hasTime {
		return w, false
	}
	loc := now.Location()
	if !hasDate {
		y, m, d := now.Date()
		date, dgrain = time.Date(y, m, d, 0, 0, 0, 0, loc), GrainDay
	}
	w.Time, w.Grain, w.HasDate, w.Text = date, dgrain, hasDate, dtext
	if hasTime {
		y, m, d := date.Date()
		w.Time = time.Date(y, m, d+doff, h, mi, 0, 0, loc)
		w.Grain, w.HasTime = GrainHour, true
		if mi != 0 {
			w.Grain = GrainMinute
		}
		switch {
		case w.Text == "":
			w.Text = ttext
		case strings.Contains(ttext, w.Text):
			w.Text = ttext
		case !strings.Contains(w.Text, ttext):
			w.Text += " " + ttext
		}
	}
	return w, true
}

type dateRule struct {
	re *regexp.Regexp
	// fn resolves a match; m holds the submatches, "" for those that did
	// not take part.
	fn func(m []string, now time.Time) (time.Time, Grain, bool)
	// notAfter rejects a match right after this text ("30号" in "2月30号").
	notAfter string
}

const (
	reCNSmall = `[零〇一二两三四五六七八九十]{1,3}`
	reCNDay   = `[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]`
)

var dateRules = []dateRule{
	{regexp.MustCompile(`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		if mo := atoi(m[2]); mo < 1 || mo > 12 {
			return time.Time{}, 0, false
		}
		return ymd(now, atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}, ""},
	{regexp.MustCompile(`(?:(\d{4}|[〇零一二三四五六七八九]{4})年)?(\d{1,2}|十[一二]?|[一二三四五六七八九])月份?(?:(\d{1,2}|` + reCNDay + `)(?:日|号)?|(底|末|初|中))?`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		y := now.Year()
		if m[1] != "" {
			y = small(m[1])
		}
		mo := small(m[2])
		if mo < 1 || mo > 12 {
			return time.Time{}, 0, false
		}
		switch {
		case m[3] != "":
			return ymd(now, y, mo, small(m[3]))
		case m[4] != "":
			return monthPart(now, y, mo, m[4])
		}
		if y < 1900 || y > 2200 {
			return time.Time{}, 0, false
		}
		return time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, now.Location()), GrainMonth, true
	}, ""},
	{regexp.MustCompile(`大后天|后天|明天|明日|明儿|明早|明晚|今天|今日|今儿|今早|今晚|昨天|昨日|昨晚|大前天|前天`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		off := map[string]int{"大后天": 3, "后天": 2, "明天": 1, "明日": 1, "明儿": 1, "明早": 1, "明晚": 1,
			"昨天": -1, "昨日": -1, "昨晚": -1, "前天": -2, "大前天": -3}[m[0]]
		return addDays(now, off), GrainDay, true
	}, ""},
	{regexp.MustCompile(`(下下|下|上|这|本)?个?(?:周|星期|礼拜)([一二三四五六日天1-7]|末)`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		wd := strings.Index("一二三四五六日", m[2]) / 3
		switch m[2] {
		case "天":
			wd = 6
		case "末":
			wd = 5
		}
		if m[2] >= "1" && m[2] <= "7" {
			wd = int(m[2][0] - '1')
		}
		return weekday(now, m[1], wd), GrainDay, true
	}, ""},
	{regexp.MustCompile(`(下下|下|上|这|本)个?(?:周|星期|礼拜)`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		return weekday(now, m[1], 0), GrainWeek, true
	}, ""},
	{regexp.MustCompile(`(下|上|这|本)?个?月(底|末|初|中)`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		return monthPart(now, now.Year(), int(now.Month())+monthShift(m[1]), m[2])
	}, ""},
	{regexp.MustCompile(`(下|上)个?月(?:(\d{1,2}|` + reCNDay + `)(?:日|号))?`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		mo := int(now.Month()) + monthShift(m[1])
		if m[2] != "" {
			return ymd(now, now.Year(), mo, small(m[2]))
		}
		return time.Date(now.Year(), time.Month(mo), 1, 0, 0, 0, 0, now.Location()), GrainMonth, true
	}, ""},
	{regexp.MustCompile(`(\d{1,2}|` + reCNDay + `)(?:日|号)`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		return ymd(now, now.Year(), int(now.Month()), small(m[1]))
	}, "月"},
	{regexp.MustCompile(`(\d{1,3}|` + reCNSmall + `)个?(天|日|周|星期|礼拜)(?:后|以后|之后)`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		n := small(m[1])
		if n < 0 {
			return time.Time{}, 0, false
		}
		if m[2] != "天" && m[2] != "日" {
			n *= 7
		}
		return addDays(now, n), GrainDay, true
	}, ""},
	{regexp.MustCompile(`\b(the day after tomorrow|day after tomorrow|the day before yesterday|today|tonight|tomorrow|tmrw|tmr|yesterday)\b`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		off := map[string]int{"tomorrow": 1, "tmrw": 1, "tmr": 1, "yesterday": -1,
			"the day after tomorrow": 2, "day after tomorrow": 2, "the day before yesterday": -2}[m[1]]
		return addDays(now, off), GrainDay, true
	}, ""},
	{regexp.MustCompile(`\b(?:(next|this|last|coming)\s)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat|sun)\b`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		wd, full := englishWeekday(m[2])
		if !full && m[1] == "" {
			return time.Time{}, 0, false // "sat", "sun" alone are too often other words
		}
		rel := map[string]string{"next": "下", "last": "上", "this": "这"}[m[1]]
		return weekday(now, rel, wd), GrainDay, true
	}, ""},
	{regexp.MustCompile(`\b(` + reMonthEN + `)\.?\s(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s(\d{4})\b)?`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		y := now.Year()
		if m[3] != "" {
			y = atoi(m[3])
		}
		return ymd(now, y, englishMonth(m[1]), atoi(m[2]))
	}, ""},
	{regexp.MustCompile(`\b(?:the\s)?(\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(` + reMonthEN + `)\b(?:,?\s(\d{4})\b)?`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		y := now.Year()
		if m[3] != "" {
			y = atoi(m[3])
		}
		return ymd(now, y, englishMonth(m[2]), atoi(m[1]))
	}, ""},
	{regexp.MustCompile(`\b(?:in\s(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s(days?|weeks?)|(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s(days?|weeks?)\s(?:later|from now))\b`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		num, unit := m[1], m[2]
		if num == "" {
			num, unit = m[3], m[4]
		}
		n, ok := wholeNumber(num)
		if !ok {
			return time.Time{}, 0, false
		}
		if strings.HasPrefix(unit, "week") {
			n *= 7
		}
		return addDays(now, int(n)), GrainDay, true
	}, ""},
	{regexp.MustCompile(`\b(?:the\s)?end\sof\s(?:the\s)?(this\s|next\s)?month\b`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		shift := 0
		if m[1] == "next " {
			shift = 1
		}
		return monthPart(now, now.Year(), int(now.Month())+shift, "底")
	}, ""},
	{regexp.MustCompile(`\b(next|this|last)\s(week|month)\b`), func(m []string, now time.Time) (time.Time, Grain, bool) {
		rel := map[string]string{"next": "下", "last": "上", "this": "这"}[m[1]]
		if m[2] == "week" {
			return weekday(now, rel, 0), GrainWeek, true
		}
		return time.Date(now.Year(), now.Month()+time.Month(monthShift(rel)), 1, 0, 0, 0, 0, now.Location()), GrainMonth, true
	}, ""},
}

const reMonthEN = `january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec`

// findDate returns the leftmost (then longest) date in t.
func findDate(t string, now time.Time) (time.Time, Grain, string, bool) {
	var (
		best  time.Time
		grain Grain
		at    = -1
		end   int
	)
	for _, r := range dateRules {
		for _, idx := range r.re.FindAllStringSubmatchIndex(t, 8) {
			if at >= 0 && (idx[0] > at || (idx[0] == at && idx[1] <= end)) {
				break
			}
			if idx[0] > 0 && isDigit(t[idx[0]-1]) || idx[1] < len(t) && isDigit(t[idx[1]]) && isDigit(t[idx[1]-1]) {
				continue // part of a longer number
			}
			if r.notAfter != "" && strings.HasSuffix(t[:idx[0]], r.notAfter) {
				continue
			}
			m := submatches(t, idx)
			d, g, ok := r.fn(m, now)
			if !ok {
				continue
			}
			best, grain, at, end = d, g, idx[0], idx[1]
			break
		}
	}
	if at < 0 {
		return time.Time{}, 0, "", false
	}
	return best, grain, t[at:end], true
}

var (
	timeCN    = regexp.MustCompile(`(凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|半夜|今晚|明晚|昨晚|今早|明早)?\s?(\d{1,2}|` + reCNSmall + `)(?:点钟|点|时)(?:(半)|(一刻)|(三刻)|(\d{1,2}|` + reCNSmall + `)分?)?`)
	timeColon = regexp.MustCompile(`(凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|半夜|今晚|明晚|昨晚|今早|明早)?\s?(\d{1,2}):(\d{2})(?:\s?(am|pm|a\.m\.|p\.m\.))?`)
	timeEN    = regexp.MustCompile(`\b(\d{1,2})(?::(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.|o'clock)`)
	timeAt    = regexp.MustCompile(`\bat\s(\d{1,2})\b`)
	timeWord  = regexp.MustCompile(`\b(noon|midday|midnight)\b`)
)

// findTime returns the leftmost time of day in t as hour, minute and a day
// offset (晚上12点 is midnight at the end of the day).
func findTime(t string) (h, mi, doff int, matched string, ok bool) {
	at := -1
	try := func(re *regexp.Regexp, fn func(m []string) (int, int, int, bool)) {
		for _, idx := range re.FindAllStringSubmatchIndex(t, 8) {
			if at >= 0 && idx[0] >= at {
				return
			}
			first := idx[0]
			for first < len(t) && t[first] == ' ' {
				first++
			}
			if first > 0 && isDigit(t[first-1]) || idx[1] < len(t) && isDigit(t[idx[1]]) {
				continue
			}
			if hh, mm, dd, good := fn(submatches(t, idx)); good {
				h, mi, doff, at, matched = hh, mm, dd, idx[0], strings.TrimSpace(t[idx[0]:idx[1]])
				return
			}
		}
	}
	try(timeCN, func(m []string) (int, int, int, bool) {
		hh, mm := small(m[2]), 0
		switch {
		case m[3] != "":
			mm = 30
		case m[4] != "":
			mm = 15
		case m[5] != "":
			mm = 45
		case m[6] != "":
			mm = small(m[6])
		case m[1] == "" && m[2] == "一":
			return 0, 0, 0, false // "便宜一点" is "a little cheaper"
		}
		return period(m[1], hh, mm)
	})
	try(timeColon, func(m []string) (int, int, int, bool) {
		if m[4] != "" {
			return meridiem(atoi(m[2]), atoi(m[3]), m[4])
		}
		return period(m[1], atoi(m[2]), atoi(m[3]))
	})
	try(timeEN, func(m []string) (int, int, int, bool) {
		mm := 0
		if m[2] != "" {
			mm = atoi(m[2])
		}
		if m[3] == "o'clock" {
			return period("", atoi(m[1]), mm)
		}
		return meridiem(atoi(m[1]), mm, m[3])
	})
	try(timeAt, func(m []string) (int, int, int, bool) { return period("", atoi(m[1]), 0) })
	try(timeWord, func(m []string) (int, int, int, bool) {
		if m[1] == "midnight" {
			return 0, 0, 1, true
		}
		return 12, 0, 0, true
	})
	return h, mi, doff, matched, at >= 0
}

// period resolves an hour said with a Chinese part of the day.
func period(p string, h, m int) (int, int, int, bool) {
	if h < 0 || h > 24 || m < 0 || m > 59 {
		return 0, 0, 0, false
	}
	doff := 0
	switch p {
	case "下午", "午后", "傍晚":
		if h < 12 {
			h += 12
		}
	case "晚上", "夜里", "夜间", "今晚", "明晚", "昨晚":
		switch {
		case h == 12:
			h, doff = 0, 1
		case h >= 5 && h < 12:
			h += 12
		}
	case "中午":
		if h >= 1 && h <= 3 {
			h += 12
		}
	case "凌晨", "半夜":
		if h == 12 {
			h = 0
		}
	}
	if h == 24 {
		h, doff = 0, 1
	}
	if h > 23 {
		return 0, 0, 0, false
	}
	return h, m, doff, true
}

// meridiem resolves a 12-hour clock time.
func meridiem(h, m int, ampm string) (int, int, int, bool) {
	if h < 1 || h > 12 || m < 0 || m > 59 {
		return 0, 0, 0, false
	}
	pm := strings.HasPrefix(ampm, "p")
	switch {
	case pm && h < 12:
		h += 12
	case !pm && h == 12:
		h = 0
	}
	return h, m, 0, true
}

func submatches(t string, idx []int) []string {
	m := make([]string, len(idx)/2)
	for i := range m {
		if idx[2*i] >= 0 {
			m[i] = t[idx[2*i]:idx[2*i+1]]
		}
	}
	return m
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// small parses a small whole number written with digits or Chinese
// numerals, or returns -1.
func small(s string) int {
	if s == "" {
		return -1
	}
	if isDigit(s[0]) {
		return atoi(s)
	}
	n, ok := ChineseInt(s)
	if !ok || n > 1e6 {
		return -1
	}
	return int(n)
}

// ymd returns midnight of the given day, checking that the day exists.
func ymd(now time.Time, y, m, d int) (time.Time, Grain, bool) {
	if y < 1900 || y > 2200 || d < 1 {
		return time.Time{}, 0, false
	}
	// Months outside 1..12 arrive from "下个月" in December; normalize.
	first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, now.Location())
	if m < -1 || m > 14 {
		return time.Time{}, 0, false
	}
	if d > daysIn(first) {
		return time.Time{}, 0, false
	}
	return first.AddDate(0, 0, d-1), GrainDay, true
}

// monthPart resolves 底/末 (last day), 初 (first day) and 中 (15th) of a
// month, normalizing month numbers outside 1..12.
func monthPart(now time.Time, y, m int, part string) (time.Time, Grain, bool) {
	if m < -1 || m > 14 || y < 1900 || y > 2200 {
		return time.Time{}, 0, false
	}
	first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, now.Location())
	switch part {
	case "底", "末":
		return first.AddDate(0, 0, daysIn(first)-1), GrainDay, true
	case "中":
		return first.AddDate(0, 0, 14), GrainDay, true
	}
	return first, GrainDay, true
}

func daysIn(first time.Time) int {
	return first.AddDate(0, 1, -1).Day()
}

func monthShift(rel string) int {
	switch rel {
	case "下":
		return 1
	case "上":
		return -1
	}
	return 0
}

func addDays(now time.Time, n int) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, now.Location())
}

// weekday resolves a weekday (0 = Monday) relative to now's week: rel is
// "下下", "下", "上", "这"/"本", or "" for the next such day on or after
// today.
func weekday(now time.Time, rel string, wd int) time.Time {
	today := (int(now.Weekday()) + 6) % 7
	var off int
	switch rel {
	case "":
		off = (wd - today + 7) % 7
	case "这", "本":
		off = wd - today
	case "下":
		off = wd - today + 7
	case "下下":
		off = wd - today + 14
	case "上":
		off = wd - today - 7
	}
	return addDays(now, off)
}

func englishWeekday(w string) (int, bool) {
	for i, names := range [][]string{
		{"monday", "mon"}, {"tuesday", "tue", "tues"}, {"wednesday", "wed"}, {"thursday", "thu", "thurs"},
		{"friday", "fri"}, {"saturday", "sat"}, {"sunday", "sun"},
	} {
		for j, n := range names {
			if w == n {
				return i, j == 0
			}
		}
	}
	return 0, false
}

func englishMonth(w string) int {
	for i, p := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(w, p) {
			return i + 1
		}
	}
	return 0
}
