package intent

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"

	"github.com/kefuai/kefu/internal/learn"
	"github.com/kefuai/kefu/internal/text"
)

// The model file: a magic line, a format version, a length-prefixed JSON
// header, the arrays of every view in little-endian order, and a CRC-32 of
// everything before it.
const (
	magic         = "KEFU-INTENT\n"
	formatVersion = 1
	maxHeader     = 64 << 20
)

// ErrBadModel means a model file is not one, is truncated or corrupt, or
// comes from an incompatible version.
var ErrBadModel = errors.New("intent: not a valid model file")

type fileHeader struct {
	Intents   []string     `json:"intents"`
	Threshold float32      `json:"threshold"`
	ThrSource string       `json:"threshold_source"`
	Info      Info         `json:"info"`
	Rules     []Rule       `json:"rules,omitempty"`
	Words     []string     `json:"words,omitempty"`
	Synonyms  [][]string   `json:"synonyms,omitempty"`
	NoStem    bool         `json:"no_stem,omitempty"`
	Views     []viewHeader `json:"views"`
	// Tokenizer is the subword tokenizer file of the views that use one.
	Tokenizer []byte `json:"tokenizer,omitempty"`
}

type viewHeader struct {
	Features  text.FeatureConfig `json:"features"`
	Subwords  bool               `json:"subwords,omitempty"`
	Columns   int                `json:"columns"`
	Sublinear bool               `json:"sublinear"`
	Hidden    int                `json:"hidden"`
}

// WriteTo writes the model to w in kefu's binary model format. It
// implements io.WriterTo.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(cw, crc), 1<<16)
	cfg := m.an.Config()
	h := fileHeader{
		Intents: m.intents, Threshold: m.threshold, ThrSource: m.thrSource, Info: m.info,
		Words: cfg.Words, Synonyms: cfg.Synonyms, NoStem: cfg.NoStem,
	}
	for _, r := range m.rules {
		h.Rules = append(h.Rules, r.Rule)
	}
	for _, v := range m.ens.Views {
		if v.Features.Subwords != nil {
			h.Tokenizer = v.Features.Subwords.JSON()
		}
		h.Views = append(h.Views, viewHeader{Features: v.Features, Subwords: v.Features.Subwords != nil,
			Columns: v.Vocab.Size(), Sublinear: v.Vocab.Sublinear, Hidden: v.Net.H})
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	bw.WriteString(magic)
	writeU32(bw, formatVersion)
	writeU32(bw, uint32(len(hb)))
	bw.Write(hb)
	for _, v := range m.ens.Views {
		v.WriteArrays(bw)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err = cw.Write(sum[:])
	return cw.n, err
}

// Save writes the model to the named file, replacing it atomically.
func (m *Model) Save(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("intent: %w", err)
	}
	if _, err := m.WriteTo(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("intent: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("intent: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("intent: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("intent: %w", err)
	}
	return nil
}

// LoadFile reads a model saved with Save.
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("intent: %w", err)
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, nil
}

// Load reads a model written by WriteTo. A file that is truncated, corrupt
// or of another format yields an error wrapping ErrBadModel.
func Load(r io.Reader) (*Model, error) {
	crc := crc32.NewIEEE()
	br := &crcReader{r: bufio.NewReaderSize(r, 1<<16), h: crc}
	bad := func(msg string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadModel, fmt.Sprintf(msg, args...))
	}
	mg := make([]byte, len(magic))
	if _, err := io.ReadFull(br, mg); err != nil || string(mg) != magic {
		return nil, bad("missing magic")
	}
	ver, err := readU32(br)
	if err != nil {
		return nil, bad("truncated")
	}
	if ver != formatVersion {
		return nil, bad("format version %d, this build reads %d", ver, formatVersion)
	}
	n, err := readU32(br)
	if err != nil || n > maxHeader {
		return nil, bad("header size")
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(br, hb); err != nil {
		return nil, bad("truncated header")
	}
	var h fileHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, bad("header: %v", err)
	}
	k := len(h.Intents)
	if k < 2 || len(h.Views) == 0 {
		return nil, bad("header: %d intents, %d views", k, len(h.Views))
	}
	if h.Threshold < 0 || h.Threshold > 1 {
		return nil, bad("threshold %v outside [0, 1]", h.Threshold)
	}
	seen := make(map[string]bool, k)
	for _, name := range h.Intents {
		if name == "" || seen[name] {
			return nil, bad("empty or repeated intent %q", name)
		}
		seen[name] = true
	}
	for _, vh := range h.Views {
		if err := checkFeatures(vh.Features); err != nil {
			return nil, bad("%v", err)
		}
	}
	an, err := text.New(text.Config{Words: h.Words, Synonyms: h.Synonyms, NoStem: h.NoStem})
	if err != nil {
		return nil, bad("%v", err)
	}
	rules, err := compileRules(h.Rules)
	if err != nil {
		return nil, bad("%v", err)
	}
	var sw *text.Subwords
	if len(h.Tokenizer) > 0 {
		if sw, err = text.LoadSubwords(bytes.NewReader(h.Tokenizer)); err != nil {
			return nil, bad("%v", err)
		}
	}
	m := &Model{intents: h.Intents, index: make(map[string]int, k), an: an, threshold: h.Threshold,
		thrSource: h.ThrSource, rules: rules, info: h.Info, ens: &learn.Ensemble{K: k}}
	for i, name := range h.Intents {
		m.index[name] = i
	}
	for _, vh := range h.Views {
		d, hid := vh.Columns, vh.Hidden
		if d < 0 || d > 1<<26 || hid <= 0 || hid > 1<<14 || int64(d)*int64(hid) > 1<<31 || k > 1<<20 {
			return nil, bad("view dimensions %d×%d×%d", d, hid, k)
		}
		hashes, idf, net, err := learn.ReadViewArrays(br, d, hid, k)
		if err != nil {
			return nil, bad("%v", err)
		}
		fc := vh.Features
		if vh.Subwords {
			if sw == nil {
				return nil, bad("view uses subwords but the file has no tokenizer")
			}
			fc.Subwords = sw
		}
		m.ens.Views = append(m.ens.Views, &learn.View{Features: fc, Vocab: learn.NewVocab(hashes, idf, vh.Sublinear), Net: net})
	}
	want := crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(br.r, sum[:]); err != nil {
		return nil, bad("missing checksum")
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		return nil, bad("checksum mismatch")
	}
	return m, nil
}

// checkFeatures refuses feature settings no trained model has: they could
// make classification slow or panic.
func checkFeatures(fc text.FeatureConfig) error {
	ok := func(lo, hi int) bool { return lo == 0 && hi == 0 || 1 <= lo && lo <= hi && hi <= 8 }
	if !ok(fc.CharMin, fc.CharMax) || !ok(fc.HanMin, fc.HanMax) {
		return fmt.Errorf("n-gram ranges %d-%d and %d-%d", fc.CharMin, fc.CharMax, fc.HanMin, fc.HanMax)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type crcReader struct {
	r *bufio.Reader
	h hash.Hash32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	return n, err
}

func writeU32(w io.Writer, v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	w.Write(b[:])
}

func readU32(r io.Reader) (uint32, error) {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}
