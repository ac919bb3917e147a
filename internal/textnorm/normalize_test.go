package textnorm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Hello  World", "hello world"},
		{"  leading and trailing\t\n", "leading and trailing"},
		{"ｉＰｈｏｎｅ１５", "iphone15"},
		{"全角，标点！", "全角,标点!"},
		{"中文　空格", "中文 空格"},
		{"CAFÉ", "café"},
		{"e\u0301", "é"}, // combining accent composes under NFKC
		{"zero\u200bwidth", "zero width"},
		{"bad\xffbyte", "bad byte"},
		{"\xff\xfe", ""},
		{"", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Normalize(c.in).Text, "Normalize(%q)", c.in)
	}
}

func TestNormalizeSpans(t *testing.T) {
	in := "Ａｂ  c\xffＤ"
	n := Normalize(in)
	require.Equal(t, "ab c d", n.Text)
	// "ab" comes from the two full-width letters.
	s, e := n.Span(0, 2)
	assert.Equal(t, "Ａｂ", in[s:e])
	// "d" comes from the full-width D after the invalid byte.
	s, e = n.Span(5, 6)
	assert.Equal(t, "Ｄ", in[s:e])
}
