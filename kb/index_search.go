package kb

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
)

// scratch holds per-search accumulators, reused through a pool.
type scratch struct {
	sq    []float64 // per question
	se    []float64 // per entry, whole-entry score
	mq    []float64 // per entry, best question score
	bq    []int32   // per entry, best question
	tq    []int32   // touched questions
	te    []int32   // touched entries
	heap  []cand
	terms []sterm
	cs    []int32
	live  []int32
	qt    []qid
	tfE   []float64
}

type cand struct {
	ent   int32
	score float64
}

// Search returns the entries that best answer query, best first. An empty
// query, or one that matches nothing well enough, returns no hits and no
// error. Search is safe for concurrent use with other searches and with
// updates.
func (ix *Index) Search(ctx context.Context, query string, opts SearchOptions) ([]Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := cmp.Or(opts.K, DefaultK)
	if k < 0 {
		k = DefaultK
	}
	f := filter{category: opts.Category, intent: opts.Intent}
	if opts.Intent != "" {
		ix.mu.RLock()
		n := ix.byIntent[opts.Intent]
		ix.mu.RUnlock()
		if n == 0 {
			return nil, nil // no entry names the intent
		}
	}
	if strings.TrimSpace(query) == "" {
		if opts.Intent == "" {
			return nil, nil
		}
		return ix.named(f, k), nil
	}
	minConf := opts.MinConfidence
	if minConf == 0 {
		minConf = DefaultMinConfidence
	}
	toks := ix.an.Analyze(query)
	qa := analyzeTokens(toks, true, &ix.p)
	if len(qa.terms) == 0 {
		return nil, nil
	}
	want := k
	if ix.rerank != nil {
		want = max(k, ix.cands)
	}
	hits := ix.search(&qa, f, want)
	if ix.rerank != nil {
		var err error
		if ix.shared != nil {
			hits, err = ix.shared.rerankTokens(ctx, toks, hits)
		} else {
			hits, err = ix.rerank.Rerank(ctx, query, hits)
		}
		if err != nil {
			return nil, err
		}
		hits = ix.current(hits, f)
	}
	out := hits[:0]
	for _, h := range hits {
		if h.Confidence >= minConf {
			out = append(out, h)
		}
	}
	if len(out) > k {
		out = out[:k]
	}
	if len(out) == 0 {
		return nil, nil
	}
	if opts.Coverage {
		in := make(map[string]bool, len(qa.terms))
		for _, t := range qa.terms {
			in[t.term] = true
		}
		for i := range out {
			out[i].Coverage = ix.cover(in, out[i].Matched)
		}
	}
	return out, nil
}

// cover returns the share of question m's self-score, scored as a query
// is, that the terms in query hold.
func (ix *Index) cover(query map[string]bool, m string) float64 {
	ma := analyze(ix.an, m, true, &ix.p)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p := &ix.p
	nQ := float64(max(ix.nQ, 1))
	self, got := 0.0, 0.0
	for _, t := range ma.terms {
		kw := p.kindW[t.kind]
		if kw == 0 {
			continue
		}
		df := 0.0
		if pl := ix.post[t.term]; pl != nil {
			df = float64(pl.dfQ)
		}
		idf := math.Pow(math.Log(1+(nQ-df+0.5)/(df+0.5)), p.idfPow)
		avg := max(ix.sumQ[t.kind]/nQ, 1e-9)
		tf := float64(t.tf)
		v := kw * float64(t.w) * tf * idf * (p.k1 + 1) * tf / (tf + p.k1*(1-p.b+p.b*float64(ma.lens[t.kind])/avg))
		self += v
		if query[t.term] {
			got += v
		}
	}
	if self == 0 {
		return 0
	}
	return got / self
}

// filter restricts a search to a category and to the entries of an
// intent.
type filter struct{ category, intent string }

func (f filter) ok(e *Entry) bool {
	return (f.category == "" || e.Category == f.category) && (f.intent == "" || slices.Contains(e.Intents, f.intent))
}

func (f filter) all() bool { return f.category == "" && f.intent == "" }

