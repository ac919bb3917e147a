package intent

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Example is one labelled training or evaluation text.
type Example struct {
	// Text is what a customer wrote.
	Text string
	// Intent is the label: the name of the intent the text expresses.
	Intent string
}

// ParseError reports a malformed line of a labelled-example file.
type ParseError struct {
	// File is the name given to ReadTSV, Line the 1-based line number.
	File string
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("intent: %s:%d: %s", e.File, e.Line, e.Msg)
}

// MaxLineBytes is the longest line ReadTSV accepts.
const MaxLineBytes = 1 << 20

// ReadTSV reads labelled examples, one per line as "intent<TAB>text", UTF-8.
// Blank lines are skipped; a leading byte-order mark and trailing "\r" are
// ignored. name identifies the input in errors. A line without a TAB, with
// an empty intent or text, with invalid UTF-8, or longer than MaxLineBytes
// yields a *ParseError naming the line; nothing is returned then.
func ReadTSV(r io.Reader, name string) ([]Example, error) {
	br := bufio.NewReader(r)
	var out []Example
	for line := 1; ; line++ {
		s, err := readLine(br)
		if err == io.EOF && s == "" {
			return out, nil
		}
		if errors.Is(err, errLineTooLong) {
			return nil, &ParseError{File: name, Line: line, Msg: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("intent: reading %s: %w", name, err)
		}
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		s = strings.TrimSuffix(s, "\r")
		if strings.TrimSpace(s) != "" {
			ex, msg := parseLine(s)
			if msg != "" {
				return nil, &ParseError{File: name, Line: line, Msg: msg}
			}
			out = append(out, ex)
		}
		if err == io.EOF {
			return out, nil
		}
	}
}

var errLineTooLong = errors.New("line too long")

func readLine(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		chunk, err := br.ReadSlice('\n')
		if sb.Len()+len(chunk) > MaxLineBytes+1 {
			// Skip the rest of the line so the error names it.
			return "", errLineTooLong
		}
		sb.Write(chunk)
		if err == bufio.ErrBufferFull {
			continue
		}
		s := strings.TrimSuffix(sb.String(), "\n")
		if err != nil {
			return s, err
		}
		return s, nil
	}
}

func parseLine(s string) (Example, string) {
	if !utf8.ValidString(s) {
		return Example{}, "invalid UTF-8"
	}
	label, text, ok := strings.Cut(s, "\t")
	if !ok {
		return Example{}, "no TAB between intent and text"
	}
	label, text = strings.TrimSpace(label), strings.TrimSpace(text)
	if label == "" {
		return Example{}, "empty intent"
	}
	if text == "" {
		return Example{}, "empty text"
	}
	return Example{Text: text, Intent: label}, ""
}

// ReadTSVFile reads labelled examples from the named file; see ReadTSV.
func ReadTSVFile(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("intent: %w", err)
	}
	defer f.Close()
	return ReadTSV(f, path)
}
