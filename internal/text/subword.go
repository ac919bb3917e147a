package text

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// Subwords splits words into subword pieces with a WordPiece or BPE model,
// such as the tokenizer.json of a pretrained model or one trained offline on
// an operator's corpus. Pieces let a classifier relate words it never saw
// in training to ones it did ("refundable" → "refund", "##able"). A
// Subwords is immutable and safe for concurrent use.
type Subwords struct {
	model tokenizer.Model
	kind  string
	vocab map[string]int
	raw   []byte
}

// ErrBadTokenizer means a tokenizer file could not be used.
var ErrBadTokenizer = errors.New("text: unusable tokenizer file")

// LoadSubwords reads a tokenizer.json in the Hugging Face format. Only its
// model (WordPiece or BPE) is used: kefu's own normalization and word
// splitting come first, and each word is then split into pieces.
func LoadSubwords(r io.Reader) (*Subwords, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("text: reading tokenizer: %w", err)
	}
	var probe struct {
		Model struct {
			Type string `json:"type"`
		} `json:"model"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTokenizer, err)
	}
	kind := probe.Model.Type
	if kind != "WordPiece" && kind != "BPE" {
		return nil, fmt.Errorf("%w: model type %q, want WordPiece or BPE", ErrBadTokenizer, kind)
	}
	var tk *tokenizer.Tokenizer
	if err := safely(func() error {
		var err error
		tk, err = pretrained.FromReader(bytes.NewReader(raw))
		return err
	}); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTokenizer, err)
	}
	m := tk.GetModel()
	if m == nil {
		return nil, fmt.Errorf("%w: no model", ErrBadTokenizer)
	}
	s := &Subwords{model: m, kind: kind, vocab: m.GetVocab(), raw: raw}
	if len(s.vocab) == 0 {
		return nil, fmt.Errorf("%w: empty vocabulary", ErrBadTokenizer)
	}
	return s, nil
}

// WordPieceVocab builds a WordPiece tokenizer.json from a vocab.txt (one
// piece per line, continuation pieces prefixed "##", as BERT ships it), for
// LoadSubwords.
func WordPieceVocab(r io.Reader) ([]byte, error) {
	vocab := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		w := strings.TrimRight(sc.Text(), "\r")
		if w == "" {
			continue
		}
		if _, dup := vocab[w]; !dup {
			vocab[w] = len(vocab)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("text: reading vocabulary: %w", err)
	}
	unk := "[UNK]"
	if _, ok := vocab[unk]; !ok {
		vocab[unk] = len(vocab)
	}
	return json.Marshal(map[string]any{"model": map[string]any{
		"type": "WordPiece", "unk_token": unk, "continuing_subword_prefix": "##",
		"max_input_chars_per_word": 100, "vocab": vocab,
	}})
}

// JSON returns the tokenizer file the Subwords was loaded from, to save
// with a model.
func (s *Subwords) JSON() []byte { return s.raw }

// Pieces returns the subword pieces of one normalized word, or nil when
// the model cannot split it.
func (s *Subwords) Pieces(word string) []string {
	if word == "" || len(word) > 100 {
		return nil
	}
	if s.kind == "BPE" {
		// The BPE model reports characters outside its alphabet on standard
		// output; leave such words alone.
		for _, r := range word {
			var b [utf8.UTFMax]byte
			if _, ok := s.vocab[string(b[:utf8.EncodeRune(b[:], r)])]; !ok {
				return nil
			}
		}
	}
	var toks []tokenizer.Token
	if safely(func() error {
		var err error
		toks, err = s.model.Tokenize(word)
		return err
	}) != nil {
		return nil
	}
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, t.Value)
	}
	return out
}

// safely runs f, turning a panic in third-party code into an error.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tokenizer panicked: %v", r)
		}
	}()
	return f()
}