// named returns the first k live entries that f admits, in ID order, as
// hits of confidence 1.
func (ix *Index) named(f filter, k int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var hits []Hit
	for i := range ix.ents {
		en := &ix.ents[i]
		if en.live && f.ok(&en.e) {
			hits = append(hits, Hit{Entry: en.e, Score: 1, Confidence: 1, Matched: en.e.Question})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int { return strings.Compare(a.Entry.ID, b.Entry.ID) })
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

// current keeps the hits whose entries the index holds, enabled, in the
// same version and admitted by f, with the index's copy of each
// entry: a reranker may propose entries the lexical search did not find,
// from a model trained on an older state of the index.
func (ix *Index) current(hits []Hit, f filter) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := hits[:0]
	for _, h := range hits {
		s, ok := ix.docs[h.Entry.ID]
		if !ok {
			continue
		}
		e := ix.ents[s].e
		if !ix.ents[s].live || e.Version != h.Entry.Version || !f.ok(&e) {
			continue
		}
		h.Entry = e
		if h.Matched == "" {
			h.Matched = e.Question
		}
		out = append(out, h)
	}
	return out
}

// sterm is a query term prepared for one search.
type sterm struct {
	pl         *plist
	kind       uint8
	wq, we     float64 // weight × idf × (k1+1), question and entry level
	ub         float64 // most the term can add to an entry's score
	normQ      []float64
	normE      []float64
	avgQ, avgE float64
}

// kNorm returns k1·(1 − b + b·len/avg), from a table for short lengths.
func kNorm(tab []float64, k1, b, l, avg float64) float64 {
	if i := int(l); i < len(tab) {
		return tab[i]
	}
	return k1 * (1 - b + b*l/avg)
}

func normTable(k1, b, avg float64, n int) []float64 {
	t := make([]float64, n)
	for i := range t {
		t[i] = k1 * (1 - b + b*float64(i)/avg)
	}
	return t
}

// search ranks entries for an analyzed query. Terms are processed one at a
// time, informative ones first, accumulating scores (term at a time). Two
// shortcuts keep long posting lists from being walked:
//
//   - once the terms left could not lift an entry that has not matched yet
//     above the k-th best so far (the MaxScore bound), the rest are only
//     looked up for the entries still in the running; the ranking is the
//     same as a full evaluation's;
//   - once only common terms are left (see params), they are looked up for
//     the best params.depth entries so far only.
func (ix *Index) search(qa *analysis, f filter, k int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.nQ == 0 {
		return nil
	}
	p := &ix.p
	sc, _ := ix.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer ix.pool.Put(sc)
	if len(sc.sq) < len(ix.qs) {
		sc.sq = make([]float64, len(ix.qs)+len(ix.qs)/4)
	}
	if len(sc.se) < len(ix.ents) {
		n := len(ix.ents) + len(ix.ents)/4
		sc.se, sc.mq, sc.bq = make([]float64, n), make([]float64, n), make([]int32, n)
	}
	sq, se, mq, bq := sc.sq, sc.se, sc.mq, sc.bq
	tq, te := sc.tq[:0], sc.te[:0]

	nQ, nE := float64(ix.nQ), float64(ix.nE)
	var normQ, normE [nKinds][]float64
	self := 0.0
	terms := sc.terms[:0]
	for _, t := range qa.terms {
		kw := p.kindW[t.kind]
		if kw == 0 {
			continue
		}
		w := kw * float64(t.w) * float64(t.tf)
		avgQ := max(ix.sumQ[t.kind]/nQ, 1e-9)
		pl := ix.post[t.term]
		dfQ, dfE := int32(0), int32(0)
		if pl != nil {
			dfQ, dfE = pl.dfQ, pl.dfE
		}
		idfQ := math.Pow(math.Log(1+(nQ-float64(dfQ)+0.5)/(float64(dfQ)+0.5)), p.idfPow)
		// The query as a question of its own: the best score possible,
		// against which Confidence is measured.
		tf := float64(t.tf)
		self += w * idfQ * (p.k1 + 1) * tf / (tf + p.k1*(1-p.b+p.b*float64(qa.lens[t.kind])/avgQ))
		if dfQ == 0 {
			continue
		}
		idfE := math.Pow(math.Log(1+(nE-float64(dfE)+0.5)/(float64(dfE)+0.5)), p.idfPow)
		avgE := max(ix.sumE[t.kind]/nE, 1e-9)
		if normQ[t.kind] == nil {
			normQ[t.kind] = normTable(p.k1, p.b, avgQ, 64)
			normE[t.kind] = normTable(p.ek1, p.eb, avgE, 256)
		}
		st := sterm{pl: pl, kind: t.kind, wq: w * idfQ * (p.k1 + 1), we: w * idfE * (p.ek1 + 1),
			normQ: normQ[t.kind], normE: normE[t.kind], avgQ: avgQ, avgE: avgE}
		st.ub = p.alpha*st.wq + (1-p.alpha)*st.we
		terms = append(terms, st)
	}
	// Informative terms first; the common ones (long posting lists) last.
	common := int32(max(p.commonDF, ix.nQ/p.commonFrac))
	slices.SortFunc(terms, func(a, b sterm) int {
		if ca, cb := a.pl.dfQ > common, b.pl.dfQ > common; ca != cb {
			if ca {
				return 1
			}
			return -1
		}
		return cmp.Compare(b.ub, a.ub)
	})
	rest := 0.0
	for _, t := range terms {
		rest += t.ub
	}

	h := sc.heap[:0]
	pruned := false
	best := 0.0 // a lower bound of the best entry score so far
	gate := math.Inf(1)
	for i := range terms {
		t := &terms[i]
		if i > 0 && t.pl.dfQ > common && len(te) > p.depth {
			// Only common terms are left: score them for the best
			// candidates so far instead of walking their long lists.
			h = ix.collect(sc, h[:0], tq, te, f, p.depth)
			cs := sc.cs[:0]
			for _, c := range h {
				cs = append(cs, c.ent)
			}
			sc.cs = cs
			h = ix.finish(sc, h[:0], cs, terms[i:], 0, math.Inf(-1), f, k)
			pruned = true
			break
		}
		if i > 0 && rest < best && rest < gate {
			// Maybe no entry outside the candidates can make the top k.
			h = ix.collect(sc, h[:0], tq, te, f, k)
			if len(h) == k && rest <= h[0].score && ix.finishCheaper(sc, te, terms[i:], rest, h[0].score) {
				h = ix.finish(sc, h[:0], te, terms[i:], rest, h[0].score, f, k)
				pruned = true
				break
			}
			// Not yet: try again once the bound has dropped well.
			gate = 0.7 * rest
			if len(h) == k {
				gate = max(gate, h[0].score)
			}
		}
		rest -= t.ub
		ps := t.pl.p
		for j := 0; j < len(ps); {
			d := &ix.qs[ps[j].q]
			if !d.live {
				j++
				continue
			}
			e := d.ent
			tfE, top := 0.0, 0.0
			for ; j < len(ps); j++ {
				x := ps[j]
				d := &ix.qs[x.q]
				if d.ent != e || !d.live {
					break
				}
				tf := float64(x.tf)
				if sq[x.q] == 0 {
					tq = append(tq, x.q)
				}
				sq[x.q] += t.wq * tf / (tf + kNorm(t.normQ, p.k1, p.b, float64(d.lens[t.kind]), t.avgQ))
				top = max(top, sq[x.q])
				tfE += tf
			}
			if se[e] == 0 {
				te = append(te, e)
			}
			se[e] += t.we * tfE / (tfE + kNorm(t.normE, p.ek1, p.eb, float64(ix.ents[e].lens[t.kind]), t.avgE))
			best = max(best, p.alpha*top+(1-p.alpha)*se[e])
		}
	}
	if !pruned {
		h = ix.collect(sc, h[:0], tq, te, f, k)
	}
	slices.SortFunc(h, func(a, b cand) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(ix.ents[a.ent].e.ID, ix.ents[b.ent].e.ID)
	})
	hits := make([]Hit, len(h))
	for i, c := range h {
		en := &ix.ents[c.ent]
		conf := 0.0
		if self > 0 {
			conf = min(1, mq[c.ent]/self)
		}
		hits[i] = Hit{Entry: en.e, Score: c.score, Confidence: conf, Matched: questionAt(&en.e, int(bq[c.ent]-en.q0))}
	}
	for _, q := range tq {
		sq[q] = 0
	}
	for _, e := range te {
		se[e], mq[e], bq[e] = 0, 0, 0
	}
	sc.tq, sc.te, sc.heap, sc.terms = tq, te, h, terms
	return hits
}

