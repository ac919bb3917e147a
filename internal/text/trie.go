package text

import (
	"unicode/utf8"
)

// trie holds operator words for longest-match lookup on normalized text.
type trie struct {
	nodes []trieNode
}

type trieNode struct {
	next map[rune]int32
	end  bool
}

func newTrie() *trie { return &trie{nodes: []trieNode{{}}} }

func (t *trie) add(w string) {
	n := int32(0)
	for _, r := range w {
		nx, ok := t.nodes[n].next[r]
		if !ok {
			if t.nodes[n].next == nil {
				t.nodes[n].next = make(map[rune]int32)
			}
			nx = int32(len(t.nodes))
			t.nodes[n].next[r] = nx
			t.nodes = append(t.nodes, trieNode{})
		}
		n = nx
	}
	t.nodes[n].end = true
}

// match returns the end of the longest operator word starting at byte i of
// s, or i when none does. A word that begins or ends with a letter or digit
// matches only at word boundaries, so "pro" does not match inside "product".
func (t *trie) match(s string, i int) int {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		first, _ := utf8.DecodeRuneInString(s[i:])
		if isAlnum(prev) && isAlnum(first) {
			return i
		}
	}
	best := i
	n := int32(0)
	for j := i; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		nx, ok := t.nodes[n].next[r]
		if !ok {
			break
		}
		n = nx
		j += size
		if t.nodes[n].end {
			last, _ := utf8.DecodeLastRuneInString(s[:j])
			if j < len(s) && isAlnum(last) {
				next, _ := utf8.DecodeRuneInString(s[j:])
				if isAlnum(next) {
					continue
				}
			}
			best = j
		}
	}
	return best
}
