package yamlx

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

type step struct {
	To   string   `yaml:"to"`
	When []string `yaml:"when,omitempty"`
}

type doc struct {
	Name    string                       `yaml:"name"`
	Retries int                          `yaml:"maxRetries"`
	Strict  bool                         `yaml:"strict"`
	Timeout time.Duration                `yaml:"timeout"`
	Min     *float64                     `yaml:"min"`
	Steps   []step                       `yaml:"steps"`
	Texts   map[string]map[string]string `yaml:"texts"`
	Skipped string                       `yaml:"-"`
	Plain   string
}

func decode(t *testing.T, src string) (doc, []Error) {
	t.Helper()
	n, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var d doc
	return d, Decode(n, &d)
}

func TestDecode(t *testing.T) {
	d, errs := decode(t, `
name: returns
maxRetries: 3
strict: true
timeout: 30s
min: 1.5
plain: p
steps:
  - to: ask
  - {to: done, when: [a, b]}
texts:
  en: {hi: hello}
`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if d.Name != "returns" || d.Retries != 3 || !d.Strict || d.Timeout != 30*time.Second || d.Min == nil || *d.Min != 1.5 || d.Plain != "p" {
		t.Fatalf("scalars: %+v", d)
	}
	if len(d.Steps) != 2 || d.Steps[1].To != "done" || len(d.Steps[1].When) != 2 || d.Texts["en"]["hi"] != "hello" {
		t.Fatalf("nested: %+v", d)
	}
}

func TestDecodeErrors(t *testing.T) {
	_, errs := decode(t, `name: returns
maxRetries: three
strict: maybe
steps:
  - to: ask
    wen: [a]
  - to: [x]
name: again
texts: [1]
`)
	want := []string{
		`line 2, column 13: maxRetries: want a whole number, have "three"`,
		`line 3, column 9: strict: want true or false, have "maybe"`,
		`line 6, column 5: steps[0].wen: unknown field "wen"`,
		`line 7, column 9: steps[1].to: want a string, have a list`,
		`line 8, column 1: name: key "name" repeated`,
		`line 9, column 8: texts: want a mapping, have a list`,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, e := range errs {
		if e.Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, e.Error(), want[i])
		}
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse([]byte("name: a\n  bad: [\n"))
	e, ok := err.(Error)
	if !ok || e.Line == 0 || e.Msg == "" {
		t.Fatalf("syntax error %#v, want an Error with a line", err)
	}
}

func TestDecodeNeedsPointer(t *testing.T) {
	var d doc
	if errs := Decode(&yaml.Node{}, d); len(errs) != 1 || !strings.Contains(errs[0].Msg, "pointer") {
		t.Fatalf("non-pointer: %v", errs)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("name: a\nsteps: [{to: b}]\ntexts: {en: {a: b}}\n")
	f.Add("- 1\n- [2]\n")
	f.Add("a: &x [1]\nb: *x\n")
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse([]byte(src))
		if err != nil {
			return
		}
		var d doc
		for _, e := range Decode(n, &d) {
			if e.Msg == "" {
				t.Fatalf("an error without a message: %#v", e)
			}
		}
	})
}
