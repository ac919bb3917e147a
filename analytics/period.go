package analytics

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a calendar month or quarter, the span of a report.
type Period struct {
	Year int
	// Month is 1 to 12 for a month, 0 for a quarter.
	Month int
	// Quarter is 1 to 4 for a quarter, 0 for a month.
	Quarter int
}

// Month returns the period of one month, such as Month(2026, 11).
func Month(year, month int) Period { return Period{Year: year, Month: month} }

// Quarter returns the period of one quarter, such as Quarter(2026, 4) for
// October to December.
func Quarter(year, quarter int) Period { return Period{Year: year, Quarter: quarter} }

// ErrInvalidPeriod is matched by the errors of ParsePeriod.
var ErrInvalidPeriod = errors.New("analytics: invalid period")

// ParsePeriod parses "2026-11" (a month) or "2026-Q4" (a quarter; "q" in
// lower case too).
func ParsePeriod(s string) (Period, error) {
	y, rest, ok := strings.Cut(strings.TrimSpace(s), "-")
	year, err := strconv.Atoi(y)
	if !ok || err != nil || len(y) != 4 {
		return Period{}, fmt.Errorf("%w: %q is not YYYY-MM or YYYY-Qn", ErrInvalidPeriod, s)
	}
	var p Period
	if q, isQ := strings.CutPrefix(strings.ToUpper(rest), "Q"); isQ {
		n, err := strconv.Atoi(q)
		if err != nil {
			return Period{}, fmt.Errorf("%w: %q is not YYYY-MM or YYYY-Qn", ErrInvalidPeriod, s)
		}
		p = Quarter(year, n)
	} else {
		n, err := strconv.Atoi(rest)
		if err != nil || len(rest) > 2 {
			return Period{}, fmt.Errorf("%w: %q is not YYYY-MM or YYYY-Qn", ErrInvalidPeriod, s)
		}
		p = Month(year, n)
	}
	if !p.Valid() {
		return Period{}, fmt.Errorf("%w: %q", ErrInvalidPeriod, s)
	}
	return p, nil
}

// Valid reports whether p is a month or a quarter of a year from 1 to 9999.
func (p Period) Valid() bool {
	if p.Year < 1 || p.Year > 9999 {
		return false
	}
	if p.Quarter != 0 {
		return p.Month == 0 && p.Quarter >= 1 && p.Quarter <= 4
	}
	return p.Month >= 1 && p.Month <= 12
}

// String returns "2026-11" or "2026-Q4".
func (p Period) String() string {
	if p.Quarter != 0 {
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Quarter)
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
}

// Bounds returns the period's first instant and the first instant after
// it, in loc (UTC when nil).
func (p Period) Bounds(loc *time.Location) (start, end time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	m, n := p.Month, 1
	if p.Quarter != 0 {
		m, n = 3*(p.Quarter-1)+1, 3
	}
	start = time.Date(p.Year, time.Month(m), 1, 0, 0, 0, 0, loc)
	return start, start.AddDate(0, n, 0)
}

// PeriodOf returns the month holding t.
func PeriodOf(t time.Time) Period { return Month(t.Year(), int(t.Month())) }
