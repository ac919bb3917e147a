// Package flows holds example dialogue flows, embedded so that a bot can
// run them without files on disk: a Chinese returns conversation
// (returns_zh.yaml) and an English order-status one
// (order_status_en.yaml, which needs an operator function named
// "order_status").
package flows

import (
	"embed"
	"io/fs"

	"github.com/kefuai/kefu/dialogue"
)

//go:embed *.yaml
var files embed.FS

// Files returns the flow files, to copy or to read.
func Files() fs.FS { return files }

// Load parses and validates every flow.
func Load() ([]*dialogue.Flow, error) { return dialogue.LoadFlows(files, "*.yaml") }
