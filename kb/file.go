package kb

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kefuai/kefu/internal/xlsx"
)

// Format is a file format for importing and exporting entries.
type Format uint8

// File formats.
const (
	// JSON is an array of entries as [Entry] marshals them. A missing
	// "enabled" means true.
	JSON Format = iota + 1
	// CSV is a table with a header row and one entry per row; see
	// [Columns]. It is written with a UTF-8 byte order mark so that Excel
	// opens it correctly; one is accepted on reading.
	CSV
	// XLSX is an Excel workbook whose first sheet is laid out as CSV is.
	XLSX
)

// String returns the format's usual file extension without the dot.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case CSV:
		return "csv"
	case XLSX:
		return "xlsx"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// FormatOf returns the format of a file name from its extension.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return JSON, nil
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	}
	return 0, fmt.Errorf("kb: unknown file format %q (want .json, .csv or .xlsx)", filepath.Ext(name))
}

// Columns returns the column headers of the CSV and XLSX formats, in the
// order they are written. On reading, headers are matched
// case-insensitively, in any order; id and question are required, the
// other columns optional:
//
//   - id: the entry's ID (Entry.ID), unique in the file.
//   - question: the main question.
//   - similar: other ways to ask it, one a line.
//   - answer: the answer's text.
//   - images: one image a line, its URL, a space and its alt text.
//   - links: one link a line, its URL, a space and its title.
//   - suggestions: follow-up questions, one a line.
//   - category: the entry's category.
//   - tags: free labels, one a line.
//   - intents: the intents the entry answers, one a line.
//   - enabled: true or false (also 1/0, yes/no, 是/否); empty means true.
//   - version: the entry's version, as exported; leave empty for new entries.
//   - updated: when it was last written, RFC 3339, as exported.
//
// Line ends in cells may be "\r\n", as spreadsheets write them; the
// answer's are read as "\n".
func Columns() []string {
	return []string{"id", "question", "similar", "answer", "images", "links", "suggestions", "category", "tags", "intents", "enabled", "version", "updated"}
}

// FieldError is a problem with one field of one entry of a file.
type FieldError struct {
	// Row is the row of a CSV or XLSX table, counting the header as 1, or
	// the entry's position (from 1) in a JSON array.
	Row int
	// Column is the column header or JSON field; empty when the problem
	// concerns the whole row.
	Column string
	// Cell names the cell ("C7") in a table, or the line in a JSON file
	// ("line 12").
	Cell string
	// Err is the problem.
	Err error
}