// collect sets each touched entry's best question (mq, bq) from the
// question scores and returns the k best entries that f admits as a
// min-heap.
func (ix *Index) collect(sc *scratch, h []cand, tq, te []int32, f filter, k int) []cand {
	p := &ix.p
	for _, e := range te {
		sc.mq[e] = 0
	}
	for _, q := range tq {
		e := ix.qs[q].ent
		if s := sc.sq[q]; s > sc.mq[e] {
			sc.mq[e], sc.bq[e] = s, q
		}
	}
	for _, e := range te {
		if f.all() || f.ok(&ix.ents[e].e) {
			h = pushTop(h, k, cand{ent: e, score: p.alpha*sc.mq[e] + (1-p.alpha)*sc.se[e]})
		}
	}
	return h
}

// finish completes the scores of the candidates that can still reach the
// top k, looking the remaining terms up in their posting lists, and
// returns the k best. mq and se hold the candidates' partial scores (see
// collect), kth the k-th best of them and rest the most the remaining terms
// can add.
func (ix *Index) finish(sc *scratch, h []cand, te []int32, terms []sterm, rest, kth float64, f filter, k int) []cand {
	p := &ix.p
	// The candidates still in the running, in slot order, which is also
	// the order of their questions.
	live := sc.live[:0]
	for _, e := range te {
		if !f.all() && !f.ok(&ix.ents[e].e) {
			continue
		}
		if p.alpha*sc.mq[e]+(1-p.alpha)*sc.se[e]+rest >= kth {
			live = append(live, e)
		}
	}
	slices.Sort(live)
	sc.live = live
	if ix.noFwd {
		ix.lookupTerms(sc, live, terms)
	} else {
		ix.forwardTerms(sc, live, terms)
	}
	for _, e := range live {
		en := &ix.ents[e]
		bestQ, bestS := sc.bq[e], sc.mq[e]
		for q := en.q0; q < en.q0+en.nq; q++ {
			if s := sc.sq[q]; s > bestS {
				bestQ, bestS = q, s
			}
			sc.sq[q] = 0
		}
		sc.mq[e], sc.bq[e] = bestS, bestQ
		h = pushTop(h, k, cand{ent: e, score: p.alpha*bestS + (1-p.alpha)*sc.se[e]})
	}
	return h
}

