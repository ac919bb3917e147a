package kefu

import (
	"fmt"
	"testing"
)

func TestReadSmallTalk(t *testing.T) {
	for text, want := range map[string]SmallTalk{
		"你好": Greeting, "您好！": Greeting, "在吗？": Greeting, "hi there": Greeting, "Good morning": Greeting,
		"谢谢": Thanks, "謝謝": Thanks, "好的谢谢亲": Thanks, "thanks a lot!": Thanks, "Thank you 🙏": Thanks,
		"再见": Goodbye, "好的谢谢，再见": Goodbye, "拜拜～": Goodbye, "bye": Goodbye, "88": Goodbye,
		"你好，我想退货": NoSmallTalk, "谢谢你们的退款政策怎么样": NoSmallTalk, "运费多少钱": NoSmallTalk,
		"hello, where is my order": NoSmallTalk, "": NoSmallTalk, "1234": NoSmallTalk, "thanks for nothing, where is my refund": NoSmallTalk,
	} {
		if got := ReadSmallTalk(text); got != want {
			t.Errorf("ReadSmallTalk(%q) = %v, want %v", text, got, want)
		}
	}
	if g := Greeting.Intent(); g != "greeting" {
		t.Errorf("Greeting.Intent() = %q", g)
	}
}

func ExampleReadSmallTalk() {
	for _, s := range []string{"你好", "谢谢亲！", "好的谢谢，再见", "你好，我想退货"} {
		fmt.Printf("%s: %q\n", s, ReadSmallTalk(s).Intent())
	}
	// Output:
	// 你好: "greeting"
	// 谢谢亲！: "thanks"
	// 好的谢谢，再见: "goodbye"
	// 你好，我想退货: ""
}
