package kb

import (
	"slices"
)

// change is one analyzed update.
type change struct {
	id  string
	del bool
	e   Entry
	qs  []analysis
}

// Put adds entries or replaces the indexed entries with the same IDs.
// Disabled entries are removed from search. All entries of one call become
// visible to searches at once; of entries with the same ID, the last
// counts.
func (ix *Index) Put(entries ...Entry) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	chs := make([]change, 0, len(entries))
	for _, e := range entries {
		chs = append(chs, ix.prepare(e))
	}
	ix.apply(chs)
}

// Delete removes entries from the index. Unknown IDs are ignored.
func (ix *Index) Delete(ids ...string) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	chs := make([]change, 0, len(ids))
	for _, id := range ids {
		chs = append(chs, change{id: id, del: true})
	}
	ix.apply(chs)
}

// applyRevs applies revisions from a [Store]. A revision whose version is not
// higher than the one the index holds for its ID is skipped, so revisions
// may be applied more than once and a late revision never undoes a newer
// one. It reports how many revisions changed the index.
func (ix *Index) applyRevs(revs ...Revision) int {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	chs := make([]change, 0, len(revs))
	newest := map[string]int64{}
	for _, r := range revs {
		id := r.Entry.ID
		if r.Entry.Version <= max(ix.vers[id], newest[id]) {
			continue
		}
		newest[id] = r.Entry.Version
		if r.Op == OpDelete {
			chs = append(chs, change{id: id, del: true, e: r.Entry})
		} else {
			chs = append(chs, ix.prepare(r.Entry))
		}
	}
	return ix.apply(chs)
}

// prepare analyzes an entry outside the index lock.
func (ix *Index) prepare(e Entry) change {
	e = e.Clone()
	c := change{id: e.ID, e: e}
	if e.Disabled {
		return c
	}
	for _, q := range e.Questions() {
		c.qs = append(c.qs, analyze(ix.an, q, false, &ix.p))
	}
	return c
}

