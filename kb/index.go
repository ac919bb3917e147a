package kb

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/kefuai/kefu/internal/text"
)

// IndexOptions configures an [Index]. The zero value is ready to use.
type IndexOptions struct {
	// Words are operator vocabulary that must stay one token ("花呗",
	// "iPhone 15"), as in the intent classifier's configuration: use the
	// same lists in both so that they see the same tokens.
	Words []string
	// Synonyms are groups of interchangeable words; each group's members
	// match each other ("退款", "退钱", "refund").
	Synonyms [][]string
	// Reranker, if set, rescores the lexical candidates of every search.
	Reranker Reranker
	// Candidates is how many lexical candidates a Reranker sees; 0 means
	// 50.
	Candidates int
}

// Reranker rescores the candidates of a lexical search, for example with a
// model trained on the entries' questions (see [Index.Entries]). It
// receives at most [IndexOptions.Candidates] hits, best lexical match
// first (none when nothing matched lexically), and returns hits in its
// own order with its own Score and Confidence: a subset of the
// candidates, or other entries it found itself. The search drops hits
// whose entry the index does not hold in the same version (or in the
// searched category) and gives the others the index's copy of the entry,
// then keeps the first K that pass MinConfidence. It must not modify the
// entries in the hits. It must be safe for concurrent use.
type Reranker interface {
	Rerank(ctx context.Context, query string, hits []Hit) ([]Hit, error)
}

// RerankerFunc adapts a function to the [Reranker] interface.
type RerankerFunc func(ctx context.Context, query string, hits []Hit) ([]Hit, error)

// Rerank calls f.
func (f RerankerFunc) Rerank(ctx context.Context, query string, hits []Hit) ([]Hit, error) {
	return f(ctx, query, hits)
}

// SearchOptions configures one search. The zero value returns the
// [DefaultK] best entries that pass [DefaultMinConfidence].
type SearchOptions struct {
	// K is the number of hits wanted; 0 means DefaultK.
	K int
	// Category, if set, restricts the search to entries of that category.
	Category string
	// Intent, if set, restricts the search to the entries that name it in
	// Entry.Intents. With Intent set, an empty query returns those entries
	// in ID order, each with Confidence 1: what a bot answers for an
	// intent it is sure of.
	Intent string
	// Coverage, when true, also measures Hit.Coverage, at the cost of
	// analyzing each hit's matched question.
	Coverage bool
	// MinConfidence drops hits whose Confidence is lower; 0 means
	// DefaultMinConfidence and a negative value keeps every hit.
	MinConfidence float64
}

// Search defaults.
const (
	// DefaultK is the number of hits a search returns by default.
	DefaultK = 5
	// DefaultMinConfidence is the confidence under which a hit is not a
	// good answer. It was chosen on Chinese and English FAQ data
	// (validation splits of BANKING77 with CLINC150's out-of-scope
	// queries, SMP2017-ECDT with unrelated banking questions) as the
	// value that best balances answering answerable questions against
	// refusing the others; about 90 % of out-of-scope queries fall under
	// it. [Index.Calibrate] finds the value for a given knowledge base.
	DefaultMinConfidence = 0.3
)

// Hit is one search result.
type Hit struct {
	// Entry is the matching entry. Its slices are shared with the index:
	// treat them as read-only.
	Entry Entry
	// Score ranks the hits of one search; it is not comparable across
	// searches.
	Score float64
	// Confidence, from 0 to 1, says how well the best-matching question
	// of the entry covers the query, weighted by how informative each
	// query term is. It is comparable across searches and is what
	// MinConfidence tests.
	Confidence float64
	// Matched is the entry's question (standard or similar) that matched
	// best.
	Matched string
	// Coverage, from 0 to 1, says how much of Matched the query covers,
	// weighted as Confidence weighs the query's terms: Confidence looks
	// from the query, Coverage from the entry's question. Both near 1 mean
	// that the customer asked that very question. Set only when
	// SearchOptions.Coverage asks for it.
	Coverage float64
}

// Index is an in-memory search index over entries: BM25 ranking over the
// shared analyzer's terms (words, Chinese character unigrams and bigrams),
// matching each entry's standard and similar
// questions.
//
// An Index is updated incrementally: [Index.Put] and [Index.Delete] change
// only the entries they name. It is safe for concurrent use: searches run
// in parallel with each other and see every update whole, before or after
// it, never a half-indexed entry.
type Index struct {
	an     *text.Analyzer
	p      params
	rerank Reranker
	shared tokenReranker // rerank, when it analyzes text as the index does
	cands  int

	wmu sync.Mutex // serializes writers; held while analyzing outside mu
	mu  sync.RWMutex

	// Guarded by mu; written only with wmu held too, so a writer may read
	// them holding wmu alone.
	docs map[string]int32 // indexed entry ID → entry slot
	fwd  []fterm          // the questions' terms (see qdoc)
	ids  uint32           // term IDs handed out
	// noFwd is set once the index holds more distinct terms than term IDs
	// can number; searches then look terms up in the posting lists.
	noFwd    bool
	vers     map[string]int64 // highest version seen per ID, deleted or not
	byIntent map[string]int   // live entries naming each intent
	ents     []ent
	qs       []qdoc
	post     map[string]*plist
	nE       int // live entries
	nQ       int // live questions
	sumE     [nKinds]float64
	sumQ     [nKinds]float64
	deadQ    int
	gen      uint64

	pool sync.Pool // *scratch
}

