// Package testredis connects tests to the real Redis named by
// KEFU_TEST_REDIS, and gives each test keys of its own.
package testredis

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Options returns the options of the Redis named by KEFU_TEST_REDIS (a URL
// such as redis://127.0.0.1:6379/0), or skips the test when it is unset.
func Options(t testing.TB) *redis.Options {
	t.Helper()
	url := os.Getenv("KEFU_TEST_REDIS")
	if url == "" {
		t.Skip("KEFU_TEST_REDIS is not set: set it to a Redis URL such as redis://127.0.0.1:6379/0 to run the tests with Redis")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("KEFU_TEST_REDIS: %v", err)
	}
	return opts
}

// Client connects with opts, checks that Redis answers, and closes the
// client when the test ends.
func Client(t testing.TB, opts *redis.Options) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("cannot reach Redis at %s: %v", opts.Addr, err)
	}
	return rdb
}

// Prefix returns a key prefix of the test's own and deletes its keys when
// the test ends.
func Prefix(t testing.TB, rdb *redis.Client) string {
	p := "kefutest:" + strings.NewReplacer("/", ":", " ", "_").Replace(t.Name()) + ":" + rand.Text()[:10] + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, p+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return p
}
