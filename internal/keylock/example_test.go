package keylock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kefuai/kefu/internal/keylock"
)

// Turns of one session take turns; a waiter gives up when its context ends.
func Example() {
	var locks keylock.Map
	ctx := context.Background()

	unlock, err := locks.Lock(ctx, "session-1")
	if err != nil {
		panic(err)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		unlock, err := locks.Lock(ctx, "session-1") // waits for the first turn
		if err != nil {
			panic(err)
		}
		defer unlock()
		fmt.Println("second turn")
	}()

	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	if _, err := locks.Lock(short, "session-1"); err != nil {
		fmt.Println("third turn:", err)
	}

	fmt.Println("first turn")
	unlock()
	<-done
	fmt.Println("keys held:", locks.Len())
	// Output:
	// third turn: context deadline exceeded
	// first turn
	// second turn
	// keys held: 0
}
