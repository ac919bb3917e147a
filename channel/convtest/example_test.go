package convtest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
)

func Example() {
	s, err := convtest.Parse("greeting.yaml", []byte(`
conversations:
  - name: greeting
    turns:
      - say: 你好
        expect: {text: 您好, small_talk: greeting}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	// A handler that greets and explains itself; a kefu.Bot does both.
	h := channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		r := channel.TextReply("您好！")
		if m.Explain {
			r.Explanation = &channel.Explanation{SmallTalk: "greeting"}
		}
		return r, nil
	})
	rep := convtest.Run(context.Background(), h, convtest.Options{}, s)
	_ = rep.WriteText(os.Stdout)
	// Output:
	// PASS  greeting.yaml: greeting
	//
	// 1 of 1 conversations passed (100.0 %)
}
