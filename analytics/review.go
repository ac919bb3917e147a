package analytics

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OutOfScopeLabel is the predicted (or gold) intent of a turn judged out
// of scope, in accuracy reviews.
const OutOfScopeLabel = "out_of_scope"

// SkipLabel, written as the gold intent of a row, leaves the row out of the
// review (a message too unclear to label).
const SkipLabel = "-"

// Turn is a recognized customer message sampled for review.
type Turn struct {
	ID         string
	Time       time.Time
	Text       string // as stored: redacted by default
	Predicted  string // the intent, or OutOfScopeLabel
	Confidence float64
}

// SampleOptions configure SampleTurns. The zero value works.
type SampleOptions struct {
	// PerIntent is how many turns are drawn for each predicted intent
	// (fewer when an intent has fewer); 20 when zero.
	PerIntent int
	// Seed makes the draw repeatable: the same seed and events give the
	// same sample.
	Seed uint64
	// ExcludeOutOfScope leaves out turns judged out of scope; by default
	// they form a stratum of their own, so that the review also measures
	// out-of-scope detection.
	ExcludeOutOfScope bool
	// Location fixes the period's bounds; time.Local when nil.
	Location *time.Location
}

// SampleTurns draws turns from the IntentRecognized events of period p
// that have text, stratified by predicted intent: up to PerIntent turns of
// each intent, drawn at random with the seed. Turns are ordered by
// predicted intent, then time.
func SampleTurns(ctx context.Context, s Store, p Period, opts SampleOptions) ([]Turn, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("%w: %+v", ErrInvalidPeriod, p)
	}
	per := opts.PerIntent
	if per <= 0 {
		per = 20
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	from, to := p.Bounds(loc)
	strata := map[string][]Turn{}
	err := s.Scan(ctx, Query{From: from, To: to, Kinds: []Kind{IntentRecognized}}, func(e Event) error {
		if strings.TrimSpace(e.Text) == "" || (e.OutOfScope && opts.ExcludeOutOfScope) {
			return nil
		}
		label := e.Intent
		if e.OutOfScope || label == "" {
			label = OutOfScopeLabel
		}
		strata[label] = append(strata[label], Turn{ID: e.ID, Time: e.Time, Text: e.Text, Predicted: label, Confidence: e.Confidence})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: sample %s: %w", p, err)
	}
	var out []Turn
	for _, label := range slices.Sorted(func(yield func(string) bool) {
		for k := range strata {
			if !yield(k) {
				return
			}
		}
	}) {
		turns := strata[label]
		h := fnv.New64a()
		h.Write([]byte(label))
		rng := rand.New(rand.NewPCG(opts.Seed, h.Sum64()))
		rng.Shuffle(len(turns), func(i, j int) { turns[i], turns[j] = turns[j], turns[i] })
		turns = turns[:min(per, len(turns))]
		slices.SortFunc(turns, func(a, b Turn) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) })
		out = append(out, turns...)
	}
	return out, nil
}

// LabelColumns are the columns of a labelling sheet, in order.
var labelColumns = []string{"id", "time", "text", "predicted", "confidence", "gold"}

// LabelColumns returns the header of a labelling sheet: id, time, text,
// predicted, confidence, gold.
func LabelColumns() []string { return slices.Clone(labelColumns) }

// WriteLabelCSV writes turns as a labelling sheet: a header of
// LabelColumns and one row per turn with the gold column empty, for a
// person to fill with the right intent (OutOfScopeLabel for a message no
// intent covers, SkipLabel to leave a row out). A text that starts like a
// formula (=, +, -, @) gets a leading apostrophe, which ReadLabelCSV
// removes. The file starts with a
// UTF-8 byte-order mark so that spreadsheet programs read Chinese right.
func WriteLabelCSV(w io.Writer, turns []Turn) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(labelColumns)
	for _, t := range turns {
		cw.Write([]string{t.ID, t.Time.UTC().Format(time.RFC3339), csvSafe(t.Text), t.Predicted, strconv.FormatFloat(t.Confidence, 'f', 4, 64), ""})
	}
	cw.Flush()
	return cw.Error()
}

// Labeled is a reviewed turn: what the customer wrote, the intent a person
// gave it and the one the model predicted. The root package turns these
// into the intent package's accuracy report.
type Labeled struct {
	ID         string
	Text       string
	Gold       string
	Predicted  string
	Confidence float64
}

