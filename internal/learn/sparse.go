// Package learn holds kefu's machine-learning core: sparse vectors, a
// feature vocabulary with TF-IDF weighting, one-hidden-layer networks
// trained by SGD with dropout and label smoothing, and ensembles of them
// over several feature views. Package intent builds intent models from it,
// and package kb its learned retrieval.
package learn

import "math"

// Vector is a sparse vector: entries in any order, each column at most
// once.
type Vector struct {
	Idx []int32
	Val []float32
}

// Len returns the number of stored entries.
func (v Vector) Len() int { return len(v.Idx) }

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
