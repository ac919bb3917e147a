package analytics

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/kefuai/kefu/internal/textnorm"
)

// ReportOptions configure BuildReport. The zero value works.
type ReportOptions struct {
	// Location fixes what a month and a day are; time.Local when nil
	// (Asia/Shanghai for most operators).
	Location *time.Location
	// Resolver decides which sessions count as resolved;
	// DefaultResolver when nil.
	Resolver Resolver
	// Top bounds the intents, categories and unanswered questions
	// listed; 10 when zero.
	Top int
	// Lookback is how far before the period events are read, so that a
	// session that began before the period and ended in it is judged on
	// all its events; 24 h when zero.
	Lookback time.Duration
	// Now stamps the report; time.Now when nil.
	Now func() time.Time
}

// Count is a named number with its share of the total it belongs to.
type Count struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// DayVolume is the traffic of one day.
type DayVolume struct {
	Date        string `json:"date"` // 2006-01-02
	MessagesIn  int    `json:"messages_in"`
	MessagesOut int    `json:"messages_out"`
	Sessions    int    `json:"sessions"`
}

// Question is an unanswered question, grouped with the ones that read the
// same once normalized (case, width, spacing, punctuation).
type Question struct {
	Text  string `json:"text"` // the most frequent spelling
	Count int    `json:"count"`
}