// LabelProblem is one thing wrong in a labelling sheet. Row counts lines
// of the file from 1, the header; Column names the column.
type LabelProblem struct {
	Row    int
	Column string
	Msg    string
}

// String returns "row N, column C: message".
func (p LabelProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("row %d: %s", p.Row, p.Msg)
	}
	return fmt.Sprintf("row %d, column %s: %s", p.Row, p.Column, p.Msg)
}

// ErrInvalidLabels is matched by every *LabelError.
var ErrInvalidLabels = errors.New("analytics: invalid labelling sheet")

// LabelError lists every problem of a labelling sheet; nothing of it is
// imported.
type LabelError struct {
	Problems []LabelProblem
}

// Error lists the problems, one a line (the first 20).
func (e *LabelError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "analytics: labelling sheet has %d problem(s):", len(e.Problems))
	for i, p := range e.Problems {
		if i == 20 {
			fmt.Fprintf(&b, "\n\t... and %d more", len(e.Problems)-20)
			break
		}
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalidLabels.
func (e *LabelError) Is(target error) bool { return target == ErrInvalidLabels }

// ReadLabelCSV imports a labelling sheet written by WriteLabelCSV and
// filled in. It is all or nothing: any problem (a missing or extra column,
// a duplicate ID, a bad time or confidence, an empty gold intent) is
// reported, with every other, in a *LabelError naming row and column, and
// no pair is returned. Rows whose gold is SkipLabel are left out.
func ReadLabelCSV(r io.Reader) ([]Labeled, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &LabelError{Problems: []LabelProblem{{Row: pe.Line, Msg: pe.Err.Error()}}}
		}
		return nil, fmt.Errorf("analytics: read labelling sheet: %w", err)
	}
	var probs []LabelProblem
	add := func(row int, col, msg string, args ...any) {
		probs = append(probs, LabelProblem{Row: row, Column: col, Msg: fmt.Sprintf(msg, args...)})
	}
	if len(records) == 0 {
		return nil, &LabelError{Problems: []LabelProblem{{Row: 1, Msg: "empty file"}}}
	}
	header := records[0]
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if !slices.Equal(header, labelColumns) {
		add(1, "", "header is %q, want %q", strings.Join(header, ","), strings.Join(labelColumns, ","))
		return nil, &LabelError{Problems: probs}
	}
	seen := map[string]int{}
	var out []Labeled
	for i, rec := range records[1:] {
		row := i + 2
		if len(rec) != len(labelColumns) {
			add(row, "", "has %d columns, want %d", len(rec), len(labelColumns))
			continue
		}
		id, ts, text, pred, conf, gold := rec[0], rec[1], unCSVSafe(rec[2]), strings.TrimSpace(rec[3]), rec[4], strings.TrimSpace(rec[5])
		if id == "" {
			add(row, "id", "is empty")
		} else if first, dup := seen[id]; dup {
			add(row, "id", "%q repeats row %d", id, first)
		} else {
			seen[id] = row
		}
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			add(row, "time", "%q is not an RFC 3339 time", ts)
		}
		if pred == "" {
			add(row, "predicted", "is empty")
		}
		c, err := strconv.ParseFloat(conf, 64)
		if err != nil || c < 0 || c > 1 {
			add(row, "confidence", "%q is not a number from 0 to 1", conf)
		}
		switch {
		case gold == "":
			add(row, "gold", "is empty: write the right intent, %s, or %s to skip the row", OutOfScopeLabel, SkipLabel)
		case gold == SkipLabel:
		default:
			out = append(out, Labeled{ID: id, Text: text, Gold: gold, Predicted: pred, Confidence: c})
		}
	}
	if len(probs) > 0 {
		return nil, &LabelError{Problems: probs}
	}
	return out, nil
}

// Accuracy returns the share of labeled turns whose prediction matches the
// gold intent, 0 when there are none. The full evaluation (per intent,
// confusion) belongs to the intent package.
func Accuracy(labeled []Labeled) float64 {
	n := 0
	for _, l := range labeled {
		if l.Gold == l.Predicted {
			n++
		}
	}
	return ratio(int64(n), int64(len(labeled)))
}
