package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeTraditional(t *testing.T) {
	cases := []struct{ in, want string }{
		{"頭髮乾淨", "头发干净"},
		{"我想退貨，質量問題", "我想退货,质量问题"},
		{"下週一送到嗎？", "下周一送到吗?"},
		{"轉人工", "转人工"},
		// Characters simplified text also writes convert by phrase.
		{"這部電影很著名", "这部电影很著名"},
		{"我們看著辦吧", "我们看着办吧"},
		{"乾坤大挪移，衣服乾淨了", "乾坤大挪移,衣服干净了"},
		{"關於退款", "关于退款"},
		// Taiwan's vocabulary.
		{"軟體當機，滑鼠也壞了", "软件当机,鼠标也坏了"},
		{"網路連不上", "网络连不上"},
		// Taiwan's variants.
		{"為什麼裡面沒有", "为什么里面没有"},
		// Full width and upper case are normalized first.
		{"ＩＰＨＯＮＥ１５的螢幕", "iphone15的屏幕"},
		// Mixed with simplified: 么 is not Taiwan's 幺 here.
		{"為什么", "为什么"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Normalize(c.in).Text, "Normalize(%q)", c.in)
	}
}

func TestNormalizeSimplifiedUnchanged(t *testing.T) {
	// Text without a character written only in traditional text is never
	// converted, even where a traditional reading exists (著, 乾, 于, 么).
	for _, s := range []string{
		"著名的乾坤大挪移", "我看着办", "什么时候发货", "关于退款的问题", "于是我就退了",
		"质量问题", "下周一", "转人工", "干净的衣服", "我的软件和鼠标", "头发", "台湾", "后来呢",
		"一只猫", "里面", "面条", "著作权", "乾隆", "显著", "看著", "滑鼠", "我在查询订单",
	} {
		assert.Equal(t, s, Normalize(s).Text, s)
	}
}

func TestNormalizeTraditionalSpans(t *testing.T) {
	// Character for character: each converted character maps to the one
	// it came from.
	in := "我想退貨，質量問題"
	n := Normalize(in)
	ins, outs := runeOffsets(in), runeOffsets(n.Text)
	require.Equal(t, len(ins), len(outs))
	for k := range len(outs) - 1 {
		st, en := n.Span(outs[k], outs[k+1])
		assert.Equal(t, in[ins[k]:ins[k+1]], in[st:en], "character %d", k)
	}

	// A phrase that changes length maps each of its characters to the
	// whole phrase.
	in = "我的乙太網路斷了"
	n = Normalize(in)
	require.Equal(t, "我的以太网断了", n.Text)
	i := strings.Index(n.Text, "以太网")
	for _, c := range []string{"以", "太", "网"} {
		j := strings.Index(n.Text, c)
		st, en := n.Span(j, j+len(c))
		assert.Equal(t, "乙太網路", in[st:en], c)
	}
	st, en := n.Span(i, i+len("以太网断"))
	assert.Equal(t, "乙太網路斷", in[st:en])

	// Full-width input, converted.
	in = "ＩＰＨＯＮＥ的螢幕"
	n = Normalize(in)
	require.Equal(t, "iphone的屏幕", n.Text)
	st, en = n.Span(len("iphone的"), len(n.Text))
	assert.Equal(t, "螢幕", in[st:en])
	st, en = n.Span(0, 2)
	assert.Equal(t, "ＩＰ", in[st:en])
}