// forwardTerms adds the scores of terms to the candidates in live (in
// slot order), reading each candidate question's terms from the forward
// index: a merge of two short sorted lists per question, where looking
// the candidates up in long posting lists costs a search each.
func (ix *Index) forwardTerms(sc *scratch, live []int32, terms []sterm) {
	p := &ix.p
	qt := sc.qt[:0]
	for i, t := range terms {
		qt = append(qt, qid{id: t.pl.id, i: int32(i)})
	}
	slices.SortFunc(qt, func(a, b qid) int { return cmp.Compare(a.id, b.id) })
	sc.qt = qt
	if cap(sc.tfE) < len(terms) {
		sc.tfE = make([]float64, len(terms))
	}
	tfE := sc.tfE[:len(terms)]
	for _, e := range live {
		en := &ix.ents[e]
		clear(tfE)
		for q := en.q0; q < en.q0+en.nq; q++ {
			d := &ix.qs[q]
			fs := ix.fwd[d.off : d.off+uint32(d.nfwd)]
			for i, j := 0, 0; i < len(fs) && j < len(qt); {
				id := uint32(fs[i] >> 8)
				switch {
				case id < qt[j].id:
					i++
				case id > qt[j].id:
					j++
				default:
					t := &terms[qt[j].i]
					tf := float64(fs[i] & 0xff)
					sc.sq[q] += t.wq * tf / (tf + kNorm(t.normQ, p.k1, p.b, float64(d.lens[t.kind]), t.avgQ))
					tfE[qt[j].i] += tf
					i++
					j++
				}
			}
		}
		for i, tf := range tfE {
			if tf > 0 {
				t := &terms[i]
				sc.se[e] += t.we * tf / (tf + kNorm(t.normE, p.ek1, p.eb, float64(en.lens[t.kind]), t.avgE))
			}
		}
	}
}

