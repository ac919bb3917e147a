package dialogue_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/redisstore"
	"github.com/kefuai/kefu/internal/testredis"
)

// benchTurns is a whole returns conversation; the benchmarks step through
// it again and again, one turn per iteration, on a new session each time
// round.
var benchTurns = []dialogue.Input{
	{Text: "我要退货", Intent: "return_goods", Confidence: 0.95},
	{Text: "运费谁出？", Intent: "faq.shipping_fee", Confidence: 0.9},
	{Text: "订单号是 DD2025030501"},
	{Text: "收到的时候就坏了"},
	{Text: "下周一吧"},
	{Text: "是的"},
}

func benchSteps(b *testing.B, e *dialogue.Engine) {
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		in := benchTurns[i%len(benchTurns)]
		in.Time = t0.Add(time.Duration(i) * time.Second)
		if _, err := e.Step(ctx, "bench-"+strconv.Itoa(i/len(benchTurns)), in); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkStepMemory(b *testing.B) {
	benchSteps(b, newTestEngine(b, dialogue.NewMemoryStore(dialogue.MemoryOptions{})))
}

// commandCounter counts the round trips a client makes: one per command,
// one per pipeline.
type commandCounter struct{ n atomic.Int64 }

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

func BenchmarkStepRedis(b *testing.B) {
	rdb := testredis.Client(b, testredis.Options(b))
	e := newTestEngine(b, must(redisstore.New(rdb, redisstore.Options{Prefix: testredis.Prefix(b, rdb)})))
	// Load the scripts before counting.
	if _, err := e.Step(context.Background(), "warm-up", dialogue.Input{Text: "hi", Time: t0}); err != nil {
		b.Fatal(err)
	}
	c := &commandCounter{}
	rdb.AddHook(c)
	benchSteps(b, e)
	b.ReportMetric(float64(c.n.Load())/float64(b.N), "roundtrips/op")
}

func BenchmarkReadReply(b *testing.B) {
	replies := []string{"好的，谢谢", "对了，挂失要收费吗？", "不是不要", "yes please go ahead", "应该是吧", "等一下，我问问家里人"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		dialogue.ReadReply(replies[i%len(replies)], "确认冻结尾号 1234 的银行卡吗？")
	}
}

// BenchmarkReadReplyLong reads a long reply of unknown words against a long
// question: the reader's time stays bounded.
func BenchmarkReadReplyLong(b *testing.B) {
	reply := strings.Repeat("甲乙丙丁戊己庚辛壬癸", 10)
	question := strings.Repeat("子丑寅卯辰巳午未申酉戌亥", 200)
	for b.Loop() {
		dialogue.ReadReply(reply, question)
	}
}
