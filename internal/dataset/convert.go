package dataset

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// The parsers below read the publishers' formats. Each returns an error
// naming the file and line (or record) on anything it does not expect,
// rather than guessing.

// example is one labelled text.
type example struct{ label, text string }

// pair is one labelled question pair.
type pair struct{ label, s1, s2 string }

// oneLine replaces TABs and line breaks, which would break a TSV line,
// with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return ' '
		}
		return r
	}, s)
}

func writeExamples(ex ...[]example) []byte {
	var b bytes.Buffer
	for _, list := range ex {
		for _, e := range list {
			b.WriteString(e.label)
			b.WriteByte('\t')
			b.WriteString(e.text)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func writePairs(ps []pair) []byte {
	var b bytes.Buffer
	for _, p := range ps {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", p.label, p.s1, p.s2)
	}
	return b.Bytes()
}

func checkUTF8(name string, b []byte) error {
	if !utf8.Valid(b) {
		return fmt.Errorf("%s: not UTF-8", name)
	}
	return nil
}

// lines splits b into lines, dropping a final empty line and the CR of
// CRLF line ends.
func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	out := strings.Split(s, "\n")
	for i, l := range out {
		out[i] = strings.TrimSuffix(l, "\r")
	}
	return out
}

// parseCLINC reads CLINC150's data_full.json: an object whose keys are
// splits (train, val, test, oos_train, oos_val, oos_test), each a list of
// [text, intent] pairs.
func parseCLINC(b []byte) (map[string][]example, error) {
	var raw map[string][][]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("data_full.json: %w", err)
	}
	out := map[string][]example{}
	for _, split := range []string{"train", "val", "test", "oos_train", "oos_val", "oos_test"} {
		items, ok := raw[split]
		if !ok {
			return nil, fmt.Errorf("data_full.json: no %q split", split)
		}
		for i, it := range items {
			if len(it) != 2 || it[1] == "" || strings.TrimSpace(it[0]) == "" {
				return nil, fmt.Errorf("data_full.json: %s[%d]: want [text, intent], have %q", split, i, it)
			}
			out[split] = append(out[split], example{label: oneLine(it[1]), text: oneLine(it[0])})
		}
	}
	return out, nil
}

func convertCLINC(in map[string][]byte) (map[string][]byte, error) {
	s, err := parseCLINC(in["data_full.json"])
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, split := range []string{"train", "val", "test"} {
		out[split+".tsv"] = writeExamples(s[split])
		out["oos_"+split+".tsv"] = writeExamples(s["oos_"+split])
		out["with_oos_"+split+".tsv"] = writeExamples(s[split], s["oos_"+split])
	}
	return out, nil
}

// parseBanking reads a BANKING77 CSV file: a header "text,category" and
// one quoted record per example. Texts are trimmed and their line breaks
// become spaces.
func parseBanking(name string, b []byte) ([]example, error) {
	if err := checkUTF8(name, b); err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = 2
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if head[0] != "text" || head[1] != "category" {
		return nil, fmt.Errorf("%s: header is %q, want text,category", name, head)
	}
	var out []example
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		text, label := oneLine(strings.TrimSpace(rec[0])), strings.TrimSpace(rec[1])
		if text == "" || label == "" || strings.ContainsAny(label, "\t\r\n") {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("%s:%d: want a text and a category, have %q", name, line, rec)
		}
		out = append(out, example{label: label, text: text})
	}
	return out, nil
}

func convertBanking(in map[string][]byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, split := range []string{"train", "test"} {
		ex, err := parseBanking(split+".csv", in[split+".csv"])
		if err != nil {
			return nil, err
		}
		out[split+".tsv"] = writeExamples(ex)
	}
	return out, nil
}

// maxMember bounds the unpacked size of one file in a zip archive.
const maxMember = 16 << 20

// smpSplits maps SMP2017-ECDT's folder names to the converted files.
var smpSplits = map[string]string{"train": "train.tsv", "develop": "val.tsv", "test": "test.tsv"}

