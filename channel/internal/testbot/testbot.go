// Package testbot is a small real Handler for the adapters' tests and
// demo pages: it greets, answers a returns question with an image, a link
// and quick replies, hands off on request, echoes everything else with a
// per-session turn count, and fails on purpose on a few magic words.
package testbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kefuai/kefu/channel"
)

// Bot is the test handler. The zero value is not usable; call New.
type Bot struct {
	mu    sync.Mutex
	turns map[string]int
}

// New returns a Bot.
func New() *Bot { return &Bot{turns: map[string]int{}} }

// Turns returns how many messages session sid sent.
func (b *Bot) Turns(sid string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.turns[sid]
}

// Handle answers msg:
//   - 你好, hi, hello: a greeting with quick replies;
//   - 退货 or returns: the returns policy with an image, a link and a quick reply;
//   - order_status: asks for the order number;
//   - 转人工, human: hands off;
//   - panic, fail, down, slow: panics, fails, is unavailable, waits for ctx;
//   - anything else: "收到：<text>" and "第 N 句" (the session's turn count).
func (b *Bot) Handle(ctx context.Context, msg channel.Message) (channel.Reply, error) {
	b.mu.Lock()
	b.turns[msg.SessionID]++
	n := b.turns[msg.SessionID]
	b.mu.Unlock()

	text := strings.TrimSpace(msg.Text)
	switch {
	case text == "你好" || strings.EqualFold(text, "hi") || strings.EqualFold(text, "hello"):
		return channel.Reply{Parts: []channel.Part{
			channel.Text("您好，我是小客，有什么可以帮您？"),
			channel.QuickReplies(
				channel.QuickReply{Title: "查订单", Payload: "order_status"},
				channel.QuickReply{Title: "怎么退货", Payload: "怎么退货？"},
				channel.QuickReply{Title: "转人工", Payload: "转人工"},
			),
		}, Intent: &channel.Intent{Name: "greet", Confidence: 0.99}}, nil
	case strings.Contains(text, "退货") || strings.Contains(strings.ToLower(text), "returns"):
		return channel.Reply{Parts: []channel.Part{
			channel.Text("收到商品 7 天内可以无理由退货，运费由我们承担。"),
			channel.Image("/img/returns.png", "退货流程图"),
			channel.Link("退货政策", "https://shop.example/help/returns"),
			channel.QuickReplies(channel.QuickReply{Title: "申请退货", Payload: "return_goods"}),
		}, Intent: &channel.Intent{Name: "faq.returns", Confidence: 0.91}}, nil
	case text == "order_status":
		return channel.Reply{Parts: []channel.Part{channel.Text("请提供您的订单号。")},
			Intent: &channel.Intent{Name: "order_status", Confidence: 1}}, nil
	case text == "return_goods":
		return channel.Reply{Parts: []channel.Part{channel.Text("好的，已为您创建退货申请。")},
			Intent: &channel.Intent{Name: "return_goods", Confidence: 1}}, nil
	case text == "转人工" || strings.EqualFold(text, "human"):
		return channel.Reply{Parts: []channel.Part{channel.Text("正在为您转接人工客服，请稍候。")},
			Intent: &channel.Intent{Name: "human", Confidence: 1}, Handoff: true, HandoffReason: channel.HandoffRequested}, nil
	case text == "panic":
		panic("testbot: panic on request")
	case text == "fail":
		return channel.Reply{}, errors.New("testbot: database exploded: password=hunter2")
	case text == "down":
		return channel.Reply{}, fmt.Errorf("%w: testbot: store down", channel.ErrUnavailable)
	case text == "slow":
		select {
		case <-ctx.Done():
			return channel.Reply{}, ctx.Err()
		case <-time.After(5 * time.Second):
			return channel.TextReply("终于好了"), nil
		}
	}
	return channel.TextReply("收到："+text, fmt.Sprintf("第 %d 句", n)), nil
}
