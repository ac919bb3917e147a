package dialogue_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/kefuai/kefu/dialogue"
)

// FuzzParseFlow checks that the loader never panics and that whatever it
// accepts, an engine accepts and can run.
func FuzzParseFlow(f *testing.F) {
	for _, name := range []string{"flows/returns_zh.yaml", "flows/order_status_en.yaml", "testdata/flows/broken.yaml",
		"testdata/flows/tiny.json", "testdata/flows/bad_type.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name: x\nintents: [a]\nstates: [{name: s, do: [{say: '{x'}]}]\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.yaml", "f.json"} {
			fl, err := dialogue.ParseFlow(name, data)
			if err != nil {
				if fl != nil {
					t.Fatal("a flow and an error")
				}
				_ = err.Error()
				continue
			}
			funcs := map[string]dialogue.Func{}
			for _, s := range fl.States {
				for _, d := range s.Do {
					if d.Call != "" {
						funcs[d.Call] = func(context.Context, dialogue.Call) (dialogue.Result, error) { return dialogue.Result{}, nil }
					}
				}
			}
			e, err := dialogue.NewEngine([]*dialogue.Flow{fl}, dialogue.Options{Funcs: funcs})
			if err != nil {
				t.Fatalf("ParseFlow accepted a flow NewEngine refuses: %v", err)
			}
			in := dialogue.Input{Text: "DD2025030501 明天 三百五", Time: time.Unix(1741744800, 0)}
			if len(fl.Intents) > 0 {
				in.Intent, in.Confidence = fl.Intents[0], 1
			} else if len(fl.Events) > 0 {
				in.Event = fl.Events[0]
			}
			for range 3 {
				if _, err := e.Step(context.Background(), "s", in); err != nil && !isExpected(err) {
					t.Fatalf("Step: %v", err)
				}
				in.Time = in.Time.Add(time.Minute)
			}
		}
	})
}

// isExpected reports errors a valid flow may still produce: a cycle of
// transitions that never asks anything.
func isExpected(err error) bool { return errors.Is(err, dialogue.ErrLoop) }

// FuzzReadReply checks that the reply reader never panics, that a
// question or an aside is never an answer, and that a tentative reading is
// a yes.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"好的", "对了，挂失要收费吗？", "不是不要", "yes please", "应该是吧", "等一下", "\xff\xfe好", "👍", "不不不", "没错没错"} {
		f.Add(s, "确认冻结尾号 1234 的银行卡吗？")
	}
	f.Fuzz(func(t *testing.T, reply, question string) {
		r := dialogue.ReadReply(reply, question)
		if r.Answer > dialogue.Wait {
			t.Fatalf("answer %d out of range", r.Answer)
		}
		if (r.Question || r.Aside) && r.Answer != dialogue.Unsure {
			t.Fatalf("%q: a question or an aside read as %s", reply, r.Answer)
		}
		if r.Tentative && r.Answer != dialogue.Yes {
			t.Fatalf("%q: tentative %s", reply, r.Answer)
		}
		if r2 := dialogue.ReadReply(reply, question); r2 != r {
			t.Fatalf("%q: two readings %+v and %+v", reply, r, r2)
		}
	})
}