// Error names the row, column and cell, then the problem.
func (e *FieldError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kb: row %d", e.Row)
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %s", e.Column)
	}
	if e.Cell != "" {
		fmt.Fprintf(&b, " (%s)", e.Cell)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// maxErrors caps the problems reported for one file.
const maxErrors = 50

// ReadEntries reads every entry of a file. Each entry is checked with
// [Entry.Validate] and IDs must be unique. If anything is wrong it returns
// no entries and an error joining a [*FieldError] for each problem (up to
// 50), so that a malformed file is never half imported.
//
// To import, write the entries in one [Batch], which a Store applies
// atomically:
//
//	es, err := kb.ReadEntries(f, kb.XLSX)
//	...
//	_, err = base.Write(ctx, kb.Batch{Put: es, Overwrite: true, Author: "ops", Note: "import faq.xlsx"})
func ReadEntries(r io.Reader, f Format) ([]Entry, error) {
	switch f {
	case JSON:
		return readJSON(r)
	case CSV:
		rows, err := readCSV(r)
		if err != nil {
			return nil, err
		}
		return fromTable(rows)
	case XLSX:
		rows, err := readXLSX(r)
		if err != nil {
			return nil, err
		}
		return fromTable(rows)
	}
	return nil, fmt.Errorf("kb: unknown format %v", f)
}

// WriteEntries writes entries in format f. Reading the result with
// [ReadEntries] gives back equal entries.
func WriteEntries(w io.Writer, f Format, entries []Entry) error {
	for i := range entries {
		if err := entries[i].Validate(); err != nil {
			return err
		}
	}
	switch f {
	case JSON:
		if entries == nil {
			entries = []Entry{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case CSV:
		bw := bufio.NewWriter(w)
		bw.WriteString("\ufeff")
		cw := csv.NewWriter(bw)
		cw.Write(Columns())
		for _, e := range entries {
			cw.Write(toRow(e))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	case XLSX:
		return writeXLSX(w, entries)
	}
	return fmt.Errorf("kb: unknown format %v", f)
}

// jsonEntry is Entry as a file holds it: enabled unless "enabled" is
// false or "disabled" true.
type jsonEntry struct {
	ID       string    `json:"id"`
	Question string    `json:"question"`
	Similar  []string  `json:"similar"`
	Answer   Answer    `json:"answer"`
	Category string    `json:"category"`
	Tags     []string  `json:"tags"`
	Intents  []string  `json:"intents"`
	Enabled  *bool     `json:"enabled"`
	Disabled bool      `json:"disabled"`
	Version  int64     `json:"version"`
	Updated  time.Time `json:"updated"`
}

func readJSON(r io.Reader) ([]Entry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	lineAt := func(off int64) string {
		return fmt.Sprintf("line %d", 1+bytes.Count(data[:min(int(off), len(data))], []byte("\n")))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	syntax := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &FieldError{Row: 0, Cell: lineAt(se.Offset), Err: err}
		}
		return &FieldError{Cell: lineAt(dec.InputOffset()), Err: err}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &FieldError{Cell: "line 1", Err: errors.New("want a JSON array of entries")}
	}
	var (
		out   []Entry
		errs  []error
		seen  = map[string]int{}
		entry int
	)
	for dec.More() {
		entry++
		// The offset is where the previous entry ended: the entry starts
		// after the comma and the spaces.
		start := dec.InputOffset()
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[start]) >= 0 {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntax(err)
		}
		fe := func(col string, err error) {
			errs = append(errs, &FieldError{Row: entry, Column: col, Cell: lineAt(start), Err: err})
		}
		var je jsonEntry
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&je); err != nil {
			var te *json.UnmarshalTypeError
			switch {
			case errors.As(err, &te):
				fe(te.Field, fmt.Errorf("want %v, have JSON %s", te.Type, te.Value))
			case strings.HasPrefix(err.Error(), "json: unknown field "):
				fe(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), errors.New("unknown field"))
			default:
				fe("", err)
			}
		} else {
			je.Answer.Text = strings.ReplaceAll(je.Answer.Text, "\r\n", "\n")
			e := Entry{ID: je.ID, Question: je.Question, Similar: je.Similar, Answer: je.Answer, Category: je.Category,
				Tags: je.Tags, Intents: je.Intents, Disabled: je.Disabled || (je.Enabled != nil && !*je.Enabled), Version: je.Version, Updated: je.Updated}
			if err := check(&e, seen, entry); err != nil {
				var ie *InvalidError
				if errors.As(err, &ie) {
					fe(ie.Field, errors.New(ie.Reason))
				} else {
					fe("id", err)
				}
			} else {
				out = append(out, e)
			}
		}
		if len(errs) >= maxErrors {
			break
		}
	}
	if len(errs) == 0 {
		if _, err := dec.Token(); err != nil {
			return nil, syntax(err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, &FieldError{Cell: lineAt(dec.InputOffset()), Err: errors.New("data after the array")}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// check validates e and records its ID, reporting a duplicate.
func check(e *Entry, seen map[string]int, row int) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if prev, ok := seen[e.ID]; ok {
		return fmt.Errorf("ID %q already used in row %d", e.ID, prev)
	}
	seen[e.ID] = row
	return nil
}

func readCSV(r io.Reader) ([][]string, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &FieldError{Row: pe.StartLine, Cell: fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), Err: pe.Err}
		}
		return nil, err
	}
	return rows, nil
}

// MaxXLSXBytes bounds what an imported workbook may unzip to, so that a
// small hostile file cannot expand to gigabytes.
const MaxXLSXBytes = 256 << 20

func readXLSX(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxXLSXBytes+1))
	if err != nil {
		return nil, fmt.Errorf("kb: reading xlsx: %w", err)
	}
	if len(data) > MaxXLSXBytes {
		return nil, fmt.Errorf("kb: reading xlsx: the workbook is larger than %d bytes", MaxXLSXBytes)
	}
	rows, err := xlsx.ReadFirstSheet(data, 64<<20)
	if err != nil {
		return nil, fmt.Errorf("kb: reading xlsx: %w", err)
	}
	return rows, nil
}

func colName(i int) string { return xlsx.ColumnName(i) }