type ent struct {
	e      Entry
	q0, nq int32 // questions q0 … q0+nq-1
	lens   [nKinds]uint32
	live   bool
}

type qdoc struct {
	ent  int32
	lens [nKinds]uint16
	live bool
	// fwd[off:off+nfwd] are the question's terms, as fterms sorted by
	// term ID: the forward index that scores a few candidates for terms
	// with long posting lists without searching those lists.
	off  uint32
	nfwd uint16
}

// An fterm packs a term ID (the high 24 bits) and the term's frequency in
// a question, capped at 255.
type fterm uint32

// maxTermID is the largest term ID an fterm holds (a variable for
// tests).
var maxTermID = 1<<24 - 1

func packTerm(id uint32, tf uint16) fterm { return fterm(id<<8 | uint32(min(tf, 255))) }

type plist struct {
	id       uint32 // see fterm
	dfQ, dfE int32  // live questions and entries holding the term
	p        []posting
}

// posting is one question holding a term. The postings of one entry's
// questions are adjacent in every list.
type posting struct {
	q  int32
	tf uint16
}

// params are the ranking constants.
type params struct {
	k1, b     float64 // BM25 over single questions
	ek1, eb   float64 // BM25 over an entry's questions taken together
	kindW     [nKinds]float64
	alpha     float64 // weight of the best question against the whole entry
	lowWeight float32 // query weight of function words
	idfPow    float64 // idf is raised to this power

	// A term held by more than max(commonDF, questions/commonFrac)
	// questions is common. Once only common terms are left to score, a
	// search keeps the depth best entries so far and scores the common
	// terms for them alone: an entry that matches nothing but common
	// words ("请问", "怎么", "the") is not an answer anyway.
	commonDF, commonFrac, depth int
}

func defaultParams() params {
	return params{
		k1: 1.2, b: 0.75,
		ek1: 2, eb: 0.75,
		kindW:     [nKinds]float64{kWord: 1, kUni: 1, kBi: 0.5},
		alpha:     0.2,
		lowWeight: 0.3,
		idfPow:    0.7,
		commonDF:  512, commonFrac: 128, depth: 200,
	}
}

// NewIndex returns an empty index. The first index of a process loads the
// Chinese dictionary, which takes about a second; later ones share it.
func NewIndex(opts IndexOptions) (*Index, error) {
	an, err := text.New(text.Config{Words: opts.Words, Synonyms: opts.Synonyms})
	if err != nil {
		return nil, err
	}
	ix := &Index{
		an:       an,
		p:        defaultParams(),
		rerank:   opts.Reranker,
		cands:    cmp.Or(opts.Candidates, 50),
		docs:     make(map[string]int32),
		vers:     make(map[string]int64),
		byIntent: make(map[string]int),
		post:     make(map[string]*plist),
	}
	// A reranker that analyzes text as the index does gets the index's
	// tokens of the query instead of analyzing it again.
	if tr, ok := opts.Reranker.(tokenReranker); ok && reflect.DeepEqual(tr.analyzer().Config(), an.Config()) {
		ix.shared = tr
	}
	return ix, nil
}

// tokenReranker is a Reranker that can take the query's tokens from the
// index (see Learner).
type tokenReranker interface {
	Reranker
	analyzer() *text.Analyzer
	rerankTokens(ctx context.Context, toks []text.Token, hits []Hit) ([]Hit, error)
}

// Len returns the number of searchable entries: the enabled ones.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.nE
}

// Entries returns the searchable entries, ordered by ID. Their slices are
// shared with the index: treat them as read-only.
func (ix *Index) Entries() []Entry {
	ix.mu.RLock()
	out := make([]Entry, 0, ix.nE)
	for _, s := range ix.docs {
		out = append(out, ix.ents[s].e)
	}
	ix.mu.RUnlock()
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// generation returns a number that grows with every change to the index,
// so that something derived from its entries can tell it is stale.
func (ix *Index) generation() uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.gen
}

// version returns the highest version of id the index has seen, in a put
// or a delete, and 0 if none.
func (ix *Index) version(id string) int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.vers[id]
}
