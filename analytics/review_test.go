package analytics_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

func reviewStore(t *testing.T) analytics.Store {
	s := analytics.NewMemoryStore(analytics.StoreOptions{})
	var events []analytics.Event
	intents := []struct {
		name string
		n    int
	}{{"return_goods", 30}, {"invoice", 5}, {"logistics", 12}}
	for _, it := range intents {
		for i := range it.n {
			events = append(events, analytics.Event{
				Kind: analytics.IntentRecognized, Time: at(11, 1+i%28, 10, i, 0), SessionID: fmt.Sprint(it.name, i), UserID: "u",
				Text: fmt.Sprintf("%s 问题 %d，电话13812345678", it.name, i), Intent: it.name, Confidence: 0.5 + float64(i%5)/10,
			})
		}
	}
	for i := range 4 {
		events = append(events, analytics.Event{Kind: analytics.IntentRecognized, Time: at(11, 3, 9, i, 0), SessionID: "o", Text: fmt.Sprint("天气 ", i), Intent: "chitchat", OutOfScope: true, Confidence: 0.2})
	}
	// Outside the period, and one without text: never sampled.
	events = append(events,
		analytics.Event{Kind: analytics.IntentRecognized, Time: at(12, 1, 0, 0, 0), SessionID: "x", Text: "十二月", Intent: "invoice"},
		analytics.Event{Kind: analytics.IntentRecognized, Time: at(11, 5, 0, 0, 0), SessionID: "x", Intent: "invoice"},
	)
	fill(t, s, events)
	return s
}

func TestSampleTurns(t *testing.T) {
	s := reviewStore(t)
	opts := analytics.SampleOptions{PerIntent: 10, Seed: 7, Location: time.UTC}
	turns, err := analytics.SampleTurns(context.Background(), s, analytics.Month(2026, 11), opts)
	require.NoError(t, err)
	per := map[string]int{}
	for _, tr := range turns {
		per[tr.Predicted]++
		assert.NotContains(t, tr.Text, "13812345678", "text is as stored: redacted")
		assert.NotEqual(t, "十二月", tr.Text)
	}
	assert.Equal(t, map[string]int{"return_goods": 10, "invoice": 5, "logistics": 10, analytics.OutOfScopeLabel: 4}, per)
	// Ordered by intent, then time.
	for i := 1; i < len(turns); i++ {
		a, b := turns[i-1], turns[i]
		assert.True(t, a.Predicted < b.Predicted || (a.Predicted == b.Predicted && !b.Time.Before(a.Time)))
	}

	again, err := analytics.SampleTurns(context.Background(), s, analytics.Month(2026, 11), opts)
	require.NoError(t, err)
	assert.Equal(t, turns, again, "same seed, same sample")
	opts.Seed = 8
	other, err := analytics.SampleTurns(context.Background(), s, analytics.Month(2026, 11), opts)
	require.NoError(t, err)
	assert.NotEqual(t, turns, other, "another seed draws differently")

	opts.ExcludeOutOfScope = true
	noOOS, err := analytics.SampleTurns(context.Background(), s, analytics.Month(2026, 11), opts)
	require.NoError(t, err)
	assert.Len(t, noOOS, 25)
}

func TestLabelRoundTrip(t *testing.T) {
	turns, err := analytics.SampleTurns(context.Background(), reviewStore(t), analytics.Month(2026, 11), analytics.SampleOptions{PerIntent: 3, Seed: 1, Location: time.UTC})
	require.NoError(t, err)
	require.Len(t, turns, 12)
	var buf bytes.Buffer
	require.NoError(t, analytics.WriteLabelCSV(&buf, turns))
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(buf.String(), "\ufeff")), "\n")
	require.Len(t, lines, 13)
	assert.Equal(t, "id,time,text,predicted,confidence,gold", lines[0])
	assert.True(t, strings.HasSuffix(lines[1], ","), "gold left empty")

	// A person fills the gold column: the first row is wrong, the second
	// skipped, the rest right.
	var filled strings.Builder
	filled.WriteString(lines[0] + "\n")
	for i, l := range lines[1:] {
		gold := turns[i].Predicted
		switch i {
		case 0:
			gold = "complaint"
		case 1:
			gold = analytics.SkipLabel
		}
		filled.WriteString(l + gold + "\n")
	}
	got, err := analytics.ReadLabelCSV(strings.NewReader("\ufeff" + filled.String()))
	require.NoError(t, err)
	require.Len(t, got, 11)
	assert.Equal(t, analytics.Labeled{ID: turns[0].ID, Text: turns[0].Text, Gold: "complaint", Predicted: turns[0].Predicted, Confidence: turns[0].Confidence}, got[0])
	assert.Equal(t, turns[2].ID, got[1].ID)
	assert.InDelta(t, 10.0/11, analytics.Accuracy(got), 1e-12)
}

func TestReadLabelCSVErrors(t *testing.T) {
	const header = "id,time,text,predicted,confidence,gold\n"
	ok := "a,2026-11-01T10:00:00Z,怎么退货,return_goods,0.9000,return_goods\n"
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"bad header", "id,text,gold\n", []string{"row 1: header is"}},
		{"empty", "", []string{"row 1: empty file"}},
		{"empty gold", header + ok + "b,2026-11-01T10:00:00Z,x,invoice,0.5,\n", []string{"row 3, column gold: is empty"}},
		{"many", header + ok +
			"a,2026-11-01T10:00:00Z,x,invoice,0.5,invoice\n" +
			",yesterday,x,,1.5,invoice\n" +
			"c,2026-11-01T10:00:00Z,x,invoice,abc,invoice\n" +
			"d,2026-11-01T10:00:00Z,x\n",
			[]string{`row 3, column id: "a" repeats row 2`, "row 4, column id: is empty", `row 4, column time: "yesterday"`, "row 4, column predicted: is empty",
				`row 4, column confidence: "1.5"`, `row 5, column confidence: "abc"`, "row 6: has 3 columns"}},
		{"quote", header + "a,\"2026,x\n", []string{"row"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := analytics.ReadLabelCSV(strings.NewReader(c.in))
			assert.Nil(t, got, "all or nothing")
			require.ErrorIs(t, err, analytics.ErrInvalidLabels)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// Customer text that looks like a formula is defused in the sheet and
// comes back unchanged.
func TestLabelCSVFormulaText(t *testing.T) {
	turns := []analytics.Turn{{ID: "a", Time: at(11, 1, 0, 0, 0), Text: "=HYPERLINK(\"x\")", Predicted: "invoice", Confidence: 0.5}}
	var buf bytes.Buffer
	require.NoError(t, analytics.WriteLabelCSV(&buf, turns))
	assert.Contains(t, buf.String(), `"'=HYPERLINK(""x"")"`)
	filled := strings.Replace(buf.String(), "0.5000,\n", "0.5000,invoice\n", 1)
	got, err := analytics.ReadLabelCSV(strings.NewReader(filled))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, `=HYPERLINK("x")`, got[0].Text)
}
