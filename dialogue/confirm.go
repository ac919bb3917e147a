package dialogue

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/textnorm"
)

// Answer is the reading of a reply to a yes/no question.
type Answer uint8

// Answers.
const (
	// Unsure: the reply is no answer (a question, another topic, or
	// nothing clear). Nothing may be done on it.
	Unsure Answer = iota
	// Yes: the customer agrees.
	Yes
	// No: the customer declines or says it is wrong.
	No
	// Wait: the customer is not ready ("等一下", "我再想想", "not yet"):
	// nothing is done and the question stays open.
	Wait
)

// String returns "unsure", "yes", "no" or "wait".
func (a Answer) String() string {
	switch a {
	case Yes:
		return "yes"
	case No:
		return "no"
	case Wait:
		return "wait"
	}
	return "unsure"
}

// Reading is what a reply to a yes/no question says.
type Reading struct {
	// Answer is the reply's answer.
	Answer Answer
	// Tentative marks a yes given with doubt or reluctance ("应该是吧",
	// "随便", "I guess so"). Steps with side effects do not act on it.
	Tentative bool
	// Question marks a reply that asks something ("要收费吗？", "is there a
	// fee?"). Its Answer is Unsure, whatever else it says: a question is
	// answered, and the yes/no question asked again.
	Question bool
	// Aside marks a reply that turns to a side topic: it opens with "对了",
	// "还有" or "by the way". Its Answer is Unsure.
	Aside bool
	// Hedge marks a reply that qualifies its answer: "但是", "不过", "如果",
	// "好是好", "but", "if". Its Answer is Unsure.
	Hedge bool
	// Opens marks a reply whose first word is its answer ("不对，我说的是
	// 另一张卡", "no, I didn't get it"): what follows explains it.
	Opens bool
	// Rest is what the reply says besides its answer, courtesies,
	// particles and words of the question (lower case, no spaces or
	// punctuation): "就是尾号1234那张" leaves "尾号1234那张"-like rests. A
	// rest that names another intent makes the reply a digression.
	Rest string
}

// Confirmation reads a reply to a yes/no question. It is ReadReply without
// the question: a tentative yes counts as Yes.
func Confirmation(s string) Answer { return ReadReply(s, "").Answer }

// MaxReplyBytes bounds the replies ReadReply reads; a longer reply is
// Unsure. A yes or a no is short.
const MaxReplyBytes = 300

// ReadReply reads a customer's reply to the yes/no question asked, in
// Chinese or English.
//
// Yes: 是的, 对, 好的, 没问题, 没有问题, 可以, 行, 嗯嗯, 确认, 是的呢, ok, sure, go
// ahead, and a reply made of the question's own words ("冻结吧" to
// "确认冻结吗？"). No: 不是, 不对, 不用了, 算了, 错了, 取消, no, wrong, don't.
// Wait: 等等, 先不要, 再想想, 不确定, wait, not yet, hold on. Tentative yes:
// 应该是吧, 好吧, 随便, I guess so.
//
// A reply is Unsure, never a yes, when it asks a question (吗, 多少, 是不是,
// 干嘛, 你确定, "?", an English clause that opens with "is", "can" or
// "how", a question word after a yes: "ok how much"), opens another topic
// (对了, 那个, 还有, 另外, by the way), hedges or sets a condition (但是,
// 好是好, 如果, but, if), negates a negation (不是不要, "it's not that"),
// names something else than the question (另一张, 别人的, the other one, a
// number the question does not hold), or says more than a few words
// besides its answer. Courtesies (谢谢, 麻烦了, 亲, please, thanks) and
// final particles (吧, 呢, 啊) do not count. A reply that trails off ("嗯……")
// is not ready yet (Wait).
func ReadReply(reply, question string) Reading {
	if len(reply) > MaxReplyBytes {
		return Reading{Rest: compact(textnorm.Normalize(reply[:MaxReplyBytes]).Text)}
	}
	toks := tokenizeReply(textnorm.Normalize(reply).Text)
	settle(toks)
	if question != "" && len(toks) > 0 {
		markEcho(toks, question)
	}
	return judge(toks)
}

