package intent

import (
	"math"
	"slices"
)

// tuneThreshold picks the out-of-scope threshold from validation examples.
//
// With out-of-scope examples among them (labelled oosLabel, or with an
// intent the model does not know), the threshold maximizes validation
// accuracy, counting a rejected out-of-scope text as right. Without any, it
// is the highest threshold that rejects at most 1% of the texts the model
// gets right, and at most the default. Without validation data it is the
// default for the number of intents.
func (m *Model) tuneThreshold(val []Example, oosLabel string) (float32, string) {
	def := defaultThreshold(len(m.intents))
	if len(val) == 0 {
		return def, "default"
	}
	type obs struct {
		conf    float32
		correct bool
		oos     bool
	}
	s := m.getScratch()
	defer m.scratch.Put(s)
	var os []obs
	nOOS := 0
	for _, e := range val {
		_, known := m.index[e.Intent]
		isOOS := e.Intent == oosLabel || !known
		if !m.probs(s, e.Text) {
			os = append(os, obs{conf: 0, oos: isOOS})
		} else {
			best := 0
			for k, x := range s.sum {
				if x > s.sum[best] {
					best = k
				}
			}
			os = append(os, obs{conf: s.sum[best], correct: !isOOS && m.intents[best] == e.Intent, oos: isOOS})
		}
		if isOOS {
			nOOS++
		}
	}
	if nOOS == 0 {
		var right []float32
		for _, o := range os {
			if o.correct {
				right = append(right, o.conf)
			}
		}
		if len(right) == 0 {
			return def, "default"
		}
		slices.Sort(right)
		p1 := right[len(right)/100]
		return min(p1, def), "validation"
	}
	// Sweep thresholds between consecutive distinct confidences.
	slices.SortFunc(os, func(a, b obs) int {
		switch {
		case a.conf < b.conf:
			return -1
		case a.conf > b.conf:
			return 1
		}
		return 0
	})
	// At threshold below everything: all accepted.
	score := 0
	for _, o := range os {
		if o.correct {
			score++
		}
	}
	best, bestAt := score, float32(0)
	for i := 0; i < len(os); {
		j := i
		for j < len(os) && os[j].conf == os[i].conf {
			// Raising the threshold above os[j].conf rejects it.
			if os[j].oos {
				score++
			} else if os[j].correct {
				score--
			}
			j++
		}
		if score > best {
			next := float32(1)
			if j < len(os) {
				next = os[j].conf
			}
			best, bestAt = score, (os[i].conf+next)/2
		}
		i = j
	}
	return bestAt, "validation"
}

// defaultThreshold is the out-of-scope threshold used without validation
// data. Trained with label smoothing, the networks give a text that fits
// no intent a confidence close to the uniform 1/k; the default sits a
// multiple of that above it.
func defaultThreshold(k int) float32 {
	return float32(math.Min(0.5, 12/float64(k)))
}
