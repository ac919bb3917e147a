// Package opencc reads the dictionary files of Open Chinese Convert
// (OpenCC) and converts text with them by longest match, as OpenCC does.
// It is used to build kefu's traditional-to-simplified table
// (internal/gent2s) and, in the benchmarks, to turn simplified test sets
// into traditional characters.
//
// A dictionary file has lines "key<TAB>candidate candidate …"; the first
// candidate is the default. Lines starting with '#' and empty lines are
// skipped.
package opencc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Dict is one dictionary file: keys and their candidates, first the
// default.
type Dict struct {
	// Name is the file's name, for messages.
	Name string
	// Keys are the keys in file order.
	Keys []string
	m    map[string][]string
	max  int // longest key, in runes
}

// Parse reads a dictionary. name is used in error messages. A line
// without a tab, with an empty key or no candidate, with invalid UTF-8, or
// a key given twice is an error.
func Parse(r io.Reader, name string) (*Dict, error) {
	d := &Dict{Name: name, m: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s:%d: invalid UTF-8", name, n)
		}
		k, v, ok := strings.Cut(line, "\t")
		cands := strings.Fields(v)
		if !ok || strings.TrimSpace(k) != k || k == "" || len(cands) == 0 {
			return nil, fmt.Errorf("%s:%d: want key<TAB>candidates, got %q", name, n, line)
		}
		if _, dup := d.m[k]; dup {
			return nil, fmt.Errorf("%s:%d: key %q given twice", name, n, k)
		}
		d.m[k] = cands
		d.Keys = append(d.Keys, k)
		d.max = max(d.max, utf8.RuneCountInString(k))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// ReadFile reads the dictionary file at path.
func ReadFile(path string) (*Dict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, filepath.Base(path))
}

// ReadDir reads the named files (such as "STCharacters.txt") of an OpenCC
// data directory, in order.
func ReadDir(dir string, names ...string) ([]*Dict, error) {
	out := make([]*Dict, len(names))
	for i, n := range names {
		d, err := ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// Lookup returns the candidates of key, first the default.
func (d *Dict) Lookup(key string) ([]string, bool) {
	c, ok := d.m[key]
	return c, ok
}

// Convert converts s with a group of dictionaries: at each place the
// longest key of any of them that starts there is replaced by its default
// candidate (the first dictionary that has the key wins a tie), and a
// character no key starts with is kept.
func Convert(s string, group ...*Dict) string {
	longest := 0
	for _, d := range group {
		longest = max(longest, d.max)
	}
	var b strings.Builder
	b.Grow(len(s))
	var ends []int
	for i := 0; i < len(s); {
		// ends[k] is the byte end of the k+1 runes from i.
		ends = ends[:0]
		for j := i; j < len(s) && len(ends) < longest; {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			ends = append(ends, j)
		}
		done := false
		for k := len(ends) - 1; k >= 0 && !done; k-- {
			for _, d := range group {
				if c, ok := d.m[s[i:ends[k]]]; ok {
					b.WriteString(c[0])
					i = ends[k]
					done = true
					break
				}
			}
		}
		if !done {
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// Styles are OpenCC's simplified-to-traditional conversions, as in its
// configuration files of the same names: each a chain of dictionary
// groups applied one after the other.
var Styles = map[string][][]string{
	"s2t":   {stGroup},
	"s2tw":  {stGroup, {"TWVariantsPhrases.txt", "TWVariants.txt"}},
	"s2twp": {stGroup, {"TWPhrases.txt", "TWVariantsPhrases.txt", "TWVariants.txt"}},
	"s2hk":  {stGroup, {"HKVariantsPhrases.txt", "HKVariants.txt"}},
}

var stGroup = []string{"STPhrases.txt", "STPhrases_GeneratedFromRegionalPhrases.txt", "STCharacters.txt"}

// StyleNames are the keys of Styles, in a fixed order: traditional
// characters (OpenCC's standard), Taiwan's, Taiwan's with its vocabulary,
// and Hong Kong's.
var StyleNames = []string{"s2t", "s2tw", "s2twp", "s2hk"}

// Converter is a chain of dictionary groups.
type Converter struct {
	chain [][]*Dict
}

// Load reads the dictionaries of a style (a key of Styles) from an OpenCC
// data directory.
func Load(dir, style string) (*Converter, error) {
	groups, ok := Styles[style]
	if !ok {
		return nil, fmt.Errorf("opencc: unknown style %q", style)
	}
	c := &Converter{}
	for _, g := range groups {
		ds, err := ReadDir(dir, g...)
		if err != nil {
			return nil, err
		}
		c.chain = append(c.chain, ds)
	}
	return c, nil
}

// Convert applies each group of the chain in turn.
func (c *Converter) Convert(s string) string {
	for _, g := range c.chain {
		s = Convert(s, g...)
	}
	return s
}