// lookupTerms is forwardTerms for an index without a forward index: it
// finds the candidates' questions in the terms' posting lists.
func (ix *Index) lookupTerms(sc *scratch, live []int32, terms []sterm) {
	p := &ix.p
	for _, t := range terms {
		ps := t.pl.p
		pos := 0
		for _, e := range live {
			en := &ix.ents[e]
			tfE := 0.0
			for q := en.q0; q < en.q0+en.nq && pos < len(ps); q++ {
				pos = gallop(ps, pos, q)
				if pos < len(ps) && ps[pos].q == q {
					tf := float64(ps[pos].tf)
					sc.sq[q] += t.wq * tf / (tf + kNorm(t.normQ, p.k1, p.b, float64(ix.qs[q].lens[t.kind]), t.avgQ))
					tfE += tf
				}
			}
			if tfE > 0 {
				sc.se[e] += t.we * tfE / (tfE + kNorm(t.normE, p.ek1, p.eb, float64(en.lens[t.kind]), t.avgE))
			}
		}
	}
}

// qid is a query term's ID and its index among the search's terms.
type qid struct {
	id uint32
	i  int32
}

// gallop returns the first index i ≥ from with ps[i].q ≥ q, or len(ps).
func gallop(ps []posting, from int, q int32) int {
	if from >= len(ps) || ps[from].q >= q {
		return from
	}
	lo, step := from, 1
	hi := from + step
	for hi < len(ps) && ps[hi].q < q {
		lo = hi
		step *= 2
		hi = from + step
	}
	hi = min(hi, len(ps))
	// ps[lo].q < q; the answer is in (lo, hi].
	i, _ := slices.BinarySearchFunc(ps[lo+1:hi], q, func(x posting, q int32) int { return cmp.Compare(x.q, q) })
	return lo + 1 + i
}

// finishCheaper reports whether looking the remaining terms up for the
// candidates that can still reach the top k costs less than walking the
// terms' posting lists.
func (ix *Index) finishCheaper(sc *scratch, te []int32, terms []sterm, rest, kth float64) bool {
	walk, look := 0.0, 0.0
	for _, t := range terms {
		walk += float64(len(t.pl.p))
		look += math.Log2(float64(len(t.pl.p)) + 1)
	}
	p := &ix.p
	budget := walk / (4 * look) // lookups of a question we can afford
	n := 0.0
	for _, e := range te {
		if p.alpha*sc.mq[e]+(1-p.alpha)*sc.se[e]+rest >= kth {
			if n += float64(ix.ents[e].nq); n > budget {
				return false
			}
		}
	}
	return true
}

func questionAt(e *Entry, i int) string {
	if i <= 0 {
		return e.Question
	}
	if i-1 < len(e.Similar) {
		return e.Similar[i-1]
	}
	return e.Question
}

// pushTop keeps the k best candidates in a min-heap on score (ties broken
// by slot for determinism across equal scores is done by the final sort).
func pushTop(h []cand, k int, c cand) []cand {
	if len(h) < k {
		h = append(h, c)
		// sift up
		i := len(h) - 1
		for i > 0 {
			parent := (i - 1) / 2
			if !less(h[i], h[parent]) {
				break
			}
			h[i], h[parent] = h[parent], h[i]
			i = parent
		}
		return h
	}
	if !less(h[0], c) {
		return h
	}
	h[0] = c
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && less(h[l], h[m]) {
			m = l
		}
		if r < len(h) && less(h[r], h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return h
}

// less orders candidates worst first: lower score, then higher slot.
func less(a, b cand) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.ent > b.ent
}
