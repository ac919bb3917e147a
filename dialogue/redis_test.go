package dialogue_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/redisstore"
	"github.com/kefuai/kefu/internal/testnet"
	"github.com/kefuai/kefu/internal/testredis"
)

// Two bot instances, each with its own Redis connection, share sessions:
// every script completes when they take the turns in alternation.
func TestScriptsTwoInstancesRedis(t *testing.T) {
	opts := testredis.Options(t)
	for _, sc := range scripts(t) {
		t.Run(sc.name, func(t *testing.T) {
			a, b := testredis.Client(t, opts), testredis.Client(t, opts)
			p := testredis.Prefix(t, a)
			e1 := newTestEngine(t, must(redisstore.New(a, redisstore.Options{Prefix: p})))
			e2 := newTestEngine(t, must(redisstore.New(b, redisstore.Options{Prefix: p})))
			sc.run(t, "s-"+sc.name, e1, e2)
		})
	}
}

// concurrentTurns sends n messages of one session at once, spread over the
// engines, and checks that every turn was applied.
func concurrentTurns(t *testing.T, engines ...*dialogue.Engine) {
	const n = 50
	ctx := context.Background()
	start := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var asks atomic.Int32
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			// Each message is a question outside any flow, so every turn
			// gives one answer action and counts one turn.
			acts, err := engines[i%len(engines)].Step(ctx, "busy", dialogue.Input{
				Text: "几点发货？", Intent: "faq.shipping_time", Confidence: 0.9, Time: start.Add(time.Duration(i) * time.Second),
			})
			if err == nil && len(acts) == 1 && acts[0].Kind == dialogue.ActionAnswer {
				asks.Add(1)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(n), asks.Load())
	s, err := engines[0].Session(ctx, "busy")
	require.NoError(t, err)
	assert.Equal(t, n, s.Turns, "turns were lost")
}

func TestConcurrentTurnsMemory(t *testing.T) {
	concurrentTurns(t, newTestEngine(t, dialogue.NewMemoryStore(dialogue.MemoryOptions{})))
}

func TestConcurrentTurnsRedis(t *testing.T) {
	opts := testredis.Options(t)
	a, b := testredis.Client(t, opts), testredis.Client(t, opts)
	p := testredis.Prefix(t, a)
	concurrentTurns(t,
		newTestEngine(t, must(redisstore.New(a, redisstore.Options{Prefix: p}))),
		newTestEngine(t, must(redisstore.New(b, redisstore.Options{Prefix: p}))))
}

// beforeCommit is a go-redis hook that runs fn before the store's write
// script (the EVALSHA with four arguments) when armed.
type beforeCommit struct {
	armed atomic.Bool
	fn    func()
}

func (h *beforeCommit) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *beforeCommit) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *beforeCommit) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if args := cmd.Args(); len(args) == 9 && strings.HasPrefix(cmd.Name(), "eval") && h.armed.CompareAndSwap(true, false) {
			h.fn()
		}
		return next(ctx, cmd)
	}
}

// A Redis outage in the middle of a conversation makes Step fail with
// ErrStoreUnavailable, without panicking or losing the session; once Redis
// is back the conversation goes on where it was.
func TestRedisOutage(t *testing.T) {
	opts := testredis.Options(t)
	admin := testredis.Client(t, opts)
	p := testredis.Prefix(t, admin)
	px := testnet.Start(t, opts.Addr)
	popts := *opts
	popts.Addr = px.Addr()
	popts.MaxRetries = -1
	popts.DialTimeout = time.Second
	rdb := redis.NewClient(&popts)
	t.Cleanup(func() { rdb.Close() })
	hook := &beforeCommit{fn: px.Down}
	rdb.AddHook(hook)
	e := newTestEngine(t, must(redisstore.New(rdb, redisstore.Options{Prefix: p, LockTTL: 200 * time.Millisecond})))

	ctx := context.Background()
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	say := func(text, intent string) ([]dialogue.Action, error) {
		now = now.Add(time.Minute)
		return e.Step(ctx, "outage", dialogue.Input{Text: text, Intent: intent, Confidence: 0.9, Time: now})
	}
	kinds := func(acts []dialogue.Action) []string {
		var out []string
		for _, a := range acts {
			out = append(out, a.Kind.String()+" "+a.Slot)
		}
		return out
	}

	acts, err := say("我要退货", "return_goods")
	require.NoError(t, err)
	assert.Equal(t, []string{"ask order_id"}, kinds(acts))

	// Redis unreachable before the turn.
	px.Down()
	acts, err = say("DD2025030501", "")
	assert.ErrorIs(t, err, dialogue.ErrStoreUnavailable)
	assert.Nil(t, acts)
	px.Up()

	// The same message again, once Redis is back.
	acts, err = say("DD2025030501", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"ask reason"}, kinds(acts))

	// Redis lost between reading the session and writing it: the turn
	// fails and the session keeps its state before the turn.
	hook.armed.Store(true)
	acts, err = say("质量问题", "")
	assert.ErrorIs(t, err, dialogue.ErrStoreUnavailable)
	assert.Nil(t, acts)
	px.Up()
	s, err := e.Session(ctx, "outage")
	require.NoError(t, err)
	assert.Equal(t, "ask_order", s.State)
	assert.Equal(t, "reason", s.Pending)
	assert.Equal(t, "DD2025030501", s.Slots["order_id"].Text)

	// The lock left behind expires and the conversation continues.
	acts, err = say("质量问题", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"say ", "ask pickup_date"}, kinds(acts))
	acts, err = say("明天", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"confirm "}, kinds(acts))
	acts, err = say("对", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"ticket ", "say ", "end "}, kinds(acts))
}
