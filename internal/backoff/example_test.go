package backoff_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kefuai/kefu/internal/backoff"
)

func Example() {
	ctx := context.Background()
	b := backoff.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond}
	tries := 0
	connect := func() error {
		tries++
		if tries < 3 {
			return errors.New("connection refused")
		}
		return nil
	}
	for connect() != nil {
		if err := backoff.Sleep(ctx, b.Next()); err != nil {
			return
		}
	}
	fmt.Println("connected after", tries, "tries")
	// Output: connected after 3 tries
}
