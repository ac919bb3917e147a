package kefu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// Fallback configures what the bot says when it has no answer. The zero
// value takes the defaults.
type Fallback struct {
	// MinConfidence is the knowledge-base confidence an answer needs;
	// kb.DefaultMinConfidence when zero.
	MinConfidence float64
	// SuggestConfidence is the confidence a knowledge-base entry needs to
	// be offered as a "did you mean…" suggestion; 0.1 when zero.
	SuggestConfidence float64
	// Suggestions bounds the suggestions offered; 3 when zero.
	Suggestions int
	// OfferHumanAfter is how many unanswered messages in a row make the
	// bot offer a person; 2 when zero.
	OfferHumanAfter int
	// NoSmallTalk turns off the built-in answers to greetings, thanks and
	// goodbyes.
	NoSmallTalk bool
	// Texts are what the bot says; empty ones take the defaults.
	Texts Texts
}

// Texts are the bot's own sentences, in Chinese and English.
type Texts struct {
	// NotUnderstood opens a fallback without suggestions.
	NotUnderstood channel.Bilingual
	// DidYouMean opens a fallback with suggestions.
	DidYouMean channel.Bilingual
	// OfferHuman is said after repeated fallbacks; HumanOption is the quick
	// reply that asks for a person.
	OfferHuman  channel.Bilingual
	HumanOption channel.Bilingual
	// Handoff is said when the customer is handed to a person.
	Handoff channel.Bilingual
	// TicketFailed is said when a ticket could not be opened.
	TicketFailed channel.Bilingual
	// RatingAsk asks for a rating (see WithRating); RatingThanks thanks
	// for one.
	RatingAsk, RatingThanks channel.Bilingual
	// Greeting, Thanks and Goodbye answer small talk (see ReadSmallTalk)
	// when no knowledge-base entry names the intent "greeting", "thanks"
	// or "goodbye".
	Greeting, Thanks, Goodbye channel.Bilingual
}

func (f Fallback) withDefaults() Fallback {
	if f.MinConfidence == 0 {
		f.MinConfidence = kb.DefaultMinConfidence
	}
	if f.SuggestConfidence == 0 {
		f.SuggestConfidence = 0.1
	}
	if f.Suggestions == 0 {
		f.Suggestions = 3
	}
	if f.OfferHumanAfter == 0 {
		f.OfferHumanAfter = 2
	}
	t := &f.Texts
	t.NotUnderstood = t.NotUnderstood.Or(channel.Bilingual{
		Zh: "抱歉，我没有理解您的问题。您可以换个说法，或者描述得具体一些。",
		En: "Sorry, I didn't understand. Could you say it another way, or give a few more details?"})
	t.DidYouMean = t.DidYouMean.Or(channel.Bilingual{Zh: "抱歉，我不太确定您的意思。您是想问：", En: "Sorry, I'm not sure what you mean. Did you mean:"})
	t.OfferHuman = t.OfferHuman.Or(channel.Bilingual{
		Zh: "看来我没能帮上忙。需要为您转接人工客服吗？",
		En: "It seems I can't help with this. Would you like to talk to a person?"})
	t.HumanOption = t.HumanOption.Or(channel.Bilingual{Zh: "转人工", En: "Talk to a person"})
	t.Handoff = t.Handoff.Or(channel.Bilingual{
		Zh: "好的，正在为您转接人工客服，请稍候。",
		En: "Connecting you to a person now, please hold on."})
	t.TicketFailed = t.TicketFailed.Or(channel.Bilingual{
		Zh: "抱歉，提交时出了问题，正在为您转接人工客服。",
		En: "Sorry, something went wrong while submitting. Connecting you to a person."})
	t.RatingAsk = t.RatingAsk.Or(channel.Bilingual{
		Zh: "请为本次服务打个分吧：", En: "How would you rate this conversation?"})
	t.RatingThanks = t.RatingThanks.Or(channel.Bilingual{
		Zh: "感谢您的评价，祝您生活愉快！", En: "Thank you for your feedback. Have a nice day!"})
	t.Greeting = t.Greeting.Or(channel.Bilingual{Zh: "您好！请问有什么可以帮您？", En: "Hello! How can I help you?"})
	t.Thanks = t.Thanks.Or(channel.Bilingual{Zh: "不客气！还有其他问题随时问我。", En: "You're welcome! If there's anything else, just ask."})
	t.Goodbye = t.Goodbye.Or(channel.Bilingual{Zh: "感谢您的咨询，再见！", En: "Thanks for chatting with us. Goodbye!"})
	return f
}