// infoQuestion reports whether s asks for information ("挂失要收费吗？",
// "how long does it take?") rather than for something to be done ("能帮我
// 挂失吗？", "can you freeze my card?").
func infoQuestion(s string) bool {
	n := textnorm.Normalize(s).Text
	if len(n) > MaxReplyBytes {
		n = n[:MaxReplyBytes]
	}
	toks := tokenizeReply(n)
	settle(toks)
	asks := false
	for _, t := range toks {
		if t.class == cAsk {
			asks = true
			break
		}
	}
	if !asks {
		return false
	}
	// 请问 ("excuse me") opens requests and questions alike.
	c := strings.TrimPrefix(compact(n), "请问")
	w := " " + strings.Join(strings.FieldsFunc(n, func(r rune) bool { return !isWordRune(r) }), " ") + " "
	for _, m := range zhAsking {
		if strings.Contains(c, m) {
			return true // "我想问一下挂失要收费吗": asking, not requesting
		}
	}
	for _, m := range enAsking {
		if strings.Contains(w, " "+m+" ") {
			return true
		}
	}
	for _, m := range []string{"怎么", "如何", "怎样", "咋"} {
		if strings.HasPrefix(c, m) {
			return false // "怎么挂失": the flow is the answer
		}
	}
	for _, m := range zhRequest {
		if strings.Contains(c, m) {
			return false
		}
	}
	if strings.HasPrefix(w, " how do i ") || strings.HasPrefix(w, " how can i ") {
		return false
	}
	for _, m := range enRequest {
		if strings.Contains(w, " "+m+" ") {
			return false
		}
	}
	return true
}

// Markers of a question asked for its answer, whatever else it holds.
var (
	zhAsking = []string{"想问", "想知道", "问一下", "问下", "咨询一下", "了解一下"}
	enAsking = []string{"want to know", "like to know", "wondering", "can you tell me", "could you tell me", "i have a question"}
)

// Markers of a request phrased as a question.
var (
	zhRequest = []string{"帮我", "帮忙", "给我", "替我", "我要", "我想", "我需要", "请帮", "麻烦", "能不能", "可不可以", "能否", "可否",
		"能帮", "可以帮", "可以给", "能给", "我能", "我可以", "怎么办", "办理", "申请"}
	enRequest = []string{"can you", "could you", "would you", "will you", "can i", "could i", "may i", "i want", "i need",
		"i'd like", "i would like", "please", "help me", "i wanna"}
)

// Token classes of a reply.
const (
	cRest   = iota // content that is none of the below
	cYes           // 是的, ok
	cNo            // 不是, no
	cWait          // 等等, not yet
	cAgree         // a reluctant or doubtful yes alone: 随便, 好吧, i guess so
	cDoubt         // doubt that needs a yes: 应该, 可能, maybe
	cPolite        // courtesies, pronouns: 谢谢, 我, please
	cFinal         // final particles: 吧, 啊, 呢
	cAside         // a new topic: 对了, 那个, by the way
	cBut           // a hedge: 但是, 好是好, but
	cAsk           // a question: 吗, 多少, how
	cNegNeg        // a negated negation: 不是不, it's not that
	cOther         // something other than what was asked about: 另一张, 别人的, the other one
	cNumber        // digits and codes: 1234, dd2025
	cEcho          // a word of the question
	cBreak         // punctuation between clauses
)

// phrase flags.
const (
	// fWeak: a single character or modal that answers only when it stands
	// alone; before content it is part of that content ("要收费", "可以开发票").
	fWeak = 1 << iota
	// fRefuse: a no that overrides an earlier yes ("好的，不用了").
	fRefuse
	// fRightTo: 对了, which is "right!" alone and "by the way" before content.
	fRightTo
)

type lex struct {
	class int
	flags int
}

type rtoken struct {
	class int
	flags int
	text  string
	han   bool // a Han-character token
}

