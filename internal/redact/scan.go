package redact

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// foldRune maps the runes the scanner cares about to ASCII: full-width
// digits, signs, parentheses and spaces become their half-width forms;
// full-width letters become 'a'; any other non-ASCII rune becomes 0x80.
func foldRune(r rune) byte {
	if r < utf8.RuneSelf {
		return byte(r)
	}
	switch {
	case r >= '０' && r <= '９':
		return byte('0' + r - '０')
	case r == '－' || r == '‐' || r == '‑' || r == '–' || r == '—':
		return '-'
	case r == '＋':
		return '+'
	case r == '（':
		return '('
	case r == '）':
		return ')'
	case r == '\u3000' || r == '\u00a0':
		return ' '
	case r == '．':
		return '.'
	case r == 'Ｘ' || r == 'ｘ':
		return 'X'
	case (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ'):
		return 'a'
	}
	return 0x80
}

func fold(s string, i int) (byte, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return c, 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return foldRune(r), n
}

// foldBefore returns the folded rune ending at s[i] and its size, or 0, 0
// at the start.
func foldBefore(s string, i int) (byte, int) {
	if i <= 0 {
		return 0, 0
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return c, 1
	}
	r, n := utf8.DecodeLastRuneInString(s[:i])
	return foldRune(r), n
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isSep(c byte) bool    { return c == ' ' || c == '-' || c == '(' || c == ')' }

const (
	maxGroups = 8
	maxDigits = 96
)

type group struct {
	start, end int // bytes of s
	ds, de     int // digits in the scanner's buffer
}

// scanBuiltin appends the built-in spans of s to dst.
func (r *Redactor) scanBuiltin(dst []Span, s string) []Span {
	start := len(dst)
	passes := 0
	if r.on[4] && strings.IndexByte(s, '@') >= 0 {
		n := len(dst)
		dst = scanEmail(dst, s)
		if len(dst) > n {
			passes++
		}
	}
	if r.on[6] && strings.Count(s, ":") >= 2 {
		n := len(dst)
		dst = scanIPv6(dst, s)
		if len(dst) > n {
			passes++
		}
	}
	n := len(dst)
	var buf [maxDigits]byte
	for i := 0; i < len(s); {
		c, size := fold(s, i)
		switch {
		case isDigit(c):
			if r.on[5] {
				if end, ok := matchIPv4(s, i); ok {
					dst = append(dst, Span{Kind: IPv4, Start: i, End: end})
					i = end
					continue
				}
			}
			var end int
			dst, end = r.scanNumber(dst, s, i, buf[:0])
			i = end
		case c == '+' || c == '(':
			if i+size < len(s) {
				if d, _ := fold(s, i+size); isDigit(d) {
					var end int
					dst, end = r.scanNumber(dst, s, i, buf[:0])
					i = end
					continue
				}
			}
			i += size
		default:
			i += size
		}
	}
	if len(dst) > n {
		passes++
	}
	if passes > 1 {
		dst = resolveOverlaps(dst, start)
	}
	return dst
}

// blocksLeft reports whether the text before position i glues a number to
// a word, as in "SO12345678901", "SO-13812345678", "v1.2" or "a_1".
func blocksLeft(s string, i int) bool {
	p, n := foldBefore(s, i)
	switch {
	case isLetter(p) || p == '_' || p == '@' || p == 'X':
		return true
	case p == '.' || p == '-':
		q, _ := foldBefore(s, i-n)
		return isLetter(q) || isDigit(q) || q == 'X'
	}
	return false
}

// blocksRight is blocksLeft for the text after position j.
func blocksRight(s string, j int) bool {
	if j >= len(s) {
		return false
	}
	p, n := fold(s, j)
	switch {
	case isLetter(p) || p == '_' || p == '@' || p == 'X':
		return true
	case p == '.' || p == '-':
		if j+n >= len(s) {
			return false
		}
		q, _ := fold(s, j+n)
		return isLetter(q) || isDigit(q) || q == 'X'
	}
	return false
}

// scanNumber reads the token of digit groups starting at i (at a digit, or
// a '+' or '(' before one), appends the spans found in it and returns the
// end of the token.
func (r *Redactor) scanNumber(dst []Span, s string, i int, buf []byte) ([]Span, int) {
	var groups [maxGroups]group
	ng := 0
	tokStart := i
	plus := false
	pos := i
	if c, size := fold(s, pos); c == '+' {
		plus = true
		pos += size
	} else if c == '(' {
		pos += size
	}
	long := false
	for {
		g := group{start: pos, ds: len(buf)}
		for pos < len(s) {
			c, size := fold(s, pos)
			if !isDigit(c) {
				break
			}
			if len(buf) < maxDigits {
				buf = append(buf, c)
			} else {
				long = true
			}
			pos += size
		}
		g.end, g.de = pos, len(buf)
		groups[ng] = g
		ng++
		if ng == maxGroups || long {
			break
		}
		// A separator run of at most three characters followed by a digit
		// joins the next group.
		j, seps := pos, 0
		for j < len(s) && seps < 3 {
			c, size := fold(s, j)
			if !isSep(c) {
				break
			}
			j += size
			seps++
		}
		if seps == 0 || j >= len(s) {
			break
		}
		if c, _ := fold(s, j); !isDigit(c) {
			break
		}
		pos = j
	}
	end := groups[ng-1].end
	if long {
		// Skip the rest of an over-long run of digits: it is no number a
		// person has, and none of its parts is one either.
		for end < len(s) {
			c, size := fold(s, end)
			if !isDigit(c) {
				break
			}
			end += size
		}
		return dst, end
	}
	first, last := 0, ng
	if blocksLeft(s, tokStart) {
		first = 1
	}
	// An identity number may end in X.
	xEnd := -1
	if end < len(s) {
		if c, size := fold(s, end); (c == 'X' || c == 'x') && !blocksRight(s, end+size) {
			xEnd = end + size
		}
	}
	if xEnd < 0 && blocksRight(s, end) {
		last = ng - 1
	}
	for a := first; a < last; {
		matched := false
		for b := min(last, a+6); b > a; b-- {
			x := b == ng && xEnd >= 0
			if x && b-a != 1 {
				// Only a single group can take the X.
				continue
			}
			if b == ng && xEnd >= 0 && !x {
				continue
			}
			k, ok := r.classify(groups[a:b], buf, plus && a == 0, x)
			if !ok {
				continue
			}
			sp := Span{Kind: k, Start: groups[a].start, End: groups[b-1].end}
			if a == 0 {
				sp.Start = tokStart
				if groups[0].start > tokStart && k != Mobile && k != Landline {
					sp.Start = groups[0].start
				}
			}
			if x {
				sp.End = xEnd
			}
			// A closing parenthesis right after a landline's area code is
			// part of it; one after the whole number is not.
			dst = append(dst, sp)
			a, matched = b, true
			break
		}
		if !matched {
			a++
		}
	}
	if xEnd >= 0 {
		end = xEnd
	}
	return dst, end
}

// classify decides what the digit groups gs are. plus tells that a '+'
// precedes them; x that an X follows the single group.
func (r *Redactor) classify(gs []group, buf []byte, plus, x bool) (Kind, bool) {
	d := buf[gs[0].ds:gs[len(gs)-1].de]
	if x {
		if r.on[2] && len(d) == 17 && validID18(string(d)+"X") {
			return IDCard, true
		}
		return "", false
	}
	if r.on[2] {
		if len(d) == 18 && validID18(string(d)) {
			return IDCard, true
		}
		if r.oldIDs && len(gs) == 1 && len(d) == 15 && validID15(string(d)) {
			return IDCard, true
		}
	}
	if r.on[0] && isMobileGroups(gs, buf, plus) {
		return Mobile, true
	}
	if r.on[1] && isLandlineGroups(gs, buf, plus) {
		return Landline, true
	}
	if r.on[3] && isCardGroups(gs, buf, d) {
		return BankCard, true
	}
	return "", false
}

func digitsOf(g group, buf []byte) []byte { return buf[g.ds:g.de] }

func isMobile11(d []byte) bool {
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return false
	}
	return true
}

// countryPrefix reports whether d is written as a China country code.
func countryPrefix(d []byte) bool { return string(d) == "86" || string(d) == "0086" }

func isMobileGroups(gs []group, buf []byte, plus bool) bool {
	d := buf[gs[0].ds:gs[len(gs)-1].de]
	if len(gs) == 1 {
		switch len(d) {
		case 11:
			return !plus && isMobile11(d)
		case 13:
			return string(d[:2]) == "86" && isMobile11(d[2:])
		}
		return false
	}
	rest := gs
	if countryPrefix(digitsOf(gs[0], buf)) {
		rest = gs[1:]
	} else if plus {
		return false
	}
	m := buf[rest[0].ds:rest[len(rest)-1].de]
	if !isMobile11(m) {
		return false
	}
	for _, g := range rest {
		if g.de-g.ds < 3 {
			return false
		}
	}
	return true
}

// validArea reports whether a is a mainland area code with its leading 0:
// 010 and 02X have three digits, the rest four.
func validArea(a []byte) bool {
	switch len(a) {
	case 3:
		return a[0] == '0' && (a[1] == '1' && a[2] == '0' || a[1] == '2')
	case 4:
		return a[0] == '0' && a[1] >= '3' && a[1] <= '9'
	}
	return false
}

func validLocal(l []byte) bool { return (len(l) == 7 || len(l) == 8) && l[0] >= '2' }

func isLandlineGroups(gs []group, buf []byte, plus bool) bool {
	if len(gs) == 1 {
		d := digitsOf(gs[0], buf)
		if plus || len(d) < 10 || d[0] != '0' {
			return false
		}
		n := 4
		if d[1] == '1' || d[1] == '2' {
			n = 3
		}
		return validArea(d[:n]) && validLocal(d[n:])
	}
	area := digitsOf(gs[0], buf)
	rest := gs[1:]
	if countryPrefix(area) {
		if len(gs) < 3 {
			return false
		}
		area = append([]byte{'0'}, digitsOf(gs[1], buf)...)
		rest = gs[2:]
	} else if plus {
		return false
	}
	if !validArea(area) {
		return false
	}
	switch len(rest) {
	case 1:
		return validLocal(digitsOf(rest[0], buf))
	case 2:
		// Local number in two groups ("1234 5678") or with an extension.
		l := buf[rest[0].ds:rest[1].de]
		if validLocal(l) && rest[0].de-rest[0].ds >= 3 {
			return true
		}
		e := digitsOf(rest[1], buf)
		return validLocal(digitsOf(rest[0], buf)) && len(e) >= 1 && len(e) <= 5
	}
	return false
}

func isCardGroups(gs []group, buf []byte, d []byte) bool {
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	switch d[0] {
	case '3', '4', '5', '6', '9':
	default:
		return false
	}
	for _, g := range gs[:len(gs)-1] {
		if g.de-g.ds < 4 {
			return false
		}
	}
	return Luhn(string(d))
}

// Luhn reports whether the digits s pass the Luhn check used by payment
// card numbers.
func Luhn(s string) bool {
	if s == "" {
		return false
	}
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			return false
		}
		v := int(c - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// validID18 reports whether s is an 18-character resident identity number
// with a plausible area code, a valid birth date and the GB 11643 check
// character (0-9 or X).
func validID18(s string) bool {
	if len(s) != 18 || s[0] < '1' || s[0] > '8' {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if !isDigit(s[i]) {
			return false
		}
		sum += int(s[i]-'0') * idWeights[i]
	}
	if !validDate(atoi(s[6:10]), atoi(s[10:12]), atoi(s[12:14])) {
		return false
	}
	check := "10X98765432"[sum%11]
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	return last == check
}

// validID15 reports whether s is a first-generation 15-digit identity
// number: area code, birth date yymmdd (19yy) and sequence.
func validID15(s string) bool {
	if len(s) != 15 || s[0] < '1' || s[0] > '8' {
		return false
	}
	for i := 0; i < 15; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return validDate(1900+atoi(s[6:8]), atoi(s[8:10]), atoi(s[10:12]))
}

// ValidID reports whether s is a valid 18-character resident identity
// number (GB 11643: birth date and check character).
func ValidID(s string) bool { return validID18(s) }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func validDate(y, m, d int) bool {
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// matchIPv4 matches a dotted-quad IPv4 address at i and returns its end.
func matchIPv4(s string, i int) (int, bool) {
	if i > 0 {
		if p, _ := foldBefore(s, i); p == '.' || isLetter(p) || p == '_' || p == ':' {
			return 0, false
		}
	}
	pos := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if pos >= len(s) || s[pos] != '.' {
				return 0, false
			}
			pos++
		}
		v, n := 0, 0
		for pos < len(s) && isDigit(s[pos]) && n < 4 {
			v = v*10 + int(s[pos]-'0')
			pos++
			n++
		}
		if n == 0 || n > 3 || v > 255 {
			return 0, false
		}
	}
	if pos < len(s) {
		c := s[pos]
		if isDigit(c) || isLetter(c) || c == '_' || c == ':' {
			return 0, false
		}
		if c == '.' && pos+1 < len(s) && isDigit(s[pos+1]) {
			return 0, false
		}
	}
	return pos, true
}

func isLocalChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isDomainChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '.' || c == '-' }