// HumanPayload is the payload of the bot's "talk to a person" quick reply:
// a message with exactly this text hands the customer off.
const HumanPayload = "/human"

// sessionState is what the bot keeps per session: one record, updated
// once a turn.
type sessionState struct {
	// Dialogue is the dialogue engine's session: the flow, its state and
	// its slots.
	Dialogue *dialogue.Session `json:"dialogue,omitempty"`
	Started  time.Time         `json:"started"`
	Last     time.Time         `json:"last"`
	Misses   int               `json:"misses,omitempty"`
	Turns    int               `json:"turns"`
	// Lang is the session's language (channel.LangZH or LangEN), taken
	// from the customer's messages: set by the first, changed only by a
	// message that clearly speaks the other language, so that an order
	// number or an "ok" keeps it.
	Lang string `json:"lang,omitempty"`
	// Ended records that the session ended (hand-off, rating): the next
	// message starts a new one, as does one after the idle timeout.
	Ended bool `json:"ended,omitempty"`
	// RatingAsked records that the bot asked for a rating and has not had
	// one: only then does a rating count.
	RatingAsked bool `json:"rating_asked,omitempty"`
	// HumanOffered records that the bot offered a person: a yes to the
	// offer ("好的", "yes please") hands off.
	HumanOffered bool `json:"human_offered,omitempty"`
	// Recent holds the replies to the last messages, by message ID, so
	// that a message sent again (a client retrying after a timeout or a
	// lost connection) gets the same reply without its turn running twice.
	Recent []recentTurn `json:"recent,omitempty"`
}

// recentTurn is a message's ID and the reply it got.
type recentTurn struct {
	ID    string        `json:"id"`
	Reply channel.Reply `json:"reply"`
}

// maxRecent bounds sessionState.Recent: retries come for the last
// messages, and a session record stays small.
const maxRecent = 2

// replayed returns the reply already given to message id, if any.
func (st *sessionState) replayed(id string) (channel.Reply, bool) {
	if id == "" {
		return channel.Reply{}, false
	}
	for _, r := range st.Recent {
		if r.ID == id {
			return r.Reply, true
		}
	}
	return channel.Reply{}, false
}

// remember keeps the reply to message id for a retry.
func (st *sessionState) remember(id string, r channel.Reply) {
	if id == "" {
		return
	}
	r.Explanation = nil
	st.Recent = append(st.Recent, recentTurn{ID: id, Reply: r})
	if n := len(st.Recent); n > maxRecent {
		st.Recent = slices.Delete(st.Recent, 0, n-maxRecent)
	}
}

// stateKey is the key of a session's record in the session store, apart
// from the keys an engine used on its own would write there.
func stateKey(sessionID string) string { return "kefu-bot:" + sessionID }

