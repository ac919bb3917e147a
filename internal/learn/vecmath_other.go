//go:build !amd64

package learn

// axpy computes y += a*x over len(y) elements; x must be at least as long.
func axpy(y []float32, a float32, x []float32) { axpyGeneric(y, a, x) }

// dot returns the dot product of x and y over len(x) elements; y must be
// at least as long.
func dot(x, y []float32) float32 { return dotGeneric(x, y) }
