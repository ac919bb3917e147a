package learn

import "golang.org/x/sys/cpu"

// useAVX selects the AVX2/FMA kernels on CPUs that have them.
var useAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func axpyAVX(y []float32, a float32, x []float32)

//go:noescape
func dotAVX(x, y []float32) float32

// axpy computes y += a*x over len(y) elements; x must be at least as long.
func axpy(y []float32, a float32, x []float32) {
	if useAVX {
		_ = x[:len(y)]
		axpyAVX(y, a, x)
		return
	}
	axpyGeneric(y, a, x)
}

// dot returns the dot product of x and y over len(x) elements; y must be
// at least as long.
func dot(x, y []float32) float32 {
	if useAVX {
		_ = y[:len(x)]
		return dotAVX(x, y)
	}
	return dotGeneric(x, y)
}