// turn is the core of Handle, inside recovery and middleware.
func (b *Bot) turn(ctx context.Context, msg channel.Message) (channel.Reply, error) {
	if err := b.limits.Check(msg); err != nil {
		return channel.Reply{}, err
	}
	msg.Text = strings.TrimSpace(msg.Text)
	now := b.msgTime(msg)
	p := b.parts.Load()

	rating := parseRating(msg.Text)
	human := msg.Text == HumanPayload
	var reply channel.Reply
	t := &turnCtx{b: b, p: p, msg: msg, now: now, reply: &reply, rating: rating, human: human}
	if p.intents != nil && rating == 0 && !human {
		if err := t.classify(ctx); err != nil {
			return channel.Reply{}, err
		}
	}

	// The bot's session state is updated around the whole turn, so turns
	// of one session run one at a time, whichever instance receives them.
	err := b.store.Update(ctx, stateKey(msg.SessionID), 2*b.hooks.idle, func(old []byte) ([]byte, error) {
		t.old = old
		var st sessionState
		if old != nil {
			if err := json.Unmarshal(old, &st); err != nil {
				// A damaged state is not worth failing the customer: start
				// afresh.
				b.log.Warn("kefu: unreadable session state; starting afresh", "session", msg.SessionID, "err", err)
				st = sessionState{}
			}
		}
		t.st = &st
		if r, ok := st.replayed(msg.ID); ok {
			// The message was answered already: the same reply, and
			// nothing runs or changes.
			reply, t.replay = r, true
			return old, nil
		}
		if st.Started.IsZero() || st.Ended || now.Sub(st.Last) >= b.hooks.idle {
			// A new session: the first, or the next after one ended. A flow
			// left waiting is the engine's to expire, with a word to the
			// customer.
			st = sessionState{Started: now, Dialogue: st.Dialogue, Recent: st.Recent}
			t.started = true
		}
		if t.rating > 0 && !st.RatingAsked {
			// A rating nobody asked for is an ordinary message.
			t.rating = 0
			if p.intents != nil {
				if err := t.classify(ctx); err != nil {
					return nil, err
				}
			}
		}
		if err := t.run(ctx); err != nil {
			return nil, err
		}
		st.Last = now
		st.Turns++
		if t.res.Intent != "" && !t.res.OutOfScope {
			reply.Intent = &channel.Intent{Name: t.res.Intent, Confidence: t.res.Confidence}
		}
		st.remember(msg.ID, reply)
		return json.Marshal(&st)
	})
	if err != nil {
		return channel.Reply{}, unavailable(err)
	}
	if t.replay {
		return reply, nil
	}
	t.sendTickets(ctx)
	if msg.Explain {
		reply.Explanation = t.explain(ctx)
	}
	b.hooks.turn(t)
	return reply, nil
}

// explain says how the turn arrived at its reply.
func (t *turnCtx) explain(ctx context.Context) *channel.Explanation {
	x := &channel.Explanation{Lang: t.st.Lang, OutOfScope: t.classified && t.res.OutOfScope,
		Intent: t.confidentIntent(), SmallTalk: t.talk.Intent(), Flow: t.flow, State: t.state, Steps: t.steps}
	for _, s := range t.res.Ranked {
		x.Intents = append(x.Intents, channel.Intent{Name: s.Intent, Confidence: s.Confidence})
	}
	if t.answered != nil {
		x.Entry = &channel.EntryMatch{ID: t.answered.Entry.ID, Confidence: t.answered.Confidence, Matched: t.answered.Matched}
	}
	if s := t.st.Dialogue; t.flow != "" && s != nil && s.Flow == t.flow {
		x.Slots = map[string]string{}
		for k, v := range s.Slots {
			x.Slots[k] = v.Text
		}
	}
	return x
}

// step records what the turn did, for its explanation.
func (t *turnCtx) step(s string) {
	if t.msg.Explain {
		t.steps = append(t.steps, s)
	}
}

// turnCtx is one turn in progress.
type turnCtx struct {
	b       *Bot
	p       *parts
	msg     channel.Message
	now     time.Time
	res     intent.Result
	reply   *channel.Reply
	st      *sessionState
	started bool
	// classified reports that the classifier ran; rating is the rating
	// the message gives (0 for none); human, that the customer picked the
	// bot's offer of a person.
	classified bool
	rating     int
	human      bool

	// What happened, for analytics.
	lastHits []kb.Hit
	answered *kb.Hit
	fellBack bool
	tickets  []Ticket // opened once the turn is saved
	replay   bool     // the message was answered before: its reply again
	old      []byte   // the session record as stored before the turn
	inFlow   bool
	talk     SmallTalk
	// The flow and state the turn left the conversation in, and what it
	// did (with Message.Explain).
	flow, state string
	steps       []string

	// The last knowledge-base search, kept for the answer that follows
	// the engine's question whether the text is answerable.
	searched           bool
	searchQ, searchInt string
	searchHits         []kb.Hit
}

func (t *turnCtx) say(s string) {
	if s != "" {
		t.reply.Parts = append(t.reply.Parts, channel.Text(s))
	}
}