var (
	zhLex    = map[string]lex{}
	zhMaxLen int
	enLex    = map[string]lex{} // phrases as words joined by one space
	enMaxLen int
)

func addLex(m map[string]lex, longest *int, class, flags int, words string, en bool) {
	for _, w := range strings.Split(words, "|") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		m[w] = lex{class, flags}
		n := utf8.RuneCountInString(w)
		if en {
			n = len(strings.Fields(w))
		}
		*longest = max(*longest, n)
	}
}

func init() {
	zh := func(class, flags int, words string) { addLex(zhLex, &zhMaxLen, class, flags, words, false) }
	en := func(class, flags int, words string) { addLex(enLex, &enMaxLen, class, flags, words, true) }

	zh(cYes, 0, "是的|是啊|是呀|是滴|是哒|是呢|对的|对啊|对呀|对滴|对头|对对|没错|没有错|正确|好的|好滴|好哒|好嘞|好啊|好呀|好呢|"+
		"嗯|嗯嗯|恩|恩恩|嗯呐|可以的|行的|行啊|确认|确定|确认无误|同意|没问题|没有问题|要的|当然|当然可以|当然了|必须的|必须|"+
		"就这样|就这么办|就这个|就是这个|就是它|就这张|就是这张|办吧|办理吧|弄吧|来吧|妥|妥的|ok|okay|"+
		"没意见|赞成|好好|好好好|成|中|嗯好|没毛病|没问题的|可以可以|阔以|好滴呢|是得|是地|对得|好得|"+
		"冲|冲冲冲|搞起|安排|安排上|走起|整|是本人|是我本人|是本人的|不错|没什么问题|没啥问题")
	zh(cYes, fWeak, "是|对|好|行|要|需要|可以|就是|能|确实")
	zh(cNo, 0, "不是|不对|不用|不要|不行|不可以|不好|不确认|不同意|不需要|不必|不必了|别了|没有|否|错了|错|搞错了|有误|"+
		"不对的|不正确|拒绝|不是的|不了吧|不能|不成|不妥|没|否认|不太|不大|不怎么|不是很|不算|没必要|不冻了|"+
		"你敢|我才不|说了不要|都说了不用|不是这个|不是这张")
	zh(cNo, fRefuse, "才怪|个屁")
	zh(cNo, fRefuse, "不用了|不要了|算了|算了吧|不需要了|取消|不办了|不弄了|不了|不用麻烦了|不搞了|不做了|不退了|不要啦|"+
		"不想了|不想要了|不想弄了|不想办了|不考虑了|不想|表了")
	zh(cNo, fWeak, "不|表")
	zh(cNo, 0, "别")
	zh(cWait, 0, "等等|等一下|等下|稍等|稍等一下|等一等|先等等|先等一下|先不要|先别|先不|先不用|暂时不要|暂时不用|暂时不|暂时先不|"+
		"再想想|想想|我再想想|我想一想|我想想|考虑一下|考虑考虑|再考虑|想一想|让我想想|容我想想|回头再说|晚点再说|以后再说|再说吧|再说|"+
		"等会儿|等会|等一会|等一会儿|不急|别急|不着急|不确定|还没想好|没想好|我看看|我再看看|先这样|晚点|回头|等我一下|"+
		"等我下|等我|不知道|我不知道|不清楚|我不清楚|说不好|不太确定|不大确定|不是很确定|明天再说|改天|改天再说|确认一下|再确认|再确认一下|我确认一下|核实一下|核对一下|我先看看|先看看|我问问|问问|我先问问")
	zh(cAgree, 0, "都行|也行|随便|无所谓|看着办|差不多|好吧|那好吧|行吧|也可以|凑合|将就|可以吧|那行|那就这样吧|"+
		"应该|应该吧|大概|大概吧|好像|估计|貌似|似乎|我觉得|感觉|我猜|我猜是|没办法|也没办法|只能这样|只好这样|"+
		"没事|没事儿|还行")
	zh(cYes, 0, "行了|好了")
	// "行了行了", "好了好了": enough talk, not an answer.
	zh(cRest, 0, "行了行了|好了好了")
	zh(cDoubt, 0, "可能|可能吧|也许|或许|说不定")
	zh(cPolite, 0, "谢谢|谢谢你|谢谢您|多谢|谢了|谢啦|感谢|麻烦|麻烦了|麻烦你|麻烦您|麻烦你了|麻烦您了|辛苦了|辛苦|请|亲|亲亲|"+
		"你好|您好|哈哈|哈哈哈|呵呵|嘿嘿|我|你|您|帮我|给我|帮忙|这个|这张|的|就|那|那就|一下|本人|我本人|也|都|吧吧|"+
		"赶紧|快|快点|尽快|马上|立刻|立即|赶快")
	zh(cFinal, 0, "吧|啊|呀|呢|哦|噢|喔|啦|嘛|了|嘞|咯|哒|哟|呐|哈|嗷|捏|滴")
	zh(cAside, fRightTo, "对了")
	zh(cAside, 0, "那个|还有|另外|顺便|顺便问一下|顺便问下|顺便说一下|话说|请问|问一下|问下|我想问|想问一下|想问下|咨询一下|"+
		"我想知道|再问一下|还想问|除此之外|此外")
	zh(cOther, 0, "另一个|另一张|另外一张|另外那张|另一|别人|别人的|别的|其他|其它|其他的|老婆|老公|我妈|我爸|家人|家里人|朋友|同事|孩子|"+
		"已经|找到了|找到")
	zh(cBut, 0, "但是|但|不过|可是|只是|然而|就是说|好是好|对是对|可以是可以|行是行|是是是但|"+
		"如果|假如|要是|只要|除非|前提|前提是|的话|万一|假设")
	zh(cNegNeg, 0, "不是不|不是没|并不是不|并非不|不是说不|没有不|也不是不")
	zh(cAsk, 0, "吗|么|什么|怎么|怎样|怎么样|如何|为什么|为何|为啥|多少|多久|多长|几|哪|哪里|哪儿|谁|啥|咋|是否|能否|可否|难道|不会吧|"+
		"干嘛|干啥|是嘛|是么|你确定|您确定|你确认|您确认|你肯定|真的要|没懂|没看懂|看不懂|听不懂|不懂|不明白|没明白|啥意思|什么意思|"+
		"不太懂|没太懂|不理解")

	en(cYes, 0, "yes|yeah|yep|yup|ya|yea|yess|yesss|yah|sure|sure thing|ok|okay|k|kk|alright|all right|fine|right|correct|"+
		"that's right|that is right|that's correct|that is correct|exactly|absolutely|definitely|of course|certainly|"+
		"affirmative|confirm|confirmed|go ahead|go for it|do it|please do|proceed|sounds good|that's it|that is it|"+
		"agreed|agree|yes it is|it is|yes please|please proceed|sounds great|perfect|great|good|true|ok do it|you bet|indeed|"+
		"no problem|no worries|not a problem|no prob|np|i don't mind|don't mind|i dont mind|why not|y|yes sir")
	en(cNo, 0, "no|nope|nah|not|don't|dont|do not|wrong|incorrect|negative|not really|that's wrong|that is wrong|not right|"+
		"not correct|never|isn't|is not|it isn't|it's not|that's not it|no way|n|of course not|definitely not|absolutely not|"+
		"certainly not|yeah right|not this card|not this one|not mine")
	en(cNo, fRefuse, "cancel|stop|never mind|nevermind|no thanks|no thank you|forget it|don't bother")
	en(cWait, 0, "wait|hold on|hang on|not yet|not now|later|let me think|give me a minute|give me a second|give me a moment|"+
		"one moment|one sec|one second|a moment|just a moment|just a sec|a sec|a second|a minute|in a minute|not sure|unsure|"+
		"need to think|think about it|let me check|let me see|i don't know|dunno|hmm let me think|need some time|not sure yet|"+
		"brb|give me a min|one min|a min|just a min|wait a min|let me ask|hold up|gimme a sec|gimme a minute|no idea|i have no idea|"+
		"idk|tomorrow")
	en(cAgree, 0, "i guess|i guess so|i think so|i suppose|i suppose so|probably|whatever|kind of|sort of|if you say so|fine i guess|i think|not bad")
	en(cDoubt, 0, "maybe|perhaps|possibly|might be")
	en(cPolite, 0, "i|i'm|im|me|my|it|it's|its|that|that's|this|is|a|the|please|pls|plz|thanks|thank|you|thx|ty|so|then|"+
		"oh|ah|um|uh|hmm|hm|well|just|very|much|really|sir|madam|mate|lol|haha|dear|one|now|card|to|thank you|for|"+
		"cheers|great thanks|many thanks|appreciate it|hi|hello|hey")
	en(cAside, 0, "by the way|btw|also|oh and|and also|one more thing|another thing|another question|quick question|"+
		"i have a question|and|besides|plus")
	en(cBut, 0, "but|however|though|although|except|if|unless|as long as|provided|only if|assuming")
	en(cOther, 0, "the other|other one|another|someone else|someone else's|somebody else|wife's|husband's|my wife|my husband|"+
		"friend's|found it|already")
	en(cNegNeg, 0, "it's not that|it is not that|not that i")
	en(cAsk, 0, "what|what's|whats|how|how's|why|when|where|which|who|whose|whom|can|could|would|will|should|shall|"+
		"is there|are there|do|does|did|am|are|was|were|have|has|may|might i|isn't it|right?|you sure|are you sure|u sure|"+
		"r u sure|you serious|what do you mean|come again|pardon|say again|huh|i don't understand|i dont understand|"+
		"don't understand|i didn't get that")
}

