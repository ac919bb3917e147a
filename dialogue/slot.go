package dialogue

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kefuai/kefu/dialogue/entity"
	"github.com/kefuai/kefu/internal/textnorm"
)

// Value is a slot's value.
type Value struct {
	// Text is the canonical form, used in templates and by OpEq: the
	// order number, the lookup entry, "350.00" for an amount,
	// "2025-03-05" for a date, "2025-03-05 20:00" for a time.
	Text string `json:"text"`
	// Raw is what the customer wrote that gave the value, normalized.
	Raw string `json:"raw,omitempty"`
	// Num is the number of amount, quantity and number slots.
	Num float64 `json:"num,omitempty"`
	// Unit is an amount's currency ("CNY") or a quantity's measure word.
	Unit string `json:"unit,omitempty"`
	// Time is the moment of date and time slots.
	Time time.Time `json:"time,omitzero"`
}

// Extractor finds a slot's value in what the customer said. text is the
// customer's message as written; now is the turn's time in the session's
// time zone, for relative dates. Implementations must be safe for
// concurrent use and must not do I/O: Step calls them while it holds the
// session.
type Extractor interface {
	Extract(text string, now time.Time) (Value, bool)
}

// ExtractorFunc adapts a function to Extractor.
type ExtractorFunc func(text string, now time.Time) (Value, bool)

// Extract calls f.
func (f ExtractorFunc) Extract(text string, now time.Time) (Value, bool) { return f(text, now) }

// DefaultOrderPattern is the order-number pattern of SlotOrder slots
// without one: up to four letters, then 10 to 24 digits.
const DefaultOrderPattern = `[a-z]{0,4}\d{10,24}`

// slot is a compiled Slot.
type slot struct {
	def        *Slot
	name       string
	typ        SlotType
	ex         Extractor
	free       bool // takes any text: never extracted opportunistically
	valid      *regexp.Regexp
	maxRetries int
	options    []string
}

func compileSlot(sd *Slot, path string, f *Flow, ps *problems) *slot {
	sl := &slot{def: sd, name: sd.Name, typ: sd.Type, options: sd.Options}
	if sl.typ == "" {
		sl.typ = SlotText
	}
	sl.maxRetries = sd.MaxRetries
	if sl.maxRetries == 0 {
		sl.maxRetries = f.MaxRetries
	}
	if sd.MaxRetries < 0 {
		ps.add(path+".maxRetries", "negative retry limit %d", sd.MaxRetries)
	}
	if !slices.Contains(slotTypes, sl.typ) {
		ps.add(path+".type", "unknown slot type %q", sd.Type)
		return nil
	}
	compileRE := func(p, what string) *regexp.Regexp {
		re, err := regexp.Compile(what)
		if err != nil {
			ps.add(p, "bad regular expression: %v", err)
			return nil
		}
		return re
	}
	switch sl.typ {
	case SlotText:
		sl.free = true
		sl.ex = ExtractorFunc(extractText)
	case SlotRegex:
		if sd.Pattern == "" {
			ps.add(path+".pattern", "a regex slot needs a pattern")
		} else if re := compileRE(path+".pattern", sd.Pattern); re != nil {
			sl.ex = regexExtractor{re: re, group: valueGroup(re)}
		}
	case SlotOrder:
		p := sd.Pattern
		if p == "" {
			p = DefaultOrderPattern
		}
		if re := compileRE(path+".pattern", p); re != nil {
			sl.ex = orderExtractor{re: re, skipMobile: sd.Pattern == ""}
		}
	case SlotLookup:
		if len(sd.Values) == 0 {
			ps.add(path+".values", "a lookup slot needs values")
		}
		// Translated values are answers too: "damaged" fills 质量问题.
		values := sd.Values
		if len(f.Translations) > 0 {
			values = make([]LookupValue, len(sd.Values))
			for i, v := range sd.Values {
				v.Synonyms = slices.Clone(v.Synonyms)
				for _, l := range slices.Sorted(maps.Keys(f.Translations)) {
					if x := f.Translations[l][v.Value]; strings.TrimSpace(x) != "" && !slices.Contains(v.Synonyms, x) {
						v.Synonyms = append(v.Synonyms, x)
					}
				}
				values[i] = v
			}
		}
		lx, lps := newLookup(values)
		for _, p := range lps {
			ps.add(path+p.Path, "%s", p.Msg)
		}
		sl.ex = lx
		if len(sl.options) == 0 {
			for _, v := range sd.Values {
				sl.options = append(sl.options, v.Value)
			}
		}
	case SlotMobile:
		sl.ex = ExtractorFunc(extractMobile)
	case SlotAmount:
		sl.ex = ExtractorFunc(extractAmount)
	case SlotQuantity:
		sl.ex = ExtractorFunc(extractQuantity)
	case SlotNumber:
		sl.ex = ExtractorFunc(extractNumber)
	case SlotDate:
		sl.ex = ExtractorFunc(extractDate)
	case SlotTime:
		sl.ex = ExtractorFunc(extractTime)
	case SlotYesNo:
		sl.ex = ExtractorFunc(extractYesNo)
	}
	if sd.Pattern != "" && sl.typ != SlotRegex && sl.typ != SlotOrder {
		ps.add(path+".pattern", "pattern is for regex and order slots, not %s", sl.typ)
	}
	if len(sd.Values) > 0 && sl.typ != SlotLookup {
		ps.add(path+".values", "values are for lookup slots, not %s", sl.typ)
	}
	if sd.Extractor != nil {
		sl.ex = sd.Extractor
		sl.free = false
	}
	v := sd.Validate
	if (v.Min != nil || v.Max != nil) && !sl.typ.numeric() {
		ps.add(path+".validate", "min and max are for amount, quantity and number slots, not %s", sl.typ)
	}
	if v.Min != nil && v.Max != nil && *v.Min > *v.Max {
		ps.add(path+".validate.min", "min %v is above max %v", *v.Min, *v.Max)
	}
	if (v.NotPast || v.NotFuture || v.MaxDaysAhead != 0) && !sl.typ.temporal() {
		ps.add(path+".validate", "notPast, notFuture and maxDaysAhead are for date and time slots, not %s", sl.typ)
	}
	if v.NotPast && v.NotFuture {
		ps.add(path+".validate", "notPast and notFuture together leave only today; use a fixed value instead")
	}
	if v.MinLen < 0 || v.MaxLen < 0 || v.MaxDaysAhead < 0 {
		ps.add(path+".validate", "negative length or day limit")
	}
	if v.MaxLen > 0 && v.MinLen > v.MaxLen {
		ps.add(path+".validate.minLen", "minLen %d is above maxLen %d", v.MinLen, v.MaxLen)
	}
	if v.Pattern != "" {
		sl.valid = compileRE(path+".validate.pattern", v.Pattern)
	}
	return sl
}