// bi returns s in the session's language.
func (t *turnCtx) bi(s channel.Bilingual) string { return s.In(t.st.Lang) }

// setLang updates the session's language from the message.
func (t *turnCtx) setLang() {
	lang, sure := channel.DetectLang(t.msg)
	switch {
	case t.st.Lang == "" && lang != "":
		t.st.Lang = lang
	case t.st.Lang == "":
		t.st.Lang = channel.LangZH
	case sure:
		t.st.Lang = lang
	}
}

// run decides the reply: the dialogue first, then the knowledge base, then
// the fallback.
func (t *turnCtx) run(ctx context.Context) error {
	if t.rating > 0 {
		t.say(t.bi(t.b.fb.Texts.RatingThanks))
		t.st.RatingAsked = false
		t.st.Ended = true
		return nil
	}
	if t.human {
		t.handoff(channel.HandoffRequested)
		return nil
	}
	t.setLang()
	if t.st.HumanOffered {
		t.st.HumanOffered = false
		if dialogue.ReadReply(t.msg.Text, t.bi(t.b.fb.Texts.OfferHuman)).Answer == dialogue.Yes {
			t.handoff(channel.HandoffRequested)
			return nil
		}
	}
	defer t.askRating()
	intent := t.confidentIntent()
	if t.p.engine != nil {
		handled, in, err := t.dialogue(ctx)
		if err != nil || handled {
			return err
		}
		intent = in
	}
	if t.answer(ctx, t.msg.Text, intent) {
		t.st.Misses = 0
		return nil
	}
	t.fallback(ctx)
	return nil
}

// confidentIntent returns the classifier's intent when it is sure enough
// of it to act: the dialogue engine's MinConfidence.
func (t *turnCtx) confidentIntent() string {
	min := dialogue.DefaultMinConfidence
	if t.p.engine != nil {
		min = t.p.engine.MinConfidence()
	}
	if t.res.Intent != "" && !t.res.OutOfScope && t.res.Confidence >= min {
		return t.res.Intent
	}
	return ""
}

// dialogue steps the engine and carries out its actions. It reports
// whether the engine handled the message and, when it did not, the intent
// it asks the answer for.
func (t *turnCtx) dialogue(ctx context.Context) (bool, string, error) {
	in := dialogue.Input{Text: t.msg.Text, Time: t.now, Lang: dialogue.Lang(t.st.Lang)}
	if !t.res.OutOfScope {
		in.Intent, in.Confidence = t.res.Intent, t.res.Confidence
	}
	in.Answerable = func(exact bool) bool { return t.answerable(ctx, t.msg.Text, exact) }
	in.IdleTimeout = t.b.hooks.idle
	if t.st.Dialogue == nil {
		t.st.Dialogue = &dialogue.Session{ID: t.msg.SessionID}
	}
	actions, err := t.p.engine.Advance(ctx, t.st.Dialogue, in)
	if err != nil {
		// The turn's dialogue changes are undone, as a failed Step leaves
		// its session: the stored record still holds the session as it was.
		var prev sessionState
		if t.old != nil && json.Unmarshal(t.old, &prev) == nil {
			t.st.Dialogue = prev.Dialogue
		} else {
			t.st.Dialogue = nil
		}
		var ce *dialogue.CallError
		if errors.As(err, &ce) {
			// An operator function failed and its flow has no answer for
			// that: apologize and hand off rather than fail the turn.
			t.b.log.Error("kefu: dialogue function failed", "session", t.msg.SessionID, "err", err)
			t.handoff(channel.HandoffFunctionFailed)
			return true, "", nil
		}
		return false, "", err
	}
	// Outside flows the engine asks for an answer to anything that starts
	// no flow: that is the knowledge base's and the fallback's job.
	flowWork, intent := false, ""
	for _, a := range actions {
		if a.Kind != dialogue.ActionAnswer || a.Flow != "" {
			flowWork = true
		} else {
			intent = a.Intent
		}
	}
	if !flowWork {
		return false, intent, nil
	}
	t.st.Misses = 0
	for _, a := range actions {
		if a.Flow != "" {
			t.inFlow = true
		}
		t.flow, t.state = a.Flow, a.State
		switch a.Kind {
		case dialogue.ActionEnd, dialogue.ActionHandoff:
			t.flow, t.state = "", ""
		}
		switch a.Kind {
		case dialogue.ActionSay, dialogue.ActionAnswer, dialogue.ActionHandoff:
			// Said, answered or handed off below, which records it.
		default:
			t.step(a.Summary())
		}
		switch a.Kind {
		case dialogue.ActionSay:
			t.say(a.Text)
		case dialogue.ActionAsk, dialogue.ActionConfirm:
			t.say(a.Text)
			if len(a.Options) > 0 {
				opts := make([]channel.QuickReply, len(a.Options))
				for i, o := range a.Options {
					opts[i] = channel.QuickReply{Title: o}
				}
				t.reply.Parts = append(t.reply.Parts, channel.QuickReplies(opts...))
			}
		case dialogue.ActionAnswer:
			if !t.answer(ctx, a.Text, a.Intent) && (a.Text != "" || !t.answer(ctx, t.msg.Text, "")) {
				t.say(t.bi(t.b.fb.Texts.NotUnderstood))
			}
		case dialogue.ActionTicket:
			t.openTicket(a)
		case dialogue.ActionHandoff:
			t.handoff(handoffReason(a.Reason))
		case dialogue.ActionEnd:
		}
	}
	return true, "", nil
}