// tokenizeReply splits normalized text into classified tokens: English
// words and Han characters by longest match against the phrase tables,
// clause breaks at punctuation.
func tokenizeReply(n string) []rtoken {
	var toks []rtoken
	rs := []rune(n)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r):
			j := i
			for j < len(rs) && unicode.Is(unicode.Han, rs[j]) {
				j++
			}
			toks = appendHan(toks, rs[i:j])
			i = j
		case isWordRune(r):
			// A run of words separated by single spaces, for phrases.
			var words []string
			j := i
			for j < len(rs) {
				k := j
				for k < len(rs) && isWordRune(rs[k]) {
					k++
				}
				if k == j {
					break
				}
				words = append(words, string(rs[j:k]))
				j = k
				if j+1 < len(rs) && rs[j] == ' ' && isWordRune(rs[j+1]) {
					j++
					continue
				}
				break
			}
			toks = appendWords(toks, words)
			i = j
		case r == '?' || r == '？':
			toks = append(toks, rtoken{class: cAsk, text: "?"})
			i++
		case isYesSymbol(r):
			toks = append(toks, rtoken{class: cYes, text: string(r)})
			i++
		case isNoSymbol(r):
			toks = append(toks, rtoken{class: cNo, text: string(r)})
			i++
		case unicode.IsSpace(r):
			i++
		case r == '…' || r == '.' && i+2 < len(rs) && rs[i+1] == '.' && rs[i+2] == '.':
			// "嗯……", "ok...": trailing off is not an answer yet.
			toks = append(toks, rtoken{class: cWait, text: "…"})
			for i < len(rs) && (rs[i] == '…' || rs[i] == '.') {
				i++
			}
		default:
			// Punctuation, symbols, emoji: a clause break.
			if len(toks) > 0 && toks[len(toks)-1].class != cBreak {
				toks = append(toks, rtoken{class: cBreak})
			}
			i++
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '\'' || r == '’' ||
		unicode.In(r, unicode.Latin) && unicode.IsLetter(r)
}

