package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/flows"
	"github.com/kefuai/kefu/dialogue/redisstore"
)

// Bot instances sharing one Redis share the sessions: a customer's next
// message may reach any instance and the conversation goes on. (This
// example needs a Redis server, so it is compiled but not run.)
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
	defer rdb.Close()

	fs, err := flows.Load()
	if err != nil {
		panic(err)
	}
	sessions, err := redisstore.New(rdb, redisstore.Options{Prefix: "shop:dialogue:"})
	if err != nil {
		panic(err)
	}
	engine, err := dialogue.NewEngine(fs, dialogue.Options{
		Store: sessions,
		Funcs: map[string]dialogue.Func{
			"order_status": func(ctx context.Context, c dialogue.Call) (dialogue.Result, error) {
				return dialogue.Result{Event: "shipped"}, nil // look the order up
			},
		},
	})
	if err != nil {
		panic(err)
	}

	actions, err := engine.Step(context.Background(), "customer-42", dialogue.Input{
		Text: "where is my order?", Intent: "order_status", Confidence: 0.9, Time: time.Now(),
	})
	if errors.Is(err, dialogue.ErrStoreUnavailable) {
		fmt.Println("Sorry, please try again in a moment.") // the session is unchanged
		return
	}
	if err != nil {
		panic(err)
	}
	for _, a := range actions {
		fmt.Println(a)
	}
}