// answer answers q, in this order: small talk; the entries that name
// intent (the intent the classifier is sure of, or the one a flow's answer
// step names); the knowledge-base entry that matches q best, when its
// confidence reaches Fallback.MinConfidence. It reports whether it
// answered.
func (t *turnCtx) answer(ctx context.Context, q, intent string) bool {
	if q != "" && !t.b.fb.NoSmallTalk {
		if k := ReadSmallTalk(q); k != NoSmallTalk {
			t.talk = k
			t.step("small talk " + k.Intent())
			if h := t.named(ctx, k.Intent()); h != nil {
				t.serve(*h)
				return true
			}
			switch k {
			case Greeting:
				t.say(t.bi(t.b.fb.Texts.Greeting))
			case Thanks:
				t.say(t.bi(t.b.fb.Texts.Thanks))
			case Goodbye:
				t.say(t.bi(t.b.fb.Texts.Goodbye))
			}
			return true
		}
	}
	if t.p.kb == nil {
		return false
	}
	if intent != "" {
		if q != "" {
			if hits := t.search(ctx, q, intent); len(hits) > 0 {
				t.serve(hits[0])
				return true
			}
		}
		if h := t.named(ctx, intent); h != nil {
			t.serve(*h)
			return true
		}
	}
	if q == "" {
		return false
	}
	hits := t.search(ctx, q, "")
	t.lastHits = hits
	if len(hits) == 0 || hits[0].Confidence < t.b.fb.MinConfidence {
		return false
	}
	t.serve(hits[0])
	return true
}

// answerable reports whether answer would answer q without an intent;
// with exact, whether an entry's question and q cover each other (see
// exactCover).
func (t *turnCtx) answerable(ctx context.Context, q string, exact bool) bool {
	if q == "" {
		return false
	}
	if !t.b.fb.NoSmallTalk && ReadSmallTalk(q) != NoSmallTalk {
		return true
	}
	if t.p.kb == nil {
		return false
	}
	if exact {
		hits, err := t.p.kb.Search(ctx, q, kb.SearchOptions{K: 1, MinConfidence: -1, Coverage: true})
		if err != nil {
			t.b.log.Warn("kefu: knowledge search failed", "session", t.msg.SessionID, "err", err)
			return false
		}
		return len(hits) > 0 && min(hits[0].Confidence, hits[0].Coverage) >= exactCover
	}
	hits := t.search(ctx, q, "")
	return len(hits) > 0 && hits[0].Confidence >= t.b.fb.MinConfidence
}

// exactCover is how much an entry's question and a customer's question
// must cover each other (kb.Hit.Confidence and Coverage) for the entry to
// answer a question that would otherwise start a flow: "挂失要收费吗？"
// against the entry question "挂失要收费吗" (1.0) answers, "我的快递到哪了"
// against "怎么看快递到哪了" (0.64) tracks the order.
const exactCover = 0.75