// Report is what a period adds up to; see BuildReport for how each figure
// is defined. Rates are fractions from 0 to 1.
type Report struct {
	Period    string    `json:"period"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Generated time.Time `json:"generated"`

	Volume struct {
		MessagesIn  int `json:"messages_in"`
		MessagesOut int `json:"messages_out"`
		Sessions    int `json:"sessions"`
		UniqueUsers int `json:"unique_users"`
	} `json:"volume"`
	Daily    []DayVolume `json:"daily"`
	Channels []Count     `json:"channels"`

	Intents    []Count `json:"intents"`
	Recognized int     `json:"recognized"`
	OutOfScope int     `json:"out_of_scope"`
	Categories []Count `json:"categories"`
	Answers    int     `json:"answers"`

	Resolution struct {
		Ended    int     `json:"ended"`
		Resolved int     `json:"resolved"`
		Rate     float64 `json:"rate"`
	} `json:"resolution"`
	Satisfaction struct {
		Ratings int     `json:"ratings"`
		Mean    float64 `json:"mean"`
		// Distribution[i] counts ratings of i+1.
		Distribution [5]int `json:"distribution"`
		// ResponseRate is ratings per ended session.
		ResponseRate float64 `json:"response_rate"`
	} `json:"satisfaction"`
	Duration struct {
		Sessions      int     `json:"sessions"`
		MeanSeconds   float64 `json:"mean_seconds"`
		MedianSeconds float64 `json:"median_seconds"`
		P90Seconds    float64 `json:"p90_seconds"`
	} `json:"duration"`

	Fallbacks    int     `json:"fallbacks"`
	FallbackRate float64 `json:"fallback_rate"`
	Handoffs     int     `json:"handoffs"`
	HandoffRate  float64 `json:"handoff_rate"`

	Unanswered []Question `json:"unanswered"`
}

// Uncategorized names answers whose entry has no category.
const Uncategorized = "未分类 (uncategorized)"

// BuildReport computes the report of period p from the events in s:
//
//   - Volume: MessageIn and MessageOut events in the period; sessions are
//     SessionStarted events in it; unique users are the distinct user IDs
//     of all its events. Daily volume splits these by day.
//   - Intents: IntentRecognized events in the period, in scope, by name;
//     Recognized counts all of them, OutOfScope the out-of-scope ones.
//     Shares are of Recognized.
//   - Categories: AnswerServed events by category; shares are of Answers.
//   - Resolution, duration and hand-off rate: sessions whose SessionEnded
//     event falls in the period, each judged by opts.Resolver on the
//     summary of all its events (read from Lookback before the period).
//     Handoffs counts those handed off; HandoffRate is that over ended
//     sessions. Duration is the SessionEnded event's, else end minus first
//     event; median and 90th percentile are nearest-rank.
//   - Satisfaction: Rating events in the period; ResponseRate is ratings
//     over ended sessions.
//   - FallbackRate: Fallback events over MessageIn events.
//   - Unanswered: the text of Fallback events, normalized and grouped,
//     most frequent first (empty when the store keeps no text).
//
// Lists are ordered by count, then name, and cut to opts.Top.
func BuildReport(ctx context.Context, s Store, p Period, opts ReportOptions) (*Report, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("%w: %+v", ErrInvalidPeriod, p)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	resolve := opts.Resolver
	if resolve == nil {
		resolve = DefaultResolver
	}
	top := opts.Top
	if top <= 0 {
		top = 10
	}
	lookback := opts.Lookback
	if lookback <= 0 {
		lookback = 24 * time.Hour
	}
	from, to := p.Bounds(loc)
	r := &Report{Period: p.String(), From: from, To: to, Generated: nowFunc(opts.Now)().In(loc)}

	days := map[string]*DayVolume{}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		dv := &DayVolume{Date: d.Format(time.DateOnly)}
		days[dv.Date] = dv
		r.Daily = append(r.Daily, DayVolume{})
	}
	users := map[string]bool{}
	channels := map[string]int{}
	intents := map[string]int{}
	categories := map[string]int{}
	type group struct {
		count    int
		spelling map[string]int
	}
	questions := map[string]*group{}
	sessions := map[string]*SessionSummary{}
	var ended []*SessionSummary

	err := s.Scan(ctx, Query{From: from.Add(-lookback), To: to}, func(e Event) error {
		sum := sessions[e.SessionID]
		if sum == nil {
			sum = &SessionSummary{}
			sessions[e.SessionID] = sum
		}
		sum.Add(e)
		if e.Time.Before(from) {
			return nil
		}
		if e.UserID != "" {
			users[e.UserID] = true
		}
		day := days[e.Time.In(loc).Format(time.DateOnly)]
		switch e.Kind {
		case MessageIn:
			r.Volume.MessagesIn++
			day.MessagesIn++
		case MessageOut:
			r.Volume.MessagesOut++
			day.MessagesOut++
		case SessionStarted:
			r.Volume.Sessions++
			day.Sessions++
			channels[label(e.Channel)]++
		case IntentRecognized:
			r.Recognized++
			if e.OutOfScope {
				r.OutOfScope++
			} else {
				intents[e.Intent]++
			}
		case AnswerServed:
			r.Answers++
			c := e.Category
			if c == "" {
				c = Uncategorized
			}
			categories[c]++
		case Fallback:
			r.Fallbacks++
			if key := questionKey(e.Text); key != "" {
				g := questions[key]
				if g == nil {
					g = &group{spelling: map[string]int{}}
					questions[key] = g
				}
				g.count++
				g.spelling[strings.TrimSpace(e.Text)]++
			}
		case Rating:
			r.Satisfaction.Ratings++
			r.Satisfaction.Distribution[e.Rating-1]++
		case SessionEnded:
			ended = append(ended, sum)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: report %s: %w", p, err)
	}

	for i, d := 0, from; d.Before(to); i, d = i+1, d.AddDate(0, 0, 1) {
		r.Daily[i] = *days[d.Format(time.DateOnly)]
	}
	r.Volume.UniqueUsers = len(users)
	r.Channels = topCounts(channels, 0, r.Volume.Sessions)
	r.Intents = topCounts(intents, top, r.Recognized)
	r.Categories = topCounts(categories, top, r.Answers)

	var durations []time.Duration
	for _, s := range ended {
		r.Resolution.Ended++
		if resolve(*s) {
			r.Resolution.Resolved++
		}
		if s.Handoff {
			r.Handoffs++
		}
		durations = append(durations, s.Duration)
	}
	r.Resolution.Rate = ratio(int64(r.Resolution.Resolved), int64(r.Resolution.Ended))
	r.HandoffRate = ratio(int64(r.Handoffs), int64(r.Resolution.Ended))
	r.FallbackRate = ratio(int64(r.Fallbacks), int64(r.Volume.MessagesIn))

	sat := &r.Satisfaction
	var sum int64
	for i, c := range sat.Distribution {
		sum += int64((i + 1) * c)
	}
	sat.Mean = ratio(sum, int64(sat.Ratings))
	sat.ResponseRate = ratio(int64(sat.Ratings), int64(r.Resolution.Ended))

	if n := len(durations); n > 0 {
		slices.Sort(durations)
		var total time.Duration
		for _, d := range durations {
			total += d
		}
		r.Duration.Sessions = n
		r.Duration.MeanSeconds = total.Seconds() / float64(n)
		r.Duration.MedianSeconds = nearestRank(durations, 50).Seconds()
		r.Duration.P90Seconds = nearestRank(durations, 90).Seconds()
	}

	for _, g := range questions {
		best := ""
		for sp, c := range g.spelling {
			if best == "" || c > g.spelling[best] || (c == g.spelling[best] && sp < best) {
				best = sp
			}
		}
		r.Unanswered = append(r.Unanswered, Question{Text: best, Count: g.count})
	}
	slices.SortFunc(r.Unanswered, func(a, b Question) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Text, b.Text))
	})
	if len(r.Unanswered) > top {
		r.Unanswered = r.Unanswered[:top]
	}
	return r, nil
}

// nearestRank returns the p-th percentile of sorted values: the smallest
// value with at least p percent of the values at or below it.
func nearestRank(sorted []time.Duration, p int) time.Duration {
	k := (p*len(sorted) + 99) / 100
	return sorted[max(k, 1)-1]
}

func topCounts(m map[string]int, top, total int) []Count {
	out := make([]Count, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Count{Name: k, Count: m[k], Share: ratio(int64(m[k]), int64(total))})
	}
	slices.SortStableFunc(out, func(a, b Count) int { return cmp.Compare(b.Count, a.Count) })
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}

// questionKey normalizes a question for grouping: width, case and spacing
// folded, punctuation and symbols dropped.
func questionKey(s string) string {
	n := textnorm.Normalize(s).Text
	var b strings.Builder
	for _, r := range n {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
