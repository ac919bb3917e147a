package dialogue

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestReadReplyTable reads the labelled replies in
// testdata/confirmations.tsv and reports the reader's accuracy. A reply
// that is not an explicit yes must never read as one: that is what makes a
// flow act.
func TestReadReplyTable(t *testing.T) {
	f, err := os.Open("testdata/confirmations.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	total, right := 0, 0
	perLabel := map[string][2]int{}
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.Split(s, "\t")
		if len(fields) < 2 || len(fields) > 3 {
			t.Fatalf("line %d: want label<TAB>reply[<TAB>question], got %q", line, s)
		}
		want, reply, question := fields[0], fields[1], ""
		if len(fields) == 3 {
			question = fields[2]
		}
		r := ReadReply(reply, question)
		got := r.Answer.String()
		switch {
		case r.Answer == Yes && r.Tentative:
			got = "tentative"
		case r.Answer == Unsure:
			got = "other"
		}
		switch want {
		case "yes", "tentative", "no", "wait", "other":
		default:
			t.Fatalf("line %d: unknown label %q", line, want)
		}
		total++
		c := perLabel[want]
		c[1]++
		if got == want {
			right++
			c[0]++
		} else {
			t.Logf("line %d: %q read as %s, labelled %s (rest %q)", line, reply, got, want, r.Rest)
		}
		perLabel[want] = c
		if got == "yes" && want != "yes" {
			t.Errorf("line %d: %q (%s) read as an explicit yes", line, reply, want)
		}
		if r.Answer == Yes && (want == "no" || want == "wait" || want == "other") {
			t.Errorf("line %d: %q (%s) read as a yes", line, reply, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if total < 300 {
		t.Fatalf("the table has %d replies; it should keep at least 300", total)
	}
	acc := float64(right) / float64(total)
	for _, l := range []string{"yes", "tentative", "no", "wait", "other"} {
		c := perLabel[l]
		t.Logf("%-9s %3d/%3d", l, c[0], c[1])
	}
	t.Logf("accuracy %.3f over %d replies", acc, total)
	if acc < 0.95 {
		t.Errorf("accuracy %.3f, want at least 0.95", acc)
	}
}
