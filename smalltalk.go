package kefu

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/textnorm"
)

// SmallTalk is a message that is only a greeting, thanks or a goodbye.
type SmallTalk uint8

// Kinds of small talk. The bot answers them itself (Texts.Greeting,
// Thanks, Goodbye) unless knowledge-base entries name the intent of the
// same name ("greeting", "thanks", "goodbye"), which then answer.
const (
	NoSmallTalk SmallTalk = iota
	Greeting
	Thanks
	Goodbye
)

// Intent returns the intent name of the kind: "greeting", "thanks",
// "goodbye", or "" for NoSmallTalk.
func (k SmallTalk) Intent() string {
	switch k {
	case Greeting:
		return "greeting"
	case Thanks:
		return "thanks"
	case Goodbye:
		return "goodbye"
	}
	return ""
}

// Small-talk phrases, matched as whole messages with courtesies around
// them. A goodbye wins over thanks, and thanks over a greeting: "好的谢谢，
// 再见" says goodbye.
var (
	talkZh = map[string]SmallTalk{}
	talkEn = map[string]SmallTalk{}
	talkZhMax,
	talkEnMax int
	// talkFirst holds the first characters (lower case) of the phrases:
	// a message that starts otherwise is no small talk, found without
	// normalizing it.
	talkFirst = map[rune]bool{}
	// talkFirstWord holds the first words of the English phrases.
	talkFirstWord = map[string]bool{}
)

// talkFiller marks courtesies that go with any small talk.
const talkFiller SmallTalk = 255

func init() {
	add := func(k SmallTalk, zh, en string) {
		for _, w := range strings.Split(zh, "|") {
			r, _ := utf8.DecodeRuneInString(w)
			talkFirst[r] = true
			talkZh[w] = k
			talkZhMax = max(talkZhMax, utf8.RuneCountInString(w))
		}
		for _, w := range strings.Split(en, "|") {
			talkFirstWord[strings.Fields(w)[0]] = true
			talkEn[w] = k
			talkEnMax = max(talkEnMax, len(strings.Fields(w)))
		}
	}
	add(Greeting, "你好|您好|你好呀|您好呀|嗨|哈喽|哈啰|哈罗|嘿|在吗|在不在|在么|有人吗|有人在吗|早|早上好|上午好|中午好|下午好|晚上好|早安|晚安|客服|亲|小哥|小姐姐|美女|你们好|大家好",
		"hi|hello|hey|hiya|yo|good morning|good afternoon|good evening|morning|anyone there|is anyone there|are you there|hi there|hello there")
	add(Thanks, "谢谢|谢谢你|谢谢您|谢谢啦|谢啦|谢了|多谢|多谢了|感谢|感谢你|感谢您|非常感谢|太感谢了|谢谢谢谢|辛苦了|辛苦|麻烦了|好的谢谢|好的多谢|明白了谢谢|知道了谢谢|收到谢谢|3q|thx",
		"thanks|thank you|thank you so much|thanks a lot|many thanks|thx|ty|cheers|appreciate it|much appreciated|great thanks|ok thanks|thank u")
	add(Goodbye, "再见|拜拜|拜|88|886|拜了|回见|下次见|没事了|没有了|就这些|没别的了|没有别的了|没其他问题了|没问题了|好的再见|那先这样|先这样|就这样",
		"bye|goodbye|bye bye|see you|see ya|that's all|that is all|nothing else|that's it for now|have a nice day|good night")
	add(talkFiller, "好的|好|嗯|嗯嗯|哦|噢|ok|好滴|好哒|吧|啊|呀|呢|哦哦|哈|哈哈|啦|了|的|亲|亲亲|您|你",
		"ok|okay|oh|well|so|alright|great|a lot|so much|very much|again|guys|bot")
}

// ReadSmallTalk reports whether the whole message is a greeting, thanks or
// a goodbye, ignoring courtesies, particles, punctuation and emoji:
// "你好", "谢谢亲！", "好的谢谢，再见", "thanks a lot", "bye". A message that
// says anything more ("你好，我想退货") is not small talk.
func ReadSmallTalk(s string) SmallTalk {
	if len(s) > 200 {
		return NoSmallTalk
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		if unicode.Is(unicode.Han, r) && !talkFirst[r] {
			// Perhaps a traditional character: 謝 is 谢.
			if f, _ := utf8.DecodeRuneInString(textnorm.Normalize(string(r)).Text); !talkFirst[f] {
				return NoSmallTalk
			}
		}
		if r < utf8.RuneSelf {
			j := i
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '\'') {
				j++
			}
			if w := strings.ToLower(s[i:j]); w != "" && !talkFirstWord[w] && !(unicode.IsDigit(r) && talkFirst[r]) {
				return NoSmallTalk
			}
		}
	}
	n := textnorm.Normalize(s).Text
	best := NoSmallTalk
	note := func(k SmallTalk) {
		if k != talkFiller && k > best {
			best = k
		}
	}
	rs := []rune(n)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r) || unicode.IsDigit(r) && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			// Han characters (and 88, 886) by longest match.
			j := i
			for j < len(rs) && (unicode.Is(unicode.Han, rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			for i < j {
				n := min(talkZhMax, j-i)
				for ; n > 0; n-- {
					if k, ok := talkZh[string(rs[i:i+n])]; ok {
						note(k)
						break
					}
				}
				if n == 0 {
					return NoSmallTalk
				}
				i += n
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			var words []string
			for j < len(rs) {
				k := j
				for k < len(rs) && (unicode.IsLetter(rs[k]) && !unicode.Is(unicode.Han, rs[k]) || unicode.IsDigit(rs[k]) || rs[k] == '\'') {
					k++
				}
				if k == j {
					break
				}
				words = append(words, string(rs[j:k]))
				j = k
				if j+1 < len(rs) && rs[j] == ' ' && unicode.IsLetter(rs[j+1]) && !unicode.Is(unicode.Han, rs[j+1]) {
					j++
					continue
				}
				break
			}
			for w := 0; w < len(words); {
				n := min(talkEnMax, len(words)-w)
				for ; n > 0; n-- {
					if k, ok := talkEn[strings.Join(words[w:w+n], " ")]; ok {
						note(k)
						break
					}
				}
				if n == 0 {
					return NoSmallTalk
				}
				w += n
			}
			i = j
		default:
			i++ // punctuation, spaces, emoji
		}
	}
	return best
}
