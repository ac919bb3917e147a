package flows_test

import (
	"fmt"

	"github.com/kefuai/kefu/dialogue/flows"
)

// The flows come in the order of their file names.
func ExampleLoad() {
	fs, err := flows.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fs {
		fmt.Println(f.Name, f.Lang, f.Intents)
	}
	// Output:
	// order_status en [order_status]
	// returns zh [return_goods refund]
}