func isYesSymbol(r rune) bool {
	return r == '👍' || r == '👌' || r == '✅' || r == '🙆' || r == '✔' || r == '🆗'
}
func isNoSymbol(r rune) bool { return r == '👎' || r == '❌' || r == '🙅' || r == '✖' }

// appendHan classifies a run of Han characters by longest match.
func appendHan(toks []rtoken, rs []rune) []rtoken {
	// A-not-A and A-no-A questions: 是不是, 可不可以, 有没有.
	for i := 0; i+2 < len(rs); i++ {
		if (rs[i+1] == '不' || rs[i+1] == '没') && rs[i] == rs[i+2] && rs[i] != '不' && rs[i] != '没' &&
			// "没错没错", "不对不对" repeat a word; they ask nothing.
			!(i > 0 && rs[i-1] == rs[i+1] && (i+3 >= len(rs) || rs[i+3] != rs[i+1])) {
			toks = append(toks, rtoken{class: cAsk, text: string(rs[i : i+3]), han: true})
		}
	}
	for i := 0; i < len(rs); {
		n := min(zhMaxLen, len(rs)-i)
		matched := false
		for ; n > 0; n-- {
			w := string(rs[i : i+n])
			if l, ok := zhLex[w]; ok {
				toks = append(toks, rtoken{class: l.class, flags: l.flags, text: w, han: true})
				i += n
				matched = true
				break
			}
		}
		if !matched {
			toks = append(toks, rtoken{class: cRest, text: string(rs[i]), han: true})
			i++
		}
	}
	return toks
}

