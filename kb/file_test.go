package kb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/kbtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

var formats = []kb.Format{kb.JSON, kb.CSV, kb.XLSX}

// sample returns entries that exercise every field and the edge cases of
// the table formats.
func sample() []kb.Entry {
	rich := kbtest.Rich("huabei-repay")
	rich.Version = 7
	rich.Updated = time.Date(2024, 5, 1, 8, 30, 15, 123456000, time.UTC)
	return []kb.Entry{
		rich,
		{ID: "007", Question: "最简单的条目"},
		{ID: "off", Question: "已停用", Disabled: true, Answer: kb.Answer{Text: "\t缩进\n\n空行之后, \"引号\", 逗号"}},
		{ID: "spaces", Question: "  leading and trailing  ", Similar: []string{" a ", "=1+2", "-x"},
			Answer: kb.Answer{Images: []kb.Image{{URL: "https://x/1.png", Alt: " 前后空格 "}, {URL: "https://x/2.png"}},
				Links: []kb.Link{{URL: "https://x", Title: "a b  c"}}}},
	}
}

func assertSameEntries(t *testing.T, want, got []kb.Entry) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.True(t, want[i].Equal(got[i]), "entry %d:\nwant %#v\ngot  %#v", i, want[i], got[i])
	}
}

func TestRoundTrip(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, kb.WriteEntries(&buf, f, sample()))
			got, err := kb.ReadEntries(&buf, f)
			require.NoError(t, err)
			assertSameEntries(t, sample(), got)
		})
	}
}

// TestXLSXFile writes a real workbook to disk, checks it with excelize as
// a spreadsheet program would see it, and reads it back.
func TestXLSXFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "faq.xlsx")
	out, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, kb.WriteEntries(out, kb.XLSX, sample()))
	require.NoError(t, out.Close())

	x, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer x.Close()
	assert.Equal(t, []string{"FAQ"}, x.GetSheetList())
	v, err := x.GetCellValue("FAQ", "A3")
	require.NoError(t, err)
	assert.Equal(t, "007", v, "IDs stay text")
	v, err = x.GetCellValue("FAQ", "C2")
	require.NoError(t, err)
	assert.Equal(t, strings.Join(kbtest.Rich("").Similar, "\n"), v, "one similar question per line")

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	got, err := kb.ReadEntries(f, kb.XLSX)
	require.NoError(t, err)
	assertSameEntries(t, sample(), got)
}

// TestXLSXByHand reads a workbook laid out as an operator would make it:
// columns in another order, upper-case headers, Windows line ends, numbers
// typed as numbers, blank rows, missing optional columns.
func TestXLSXByHand(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	rows := [][]any{
		{"Question", "ID", "Similar", "Answer", "Enabled", "Version"},
		{"怎么退款", "refund", "退钱\r\n退款流程", "第一步\r\n第二步", "是", 3},
		{},
		{"发票", 42, "", "", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, x.SetSheetRow("Sheet1", cell, &r))
	}
	var buf bytes.Buffer
	require.NoError(t, x.Write(&buf))
	got, err := kb.ReadEntries(&buf, kb.XLSX)
	require.NoError(t, err)
	want := []kb.Entry{
		{ID: "refund", Question: "怎么退款", Similar: []string{"退钱", "退款流程"}, Answer: kb.Answer{Text: "第一步\n第二步"}, Version: 3},
		{ID: "42", Question: "发票"},
	}
	assertSameEntries(t, want, got)
}

