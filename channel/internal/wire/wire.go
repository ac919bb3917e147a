// Package wire holds what the JSON adapters (httpapi, webchat) share: the
// reply and error shapes, the mapping of errors to codes and statuses, and
// random IDs.
package wire

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/kefuai/kefu/channel"
)

// Reply is a handler's reply on the wire.
type Reply struct {
	SessionID     string                `json:"session_id"`
	Replies       []channel.Part        `json:"replies"`
	Intent        *channel.Intent       `json:"intent"`
	Handoff       bool                  `json:"handoff"`
	HandoffReason channel.HandoffReason `json:"handoff_reason,omitempty"`
}

// NewReply returns r on the wire for session sid; Replies is never nil.
func NewReply(sid string, r channel.Reply) Reply {
	parts := r.Parts
	if parts == nil {
		parts = []channel.Part{}
	}
	return Reply{SessionID: sid, Replies: parts, Intent: r.Intent, Handoff: r.Handoff, HandoffReason: r.HandoffReason}
}

// Error is the body of every error: {"error":{"code","message"}}.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error codes.
const (
	CodeInvalidJSON    = "invalid_json"
	CodeUnknownField   = "unknown_field"
	CodeMediaType      = "unsupported_media_type"
	CodeBodyTooLarge   = "body_too_large"
	CodeTextTooLarge   = "text_too_large"
	CodeEmptyText      = "empty_text"
	CodeInvalidUTF8    = "invalid_utf8"
	CodeInvalidID      = "invalid_id"
	CodeRateLimited    = "rate_limited"
	CodeUnavailable    = "unavailable"
	CodeInternal       = "internal"
	CodeNotFound       = "not_found"
	CodeMethod         = "method_not_allowed"
	CodeInvalidMessage = "invalid_message"
)

// Classify maps an error of a message check or a handler to an HTTP status
// and an error code. Bad input is the client's (4xx); ErrRateLimited is
// 429; ErrUnavailable, deadlines and cancellations are 503; the rest 500.
func Classify(err error) (status int, code string) {
	switch {
	case errors.Is(err, channel.ErrEmptyText):
		return http.StatusBadRequest, CodeEmptyText
	case errors.Is(err, channel.ErrInvalidUTF8):
		return http.StatusBadRequest, CodeInvalidUTF8
	case errors.Is(err, channel.ErrInvalidID):
		return http.StatusBadRequest, CodeInvalidID
	case errors.Is(err, channel.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, CodeTextTooLarge
	case errors.Is(err, channel.ErrRateLimited):
		return http.StatusTooManyRequests, CodeRateLimited
	case errors.Is(err, channel.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, CodeUnavailable
	}
	return http.StatusInternalServerError, CodeInternal
}

// InputMessage returns what a client is told about its bad input (a 4xx
// code), in Chinese and English.
func InputMessage(code string) string {
	switch code {
	case CodeInvalidJSON:
		return "请求不是有效的 JSON / The request is not valid JSON."
	case CodeUnknownField:
		return "请求含有未知字段 / The request has an unknown field."
	case CodeMediaType:
		return "请使用 Content-Type: application/json / Send Content-Type: application/json."
	case CodeBodyTooLarge:
		return "请求太大 / The request body is too large."
	case CodeTextTooLarge:
		return "消息太长 / The text is too long."
	case CodeEmptyText:
		return "消息内容为空 / The text is empty."
	case CodeInvalidUTF8:
		return "消息含有无效字符（非 UTF-8）/ The text is not valid UTF-8."
	case CodeInvalidID:
		return "会话、用户或消息 ID 无效 / The session, user or message ID is invalid."
	case CodeNotFound:
		return "没有这个接口 / No such endpoint."
	case CodeMethod:
		return "不支持的请求方法 / Method not allowed."
	case CodeInvalidMessage:
		return "消息格式无效 / The message is malformed."
	}
	return code
}

// NewID returns a random 128-bit ID of 32 hex digits.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RetryAfter is the Retry-After header value for a wait of d: whole
// seconds, rounded up, at least 1.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
