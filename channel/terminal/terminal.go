// Package terminal serves a channel.Handler as a read-eval-print loop on
// any reader and writer: a terminal for trying a bot out, or an in-memory
// script in tests.
//
// Each line read is a message; the reply is written as text: images as
// "[image: alt] url", links as "[link: title] url", quick replies as a
// numbered list, where typing a number sends that option's payload. Lines
// starting with "/" are commands: /help, /new (a new session), /session
// (show its ID) and /quit (also /exit, /q). Empty lines are ignored; lines
// that are not valid UTF-8 or are too long are refused with a message, like
// every adapter refuses them.
//
//	err := terminal.Run(ctx, bot, os.Stdin, os.Stdout, terminal.Options{})
package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/wire"
)

// Options configure Run. The zero value is ready to use.
type Options struct {
	// SessionID is the session to talk in; a random one when empty.
	SessionID string
	// UserID is the customer's ID, if any.
	UserID string
	// Prompt is written before each line is read; "> " when empty.
	Prompt string
	// Quiet leaves out the greeting line with the commands.
	Quiet bool
	// Limits bound messages; see channel.Limits.
	Limits channel.Limits
	// Apology is written for a failed turn when the handler gave no
	// reply; channel.DefaultApology fills in what is empty.
	Apology channel.Bilingual
	// Channel is the messages' Channel; "terminal" when empty.
	Channel string
	// Now is the clock for Message.Time; time.Now when nil.
	Now func() time.Time
}

const help = `命令 Commands:
  /help     显示帮助 show this help
  /new      开始新会话 start a new session
  /session  显示会话 ID show the session ID
  /quit     退出 quit (/exit, /q)
有快捷回复时，输入序号即可选择。 Type a number to pick a quick reply.`

// Run reads lines from in and writes the replies of h to out until in
// ends (it returns nil), /quit is typed (nil), ctx ends (ctx.Err()), or
// reading or writing fails (that error). Turns run one at a time with ctx.
// Reading happens in a goroutine that, when ctx ends first, stays blocked
// in in.Read until in returns.
func Run(ctx context.Context, h channel.Handler, in io.Reader, out io.Writer, opts Options) error {
	if opts.Prompt == "" {
		opts.Prompt = "> "
	}
	if opts.Channel == "" {
		opts.Channel = "terminal"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionID == "" {
		opts.SessionID = wire.NewID()
	}
	opts.Apology = opts.Apology.Or(channel.DefaultApology())
	r := &repl{h: h, out: out, opts: opts, sid: opts.SessionID}

	lines := make(chan line)
	stop := make(chan struct{})
	defer close(stop)
	go readLines(in, opts.Limits.TextBytes(), lines, stop)

	if !opts.Quiet {
		r.println("kefu · 输入问题后回车，/help 查看命令，/quit 退出。 Type a question, /help for commands, /quit to leave.")
	}
	for {
		r.print(opts.Prompt)
		if r.err != nil {
			return r.err
		}
		var l line
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l = <-lines:
		}
		if l.err != nil {
			if errors.Is(l.err, io.EOF) {
				r.println("")
				return r.err
			}
			return l.err
		}
		if quit := r.line(ctx, l); quit || r.err != nil {
			return r.err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

type line struct {
	text    string
	tooLong bool
	err     error
}

// readLines sends the lines of in, each clipped to max+1 bytes, until in
// fails or stop is closed.
func readLines(in io.Reader, max int, lines chan<- line, stop <-chan struct{}) {
	br := bufio.NewReader(in)
	for {
		var buf []byte
		tooLong := false
		var err error
		for {
			var part []byte
			var more bool
			part, more, err = br.ReadLine()
			if len(buf)+len(part) > max {
				tooLong = true
			} else {
				buf = append(buf, part...)
			}
			if !more || err != nil {
				break
			}
		}
		l := line{text: string(buf), tooLong: tooLong}
		if err != nil {
			if len(buf) > 0 || tooLong {
				err = nil // the last line had no newline; EOF comes next
			} else {
				l = line{err: err}
			}
		}
		select {
		case lines <- l:
		case <-stop:
			return
		}
		if l.err != nil {
			return
		}
	}
}

type repl struct {
	h       channel.Handler
	out     io.Writer
	opts    Options
	sid     string
	options []channel.QuickReply // of the last reply, picked by number
	err     error                // the first write error
}

// line handles one line; it reports whether to quit.
func (r *repl) line(ctx context.Context, l line) bool {
	if l.tooLong {
		r.println(wire.InputMessage(wire.CodeTextTooLarge))
		return false
	}
	text := strings.TrimSpace(l.text)
	switch strings.ToLower(text) {
	case "":
		return false
	case "/quit", "/exit", "/q":
		return true
	case "/help", "/?":
		r.println(help)
		return false
	case "/new":
		r.sid, r.options = wire.NewID(), nil
		r.println("已开始新会话 New session: " + r.sid)
		return false
	case "/session":
		r.println(r.sid)
		return false
	}
	if strings.HasPrefix(text, "/") && !strings.Contains(text, " ") && len(text) < 16 {
		r.println("未知命令 Unknown command " + clean(text) + " · /help")
		return false
	}
	if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(r.options) {
		o := r.options[n-1]
		r.println("→ " + clean(o.Title))
		text = o.Value()
	}
	msg := channel.Message{
		ID:        wire.NewID(),
		SessionID: r.sid,
		UserID:    r.opts.UserID,
		Channel:   r.opts.Channel,
		Text:      text,
		Time:      r.opts.Now(),
	}
	if err := r.opts.Limits.Check(msg); err != nil {
		_, code := wire.Classify(err)
		r.println(wire.InputMessage(code))
		return false
	}
	reply, err := r.h.Handle(ctx, msg)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		if len(reply.Parts) == 0 {
			reply = channel.TextReply(r.opts.Apology.For(msg))
		}
	}
	r.show(reply)
	return false
}

// show writes a reply and remembers its quick replies.
func (r *repl) show(reply channel.Reply) {
	r.options = r.options[:0]
	for _, p := range reply.Parts {
		switch p.Type {
		case channel.PartText:
			r.println(clean(p.Text))
		case channel.PartImage:
			r.println("[image: " + clean(p.Alt) + "] " + clean(p.URL))
		case channel.PartLink:
			r.println("[link: " + clean(p.Title) + "] " + clean(p.URL))
		case channel.PartQuickReplies:
			for _, o := range p.Options {
				r.options = append(r.options, o)
				r.println(fmt.Sprintf("  %d) %s", len(r.options), clean(o.Title)))
			}
		}
	}
	if len(r.options) > 0 {
		r.println("（输入序号选择 · type a number to choose）")
	}
	if reply.Handoff {
		s := "[转人工 · handed off"
		if reply.HandoffReason != "" {
			s += ": " + clean(string(reply.HandoffReason))
		}
		r.println(s + "]")
	}
}

func (r *repl) print(s string) {
	if r.err == nil {
		_, r.err = io.WriteString(r.out, s)
	}
}

func (r *repl) println(s string) { r.print(s + "\n") }

// clean drops control characters other than newlines and tabs, so that
// nothing written can steer the terminal (escape sequences).
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