// apply applies the last change of each ID and returns how many that
// is. It runs with wmu held.
func (ix *Index) apply(chs []change) int {
	last := make(map[string]int, len(chs))
	for i, c := range chs {
		last[c.id] = i
	}
	kept := chs[:0]
	for i, c := range chs {
		if last[c.id] == i {
			kept = append(kept, c)
		}
	}
	chs = kept
	if len(chs) == 0 {
		return 0
	}
	// Old versions are re-analyzed to find their terms; that happens
	// before taking the lock that searches wait for.
	olds := make([][]analysis, len(chs))
	for i, c := range chs {
		if s, ok := ix.docs[c.id]; ok {
			e := ix.ents[s].e
			for _, q := range e.Questions() {
				olds[i] = append(olds[i], analyze(ix.an, q, false, &ix.p))
			}
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.gen++
	for i, c := range chs {
		if s, ok := ix.docs[c.id]; ok {
			ix.remove(s, olds[i])
		}
		if v := c.e.Version; v > ix.vers[c.id] {
			ix.vers[c.id] = v
		}
		if !c.del && !c.e.Disabled {
			ix.add(c.e, c.qs)
		}
	}
	if ix.deadQ > 1024 && ix.deadQ > ix.nQ/2 {
		ix.compact()
	}
	return len(chs)
}

func (ix *Index) add(e Entry, qs []analysis) {
	slot := int32(len(ix.ents))
	q0 := int32(len(ix.qs))
	en := ent{e: e, q0: q0, nq: int32(len(qs)), live: true}
	for _, in := range e.Intents {
		ix.byIntent[in]++
	}
	for i, a := range qs {
		qid := q0 + int32(i)
		if !ix.noFwd && int(ix.ids)+len(a.terms) > maxTermID {
			fresh := 0
			for _, t := range a.terms {
				if ix.post[t.term] == nil {
					fresh++
				}
			}
			if int(ix.ids)+fresh > maxTermID {
				ix.renumber()
				ix.noFwd = int(ix.ids)+fresh > maxTermID
			}
		}
		d := qdoc{ent: slot, live: true, off: uint32(len(ix.fwd))}
		for k := range nKinds {
			d.lens[k] = a.lens[k]
			en.lens[k] += uint32(a.lens[k])
			ix.sumQ[k] += float64(a.lens[k])
		}
		ix.qs = append(ix.qs, d)
		for _, t := range a.terms {
			pl := ix.post[t.term]
			if pl == nil {
				pl = &plist{id: ix.ids}
				ix.ids++
				ix.post[t.term] = pl
			}
			if !ix.noFwd {
				ix.fwd = append(ix.fwd, packTerm(pl.id, t.tf))
			}
			if n := len(pl.p); n == 0 || ix.qs[pl.p[n-1].q].ent != slot {
				pl.dfE++
			}
			pl.dfQ++
			pl.p = append(pl.p, posting{q: qid, tf: t.tf})
		}
		if !ix.noFwd {
			d := &ix.qs[qid]
			d.nfwd = uint16(uint32(len(ix.fwd)) - d.off)
			slices.Sort(ix.fwd[d.off:])
		}
	}
	for k := range nKinds {
		ix.sumE[k] += float64(en.lens[k])
	}
	ix.ents = append(ix.ents, en)
	ix.docs[e.ID] = slot
	ix.nE++
	ix.nQ += len(qs)
}

func (ix *Index) remove(slot int32, old []analysis) {
	en := &ix.ents[slot]
	seen := map[*plist]bool{}
	for i, a := range old {
		ix.qs[en.q0+int32(i)].live = false
		for k := range nKinds {
			ix.sumQ[k] -= float64(a.lens[k])
		}
		for _, t := range a.terms {
			pl := ix.post[t.term]
			pl.dfQ--
			if !seen[pl] {
				seen[pl] = true
				pl.dfE--
			}
		}
	}
	for k := range nKinds {
		ix.sumE[k] -= float64(en.lens[k])
	}
	delete(ix.docs, en.e.ID)
	for _, in := range en.e.Intents {
		if ix.byIntent[in]--; ix.byIntent[in] <= 0 {
			delete(ix.byIntent, in)
		}
	}
	en.live = false
	en.e = Entry{}
	ix.nE--
	ix.nQ -= len(old)
	ix.deadQ += len(old)
}

// compact drops dead questions and entries and renumbers the rest. It
// runs under the write lock, once the dead outnumber half the live, so
// its cost is spread over the updates that made them.
func (ix *Index) compact() {
	newQ := make([]int32, len(ix.qs))
	newE := make([]int32, len(ix.ents))
	ents := make([]ent, 0, ix.nE)
	qs := make([]qdoc, 0, ix.nQ)
	for s, en := range ix.ents {
		if !en.live {
			newE[s] = -1
			continue
		}
		newE[s] = int32(len(ents))
		q0 := int32(len(qs))
		for i := range en.nq {
			d := ix.qs[en.q0+i]
			newQ[en.q0+i] = int32(len(qs))
			d.ent = newE[s]
			qs = append(qs, d)
		}
		en.q0 = q0
		ents = append(ents, en)
		ix.docs[en.e.ID] = newE[s]
	}
	for t, pl := range ix.post {
		if pl.dfQ == 0 {
			delete(ix.post, t)
			continue
		}
		p := make([]posting, 0, pl.dfQ)
		for _, x := range pl.p {
			if ix.qs[x.q].live {
				p = append(p, posting{q: newQ[x.q], tf: x.tf})
			}
		}
		pl.p = p
	}
	ix.ents, ix.qs, ix.deadQ = ents, qs, 0
	ix.renumber()
}

// renumber forgets the terms no live question holds, gives the others
// dense IDs and rebuilds the forward index of the live questions with
// them. Compaction calls it, and add when the
// IDs run out.
func (ix *Index) renumber() {
	if ix.noFwd {
		return
	}
	newID := make([]uint32, ix.ids)
	ix.ids = 0
	for t, pl := range ix.post {
		if pl.dfQ == 0 {
			delete(ix.post, t) // no live question holds it
			continue
		}
		newID[pl.id] = ix.ids
		pl.id = ix.ids
		ix.ids++
	}
	n := 0
	for _, d := range ix.qs {
		if d.live {
			n += int(d.nfwd)
		}
	}
	fwd := make([]fterm, 0, n)
	for i := range ix.qs {
		d := &ix.qs[i]
		if !d.live {
			d.off, d.nfwd = uint32(len(fwd)), 0
			continue
		}
		off := uint32(len(fwd))
		for _, f := range ix.fwd[d.off : d.off+uint32(d.nfwd)] {
			fwd = append(fwd, packTerm(newID[f>>8], uint16(f&0xff)))
		}
		slices.Sort(fwd[off:])
		d.off = off
	}
	ix.fwd = fwd
}
