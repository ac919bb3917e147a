package dataset

import (
	"os"
	"strings"
	"testing"
)

// clean fails when a converted field would break a TSV line.
func clean(t *testing.T, fields ...string) {
	t.Helper()
	for _, f := range fields {
		if strings.ContainsAny(f, "\t\r\n") {
			t.Fatalf("field %q holds a TAB or a line break", f)
		}
	}
}

func seed(f *testing.F, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func FuzzParseCLINC(f *testing.F) {
	seed(f, "testdata/clinc150/data_full.json")
	f.Add([]byte(`{"train":[["a\tb","x"]],"val":[],"test":[],"oos_train":[],"oos_val":[],"oos_test":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseCLINC(b)
		if err != nil {
			return
		}
		for _, ex := range s {
			for _, e := range ex {
				clean(t, e.label, e.text)
				if e.label == "" {
					t.Fatal("empty label")
				}
			}
		}
	})
}

func FuzzParseBanking(f *testing.F) {
	seed(f, "testdata/banking77/train.csv")
	seed(f, "testdata/banking77/test.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		ex, err := parseBanking("x.csv", b)
		if err != nil {
			return
		}
		for _, e := range ex {
			clean(t, e.label, e.text)
			if e.label == "" || e.text == "" {
				t.Fatalf("empty field in %q", e)
			}
		}
	})
}

func FuzzParseSMP(f *testing.F) {
	seed(f, "testdata/smp2017_ecdt_task1/smp2017.zip")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseSMP(b)
		if err != nil {
			return
		}
		for _, ex := range s {
			for _, e := range ex {
				clean(t, e.label, e.text)
			}
		}
	})
}

func FuzzParsePairs(f *testing.F) {
	seed(f, "testdata/afqmc/afqmc_dev.json")
	seed(f, "testdata/afqmc/atec_nlp_sim_train.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func(string, []byte) ([]pair, error){parseAFQMC, parseATEC} {
			ps, err := parse("x", b)
			if err != nil {
				continue
			}
			for _, p := range ps {
				clean(t, p.label, p.s1, p.s2)
				if p.label != "0" && p.label != "1" {
					t.Fatalf("label %q", p.label)
				}
			}
		}
	})
}

func FuzzParseGold(f *testing.F) {
	seed(f, "testdata/sighan2005/pku_test_gold.utf8")
	seed(f, "testdata/sighan2005/msr_test_gold.utf8")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseGold("x", b)
		if err != nil {
			return
		}
		for _, l := range s {
			gold, raw, ok := strings.Cut(l, "\t")
			if !ok {
				t.Fatalf("no TAB in %q", l)
			}
			clean(t, gold, raw)
			if strings.ReplaceAll(gold, " ", "") != raw {
				t.Fatalf("raw %q is not the gold words %q joined", raw, gold)
			}
		}
	})
}