// search searches the knowledge base for q (among the entries of intent,
// when set), repeating no search within a turn. A failed search is logged
// and finds nothing.
func (t *turnCtx) search(ctx context.Context, q, intent string) []kb.Hit {
	if q == "" && intent == "" {
		return nil
	}
	if t.searched && t.searchQ == q && t.searchInt == intent {
		return t.searchHits
	}
	hits, err := t.p.kb.Search(ctx, q, kb.SearchOptions{K: t.b.fb.Suggestions, MinConfidence: -1, Intent: intent})
	if err != nil {
		t.b.log.Warn("kefu: knowledge search failed", "session", t.msg.SessionID, "err", err)
		hits = nil
	}
	t.searched, t.searchQ, t.searchInt, t.searchHits = true, q, intent, hits
	return hits
}

// named returns an entry that names intent, one whose answer is in the
// session's language if there is one, or nil.
func (t *turnCtx) named(ctx context.Context, intent string) *kb.Hit {
	if t.p.kb == nil || intent == "" {
		return nil
	}
	hits := t.search(ctx, "", intent)
	for i := range hits {
		if lang, _ := channel.DetectLang(channel.Message{Text: hits[i].Entry.Answer.Text}); lang == t.st.Lang {
			return &hits[i]
		}
	}
	if len(hits) == 0 {
		return nil
	}
	return &hits[0]
}

// serve adds entry h's answer to the reply.
func (t *turnCtx) serve(h kb.Hit) {
	t.answered = &h
	t.step("answer " + h.Entry.ID)
	a := h.Entry.Answer
	t.say(a.Text)
	for _, im := range a.Images {
		t.reply.Parts = append(t.reply.Parts, channel.Image(im.URL, im.Alt))
	}
	for _, l := range a.Links {
		t.reply.Parts = append(t.reply.Parts, channel.Link(l.Title, l.URL))
	}
	if len(a.Suggestions) > 0 {
		opts := make([]channel.QuickReply, len(a.Suggestions))
		for i, s := range a.Suggestions {
			opts[i] = channel.QuickReply{Title: s}
		}
		t.reply.Parts = append(t.reply.Parts, channel.QuickReplies(opts...))
	}
}

// fallback says the bot did not understand, with suggestions from the
// knowledge base and the classifier when there are any, and offers a
// person after repeated misses.
func (t *turnCtx) fallback(ctx context.Context) {
	t.fellBack = true
	t.step("fallback")
	t.st.Misses++
	texts := t.b.fb.Texts
	if t.st.Misses >= t.b.fb.OfferHumanAfter {
		t.st.HumanOffered = true
		t.say(t.bi(texts.OfferHuman))
		t.reply.Parts = append(t.reply.Parts, channel.QuickReplies(channel.QuickReply{Title: t.bi(texts.HumanOption), Payload: HumanPayload}))
		return
	}
	var opts []channel.QuickReply
	seen := map[string]bool{}
	add := func(title string) {
		// Suggestions speak the session's language.
		if lang, _ := channel.DetectLang(channel.Message{Text: title}); lang != "" && lang != t.st.Lang {
			return
		}
		if title != "" && !seen[title] && len(opts) < t.b.fb.Suggestions {
			seen[title] = true
			opts = append(opts, channel.QuickReply{Title: title})
		}
	}
	for _, s := range t.res.Ranked {
		if s.Confidence >= t.b.fb.SuggestConfidence {
			title := t.b.titles[s.Intent]
			if t.st.Lang == channel.LangEN {
				add(title.En)
			} else {
				add(title.Zh)
			}
		}
	}
	for _, h := range t.lastHits {
		if h.Confidence >= t.b.fb.SuggestConfidence {
			add(h.Entry.Question)
		}
	}
	if len(opts) == 0 {
		t.say(t.bi(texts.NotUnderstood))
		return
	}
	t.say(t.bi(texts.DidYouMean))
	t.reply.Parts = append(t.reply.Parts, channel.QuickReplies(opts...))
}