// appendWords classifies a run of English words by longest match.
func appendWords(toks []rtoken, words []string) []rtoken {
	for i := range words {
		words[i] = strings.ReplaceAll(words[i], "’", "'")
	}
	for i := 0; i < len(words); {
		n := min(enMaxLen, len(words)-i)
		matched := false
		for ; n > 0; n-- {
			w := strings.Join(words[i:i+n], " ")
			if l, ok := enLex[w]; ok {
				toks = append(toks, rtoken{class: l.class, flags: l.flags, text: w})
				i += n
				matched = true
				break
			}
		}
		if !matched {
			w := words[i]
			class := cRest
			if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
				class = cNumber
			}
			toks = append(toks, rtoken{class: class, text: w})
			i++
		}
	}
	return toks
}

// markEcho marks the content tokens that repeat the question's words, so
// that "冻结吧" answers "确认冻结吗？" and "submit it" answers "Submit the
// return?".
func markEcho(toks []rtoken, question string) {
	if len(question) > 2*MaxReplyBytes {
		question = question[:2*MaxReplyBytes]
	}
	q := textnorm.Normalize(question).Text
	qc := compact(q)
	qwords := map[string]bool{}
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !isWordRune(r) }) {
		if len(w) >= 3 {
			qwords[strings.ToLower(strings.ReplaceAll(w, "’", "'"))] = true
		}
	}
	for i := 0; i < len(toks); i++ {
		if toks[i].class == cNumber {
			// A number of the question repeats it ("对，1234那张"); another
			// number is something else ("冻结5678").
			if strings.Contains(qc, toks[i].text) {
				toks[i].class = cEcho
			} else {
				toks[i].class = cOther
			}
			continue
		}
		if toks[i].flags&fRefuse != 0 && (toks[i].han && strings.Contains(qc, toks[i].text) || !toks[i].han && qwords[toks[i].text]) {
			// "取消" to "确认取消订阅吗？" names the action, it refuses nothing.
			toks[i].class, toks[i].flags = cEcho, 0
			continue
		}
		if toks[i].class != cRest {
			continue
		}
		if !toks[i].han {
			if qwords[toks[i].text] {
				toks[i].class = cEcho
			}
			continue
		}
		// Within a run of Han content, the longest pieces of at least two
		// characters that the question holds: "冻结" in "快冻结卡丢了".
		j := i
		for j < len(toks) && toks[j].class == cRest && toks[j].han {
			j++
		}
		for a := i; a < j; {
			b := min(j, a+maxEcho)
			for ; b >= a+2; b-- {
				var piece strings.Builder
				for k := a; k < b; k++ {
					piece.WriteString(toks[k].text)
				}
				if strings.Contains(qc, piece.String()) {
					break
				}
			}
			switch {
			case b >= a+2:
				for k := a; k < b; k++ {
					toks[k].class = cEcho
				}
				a = b
			case a > 0 && (toks[a-1].class == cYes || toks[a-1].class == cNo) && toks[a-1].flags&fWeak != 0 && strings.Contains(qc, toks[a].text):
				// "要改", "不改" to "需要帮您改约吗？": one character, after a yes or a no.
				toks[a].class = cEcho
				a++
			default:
				a++
			}
		}
		i = j - 1
	}
}

