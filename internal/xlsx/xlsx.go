// Package xlsx reads and writes the simple workbooks kefu exchanges with
// spreadsheets: the first worksheet as rows of text. It reads what Excel,
// WPS and LibreOffice write (shared and inline strings, rich text, numbers,
// booleans) and writes a workbook they open, with a bold header row and
// every cell as text.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// ReadFirstSheet reads the first worksheet of the workbook data as rows of
// cell text, the first row first. Rows end at their last non-empty cell;
// empty rows inside the sheet are kept, empty rows after it dropped. No
// part of the workbook may unpack to more than limit bytes.
func ReadFirstSheet(data []byte, limit int64) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not an xlsx workbook: %w", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	read := func(name string) ([]byte, error) {
		f := files[name]
		if f == nil {
			return nil, fmt.Errorf("the workbook has no %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, limit+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("%s unpacks to more than %d bytes", name, limit)
		}
		return b, nil
	}

	sheet, shared, err := parts(read)
	if err != nil {
		return nil, err
	}
	var strs []string
	if shared != "" {
		b, err := read(shared)
		if err != nil {
			return nil, err
		}
		if strs, err = sharedStrings(b); err != nil {
			return nil, fmt.Errorf("%s: %w", shared, err)
		}
	}
	b, err := read(sheet)
	if err != nil {
		return nil, err
	}
	rows, err := sheetRows(b, strs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sheet, err)
	}
	return rows, nil
}

// parts finds the first worksheet and the shared strings through the
// workbook's relationships.
func parts(read func(string) ([]byte, error)) (sheet, shared string, err error) {
	wb, err := read("xl/workbook.xml")
	if err != nil {
		return "", "", err
	}
	var book struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil {
		return "", "", fmt.Errorf("xl/workbook.xml: %w", err)
	}
	if len(book.Sheets) == 0 {
		return "", "", errors.New("the workbook has no sheet")
	}
	rb, err := read("xl/_rels/workbook.xml.rels")
	if err != nil {
		return "", "", err
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(rb, &rels); err != nil {
		return "", "", fmt.Errorf("xl/_rels/workbook.xml.rels: %w", err)
	}
	target := func(t string) string {
		if strings.HasPrefix(t, "/") {
			return strings.TrimPrefix(t, "/")
		}
		return path.Join("xl", t)
	}
	for _, r := range rels.Rel {
		switch {
		case r.ID == book.Sheets[0].ID:
			sheet = target(r.Target)
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			shared = target(r.Target)
		}
	}
	if sheet == "" {
		return "", "", errors.New("the workbook's first sheet has no part")
	}
	return sheet, shared, nil
}

// richText is the text of a shared or inline string: plain, or runs of
// rich text. Phonetic runs (rPh) are not part of it.
type richText struct {
	T    *string `xml:"t"`
	Runs []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (r richText) String() string {
	if r.T != nil {
		return unescape(*r.T)
	}
	var b strings.Builder
	for _, run := range r.Runs {
		b.WriteString(run.T)
	}
	return unescape(b.String())
}

func sharedStrings(b []byte) ([]string, error) {
	var sst struct {
		SI []richText `xml:"si"`
	}
	if err := xml.Unmarshal(b, &sst); err != nil {
		return nil, err
	}
	out := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		out[i] = si.String()
	}
	return out, nil
}

func sheetRows(b []byte, strs []string) ([][]string, error) {
	var ws struct {
		Rows []struct {
			R     int `xml:"r,attr"`
			Cells []struct {
				R  string    `xml:"r,attr"`
				T  string    `xml:"t,attr"`
				V  *string   `xml:"v"`
				IS *richText `xml:"is"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(b, &ws); err != nil {
		return nil, err
	}
	var rows [][]string
	for i, row := range ws.Rows {
		ri := i
		if row.R > 0 {
			ri = row.R - 1
		}
		if ri < len(rows) || ri > 1<<20 {
			return nil, fmt.Errorf("row %d out of order", ri+1)
		}
		for len(rows) < ri {
			rows = append(rows, nil)
		}
		var cells []string
		for j, c := range row.Cells {
			ci := j
			if c.R != "" {
				col, ok := column(c.R)
				if !ok {
					return nil, fmt.Errorf("bad cell reference %q", c.R)
				}
				ci = col
			}
			if ci < len(cells) || ci > 16384 {
				return nil, fmt.Errorf("cell %s out of order", c.R)
			}
			var v string
			switch {
			case c.T == "inlineStr" && c.IS != nil:
				v = c.IS.String()
			case c.V == nil:
			case c.T == "s":
				n, err := strconv.Atoi(strings.TrimSpace(*c.V))
				if err != nil || n < 0 || n >= len(strs) {
					return nil, fmt.Errorf("cell %s: no shared string %q", c.R, *c.V)
				}
				v = strs[n]
			case c.T == "str":
				v = unescape(*c.V)
			default: // numbers, booleans, errors: as stored
				v = *c.V
			}
			if v == "" {
				continue
			}
			for len(cells) < ci {
				cells = append(cells, "")
			}
			cells = append(cells, v)
		}
		rows = append(rows, cells)
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

// column returns the 0-based column of a cell reference such as "AB12".
func column(ref string) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > 16384 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

// ColumnName returns the letters of the 0-based column i: "A", …, "Z",
// "AA", ….
func ColumnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// Spreadsheets escape characters XML cannot hold as _xHHHH_, and a
// literal "_x" that would read as such an escape as _x005F_x.

func escape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' && isEscape(s[i:]):
			b.WriteString("_x005F_")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			fmt.Fprintf(&b, "_x%04X_", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isEscape(s string) bool {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return false
	}
	_, err := strconv.ParseUint(s[2:6], 16, 16)
	return err == nil
}

func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if isEscape(s[i:]) {
			n, _ := strconv.ParseUint(s[i+2:i+6], 16, 16)
			b.WriteRune(rune(n))
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
