package text

import (
	"errors"
	"sync"

	"github.com/go-ego/gse"
	"github.com/kefuai/kefu/internal/textnorm"
)

// The Chinese dictionary is large (about 350,000 words, ~130 MB of heap) and
// takes about a second to load, so it is loaded once per process, on first
// use, and shared by every Analyzer. After loading it is only read: gse's
// Segment is safe for concurrent use on a loaded Segmenter, while adding words
// to it is not, which is why operator words live in an overlay (see
// userDict) instead of being added to the shared dictionary.
var zh struct {
	once sync.Once
	seg  *gse.Segmenter
	err  error
}

// errNoDictionary reports that the embedded dictionary loaded no words.
var errNoDictionary = errors.New("text: the embedded Chinese dictionary is empty")

// zhSegmenter returns the shared, loaded Chinese segmenter.
func zhSegmenter() (*gse.Segmenter, error) {
	zh.once.Do(func() {
		// The classifiers' concept and Chinese cluster tables and the
		// traditional-character table are loaded meanwhile, on the other
		// core: whoever analyzes Chinese text is about to need them.
		go concepts()
		go clustersZh()
		go textnorm.Preload()
		seg := new(gse.Segmenter)
		seg.SkipLog = true
		if err := seg.LoadDictEmbed("zh_s"); err != nil {
			zh.err = err
			return
		}
		// A mistyped dictionary name silently loads nothing.
		if seg.Dict == nil || seg.Dict.NumTokens() < 100000 {
			zh.err = errNoDictionary
			return
		}
		zh.seg = seg
	})
	return zh.seg, zh.err
}

// lookupTag returns the part-of-speech tag the dictionary gives word, or "".
func lookupTag(seg *gse.Segmenter, word string) string {
	_, pos, ok := seg.Find(word)
	if !ok {
		return ""
	}
	return pos
}