// parseSMP reads SMP2017-ECDT task 1 from a zip archive holding
// Task1data/{train,develop,test}/<split>_<label>.txt: one query a line,
// UTF-8 with a byte-order mark, CRLF line ends. Other members are
// ignored. The result maps the split folder to its examples, files in
// name order and lines in file order; queries are trimmed, empty lines are
// dropped and TABs become spaces.
func parseSMP(b []byte) (map[string][]example, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("SMP2017 archive: %w", err)
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	out := map[string][]example{}
	for _, f := range files {
		dir, base := path.Split(f.Name)
		parts := strings.Split(strings.TrimSuffix(dir, "/"), "/")
		if len(parts) != 2 || parts[0] != "Task1data" || !strings.HasSuffix(base, ".txt") {
			continue
		}
		split := parts[1]
		if _, ok := smpSplits[split]; !ok {
			return nil, fmt.Errorf("SMP2017 archive: %s: unknown split %q", f.Name, split)
		}
		label, ok := strings.CutPrefix(strings.TrimSuffix(base, ".txt"), split+"_")
		if !ok || label == "" || strings.ContainsAny(label, "\t\r\n") {
			return nil, fmt.Errorf("SMP2017 archive: %s: want %s/%s_LABEL.txt", f.Name, dir, split)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("SMP2017 archive: %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxMember+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("SMP2017 archive: %s: %w", f.Name, err)
		}
		if len(data) > maxMember {
			return nil, fmt.Errorf("SMP2017 archive: %s: larger than %d bytes", f.Name, maxMember)
		}
		if err := checkUTF8(f.Name, data); err != nil {
			return nil, err
		}
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		for _, l := range lines(data) {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			out[split] = append(out[split], example{label: label, text: oneLine(l)})
		}
	}
	for split := range smpSplits {
		if len(out[split]) == 0 {
			return nil, fmt.Errorf("SMP2017 archive: no queries in Task1data/%s", split)
		}
	}
	return out, nil
}

func convertSMP(in map[string][]byte) (map[string][]byte, error) {
	s, err := parseSMP(in["smp2017.zip"])
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for split, file := range smpSplits {
		out[file] = writeExamples(s[split])
	}
	return out, nil
}

// parseAFQMC reads AFQMC's JSON lines {"sentence1", "sentence2", "label"}.
func parseAFQMC(name string, b []byte) ([]pair, error) {
	var out []pair
	for i, l := range lines(b) {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var r struct {
			S1    *string `json:"sentence1"`
			S2    *string `json:"sentence2"`
			Label *string `json:"label"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		if r.S1 == nil || r.S2 == nil || r.Label == nil {
			return nil, fmt.Errorf("%s:%d: want sentence1, sentence2 and label", name, i+1)
		}
		if *r.Label != "0" && *r.Label != "1" {
			return nil, fmt.Errorf("%s:%d: label %q, want 0 or 1", name, i+1, *r.Label)
		}
		out = append(out, pair{label: *r.Label, s1: oneLine(*r.S1), s2: oneLine(*r.S2)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no pairs", name)
	}
	return out, nil
}

// parseATEC reads the ATEC 2018 training file: "id<TAB>s1<TAB>s2<TAB>label"
// lines, UTF-8 with byte-order marks (one at the start, one more inside
// its first line), CRLF line ends. Byte-order marks are removed
// wherever they are.
func parseATEC(name string, b []byte) ([]pair, error) {
	if err := checkUTF8(name, b); err != nil {
		return nil, err
	}
	b = bytes.ReplaceAll(b, []byte("\ufeff"), nil)
	var out []pair
	for i, l := range lines(b) {
		if l == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 tab-separated fields, have %d", name, i+1, len(f))
		}
		if f[3] != "0" && f[3] != "1" {
			return nil, fmt.Errorf("%s:%d: label %q, want 0 or 1", name, i+1, f[3])
		}
		out = append(out, pair{label: f[3], s1: f[1], s2: f[2]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no pairs", name)
	}
	return out, nil
}

// convertAFQMC writes AFQMC's public dev set as test.tsv and the ATEC
// training pairs, less every pair that is also in the test set (in either
// order), as train.tsv.
func convertAFQMC(in map[string][]byte) (map[string][]byte, error) {
	test, err := parseAFQMC("afqmc_dev.json", in["afqmc_dev.json"])
	if err != nil {
		return nil, err
	}
	atec, err := parseATEC("atec_nlp_sim_train.csv", in["atec_nlp_sim_train.csv"])
	if err != nil {
		return nil, err
	}
	seen := make(map[[2]string]bool, 2*len(test))
	for _, p := range test {
		seen[[2]string{p.s1, p.s2}] = true
		seen[[2]string{p.s2, p.s1}] = true
	}
	train := atec[:0:0]
	for _, p := range atec {
		if !seen[[2]string{p.s1, p.s2}] {
			train = append(train, p)
		}
	}
	return map[string][]byte{"test.tsv": writePairs(test), "train.tsv": writePairs(train)}, nil
}

// parseGold reads a SIGHAN 2005 gold segmentation file: one sentence a
// line, words separated by spaces (two in the release), CRLF line ends.
// Empty lines are dropped. Each sentence becomes "w1 w2 …<TAB>w1w2…".
func parseGold(name string, b []byte) ([]string, error) {
	if err := checkUTF8(name, b); err != nil {
		return nil, err
	}
	var out []string
	for i, l := range lines(b) {
		if strings.ContainsRune(l, '\t') {
			return nil, fmt.Errorf("%s:%d: TAB in a gold sentence", name, i+1)
		}
		w := strings.Fields(l)
		if len(w) == 0 {
			continue
		}
		out = append(out, strings.Join(w, " ")+"\t"+strings.Join(w, ""))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no sentences", name)
	}
	return out, nil
}

func convertSIGHAN(in map[string][]byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, corpus := range []string{"pku", "msr"} {
		name := corpus + "_test_gold.utf8"
		s, err := parseGold(name, in[name])
		if err != nil {
			return nil, err
		}
		out[corpus+"_test.tsv"] = []byte(strings.Join(s, "\n") + "\n")
	}
	return out, nil
}
