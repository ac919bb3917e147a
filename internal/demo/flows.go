package demo

import (
	"embed"

	"github.com/kefuai/kefu/dialogue"
)

//go:embed flows/*.yaml
var flowFS embed.FS

// Flows returns the dialogue flows: returns_zh (intents return_goods and
// refund), returns_en (return_goods_en), order_status_zh (order_status) and
// order_status_en (order_status_en). The order-status flows call the
// function "order_status" of Funcs; the returns flows open tickets in the
// "returns" queue, and the order-status flows in the "delivery" queue.
func Flows() ([]*dialogue.Flow, error) { return dialogue.LoadFlows(flowFS, "flows/*.yaml") }
