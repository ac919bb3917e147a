package learn

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Linear is a multi-class linear model: one weight vector per class, stored
// feature-major so that scoring a sparse vector reads contiguous rows.
// It is immutable once trained and safe for concurrent use.
type Linear struct {
	// K is the number of classes, D the number of feature columns.
	K, D int
	// W holds D rows of K weights; B the K biases.
	W []float32
	B []float32
}

// Scores writes the K class scores of x into out (len K) and returns it.
func (m *Linear) Scores(x Vector, out []float32) []float32 {
	out = out[:m.K]
	copy(out, m.B)
	for n, c := range x.Idx {
		if int(c) >= m.D {
			continue
		}
		v := x.Val[n]
		row := m.W[int(c)*m.K : int(c)*m.K+m.K]
		for k, w := range row {
			out[k] += v * w
		}
	}
	return out
}

// SVMConfig configures TrainSVM.
type SVMConfig struct {
	// C is the inverse regularization strength (default 1).
	C float64
	// Epochs bounds the passes over the data per class (default 50).
	Epochs int
	// Tol is the stopping tolerance on the projected gradient (default 0.1).
	Tol float64
	// Bias is the value of the constant feature that learns the intercept
	// (default 1).
	Bias float32
	// Seed makes training deterministic.
	Seed uint64
	// Workers bounds parallelism (default GOMAXPROCS).
	Workers int
	// Progress, when set, is called after each class with the number of
	// classes done; it may be called from several goroutines, never
	// concurrently.
	Progress func(done, total int)
}

// TrainSVM trains one-vs-rest L2-regularized squared-hinge-loss linear SVMs
// by dual coordinate descent with shrinking (Hsieh et al., 2008, the
// LIBLINEAR solver). X rows should be unit length; y holds class indices in
// [0, k). Results depend only on the data and Seed, not on Workers.
func TrainSVM(ctx context.Context, X []Vector, y []int32, k, d int, cfg SVMConfig) (*Linear, error) {
	if cfg.C == 0 {
		cfg.C = 1
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 50
	}
	if cfg.Tol == 0 {
		cfg.Tol = 0.1
	}
	if cfg.Bias == 0 {
		cfg.Bias = 1
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := &Linear{K: k, D: d, W: make([]float32, k*d), B: make([]float32, k)}
	qd := make([]float64, len(X))
	for i, x := range X {
		var s float64
		for _, v := range x.Val {
			s += float64(v) * float64(v)
		}
		qd[i] = s + float64(cfg.Bias)*float64(cfg.Bias)
	}

	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wv := make([]float64, d+1)
			for c := range jobs {
				clear(wv)
				trainBinary(X, y, int32(c), qd, wv, cfg)
				for j := 0; j < d; j++ {
					m.W[j*k+c] = float32(wv[j])
				}
				m.B[c] = float32(wv[d]) * cfg.Bias
				if cfg.Progress != nil {
					mu.Lock()
					done++
					cfg.Progress(done, k)
					mu.Unlock()
				}
			}
		}()
	}
	var err error
feed:
	for c := 0; c < k; c++ {
		select {
		case jobs <- c:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return m, nil
}

// trainBinary solves one class against the rest; w has d+1 entries, the
// last being the bias weight.
func trainBinary(X []Vector, y []int32, class int32, qd, w []float64, cfg SVMConfig) {
	n := len(X)
	d := len(w) - 1
	bias := float64(cfg.Bias)
	diag := 0.5 / cfg.C
	alpha := make([]float64, n)
	yy := make([]float64, n)
	index := make([]int, n)
	for i := range n {
		index[i] = i
		if y[i] == class {
			yy[i] = 1
		} else {
			yy[i] = -1
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(class)+1))
	active := n
	pgMaxOld, pgMinOld := 1e300, -1e300
	for iter := 0; iter < cfg.Epochs; iter++ {
		pgMax, pgMin := -1e300, 1e300
		for i := 0; i < active; i++ {
			j := i + rng.IntN(active-i)
			index[i], index[j] = index[j], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			x := X[i]
			g := w[d] * bias
			for t, c := range x.Idx {
				g += w[c] * float64(x.Val[t])
			}
			g = yy[i]*g - 1 + diag*alpha[i]
			pg := 0.0
			if alpha[i] == 0 {
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g < 0 {
					pg = g
				}
			} else {
				pg = g
			}
			pgMax = max(pgMax, pg)
			pgMin = min(pgMin, pg)
			if pg > 1e-12 || pg < -1e-12 {
				old := alpha[i]
				alpha[i] = max(old-g/(qd[i]+diag), 0)
				delta := (alpha[i] - old) * yy[i]
				for t, c := range x.Idx {
					w[c] += delta * float64(x.Val[t])
				}
				w[d] += delta * bias
			}
		}
		if pgMax-pgMin <= cfg.Tol {
			if active == n {
				break
			}
			active = n
			pgMaxOld, pgMinOld = 1e300, -1e300
			continue
		}
		pgMaxOld, pgMinOld = pgMax, pgMin
		if pgMaxOld <= 0 {
			pgMaxOld = 1e300
		}
		if pgMinOld >= 0 {
			pgMinOld = -1e300
		}
	}
	_ = pgMinOld
}