func fieldErrors(t *testing.T, err error) []*kb.FieldError {
	t.Helper()
	require.Error(t, err)
	var out []*kb.FieldError
	var walk func(error)
	walk = func(err error) {
		var fe *kb.FieldError
		if errors.As(err, &fe) && fe == err {
			out = append(out, fe)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if errors.As(err, &fe) {
			out = append(out, fe)
		}
	}
	walk(err)
	require.NotEmpty(t, out, "errors are *kb.FieldError: %v", err)
	return out
}

func TestMalformedCSV(t *testing.T) {
	cases := []struct {
		name, csv  string
		row        int
		col, cell  string
		errContain string
	}{
		{"unknown column", "id,question,colour\n", 1, "colour", "C1", "unknown column"},
		{"missing question column", "id,answer\n", 1, "question", "", "required"},
		{"blank question", "id,question\na,q\nb,  \n", 3, "question", "B3", "empty"},
		{"bad enabled", "id,question,enabled\na,q,maybe\n", 2, "enabled", "C2", "true or false"},
		{"bad version", "id,question,version\na,q,1.5\n", 2, "version", "C2", "whole number"},
		{"bad time", "id,question,updated\na,q,yesterday\n", 2, "updated", "C2", "RFC 3339"},
		{"duplicate id", "id,question\na,q\na,r\n", 3, "id", "A3", "row 2"},
		{"image without url", "id,question,images\na,q,\"https://x a\n no-url\"\n", 2, "images", "C2", "url: empty"},
		{"unclosed quote", "id,question\na,\"q\n", 2, "", "", "quote"},
		{"control char", "id,question\na,\"q\x01\"\n", 2, "question", "B2", "control"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es, err := kb.ReadEntries(strings.NewReader(c.csv), kb.CSV)
			assert.Nil(t, es, "nothing of a malformed file is returned")
			fes := fieldErrors(t, err)
			fe := fes[len(fes)-1]
			assert.Equal(t, c.row, fe.Row)
			assert.Equal(t, c.col, fe.Column)
			if c.cell != "" {
				assert.Equal(t, c.cell, fe.Cell)
			}
			assert.Contains(t, err.Error(), c.errContain)
			assert.Contains(t, err.Error(), fmt.Sprintf("row %d", c.row))
		})
	}
}

func TestMalformedJSON(t *testing.T) {
	cases := []struct {
		name, json string
		row        int
		col        string
		contains   string
	}{
		{"not an array", `{"id":"a"}`, 0, "", "array"},
		{"syntax", "[\n{\"id\":\"a\",\"question\":\"q\"},\n{\"id\": }\n]", 0, "", "line 3"},
		{"wrong type", `[{"id":"a","question":"q","similar":"one"}]`, 1, "similar", "want []string"},
		{"unknown field", `[{"id":"a","question":"q"},{"id":"b","question":"q","colour":1}]`, 2, "colour", "unknown field"},
		{"invalid entry", `[{"id":"a","question":"q"},{"id":"b","question":""}]`, 2, "question", "empty"},
		{"duplicate", `[{"id":"a","question":"q"},{"id":"a","question":"r"}]`, 2, "id", "row 1"},
		{"trailing data", `[] []`, 0, "", "after the array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es, err := kb.ReadEntries(strings.NewReader(c.json), kb.JSON)
			assert.Nil(t, es)
			fes := fieldErrors(t, err)
			assert.Equal(t, c.row, fes[0].Row)
			assert.Equal(t, c.col, fes[0].Column)
			assert.Contains(t, err.Error(), c.contains)
		})
	}
	// Enabled defaults to true when absent.
	es, err := kb.ReadEntries(strings.NewReader(`[{"id":"a","question":"q"},{"id":"b","question":"q","enabled":false}]`), kb.JSON)
	require.NoError(t, err)
	assert.False(t, es[0].Disabled)
	assert.True(t, es[1].Disabled)
}

func TestMalformedXLSX(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range [][]any{{"id", "question", "links"}, {"a", "q", "https://ok 好"}, {"b", "q", "https://ok\n 标题 without a URL"}, {"c", "", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, x.SetSheetRow("Sheet1", cell, &r))
	}
	var buf bytes.Buffer
	require.NoError(t, x.Write(&buf))
	es, err := kb.ReadEntries(&buf, kb.XLSX)
	assert.Nil(t, es)
	fes := fieldErrors(t, err)
	require.Len(t, fes, 2, "every bad row is reported")
	assert.Equal(t, kb.FieldError{Row: 3, Column: "links", Cell: "C3"}, kb.FieldError{Row: fes[0].Row, Column: fes[0].Column, Cell: fes[0].Cell})
	assert.Equal(t, 4, fes[1].Row)
	assert.Equal(t, "question", fes[1].Column)

	_, err = kb.ReadEntries(strings.NewReader("not a zip"), kb.XLSX)
	assert.Error(t, err)
}