// askRating adds the rating question when the customer's intent calls for
// it (see WithRating) and nothing else is going on.
func (t *turnCtx) askRating() {
	if !(t.b.rateOn[t.res.Intent] || t.b.rateOn[t.talk.Intent()]) || t.inFlow || t.reply.Handoff {
		return
	}
	t.say(t.bi(t.b.fb.Texts.RatingAsk))
	t.reply.Parts = append(t.reply.Parts, ratingReplies(t.st.Lang == channel.LangEN))
	t.st.RatingAsked = true
}

func (t *turnCtx) handoff(reason channel.HandoffReason) {
	t.step("handoff " + string(reason))
	t.reply.Handoff = true
	t.reply.HandoffReason = reason
	t.st.Ended = true
	t.say(t.bi(t.b.fb.Texts.Handoff))
}

// openTicket prepares a flow's ticket action. The ticket is opened once the
// turn is saved, outside the session's lock (see sendTickets).
func (t *turnCtx) openTicket(a dialogue.Action) {
	id := t.msg.ID
	if id == "" {
		id = fmt.Sprintf("%s-%d", t.msg.SessionID, t.st.Turns+1)
	}
	tk := Ticket{
		ID:        id,
		SessionID: t.msg.SessionID, UserID: t.msg.UserID, Channel: t.msg.Channel,
		Queue: a.Queue, Summary: a.Text, Slots: a.Slots, Time: t.now,
	}
	if t.b.tickets != nil {
		t.tickets = append(t.tickets, tk)
	}
}

// sendTickets opens the turn's tickets after the turn was saved, so that
// the operator's ticket system is called outside the session's lock. When
// one fails, the customer is handed off instead of told it was done, and
// the session is marked ended.
func (t *turnCtx) sendTickets(ctx context.Context) {
	for _, tk := range t.tickets {
		err := t.b.tickets(ctx, tk)
		if err == nil {
			continue
		}
		t.b.log.Error("kefu: opening a ticket failed", "session", t.msg.SessionID, "queue", tk.Queue, "err", err)
		t.reply.Parts = nil
		t.reply.Handoff = true
		t.reply.HandoffReason = channel.HandoffTicketFailed
		t.step("handoff " + string(channel.HandoffTicketFailed))
		t.say(t.bi(t.b.fb.Texts.TicketFailed))
		t.st.Ended = true
		err = t.b.store.Update(ctx, stateKey(t.msg.SessionID), 2*t.b.hooks.idle, func(old []byte) ([]byte, error) {
			var st sessionState
			if old == nil || json.Unmarshal(old, &st) != nil {
				return old, nil
			}
			st.Ended = true
			for i := range st.Recent {
				if st.Recent[i].ID == t.msg.ID {
					st.Recent[i].Reply = *t.reply
					st.Recent[i].Reply.Explanation = nil
				}
			}
			return json.Marshal(&st)
		})
		if err != nil {
			t.b.log.Error("kefu: marking the session ended failed", "session", t.msg.SessionID, "err", err)
		}
		return
	}
}

// String describes a ticket for logs.
func (tk Ticket) String() string {
	return fmt.Sprintf("ticket %s/%s: %s", tk.Queue, tk.SessionID, tk.Summary)
}

// handoffReason is the hand-off reason of a flow's hand-off action.
func handoffReason(r dialogue.Reason) channel.HandoffReason {
	switch r {
	case dialogue.ReasonRequested:
		return channel.HandoffRequested
	case dialogue.ReasonRetryLimit:
		return channel.HandoffRetryLimit
	}
	return channel.HandoffFlow
}

// classify runs the classifier. A classifier that fails (a remote one that
// is down) leaves the turn to the flows and the knowledge base, which
// answer by the text alone; only a done ctx fails the turn.
func (t *turnCtx) classify(ctx context.Context) error {
	res, err := t.p.intents.Classify(ctx, t.msg.Text)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		t.b.log.Error("kefu: classifying failed; answering without intents", "session", t.msg.SessionID, "err", err)
		t.res, t.classified = intent.Result{}, false
		return nil
	}
	t.res, t.classified = res, true
	return nil
}