func runeOffsets(s string) []int {
	var out []int
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

func TestEmbeddedT2S(t *testing.T) {
	tab := t2s()
	assert.True(t, tab.tradOnly('頭'))
	assert.False(t, tab.tradOnly('著'), "著 is written in simplified text too")
	assert.False(t, tab.tradOnly('头'))
	assert.Greater(t, len(tab.phrases), 1000)
	assert.Contains(t, t2sTxt, "Apache License, Version 2.0", "the licence notice")
}

func TestParseT2S(t *testing.T) {
	tab, err := parseT2S("# header\n\n頭\t头\n乾\t干\tshared\n乾坤\t乾坤\n乙太網路\t以太网\n𠁞\t个\n")
	require.NoError(t, err)
	assert.True(t, tab.tradOnly('頭'))
	assert.False(t, tab.tradOnly('乾'))
	assert.True(t, tab.tradOnly('𠁞'), "outside the dense range")
	assert.Equal(t, uint32(1<<2), tab.info('乙')>>t2sPhraseShift, "phrases of four characters")
	in := "乾頭乾坤乙太網路𠁞a"
	n := tab.convert(unconverted(in))
	assert.Equal(t, "干头乾坤以太网个a", n.Text)
	// A four-byte character became a three-byte one after a phrase that
	// changed length: offsets still map each character to its source.
	for _, c := range []struct{ out, src string }{{"干", "乾"}, {"头", "頭"}, {"太", "乙太網路"}, {"个", "𠁞"}, {"a", "a"}} {
		i := strings.Index(n.Text, c.out)
		st, en := n.Span(i, i+len(c.out))
		assert.Equal(t, c.src, in[st:en], c.out)
	}
	// Same sizes throughout: the offsets are shared.
	m := tab.convert(unconverted("頭乾"))
	assert.Equal(t, "头干", m.Text)
	st, en := m.Span(3, 6)
	assert.Equal(t, "乾", "頭乾"[st:en])

	for _, bad := range []string{
		"頭",              // no value
		"頭\t头\textra",    // unknown flag
		"頭\t头\n頭\t头",     // twice
		"頭\t头发",          // a character to several
		"頭\t頭",           // to itself
		"頭髮\t头发\tshared", // a shared phrase
		"a\tb",           // ASCII
		"頭 \t头",          // space
		"頭\t\xff",        // invalid UTF-8
		"頭髮\t头发\n頭髮\t头发", // phrase twice
		"一二三四五六七八九十一\t一", // too long
	} {
		_, err := parseT2S(bad)
		require.Error(t, err, "%q", bad)
		assert.Contains(t, err.Error(), "t2s table line", "%q", bad)
	}
}

// unconverted is s as Normalize leaves simplified text, each byte mapped
// to its character.
func unconverted(s string) Normalized {
	n := Normalized{Text: s}
	for i, r := range s {
		for range utf8.RuneLen(r) {
			n.start = append(n.start, int32(i))
			n.end = append(n.end, int32(i+utf8.RuneLen(r)))
		}
	}
	return n
}

func FuzzParseT2S(f *testing.F) {
	f.Add("頭\t头\n乾\t干\tshared\n乾坤\t乾坤\n乙太網路\t以太网\n", "乾頭乾坤乙太網路 ab")
	f.Add("# c\n\n頭髮\t头发\n", "頭髮頭")
	f.Fuzz(func(t *testing.T, table, s string) {
		tab, err := parseT2S(table)
		if err != nil {
			return
		}
		n := tab.convert(Normalize(s))
		if u := tab.convert(unconverted(strings.ToValidUTF8(s, ""))); !utf8.ValidString(u.Text) || len(u.start) != len(u.Text) {
			t.Fatalf("convert(%q) = %q", s, u.Text)
		}
		if !utf8.ValidString(n.Text) {
			t.Fatalf("invalid UTF-8: %q", n.Text)
		}
		if len(n.start) != len(n.Text) || len(n.end) != len(n.Text) {
			t.Fatalf("offsets for %d bytes, text of %d", len(n.start), len(n.Text))
		}
		prev := int32(0)
		for i := range n.start {
			if n.start[i] < prev || n.end[i] < n.start[i] || int(n.end[i]) > len(s) {
				t.Fatalf("bad offsets at %d in %q → %q", i, s, n.Text)
			}
			prev = n.start[i]
		}
	})
}
