package kb

import (
	"context"
	"errors"
	"slices"
)

// Probe is a test question for [Index.Calibrate]: a query and the ID of
// the entry that answers it, or "" for a question the knowledge base does
// not cover and should not answer.
type Probe struct {
	Query string
	Want  string
}

// Calibration is the result of [Index.Calibrate].
type Calibration struct {
	// MinConfidence is the threshold to use in [SearchOptions].
	MinConfidence float64
	// Answered is the share of answerable probes whose right entry comes
	// first with at least MinConfidence.
	Answered float64
	// Refused is the share of unanswerable probes with no hit at
	// MinConfidence.
	Refused float64
}

// Calibrate finds the confidence threshold that best separates answers
// from non-answers on the index as it is: the one maximizing the mean of
// Answered and Refused (the lowest such threshold on ties). It needs
// probes of both kinds; operators typically keep a few dozen real customer
// questions of each.
func (ix *Index) Calibrate(ctx context.Context, probes []Probe) (Calibration, error) {
	type obs struct {
		hits []Hit
		want string
	}
	var all []obs
	nIn, nOut := 0, 0
	cands := []float64{0}
	for _, p := range probes {
		hits, err := ix.Search(ctx, p.Query, SearchOptions{K: 10, MinConfidence: -1})
		if err != nil {
			return Calibration{}, err
		}
		if p.Want != "" {
			nIn++
		} else {
			nOut++
		}
		all = append(all, obs{hits: hits, want: p.Want})
		for _, h := range hits {
			// Just above a hit's confidence drops it.
			cands = append(cands, h.Confidence, h.Confidence+1e-9)
		}
	}
	if nIn == 0 || nOut == 0 {
		return Calibration{}, errors.New("kb: calibration needs answerable and unanswerable probes")
	}
	slices.Sort(cands)
	best := Calibration{MinConfidence: -1}
	bestScore := -1.0
	for _, th := range slices.Compact(cands) {
		if th == 0 {
			continue // 0 means the default in SearchOptions
		}
		answered, refused := 0, 0
		for _, o := range all {
			// The answer a search with this threshold gives.
			got := ""
			for _, h := range o.hits {
				if h.Confidence >= th {
					got = h.Entry.ID
					break
				}
			}
			switch {
			case o.want != "" && got == o.want:
				answered++
			case o.want == "" && got == "":
				refused++
			}
		}
		c := Calibration{MinConfidence: th, Answered: float64(answered) / float64(nIn), Refused: float64(refused) / float64(nOut)}
		if s := (c.Answered + c.Refused) / 2; s > bestScore+1e-12 {
			best, bestScore = c, s
		}
	}
	return best, nil
}
