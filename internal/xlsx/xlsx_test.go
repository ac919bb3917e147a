package xlsx

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	rows := [][]string{
		{"id", "question", "answer"},
		{"007", "退款多久到账？", "line one\nline two\r\nthree"},
		{"x", "", "a <b> & \"c\" _x0041_ \x01 tab\there"},
		{},
		{"", "", "only the third"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "FAQ <1>", rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFirstSheet(buf.Bytes(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{rows[0], rows[1], rows[2], nil, rows[4]}
	if len(got) != len(want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i+1, got[i], want[i])
		}
	}
}

func TestColumns(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %s, want %s", i, got, want)
		}
		if c, ok := column(want + "7"); !ok || c != i {
			t.Errorf("column(%s7) = %d %v", want, c, ok)
		}
	}
	if _, ok := column("12"); ok {
		t.Error("a reference without letters")
	}
}

// book zips parts into a workbook.
func book(t *testing.T, parts map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

const (
	wbXML   = `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId7"/></sheets></workbook>`
	relsXML = `<Relationships><Relationship Id="rId7" Type="x/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="x/sharedStrings" Target="strings.xml"/></Relationships>`
)

func TestSpreadsheetParts(t *testing.T) {
	data := book(t, map[string]string{
		"xl/workbook.xml":            wbXML,
		"xl/_rels/workbook.xml.rels": relsXML,
		"xl/strings.xml":             `<sst><si><t>plain</t></si><si><r><t>ri</t></r><r><rPr/><t>ch</t></r><rPh><t>PHONETIC</t></rPh></si></sst>`,
		"xl/worksheets/data.xml": `<worksheet><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>` +
			`<row r="3"><c r="B3"><v>42</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="str"><v>formula</v></c></row>` +
			`<row r="4"></row></sheetData></worksheet>`,
	})
	got, err := ReadFirstSheet(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"plain", "", "rich"}, nil, {"", "42", "1", "formula"}}
	if len(got) != len(want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i+1, got[i], want[i])
		}
	}
}

func TestBadWorkbooks(t *testing.T) {
	sheet := func(s string) []byte {
		return book(t, map[string]string{"xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": relsXML,
			"xl/strings.xml": `<sst><si><t>a</t></si></sst>`, "xl/worksheets/data.xml": s})
	}
	for name, data := range map[string][]byte{
		"not a zip":        []byte("PK nothing"),
		"no workbook":      book(t, map[string]string{"a.xml": "<a/>"}),
		"no sheet":         book(t, map[string]string{"xl/workbook.xml": `<workbook/>`, "xl/_rels/workbook.xml.rels": relsXML}),
		"missing string":   sheet(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>5</v></c></row></sheetData></worksheet>`),
		"bad reference":    sheet(`<worksheet><sheetData><row r="1"><c r="1A"><v>5</v></c></row></sheetData></worksheet>`),
		"rows backwards":   sheet(`<worksheet><sheetData><row r="2"/><row r="1"/></sheetData></worksheet>`),
		"bad xml":          sheet(`<worksheet><sheetData><row`),
		"too big unpacked": sheet(`<worksheet><sheetData>` + strings.Repeat(" ", 2<<20) + `</sheetData></worksheet>`),
	} {
		if _, err := ReadFirstSheet(data, 1<<20); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzReadFirstSheet(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, "S", [][]string{{"a", "b"}, {"c"}})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadFirstSheet(data, 1<<20)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, "S", rows); err != nil {
			t.Fatal(err)
		}
	})
}