// fromTable turns rows of cells, the first holding the headers, into
// entries.
func fromTable(rows [][]string) ([]Entry, error) {
	if len(rows) == 0 {
		return nil, &FieldError{Row: 1, Err: errors.New("no header row")}
	}
	var errs []error
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
			continue
		case !isColumn(h):
			errs = append(errs, &FieldError{Row: 1, Column: h, Cell: fmt.Sprintf("%s1", colName(i)), Err: fmt.Errorf("unknown column (known: %s)", strings.Join(Columns(), ", "))})
		case col[h] != 0:
			errs = append(errs, &FieldError{Row: 1, Column: h, Cell: fmt.Sprintf("%s1", colName(i)), Err: errors.New("column appears twice")})
		}
		col[h] = i + 1 // 0 means absent
	}
	for _, req := range []string{"id", "question"} {
		if col[req] == 0 {
			errs = append(errs, &FieldError{Row: 1, Column: req, Err: errors.New("required column missing")})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var out []Entry
	seen := map[string]int{}
	for ri, cells := range rows[1:] {
		row := ri + 2
		if blankRow(cells) {
			continue
		}
		get := func(name string) string {
			if i := col[name] - 1; i >= 0 && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		fail := func(name string, err error) {
			cell := ""
			if i := col[name] - 1; i >= 0 {
				cell = fmt.Sprintf("%s%d", colName(i), row)
			}
			errs = append(errs, &FieldError{Row: row, Column: name, Cell: cell, Err: err})
		}
		var e Entry
		e.ID = get("id")
		e.Question = get("question")
		e.Answer.Text = strings.ReplaceAll(get("answer"), "\r\n", "\n")
		e.Category = get("category")
		e.Similar = lines(get("similar"))
		e.Tags = lines(get("tags"))
		e.Intents = lines(get("intents"))
		e.Answer.Suggestions = lines(get("suggestions"))
		for _, l := range lines(get("images")) {
			u, alt, _ := strings.Cut(l, " ")
			e.Answer.Images = append(e.Answer.Images, Image{URL: u, Alt: alt})
		}
		for _, l := range lines(get("links")) {
			u, title, _ := strings.Cut(l, " ")
			e.Answer.Links = append(e.Answer.Links, Link{URL: u, Title: title})
		}
		ok := true
		if s := get("enabled"); strings.TrimSpace(s) != "" {
			b, err := parseBool(s)
			if err != nil {
				fail("enabled", err)
				ok = false
			}
			e.Disabled = !b
		}
		if s := get("version"); strings.TrimSpace(s) != "" {
			v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || v < 0 {
				fail("version", fmt.Errorf("want a whole number ≥ 0, have %q", s))
				ok = false
			}
			e.Version = v
		}
		if s := get("updated"); strings.TrimSpace(s) != "" {
			t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
			if err != nil {
				fail("updated", fmt.Errorf("want an RFC 3339 time such as 2024-05-01T08:00:00Z, have %q", s))
				ok = false
			}
			e.Updated = t
		}
		if ok {
			if err := check(&e, seen, row); err != nil {
				var ie *InvalidError
				if errors.As(err, &ie) {
					name, _, _ := strings.Cut(ie.Field, "[")
					name, _, _ = strings.Cut(name, ".")
					fail(name, fmt.Errorf("%s: %s", ie.Field, ie.Reason))
				} else {
					fail("id", err)
				}
			} else {
				out = append(out, e)
			}
		}
		if len(errs) >= maxErrors {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func isColumn(h string) bool {
	for _, c := range Columns() {
		if c == h {
			return true
		}
	}
	return false
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// lines splits a list cell into its items. Line ends may be "\n" or
// "\r\n" (spreadsheets write both); empty lines are skipped.
func lines(cell string) []string {
	var out []string
	for l := range strings.SplitSeq(cell, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "y", "是", "启用":
		return true, nil
	case "false", "0", "no", "n", "否", "停用":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, have %q", s)
}

func toRow(e Entry) []string {
	item := func(url, text string) string {
		if text == "" {
			return url
		}
		return url + " " + text
	}
	imgs := make([]string, len(e.Answer.Images))
	for i, im := range e.Answer.Images {
		imgs[i] = item(im.URL, im.Alt)
	}
	links := make([]string, len(e.Answer.Links))
	for i, l := range e.Answer.Links {
		links[i] = item(l.URL, l.Title)
	}
	updated := ""
	if !e.Updated.IsZero() {
		updated = e.Updated.Format(time.RFC3339Nano)
	}
	return []string{
		e.ID, e.Question, strings.Join(e.Similar, "\n"), e.Answer.Text,
		strings.Join(imgs, "\n"), strings.Join(links, "\n"), strings.Join(e.Answer.Suggestions, "\n"),
		e.Category, strings.Join(e.Tags, "\n"), strings.Join(e.Intents, "\n"), strconv.FormatBool(!e.Disabled),
		strconv.FormatInt(e.Version, 10), updated,
	}
}

// maxCell is the most characters an Excel cell holds.
const maxCell = 32767

func writeXLSX(w io.Writer, entries []Entry) error {
	rows := make([][]string, 0, len(entries)+1)
	rows = append(rows, Columns())
	for i, e := range entries {
		cells := toRow(e)
		for j, c := range cells {
			if n := len([]rune(c)); n > maxCell {
				return &FieldError{Row: i + 2, Column: Columns()[j], Cell: fmt.Sprintf("%s%d", colName(j), i+2),
					Err: fmt.Errorf("%d characters; an Excel cell holds at most %d", n, maxCell)}
			}
		}
		// Cells are written as text, so that IDs like "007" stay as written.
		rows = append(rows, cells)
	}
	return xlsx.Write(w, "FAQ", rows)
}
