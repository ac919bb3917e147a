// Package flows holds example dialogue flows, embedded so that a bot can
// run them without files on disk: a Chinese returns conversation
// (returns_zh.yaml) and an English order-status one
// (order_status_en.yaml, which needs an operator function named
// "order_status").
package flows

import (
	"embed"

	"github.com/kefuai/kefu/dialogue"
)

// FS holds the flow files. It is read-only.
//
//go:embed *.yaml
var FS embed.FS

// Load parses and validates every flow in FS.
func Load() ([]*dialogue.Flow, error) { return dialogue.LoadFlows(FS, "*.yaml") }
