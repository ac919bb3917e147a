package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256, keyed
	// with the shared secret, of the timestamp, a dot and the body.
	SignatureHeader = "X-Kefu-Signature"
	// TimestampHeader carries the Unix time in seconds when the delivery
	// was signed. It is part of what is signed, so a receiver that refuses
	// old timestamps refuses replayed deliveries.
	TimestampHeader = "X-Kefu-Timestamp"
	// DeliveryHeader carries the ticket's ID, the same on every attempt,
	// so that a receiver can drop a ticket it already has.
	DeliveryHeader = "X-Kefu-Delivery"
)

// Errors of Verify and VerifyRequest.
var (
	// ErrBadSignature is returned for a delivery whose signature is
	// missing, malformed, or not the body's under the secret.
	ErrBadSignature = errors.New("webhook: bad signature")
	// ErrExpired is returned for a delivery signed too long ago, or too
	// far in the future: a replay, or a badly wrong clock.
	ErrExpired = errors.New("webhook: timestamp out of range")
)

// Sign returns the value of SignatureHeader for body signed at timestamp
// (the value of TimestampHeader) with secret.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery: that signature is Sign(secret, timestamp,
// body), compared in constant time, and that timestamp is within maxAge
// of now (either way). It returns nil, or an error wrapping
// ErrBadSignature or ErrExpired. A maxAge <= 0 means 5 minutes.
func Verify(secret []byte, signature, timestamp string, body []byte, maxAge time.Duration, now time.Time) error {
	if maxAge <= 0 {
		maxAge = 5 * time.Minute
	}
	hexSig, ok := strings.CutPrefix(signature, "sha256=")
	if !ok {
		return fmt.Errorf("%w: no sha256= signature", ErrBadSignature)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("%w: not hex", ErrBadSignature)
	}
	want, _ := hex.DecodeString(strings.TrimPrefix(Sign(secret, timestamp, body), "sha256="))
	if !hmac.Equal(got, want) {
		return ErrBadSignature
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrExpired, timestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxAge || d < -maxAge {
		return fmt.Errorf("%w: signed %v ago", ErrExpired, d.Round(time.Second))
	}
	return nil
}

// VerifyRequest reads the body of a delivery (at most 1 MiB) and verifies
// it with Verify against the current time. It returns the body, which is a
// JSON Ticket, when the delivery is genuine.
//
//	func receive(w http.ResponseWriter, r *http.Request) {
//		body, err := webhook.VerifyRequest(r, secret, 5*time.Minute)
//		if err != nil {
//			http.Error(w, "forbidden", http.StatusForbidden)
//			return
//		}
//		var t webhook.Ticket
//		...
func VerifyRequest(r *http.Request, secret []byte, maxAge time.Duration) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if err := Verify(secret, r.Header.Get(SignatureHeader), r.Header.Get(TimestampHeader), body, maxAge, time.Now()); err != nil {
		return nil, err
	}
	return body, nil
}
