package kefu

import (
	"time"

	"github.com/kefuai/kefu/channel"
)

// hooks turns what happens in turns into events.
type hooks struct{}

func (h *hooks) turn(t *turnCtx) {}

func (h *hooks) turnError(msg channel.Message, at time.Time, err error) {}