// scanEmail appends the e-mail addresses of s.
func scanEmail(dst []Span, s string) []Span {
	from := 0
	for {
		k := strings.IndexByte(s[from:], '@')
		if k < 0 {
			return dst
		}
		at := from + k
		from = at + 1
		ls := at
		for ls > 0 && isLocalChar(s[ls-1]) {
			ls--
		}
		for ls < at && s[ls] == '.' {
			ls++
		}
		de := at + 1
		for de < len(s) && isDomainChar(s[de]) {
			de++
		}
		for de > at+1 && (s[de-1] == '.' || s[de-1] == '-') {
			de--
		}
		if ls == at || !validDomain(s[at+1:de]) {
			continue
		}
		dst = append(dst, Span{Kind: Email, Start: ls, End: de})
		from = de
	}
}

func validDomain(d string) bool {
	dot := strings.LastIndexByte(d, '.')
	if dot <= 0 || strings.Contains(d, "..") || d[0] == '-' || d[0] == '.' {
		return false
	}
	tld := d[dot+1:]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

// scanIPv6 appends the IPv6 addresses of s.
func scanIPv6(dst []Span, s string) []Span {
	for i := 0; i < len(s); {
		if !isHex(s[i]) && s[i] != ':' {
			i++
			continue
		}
		j := i
		colons, groups, inGroup := 0, 0, false
		for j < len(s) && (isHex(s[j]) || s[j] == ':' || s[j] == '.') {
			if s[j] == ':' {
				colons++
				inGroup = false
			} else if !inGroup {
				groups++
				inGroup = true
			}
			j++
		}
		end := j
		for end > i && s[end-1] == '.' {
			end--
		}
		glued := (i > 0 && (isLetter(s[i-1]) || s[i-1] == '_')) || (j < len(s) && (isLetter(s[j]) || s[j] == '_'))
		if colons >= 2 && groups >= 2 && !glued {
			if a, err := netip.ParseAddr(s[i:end]); err == nil && a.Is6() {
				dst = append(dst, Span{Kind: IPv6, Start: i, End: end})
			}
		}
		i = j
	}
	return dst
}
