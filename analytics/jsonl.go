package analytics

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"sync"
)

// JSONLWriter is a Hook that writes each event as one line of JSON, the
// format of WriteJSONL, for log shipping or an archive. Text is treated by
// its TextPolicy (redacted by default) even when the dispatcher already
// did, so the writer is safe on its own. Output is buffered: call Flush,
// or Close, to write it out. It is safe for concurrent use.
type JSONLWriter struct {
	text   TextPolicy
	redact RedactFunc

	mu  sync.Mutex
	w   *bufio.Writer
	enc *json.Encoder
	c   io.Closer
}

// NewJSONLWriter returns a JSONLWriter writing to w. When w is an
// io.Closer, Close closes it.
func NewJSONLWriter(w io.Writer, opts StoreOptions) *JSONLWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	j := &JSONLWriter{text: opts.Text, redact: opts.Redact, w: bw, enc: enc}
	if j.text == TextRedacted && j.redact == nil {
		j.redact = DefaultRedact()
	}
	if c, ok := w.(io.Closer); ok {
		j.c = c
	}
	return j
}

// Handle writes e.
func (j *JSONLWriter) Handle(_ context.Context, e Event) error {
	e = j.text.Apply(e, j.redact)
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.enc.Encode(e)
}

// HandleBatch writes events and flushes.
func (j *JSONLWriter) HandleBatch(_ context.Context, events []Event) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range events {
		if err := j.enc.Encode(j.text.Apply(e, j.redact)); err != nil {
			return err
		}
	}
	return j.w.Flush()
}

// Flush writes buffered lines out.
func (j *JSONLWriter) Flush() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.w.Flush()
}

// Close flushes and closes the underlying writer when it is a Closer.
func (j *JSONLWriter) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	err := j.w.Flush()
	if j.c != nil {
		if cerr := j.c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
