package learn

import (
	"context"
	"math"
	"math/rand/v2"
)

// MLP is a one-hidden-layer neural network over sparse input vectors: a
// ReLU layer fed by a sparse-dense product, then a softmax over classes.
// It is immutable once trained and safe for concurrent use.
type MLP struct {
	// D inputs, H hidden units, K classes.
	D, H, K int
	// E holds D rows of H input weights; B1 the H hidden biases.
	E, B1 []float32
	// W holds H rows of K output weights; B2 the K output biases.
	W, B2 []float32
}

// MLPConfig configures TrainMLP. Zero fields take the defaults shown.
type MLPConfig struct {
	// Hidden is the number of hidden units (256).
	Hidden int
	// Epochs is the number of passes over the data (8).
	Epochs int
	// LR is the initial learning rate, decayed linearly to zero (0.2).
	LR float32
	// Dropout is the share of hidden units dropped while training (0.2;
	// negative for none).
	Dropout float32
	// Smoothing is the label-smoothing mass spread over all classes.
	Smoothing float32
	// InputDropout is the share of input features dropped while training.
	InputDropout float32
	// Seed makes training deterministic.
	Seed uint64
	// Progress, when set, is called after each epoch.
	Progress func(done, total int)
}

func (c *MLPConfig) defaults() {
	if c.Hidden == 0 {
		c.Hidden = 256
	}
	if c.Epochs == 0 {
		c.Epochs = 8
	}
	if c.LR == 0 {
		c.LR = 0.2
	}
	if c.Dropout == 0 {
		c.Dropout = 0.2
	}
	c.Dropout = max(c.Dropout, 0)
}

// TrainMLP trains an MLP with plain stochastic gradient descent on the
// softmax cross-entropy loss, one example at a time in a seeded random
// order. Equal inputs and Seed give an identical model.
func TrainMLP(ctx context.Context, X []Vector, y []int32, k, d int, cfg MLPConfig) (*MLP, error) {
	cfg.defaults()
	H, K := cfg.Hidden, k
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6b656675))
	m := &MLP{D: d, H: H, K: K, E: make([]float32, d*H), B1: make([]float32, H), W: make([]float32, H*K), B2: make([]float32, K)}
	s := float32(math.Sqrt(6.0 / float64(H+K)))
	for i := range m.W {
		m.W[i] = (rng.Float32()*2 - 1) * s
	}
	for i := range m.E {
		m.E[i] = (rng.Float32()*2 - 1) * 0.1
	}
	h := make([]float32, H)
	gh := make([]float32, H)
	act := make([]int32, 0, H)
	z := make([]float32, K)
	order := make([]int32, len(X))
	for i := range order {
		order[i] = int32(i)
	}
	inp := make([]int32, 0, 256)
	inScale := 1 / (1 - cfg.InputDropout)
	keep := 1 - cfg.Dropout
	scale := 1 / keep
	total := float32(cfg.Epochs * len(X))
	step := 0
	for ep := 0; ep < cfg.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			lr := cfg.LR * (1 - float32(step)/total)
			step++
			x := X[i]
			// Forward: hidden layer.
			copy(h, m.B1)
			inp = inp[:0]
			for t, c := range x.Idx {
				if cfg.InputDropout > 0 && rng.Float32() < cfg.InputDropout {
					continue
				}
				inp = append(inp, int32(t))
				axpy(h, x.Val[t]*inScale, m.E[int(c)*H:int(c)*H+H])
			}
			act = act[:0]
			for j, v := range h {
				if v > 0 && rng.Float32() < keep {
					h[j] = v * scale
					act = append(act, int32(j))
				}
			}
			// Output layer over the active units only.
			copy(z, m.B2)
			for _, j := range act {
				axpy(z, h[j], m.W[int(j)*K:int(j)*K+K])
			}
			softmax(z)
			// z becomes the gradient of the loss with respect to the logits.
			if cfg.Smoothing > 0 {
				u := cfg.Smoothing / float32(K)
				for k := range z {
					z[k] -= u
				}
				z[y[i]] -= 1 - cfg.Smoothing
			} else {
				z[y[i]] -= 1
			}
			// Backward.
			for _, j := range act {
				row := m.W[int(j)*K : int(j)*K+K]
				gh[j] = dot(z, row) * scale
				axpy(row, -lr*h[j], z)
			}
			axpy(m.B2, -lr, z)
			for _, t := range inp {
				c := x.Idx[t]
				row := m.E[int(c)*H : int(c)*H+H]
				a := -lr * x.Val[t] * inScale
				for _, j := range act {
					row[j] += a * gh[j]
				}
			}
			for _, j := range act {
				m.B1[j] -= lr * gh[j]
			}
		}
		if cfg.Progress != nil {
			cfg.Progress(ep+1, cfg.Epochs)
		}
	}
	return m, nil
}

// Probs writes the class probabilities of x into out (len K) and returns
// it; h is scratch space of len H.
func (m *MLP) Probs(x Vector, h, out []float32) []float32 {
	H, K := m.H, m.K
	h = h[:H]
	out = out[:K]
	copy(h, m.B1)
	for t, c := range x.Idx {
		if int(c) >= m.D {
			continue
		}
		axpy(h, x.Val[t], m.E[int(c)*H:int(c)*H+H])
	}
	copy(out, m.B2)
	for j, v := range h {
		if v > 0 {
			axpy(out, v, m.W[j*K:j*K+K])
		}
	}
	softmax(out)
	return out
}