// check returns why v is not acceptable, or "".
func (sl *slot) check(v Value, now time.Time, msgs *Messages) string {
	rule := sl.def.Validate
	bad := false
	switch {
	case rule.Min != nil && v.Num < *rule.Min, rule.Max != nil && v.Num > *rule.Max:
		bad = true
	case rule.MinLen > 0 && utf8.RuneCountInString(v.Text) < rule.MinLen,
		rule.MaxLen > 0 && utf8.RuneCountInString(v.Text) > rule.MaxLen:
		bad = true
	case sl.valid != nil && !sl.valid.MatchString(v.Text):
		bad = true
	case !v.Time.IsZero() && (rule.NotPast || rule.NotFuture || rule.MaxDaysAhead > 0):
		day := dayNumber(v.Time.In(now.Location()))
		today := dayNumber(now)
		bad = (rule.NotPast && day < today) || (rule.NotFuture && day > today) ||
			(rule.MaxDaysAhead > 0 && day > today+rule.MaxDaysAhead)
	}
	if !bad {
		return ""
	}
	if rule.Message != "" {
		return rule.Message
	}
	return msgs.Invalid
}

// dayNumber counts days in the time's own calendar, so that differences are
// whole days whatever the time zone's offsets.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func extractText(s string, _ time.Time) (Value, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Value{}, false
	}
	return Value{Text: s, Raw: s}, true
}

type regexExtractor struct {
	re    *regexp.Regexp
	group int
}

func valueGroup(re *regexp.Regexp) int {
	if i := re.SubexpIndex("value"); i > 0 {
		return i
	}
	if re.NumSubexp() > 0 {
		return 1
	}
	return 0
}

func (x regexExtractor) Extract(s string, _ time.Time) (Value, bool) {
	t := textnorm.Normalize(s).Text
	m := x.re.FindStringSubmatchIndex(t)
	if m == nil || m[2*x.group] < 0 {
		return Value{}, false
	}
	v := t[m[2*x.group]:m[2*x.group+1]]
	if v == "" {
		return Value{}, false
	}
	return Value{Text: v, Raw: t[m[0]:m[1]]}, true
}

type orderExtractor struct {
	re         *regexp.Regexp
	skipMobile bool
}

func (x orderExtractor) Extract(s string, _ time.Time) (Value, bool) {
	t := textnorm.Normalize(s).Text
	for _, m := range x.re.FindAllStringIndex(t, 16) {
		// Not part of a longer run of letters and digits.
		if m[0] > 0 && isAlnum(t[m[0]-1]) || m[1] < len(t) && isAlnum(t[m[1]]) || m[0] == m[1] {
			continue
		}
		v := t[m[0]:m[1]]
		if x.skipMobile && entity.IsMobile(v) {
			continue
		}
		return Value{Text: strings.ToUpper(v), Raw: v}, true
	}
	return Value{}, false
}