// TestImportAllOrNothing imports files into a store through a Base: a
// malformed file changes nothing, a good one is applied whole.
func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	b, err := kb.Open(ctx, kb.NewMemoryStore(), kb.Options{})
	require.NoError(t, err)
	defer b.Close()
	good := "id,question,answer\nrefund,怎么退款,在订单页申请\ninvoice,怎么开发票,在设置页\n"
	bad := "id,question,answer\nrefund,怎么退款,在订单页申请\nship,,发货\n"

	_, err = kb.ReadEntries(strings.NewReader(bad), kb.CSV)
	require.Error(t, err)
	_, n, err := b.Store().List(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	es, err := kb.ReadEntries(strings.NewReader(good), kb.CSV)
	require.NoError(t, err)
	revs, err := b.Write(ctx, kb.Batch{Put: es, Overwrite: true, Author: "ops", Note: "import faq.csv"})
	require.NoError(t, err)
	assert.Len(t, revs, 2)
	hits, err := b.Search(ctx, "开发票", kb.SearchOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "invoice", hits[0].Entry.ID)

	// Export what the store holds and import it into another: the same
	// entries, versions and times included.
	all, _, err := b.Store().List(ctx)
	require.NoError(t, err)
	for _, f := range formats {
		var buf bytes.Buffer
		require.NoError(t, kb.WriteEntries(&buf, f, all))
		back, err := kb.ReadEntries(&buf, f)
		require.NoError(t, err)
		assertSameEntries(t, all, back)
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]kb.Format{"a.json": kb.JSON, "FAQ.CSV": kb.CSV, "x/y.xlsx": kb.XLSX} {
		f, err := kb.FormatOf(name)
		require.NoError(t, err)
		assert.Equal(t, want, f)
	}
	_, err := kb.FormatOf("faq.xls")
	assert.Error(t, err)
}

func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	kb.WriteEntries(&buf, kb.JSON, sample())
	f.Add(buf.String())
	f.Add(`[{"id":"a","question":"q","enabled":false,"answer":{"images":[{"url":"u"}]}}]`)
	f.Add(`[]`)
	f.Add(`[null, {"id": 1}]`)
	f.Fuzz(func(t *testing.T, data string) {
		roundTrip(t, data, kb.JSON)
	})
}

func FuzzReadCSV(f *testing.F) {
	var buf bytes.Buffer
	kb.WriteEntries(&buf, kb.CSV, sample())
	f.Add(buf.String())
	f.Add("id,question,similar,images\na,q,\"x\r\ny\",\"u a\nv\"\n")
	f.Add("\ufeffID,Question,Enabled\n1,q,否\n")
	f.Add("id,question\n\"a\"\"b\",\"q,\n\"\n")
	f.Fuzz(func(t *testing.T, data string) {
		roundTrip(t, data, kb.CSV)
	})
}

// roundTrip checks that whatever a reader accepts is valid and survives
// being written and read again in every format.
func roundTrip(t *testing.T, data string, f kb.Format) {
	es, err := kb.ReadEntries(strings.NewReader(data), f)
	if err != nil {
		if es != nil {
			t.Fatalf("entries returned with an error: %v", err)
		}
		fieldErrors(t, err)
		return
	}
	for _, e := range es {
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted an invalid entry: %v", err)
		}
	}
	for _, g := range []kb.Format{kb.JSON, kb.CSV} {
		var buf bytes.Buffer
		if err := kb.WriteEntries(&buf, g, es); err != nil {
			t.Fatalf("writing %v: %v", g, err)
		}
		back, err := kb.ReadEntries(&buf, g)
		if err != nil {
			t.Fatalf("reading back %v: %v\n%s", g, err, buf.String())
		}
		if len(back) != len(es) {
			t.Fatalf("%v round trip: %d entries, want %d", g, len(back), len(es))
		}
		for i := range es {
			if !es[i].Equal(back[i]) {
				t.Fatalf("%v round trip changed entry %d:\n%#v\n%#v", g, i, es[i], back[i])
			}
		}
	}
}

// An entry's problem names the line the entry starts on, past the comma
// and blank lines before it.
func TestReadJSONEntryLine(t *testing.T) {
	_, err := kb.ReadEntries(strings.NewReader("[\n  {\"id\": \"a\", \"question\": \"q\", \"answer\": {\"text\": \"t\"}},\n\n  {\"id\": \"a\", \"question\": \"q2\", \"answer\": {\"text\": \"t\"}}\n]\n"), kb.JSON)
	var fe *kb.FieldError
	if !errors.As(err, &fe) || fe.Cell != "line 4" || fe.Row != 2 {
		t.Fatalf("got %v, want row 2 at line 4", err)
	}
}
