package kb

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kefuai/kefu/internal/learn"
	"github.com/kefuai/kefu/internal/text"
)

// The learner cache file: a magic line, the SHA-256 of everything the
// model was trained from (see cacheKey), then the ensemble.
const learnCacheMagic = "KEFU-KB-LEARNER 1\n"

// errLearnCache reports that a trained model could not be saved to
// LearnOptions.Cache; the model is in use all the same.
var errLearnCache = errors.New("kb: writing the learner cache")

// cacheKey digests what a trained model depends on: the training settings,
// the analyzer's settings and tables, the entries in class order and the
// analyzed questions with their classes.
func (l *Learner) cacheKey(cfg learn.EnsembleConfig, ents []Entry, toks [][]text.Token, y []int32) ([32]byte, error) {
	h := sha256.New()
	net := cfg.Net
	settings, err := json.Marshal(struct {
		Views                                []text.FeatureConfig
		Hidden, Epochs                       int
		LR, Dropout, Smoothing, InputDropout float32
		Seed                                 uint64
		MaxColumns                           int
		Analyzer                             text.Config
		Data                                 string
	}{cfg.Views, net.Hidden, net.Epochs, net.LR, net.Dropout, net.Smoothing, net.InputDropout, net.Seed,
		cfg.MaxColumns, l.an.Config(), text.DataVersion()})
	if err != nil {
		return [32]byte{}, err
	}
	h.Write([]byte(learnCacheMagic))
	h.Write(settings)
	var n [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	num := func(v uint64) {
		binary.LittleEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	num(uint64(len(ents)))
	for _, e := range ents {
		str(e.ID)
		num(uint64(e.Version))
	}
	num(uint64(len(toks)))
	for i, ts := range toks {
		num(uint64(y[i]))
		num(uint64(len(ts)))
		for _, t := range ts {
			str(t.Text)
			str(t.Term)
			str(t.Tag)
			num(uint64(t.Kind))
		}
	}
	var key [32]byte
	h.Sum(key[:0])
	return key, nil
}

// readLearnCache returns the model saved at path for key.
func readLearnCache(path string, key [32]byte) (*learn.Ensemble, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head := make([]byte, len(learnCacheMagic)+len(key))
	if _, err := io.ReadFull(br, head); err != nil || string(head[:len(learnCacheMagic)]) != learnCacheMagic {
		return nil, errors.New("kb: not a learner cache")
	}
	if [32]byte(head[len(learnCacheMagic):]) != key {
		return nil, errors.New("kb: the learner cache holds another model")
	}
	return learn.ReadEnsemble(br)
}

// writeLearnCache saves ens for key at path, replacing the file
// atomically.
func writeLearnCache(path string, key [32]byte, ens *learn.Ensemble) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 1<<16)
	bw.WriteString(learnCacheMagic)
	bw.Write(key[:])
	_, err = ens.WriteTo(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
