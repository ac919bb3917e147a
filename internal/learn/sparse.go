// Package learn holds kefu's machine-learning core: sparse vectors, a
// feature vocabulary with TF-IDF weighting, linear classifiers trained by
// dual coordinate descent, and nearest-neighbour evidence. Package intent
// builds intent models from it, and package kb its learned retrieval.
package learn

import (
	"math"
	"slices"
)

// Vector is a sparse vector with column indices in increasing order.
type Vector struct {
	Idx []int32
	Val []float32
}

// Len returns the number of stored entries.
func (v Vector) Len() int { return len(v.Idx) }

// Dot returns the dot product of two sparse vectors.
func (v Vector) Dot(w Vector) float32 {
	var s float32
	i, j := 0, 0
	for i < len(v.Idx) && j < len(w.Idx) {
		switch {
		case v.Idx[i] == w.Idx[j]:
			s += v.Val[i] * w.Val[j]
			i++
			j++
		case v.Idx[i] < w.Idx[j]:
			i++
		default:
			j++
		}
	}
	return s
}

// Norm returns the Euclidean norm.
func (v Vector) Norm() float32 {
	var s float64
	for _, x := range v.Val {
		s += float64(x) * float64(x)
	}
	return float32(math.Sqrt(s))
}

// Normalize scales v to unit length in place; a zero vector stays zero.
func (v Vector) Normalize() {
	n := v.Norm()
	if n == 0 {
		return
	}
	inv := 1 / n
	for i := range v.Val {
		v.Val[i] *= inv
	}
}

// sortVector sorts entries by column.
func sortVector(v *Vector) {
	if slices.IsSorted(v.Idx) {
		return
	}
	type e struct {
		i int32
		v float32
	}
	es := make([]e, len(v.Idx))
	for k := range es {
		es[k] = e{v.Idx[k], v.Val[k]}
	}
	slices.SortFunc(es, func(a, b e) int { return int(a.i) - int(b.i) })
	for k := range es {
		v.Idx[k], v.Val[k] = es[k].i, es[k].v
	}
}
