package kefu

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/intent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// remoteClassifier stands for a classifier behind a network service: it
// fails, or waits until ctx is done.
type remoteClassifier struct{ fail, block bool }

func (c remoteClassifier) Classify(ctx context.Context, text string) (intent.Result, error) {
	if c.block {
		<-ctx.Done()
		return intent.Result{}, ctx.Err()
	}
	return intent.Result{}, errors.New("classifier unreachable")
}

func TestClassifierDown(t *testing.T) {
	env := newTestBot(t, nil, WithIntents(remoteClassifier{fail: true}))
	r := env.say(t, "s1", "运费多少钱？")
	assert.Nil(t, r.Intent, "no intent without a classifier")
	assert.Contains(t, r.PlainText(), "满 99 元包邮", "the knowledge base still answers")
}

func TestClassifierCancelled(t *testing.T) {
	env := newTestBot(t, nil, WithIntents(remoteClassifier{block: true}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := env.bot.Handle(ctx, channel.Message{SessionID: "s1", UserID: "u1", Text: "运费多少钱？"})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
