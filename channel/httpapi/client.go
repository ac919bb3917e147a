package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/kefuai/kefu/channel"
)

// Client sends messages to a bot's JSON API: a channel.Handler for tools
// and tests that talk to a bot over HTTP as they would to one in the
// process. It is safe for concurrent use.
type Client struct {
	url  string
	http *http.Client
}

// NewClient returns a Client of the API at url (".../v1/messages"), using
// hc (http.DefaultClient when nil).
func NewClient(url string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{url: url, http: hc}
}

// maxResponse bounds the response body a Client reads.
const maxResponse = 4 << 20

// Handle posts msg (its session, user, text, meta, and whether it asks for
// an explanation) and returns the reply. An error response becomes an
// error naming its code; 429 and 503 wrap channel.ErrRateLimited and
// channel.ErrUnavailable.
func (c *Client) Handle(ctx context.Context, msg channel.Message) (channel.Reply, error) {
	body, err := json.Marshal(Request{SessionID: msg.SessionID, UserID: msg.UserID, Text: msg.Text, Meta: msg.Meta, Explain: msg.Explain})
	if err != nil {
		return channel.Reply{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return channel.Reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return channel.Reply{}, fmt.Errorf("%w: %w", channel.ErrUnavailable, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return channel.Reply{}, fmt.Errorf("%w: %w", channel.ErrUnavailable, err)
	}
	var r Response
	if err := json.Unmarshal(raw, &r); err != nil {
		return channel.Reply{}, fmt.Errorf("httpapi: %s answered %d with no JSON response", c.url, res.StatusCode)
	}
	reply := channel.Reply{Parts: r.Replies, Intent: r.Intent, Handoff: r.Handoff, HandoffReason: r.HandoffReason, Explanation: r.Explanation}
	if res.StatusCode == http.StatusOK {
		return reply, nil
	}
	code := ""
	if r.Error != nil {
		code = r.Error.Code
	}
	err = fmt.Errorf("httpapi: %s answered %d (%s)", c.url, res.StatusCode, code)
	switch res.StatusCode {
	case http.StatusTooManyRequests:
		err = fmt.Errorf("%w: %w", channel.ErrRateLimited, err)
	case http.StatusServiceUnavailable:
		err = fmt.Errorf("%w: %w", channel.ErrUnavailable, err)
	}
	return reply, err
}
