package demo

import (
	"embed"

	"github.com/kefuai/kefu/dialogue"
)

//go:embed flows/*.yaml
var flowFS embed.FS

// Flows returns the dialogue flows, each speaking Chinese and, through its
// translations, English: returns (intents return_goods and refund) and
// order_status (intent order_status). The order-status flow calls the
// function "order_status" of Funcs; the returns flow opens tickets in the
// "returns" queue, and the order-status flow in the "delivery" queue.
func Flows() ([]*dialogue.Flow, error) { return dialogue.LoadFlows(flowFS, "flows/*.yaml") }
