package backoff

import (
	"context"
	"testing"
	"time"
)

func TestNext(t *testing.T) {
	b := Backoff{Min: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	steps := []time.Duration{10, 20, 40, 80, 80, 80}
	for i, s := range steps {
		s *= time.Millisecond
		d := b.Next()
		if d < s/2 || d > s {
			t.Fatalf("attempt %d: delay %v, want between %v and %v", i+1, d, s/2, s)
		}
	}
	b.Reset()
	if d := b.Next(); d > 10*time.Millisecond {
		t.Fatalf("after Reset: %v, want at most the minimum", d)
	}
}

func TestNextDefaultsAndOverflow(t *testing.T) {
	var b Backoff
	if d := b.Next(); d < 25*time.Millisecond || d > 50*time.Millisecond {
		t.Fatalf("zero Backoff's first delay %v", d)
	}
	for range 200 {
		if d := b.Next(); d <= 0 || d > 5*time.Second {
			t.Fatalf("delay %v out of (0, 5s]", d)
		}
	}
	odd := Backoff{Min: time.Second, Max: time.Millisecond}
	if d := odd.Next(); d < 500*time.Millisecond || d > time.Second {
		t.Fatalf("a maximum below the minimum: %v", d)
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("cancelled sleep: %v", err)
	}
}