func isAlnum(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' }

// lookup finds the entries of a lookup slot, longest synonym first.
type lookup struct {
	terms []lookupTerm
}

type lookupTerm struct {
	norm, value string
	latin       bool // matched at word boundaries
}

func newLookup(values []LookupValue) (lookup, []Problem) {
	var l lookup
	var ps problems
	owner := map[string]string{}
	for i, v := range values {
		if strings.TrimSpace(v.Value) == "" {
			ps.add(fmt.Sprintf(".values[%d].value", i), "empty lookup value")
			continue
		}
		for j, w := range append([]string{v.Value}, v.Synonyms...) {
			n := textnorm.Normalize(w).Text
			if n == "" {
				ps.add(fmt.Sprintf(".values[%d].synonyms[%d]", i, j-1), "empty synonym")
				continue
			}
			if prev, ok := owner[n]; ok {
				if prev != v.Value {
					ps.add(fmt.Sprintf(".values[%d]", i), "%q stands for both %q and %q", w, prev, v.Value)
				}
				continue
			}
			owner[n] = v.Value
			l.terms = append(l.terms, lookupTerm{norm: n, value: v.Value, latin: isLatin(n)})
		}
	}
	slices.SortStableFunc(l.terms, func(a, b lookupTerm) int { return len(b.norm) - len(a.norm) })
	return l, ps
}

func isLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Extract returns the entry whose term appears first in s, the longest
// term at the same place.
func (l lookup) Extract(s string, _ time.Time) (Value, bool) {
	t := textnorm.Normalize(s).Text
	best, bestAt := -1, len(t)+1
	for i, term := range l.terms {
		off := 0
		for off <= len(t) {
			j := strings.Index(t[off:], term.norm)
			if j < 0 {
				break
			}
			at := off + j
			end := at + len(term.norm)
			if term.latin && (at > 0 && isAlnum(t[at-1]) || end < len(t) && isAlnum(t[end])) {
				off = at + 1
				continue
			}
			if at < bestAt {
				best, bestAt = i, at
			}
			break
		}
	}
	if best < 0 {
		return Value{}, false
	}
	term := l.terms[best]
	return Value{Text: term.value, Raw: term.norm}, true
}

func extractMobile(s string, _ time.Time) (Value, bool) {
	m, ok := entity.FindMobile(s)
	return Value{Text: m, Raw: m}, ok
}

func extractAmount(s string, _ time.Time) (Value, bool) {
	a, ok := entity.ParseAmount(s)
	if !ok {
		return Value{}, false
	}
	return Value{Text: a.String(), Raw: a.Text, Num: a.Value(), Unit: a.Currency}, true
}

func extractQuantity(s string, _ time.Time) (Value, bool) {
	q, ok := entity.ParseQuantity(s)
	if !ok {
		return Value{}, false
	}
	return Value{Text: strconv.FormatInt(q.N, 10), Raw: q.Text, Num: float64(q.N), Unit: q.Unit}, true
}

var firstNumber = regexp.MustCompile(`\d+(?:\.\d+)?`)

func extractNumber(s string, _ time.Time) (Value, bool) {
	t := strings.TrimSpace(textnorm.Normalize(s).Text)
	n, ok := entity.Number(t)
	if !ok {
		m := firstNumber.FindString(t)
		if m == "" {
			return Value{}, false
		}
		if n, ok = entity.Number(m); !ok {
			return Value{}, false
		}
		t = m
	}
	return Value{Text: strconv.FormatFloat(n, 'f', -1, 64), Raw: t, Num: n}, true
}

func extractDate(s string, now time.Time) (Value, bool) {
	w, ok := entity.FindWhen(s, now)
	if !ok || !w.HasDate {
		return Value{}, false
	}
	w.HasTime = false
	y, m, d := w.Time.Date()
	w.Time = time.Date(y, m, d, 0, 0, 0, 0, w.Time.Location())
	return Value{Text: w.String(), Raw: w.Text, Time: w.Time}, true
}

func extractTime(s string, now time.Time) (Value, bool) {
	w, ok := entity.FindWhen(s, now)
	if !ok || !w.HasTime {
		return Value{}, false
	}
	return Value{Text: w.String(), Raw: w.Text, Time: w.Time}, true
}

func extractYesNo(s string, _ time.Time) (Value, bool) {
	switch Confirmation(s) {
	case Yes:
		return Value{Text: "yes", Raw: s}, true
	case No:
		return Value{Text: "no", Raw: s}, true
	}
	return Value{}, false
}