// maxEcho bounds, in characters, the pieces of a reply looked for in the
// question, so that reading a reply takes bounded time.
const maxEcho = 8

// Bounds on what a reply may say besides its answer: a few characters
// ("是的，尾号1234那张"), a few words ("yes, the blue one").
const (
	maxRestHan   = 6
	maxRestWords = 3
	// A no may explain itself at more length ("不是，我说的是另一张卡"):
	// acting on it does nothing irreversible.
	maxNoRestHan   = 12
	maxNoRestWords = 6
)

// enSubject holds the words that make a following "is" or "can" a
// statement's verb.
var enSubject = map[string]bool{"i": true, "i'm": true, "im": true, "me": true, "my": true, "it": true, "it's": true,
	"its": true, "that": true, "that's": true, "this": true, "you": true, "a": true, "the": true, "know": true,
	"understand": true, "matter": true, "care": true}

// enWh holds the English question words that ask wherever they stand
// ("ok how much is it", "sure, why"), unless a subject comes before them
// ("I know how").
var enWh = map[string]bool{"what": true, "what's": true, "whats": true, "how": true, "how's": true, "why": true, "when": true,
	"where": true, "which": true, "who": true, "whose": true, "whom": true}

// settle reclassifies the tokens whose class depends on their place: a
// discourse marker or an English question word opens a clause.
func settle(toks []rtoken) {
	// A discourse marker opens a clause: "那个" at the end of one ("不是
	// 你写的那个") is "that one".
	start := true
	for i := range toks {
		switch toks[i].class {
		case cBreak:
			start = true
			continue
		case cPolite, cFinal:
			continue
		case cAside:
			if !start && toks[i].flags&fRightTo == 0 {
				// "不是你写的那个": "that one"; "还要" mid-clause is content.
				if toks[i].text == "那个" {
					toks[i].class = cPolite
				} else {
					toks[i].class = cRest
				}
			}
		case cAsk:
			// "is", "can", "what" ask at the start of an English clause
			// ("is it free"), not inside one ("my card is lost", "I am
			// at work").
			if !toks[i].han && toks[i].text != "?" && i > 0 && (enSubject[toks[i-1].text] || !start && !enWh[toks[i].text]) {
				toks[i].class = cRest
			}
		}
		start = false
	}
}

