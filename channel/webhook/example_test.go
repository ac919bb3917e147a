package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/webhook"
)

// A bot whose hand-offs open tickets in a CRM, and the CRM's side, which
// verifies each delivery.
func Example() {
	secret := []byte("shared-secret-of-the-crm")
	tickets := make(chan webhook.Ticket, 1)
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.VerifyRequest(r, secret, 5*time.Minute)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var t webhook.Ticket
		if err := json.Unmarshal(body, &t); err != nil {
			http.Error(w, "bad ticket", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
		tickets <- t
	}))
	defer crm.Close()

	sender, err := webhook.New(webhook.Options{URL: crm.URL, Secret: secret})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sender.Close(context.Background())

	bot := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		if m.Text == "转人工" {
			return channel.Reply{Parts: []channel.Part{channel.Text("正在为您转接人工客服。")}, Handoff: true, HandoffReason: channel.HandoffRequested}, nil
		}
		return channel.TextReply("请问还有什么可以帮您？"), nil
	})
	h := channel.Chain(bot, webhook.Handoff(sender, nil))
	for _, text := range []string{"快递三天没到", "转人工"} {
		_, _ = h.Handle(context.Background(), channel.Message{SessionID: "s-1", UserID: "u-42", Text: text})
	}

	t := <-tickets
	fmt.Println(t.SessionID, t.UserID, t.Reason)
	for _, e := range t.Transcript {
		fmt.Printf("%s: %s\n", e.Role, e.Text)
	}
	// Output:
	// s-1 u-42 requested
	// user: 快递三天没到
	// bot: 请问还有什么可以帮您？
	// user: 转人工
	// bot: 正在为您转接人工客服。
}
