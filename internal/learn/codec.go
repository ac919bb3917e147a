package learn

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"

	"github.com/kefuai/kefu/internal/text"
)

// The ensemble file: a magic line, a format version, a length-prefixed
// JSON header, every view's arrays in little-endian order, and a CRC-32 of
// everything before it.
const (
	ensembleMagic   = "KEFU-ENSEMBLE\n"
	ensembleVersion = 1
	maxEnsembleHead = 1 << 20
)

// ErrBadEnsemble means an ensemble file is not one, is truncated or
// corrupt, or comes from an incompatible version.
var ErrBadEnsemble = errors.New("learn: not a valid ensemble file")

type ensembleHeader struct {
	K     int                  `json:"k"`
	Views []ensembleViewHeader `json:"views"`
}

type ensembleViewHeader struct {
	Features  text.FeatureConfig `json:"features"`
	Columns   int                `json:"columns"`
	Sublinear bool               `json:"sublinear"`
	Hidden    int                `json:"hidden"`
}

// WriteTo writes the ensemble to w. Views that use subwords cannot be
// written: their tokenizer is not part of the file.
func (e *Ensemble) WriteTo(w io.Writer) (int64, error) {
	h := ensembleHeader{K: e.K}
	for _, v := range e.Views {
		if v.Features.Subwords != nil {
			return 0, errors.New("learn: an ensemble with subword features cannot be written")
		}
		h.Views = append(h.Views, ensembleViewHeader{Features: v.Features, Columns: v.Vocab.Size(),
			Sublinear: v.Vocab.Sublinear, Hidden: v.Net.H})
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	crc := crc32.NewIEEE()
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(io.MultiWriter(cw, crc), 1<<16)
	var b [8]byte
	bw.WriteString(ensembleMagic)
	binary.LittleEndian.PutUint32(b[:4], ensembleVersion)
	bw.Write(b[:4])
	binary.LittleEndian.PutUint32(b[:4], uint32(len(hb)))
	bw.Write(b[:4])
	bw.Write(hb)
	for _, v := range e.Views {
		v.WriteArrays(bw)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	binary.LittleEndian.PutUint32(b[:4], crc.Sum32())
	_, err = cw.Write(b[:4])
	return cw.n, err
}

// ReadEnsemble reads an ensemble WriteTo wrote. Any damage is reported as
// an error wrapping ErrBadEnsemble.
func ReadEnsemble(r io.Reader) (*Ensemble, error) {
	crc := crc32.NewIEEE()
	br := bufio.NewReaderSize(r, 1<<16)
	tr := io.TeeReader(br, crc)
	bad := func(msg string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadEnsemble, fmt.Sprintf(msg, args...))
	}
	var b [8]byte
	mg := make([]byte, len(ensembleMagic))
	if _, err := io.ReadFull(tr, mg); err != nil || string(mg) != ensembleMagic {
		return nil, bad("missing magic")
	}
	if _, err := io.ReadFull(tr, b[:8]); err != nil {
		return nil, bad("truncated")
	}
	if v := binary.LittleEndian.Uint32(b[:4]); v != ensembleVersion {
		return nil, bad("format version %d, this build reads %d", v, ensembleVersion)
	}
	n := binary.LittleEndian.Uint32(b[4:8])
	if n > maxEnsembleHead {
		return nil, bad("header size %d", n)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(tr, hb); err != nil {
		return nil, bad("truncated header")
	}
	var h ensembleHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, bad("header: %v", err)
	}
	k := h.K
	if k < 1 || k > 1<<20 || len(h.Views) == 0 || len(h.Views) > 64 {
		return nil, bad("%d classes, %d views", k, len(h.Views))
	}
	e := &Ensemble{K: k}
	type readVocab struct {
		hashes []uint64
		idf    []float32
		voc    *Vocab
	}
	var vocabs []readVocab
	for _, vh := range h.Views {
		d, hid := vh.Columns, vh.Hidden
		if d < 0 || d > 1<<26 || hid <= 0 || hid > 1<<14 || int64(d)*int64(hid) > 1<<31 || int64(hid)*int64(k) > 1<<31 {
			return nil, bad("view dimensions %d×%d×%d", d, hid, k)
		}
		fc := vh.Features
		okRange := func(lo, hi int) bool { return lo == 0 && hi == 0 || 1 <= lo && lo <= hi && hi <= 8 }
		if !okRange(fc.CharMin, fc.CharMax) || !okRange(fc.HanMin, fc.HanMax) {
			return nil, bad("n-gram ranges %d-%d and %d-%d", fc.CharMin, fc.CharMax, fc.HanMin, fc.HanMax)
		}
		hashes, idf, net, err := ReadViewArrays(tr, d, hid, k)
		if err != nil {
			return nil, bad("%v", err)
		}
		// Views with the same features shared one vocabulary when trained;
		// they share it again.
		var voc *Vocab
		for i, rv := range vocabs {
			if e.Views[i].Features == fc && rv.voc.Sublinear == vh.Sublinear &&
				slices.Equal(rv.hashes, hashes) && slices.Equal(rv.idf, idf) {
				voc = rv.voc
				break
			}
		}
		if voc == nil {
			voc = NewVocab(hashes, idf, vh.Sublinear)
		}
		vocabs = append(vocabs, readVocab{hashes, idf, voc})
		e.Views = append(e.Views, &View{Features: fc, Vocab: voc, Net: net})
	}
	want := crc.Sum32()
	if _, err := io.ReadFull(br, b[:4]); err != nil {
		return nil, bad("missing checksum")
	}
	if binary.LittleEndian.Uint32(b[:4]) != want {
		return nil, bad("checksum mismatch")
	}
	return e, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteArrays writes the view's vocabulary and network, little-endian:
// the feature hashes, the IDF weights, then the network's E, B1, W and B2.
// Errors are the writer's to keep (a bufio.Writer reports them at Flush).
func (v *View) WriteArrays(w io.Writer) {
	var buf [4096]byte
	hashes := v.Vocab.Hashes()
	for len(hashes) > 0 {
		n := min(len(hashes), len(buf)/8)
		for i, x := range hashes[:n] {
			binary.LittleEndian.PutUint64(buf[8*i:], x)
		}
		w.Write(buf[:8*n])
		hashes = hashes[n:]
	}
	for _, xs := range [][]float32{v.Vocab.IDF(), v.Net.E, v.Net.B1, v.Net.W, v.Net.B2} {
		for len(xs) > 0 {
			n := min(len(xs), len(buf)/4)
			for i, x := range xs[:n] {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
			}
			w.Write(buf[:4*n])
			xs = xs[n:]
		}
	}
}

// ReadViewArrays reads what WriteArrays wrote for a view of d columns,
// hid hidden units and k classes. Buffers grow as data arrives: sizes come
// from a file's header, checked but not trusted. It fails with a message
// naming what was cut short.
func ReadViewArrays(r io.Reader, d, hid, k int) (hashes []uint64, idf []float32, net *MLP, err error) {
	var buf [4096]byte
	hashes = make([]uint64, 0, min(d, 1<<20))
	for len(hashes) < d {
		n := min(d-len(hashes), len(buf)/8)
		if _, err := io.ReadFull(r, buf[:8*n]); err != nil {
			return nil, nil, nil, errors.New("truncated vocabulary")
		}
		for i := range n {
			hashes = append(hashes, binary.LittleEndian.Uint64(buf[8*i:]))
		}
	}
	floats := func(n int) ([]float32, error) {
		out := make([]float32, 0, min(n, 1<<24))
		for len(out) < n {
			m := min(n-len(out), len(buf)/4)
			if _, err := io.ReadFull(r, buf[:4*m]); err != nil {
				return nil, errors.New("truncated weights")
			}
			for i := range m {
				out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:])))
			}
		}
		return out, nil
	}
	if idf, err = floats(d); err != nil {
		return nil, nil, nil, err
	}
	net = &MLP{D: d, H: hid, K: k}
	for _, dst := range []struct {
		p *[]float32
		n int
	}{{&net.E, d * hid}, {&net.B1, hid}, {&net.W, hid * k}, {&net.B2, k}} {
		if *dst.p, err = floats(dst.n); err != nil {
			return nil, nil, nil, err
		}
	}
	return hashes, idf, net, nil
}