// judge decides the reading of classified tokens.
func judge(toks []rtoken) Reading {
	// A weak answer ("要", "不", "可以") before content belongs to the
	// content: "要收费", "不会扣钱", "可以开发票".
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].flags&fWeak == 0 {
			continue
		}
		for j := i + 1; j < len(toks); j++ {
			c := toks[j].class
			if c == cPolite && toks[j].han && !(toks[j].text == "我本人" || toks[j].text == "本人") {
				continue
			}
			if c == cOther {
				toks[i].class = cRest // "是别人的"
			}
			if c == cRest || c == cNumber {
				toks[i].class = cRest
			}
			break
		}
	}
	var (
		r                           Reading
		rest                        strings.Builder
		restHan, restWords          int
		yes, no, wait, agree, doubt bool
		refuseLast, negNeg, negYes  bool
		aside, but, rightTo, other  bool
		echo                        bool
		content                     bool // anything besides answers, courtesies and breaks
	)
	// An answer word between pieces of content is part of a statement:
	// "这个卡是我工资卡".
	for i := range toks {
		if toks[i].class == cYes && restNext(toks, i, -1) && restNext(toks, i, 1) {
			toks[i].class = cRest
		}
	}
	// A reply that opens with a no is a no, however it goes on: "不对不对，
	// 我搬家了，新地址是…".
	leadNo := false
	for _, t := range toks {
		if t.class != cPolite && t.class != cFinal && t.class != cBreak {
			leadNo = t.class == cNo
			break
		}
	}
	// A no in a later clause than the last yes takes it back: "是的，哦不对".
	clause, yesClause, noClause := 0, -1, -1
	prevPolar := -1
	for i, t := range toks {
		if t.class == cBreak {
			clause++
		}
		switch t.class {
		case cAsk:
			r.Question = true
		case cAside:
			if t.flags&fRightTo != 0 {
				rightTo = true
			} else {
				aside = true
			}
		case cBut:
			but = true
		case cNegNeg:
			negNeg = true
		case cWait:
			wait = true
		case cAgree:
			agree = true
		case cDoubt:
			doubt = true
		case cYes:
			yes, yesClause = true, clause
			if prevPolar >= 0 && toks[prevPolar].class == cNo && adjacent(toks, prevPolar, i) {
				negYes = true
			}
			refuseLast = false
		case cNo:
			if prevPolar >= 0 && toks[prevPolar].class == cNo && toks[prevPolar].han && t.han &&
				prevPolar == i-1 && toks[prevPolar].text != t.text {
				negNeg = true // 不是不要
			}
			no, noClause = true, clause
			refuseLast = t.flags&fRefuse != 0
		case cOther:
			other = true
		case cEcho:
			echo = true
		case cRest:
			content = true
			if t.han {
				restHan++
			} else {
				restWords++
			}
			rest.WriteString(t.text)
		case cNumber:
			rest.WriteString(t.text)
		}
		if t.class == cYes || t.class == cNo {
			prevPolar = i
		}
	}
	r.Rest = rest.String()
	switch {
	case r.Question:
		return r
	case negNeg:
		return r
	case wait:
		r.Answer = Wait
		return r
	}
	if rightTo && (content || no || aside || but || other) {
		// "对了，…" opens a new topic; alone it says too little.
		aside = true
	}
	if aside || but {
		r.Aside, r.Hedge = aside, but
		return r
	}
	switch {
	case no && (negYes || !yes || refuseLast || noClause > yesClause):
		if !leadNo && (restHan > maxNoRestHan || restWords > maxNoRestWords) {
			return r
		}
		r.Answer, r.Opens = No, leadNo
		return r
	case no:
		return r // yes and no together
	case other:
		return r // "冻结另一张", "是别人的": not what was asked about
	}
	if restHan > maxRestHan || restWords > maxRestWords {
		return r
	}
	switch {
	case yes:
		r.Answer, r.Tentative = Yes, doubt || agree
	case agree:
		r.Answer, r.Tentative = Yes, true
	case doubt:
		r.Answer = Wait
	case echo && !content:
		// The question's own words, as an order: "冻结吧", "快冻结".
		r.Answer = Yes
	}
	return r
}

// restNext reports whether the first token from i in direction dir that
// is not a courtesy is content.
func restNext(toks []rtoken, i, dir int) bool {
	for j := i + dir; j >= 0 && j < len(toks); j += dir {
		switch toks[j].class {
		case cPolite:
			continue
		case cRest, cNumber:
			return true
		}
		return false
	}
	return false
}

// adjacent reports whether only courtesies lie between tokens i and j.
func adjacent(toks []rtoken, i, j int) bool {
	for k := i + 1; k < j; k++ {
		if toks[k].class != cPolite {
			return false
		}
	}
	return true
}

// compact removes spaces, punctuation and symbols, so that "好的！" reads
// "好的".
func compact(n string) string {
	var b strings.Builder
	for _, r := range n {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isParticle reports a sentence-final particle that adds tone, not meaning.
func isParticle(r rune) bool { return strings.ContainsRune("吧呀啊呢哦嘛了啦哈噢喔", r) }

// trimParticles removes final particles: "算了吧" reads "算了".
func trimParticles(c string) string {
	for c != "" {
		r, size := utf8.DecodeLastRuneInString(c)
		if !isParticle(r) || size == len(c) {
			break
		}
		c = c[:len(c)-size]
	}
	return c
}
