package terminal_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/testbot"
	"github.com/kefuai/kefu/channel/terminal"
)

func run(t *testing.T, h channel.Handler, input string, opts terminal.Options) string {
	t.Helper()
	var out strings.Builder
	if opts.SessionID == "" {
		opts.SessionID = "term-1"
	}
	opts.Quiet = true
	require.NoError(t, terminal.Run(context.Background(), h, strings.NewReader(input), &out, opts))
	return out.String()
}

func TestConversation(t *testing.T) {
	out := run(t, channel.Chain(testbot.New(), channel.Recover(channel.RecoverOptions{})),
		"你好\n2\n1\n转人工\nfail\nhello again\n/session\n/quit\nnever read\n", terminal.Options{})
	assert.Equal(t, `> 您好，我是小客，有什么可以帮您？
  1) 查订单
  2) 怎么退货
  3) 转人工
（输入序号选择 · type a number to choose）
> → 怎么退货
收到商品 7 天内可以无理由退货，运费由我们承担。
[image: 退货流程图] /img/returns.png
[link: 退货政策] https://shop.example/help/returns
  1) 申请退货
（输入序号选择 · type a number to choose）
> → 申请退货
好的，已为您创建退货申请。
> 正在为您转接人工客服，请稍候。
[转人工 · handed off: requested]
> Sorry, something went wrong on our side. Please try again in a moment.
> 收到：hello again
第 6 句
> term-1
> `, out)
}

func TestNumbersWithoutOptions(t *testing.T) {
	// Without quick replies on screen, a number is just text; after a
	// reply without options, old numbers no longer pick anything.
	out := run(t, testbot.New(), "2\n你好\n好的\n1\n", terminal.Options{})
	assert.Contains(t, out, "> 收到：2\n")
	assert.Contains(t, out, "> 收到：1\n")
}

func TestBadInput(t *testing.T) {
	long := strings.Repeat("长", 2000)
	out := run(t, testbot.New(), "\n   \n\xff\xfe\n"+long+"\n/unknown\n\x1b[31mred\n退货\r\nlast line without newline", terminal.Options{})
	assert.Equal(t, `> > > 消息含有无效字符（非 UTF-8）/ The text is not valid UTF-8.
> 消息太长 / The text is too long.
> 未知命令 Unknown command /unknown · /help
> 收到：[31mred
第 1 句
> 收到商品 7 天内可以无理由退货，运费由我们承担。
[image: 退货流程图] /img/returns.png
[link: 退货政策] https://shop.example/help/returns
  1) 申请退货
（输入序号选择 · type a number to choose）
> 收到：last line without newline
第 3 句
> 
`, out)
	assert.NotContains(t, out, "\x1b", "escape sequences are never written")
}

func TestCommands(t *testing.T) {
	out := run(t, testbot.New(), "/help\n/new\nhi\n/QUIT\n", terminal.Options{UserID: "u1", Prompt: "你："})
	assert.Contains(t, out, "/quit")
	assert.Contains(t, out, "已开始新会话 New session: ")
	assert.NotContains(t, out, "term-1")
	assert.True(t, strings.HasPrefix(out, "你："))
}

func TestGreetingLine(t *testing.T) {
	var out strings.Builder
	require.NoError(t, terminal.Run(context.Background(), testbot.New(), strings.NewReader(""), &out, terminal.Options{}))
	assert.Contains(t, out.String(), "/help")
}

func TestMessages(t *testing.T) {
	var got []channel.Message
	h := channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		got = append(got, m)
		return channel.Reply{}, nil
	})
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	run(t, h, "  你好  \n", terminal.Options{UserID: "u1", Now: func() time.Time { return now }})
	require.Len(t, got, 1)
	assert.Equal(t, "你好", got[0].Text)
	assert.Equal(t, "term-1", got[0].SessionID)
	assert.Equal(t, "u1", got[0].UserID)
	assert.Equal(t, "terminal", got[0].Channel)
	assert.Equal(t, now, got[0].Time)
	assert.NotEmpty(t, got[0].ID)
}

func TestContextEnds(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- terminal.Run(ctx, testbot.New(), pr, io.Discard, terminal.Options{}) }()
	_, err := io.WriteString(pw, "你好\n")
	require.NoError(t, err)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	err := terminal.Run(context.Background(), testbot.New(), strings.NewReader("你好\n"), failingWriter{}, terminal.Options{})
	assert.EqualError(t, err, "disk full")
}
