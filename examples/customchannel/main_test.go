package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
)

// The WeCom side, written again from the protocol rather than with
// Crypto, so that the test checks the adapter against the protocol and
// not against itself.
type wecom struct {
	token, aesKey, corpID string
	key                   []byte
}

func newWeCom(t testing.TB) wecom {
	key := make([]byte, 32)
	_, err := rand.Read(key)
	require.NoError(t, err)
	return wecom{
		token:  "kefuTestToken",
		aesKey: strings.TrimSuffix(base64.StdEncoding.EncodeToString(key), "="),
		corpID: "ww0123456789abcdef",
		key:    key,
	}
}

func (w wecom) sign(ts, nonce, enc string) string {
	s := []string{w.token, ts, nonce, enc}
	sort.Strings(s)
	sum := sha1.Sum([]byte(strings.Join(s, "")))
	return hex.EncodeToString(sum[:])
}

func (w wecom) encrypt(t testing.TB, msg, receiver string) string {
	plain := make([]byte, 16, 16+4+len(msg)+len(receiver)+32)
	_, err := rand.Read(plain)
	require.NoError(t, err)
	plain = binary.BigEndian.AppendUint32(plain, uint32(len(msg)))
	plain = append(plain, msg...)
	plain = append(plain, receiver...)
	pad := 32 - len(plain)%32
	for range pad {
		plain = append(plain, byte(pad))
	}
	block, err := aes.NewCipher(w.key)
	require.NoError(t, err)
	cipher.NewCBCEncrypter(block, w.key[:16]).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain)
}

func (w wecom) decrypt(t testing.TB, enc string) (msg, receiver string) {
	data, err := base64.StdEncoding.DecodeString(enc)
	require.NoError(t, err)
	require.Zero(t, len(data)%32, "padded to 32 bytes")
	block, err := aes.NewCipher(w.key)
	require.NoError(t, err)
	cipher.NewCBCDecrypter(block, w.key[:16]).CryptBlocks(data, data)
	pad := int(data[len(data)-1])
	require.True(t, pad >= 1 && pad <= 32)
	data = data[:len(data)-pad]
	n := binary.BigEndian.Uint32(data[16:20])
	return string(data[20 : 20+n]), string(data[20+n:])
}

func textMessage(from, content string) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>1741773600</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>7450000000000000001</MsgId><AgentID>1000002</AgentID></xml>`, from, content)
}

type fixture struct {
	w   wecom
	url string
	h   http.Handler
}

func newFixture(t testing.TB, h channel.Handler) fixture {
	w := newWeCom(t)
	c, err := NewCrypto(w.token, w.aesKey, w.corpID)
	require.NoError(t, err)
	cb := NewCallback(c, h, nil)
	srv := httptest.NewServer(cb)
	t.Cleanup(srv.Close)
	return fixture{w: w, url: srv.URL + "/wecom", h: cb}
}

// post sends an envelope with enc, signed with sig ("" to sign it right).
func (f fixture) post(t testing.TB, body, sig string, enc string) (int, string) {
	t.Helper()
	ts, nonce := "1741773600", "1397283511"
	if sig == "" {
		sig = f.w.sign(ts, nonce, enc)
	}
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	res, err := http.Post(f.url+"?"+q.Encode(), "text/xml", strings.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func envelopeXML(enc string) string {
	return `<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[` + enc + `]]></Encrypt></xml>`
}

// send posts a message and returns the decrypted reply.
func (f fixture) send(t testing.TB, inner string) outMessage {
	t.Helper()
	enc := f.w.encrypt(t, inner, f.w.corpID)
	status, body := f.post(t, envelopeXML(enc), "", enc)
	require.Equal(t, http.StatusOK, status, body)
	var env struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &env))
	assert.Contains(t, body, "<Encrypt><![CDATA[")
	assert.Equal(t, f.w.sign(env.TimeStamp, env.Nonce, env.Encrypt), env.MsgSignature, "the reply's signature verifies")
	msg, receiver := f.w.decrypt(t, env.Encrypt)
	assert.Equal(t, f.w.corpID, receiver)
	var out outMessage
	require.NoError(t, xml.Unmarshal([]byte(msg), &out))
	return out
}

func TestRoundTrip(t *testing.T) {
	var got []channel.Message
	bot := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		got = append(got, m)
		return demo(ctx, m)
	})
	f := newFixture(t, bot)

	out := f.send(t, textMessage("zhangsan", "你好，我想查订单 <b>&amp;</b>"))
	assert.Equal(t, "zhangsan", out.ToUserName.Text)
	assert.Equal(t, "ww0123456789abcdef", out.FromUserName.Text)
	assert.Equal(t, "text", out.MsgType.Text)
	assert.Equal(t, "您说的是：你好，我想查订单 <b>&amp;</b>\n"+
		`<a href="https://shop.example/help">帮助中心</a>`+"\n"+
		"1. 查订单\n2. 转人工\n（回复序号即可）", out.Content.Text)
	require.Len(t, got, 1)
	assert.Equal(t, channel.Message{
		ID: "7450000000000000001", SessionID: "wecom-1000002-zhangsan", UserID: "zhangsan", Channel: "wecom",
		Text: "你好，我想查订单 <b>&amp;</b>", Time: got[0].Time,
		Meta: map[string]string{"agent_id": "1000002", "corp_id": "ww0123456789abcdef"},
	}, got[0])
	assert.EqualValues(t, 1741773600, got[0].Time.Unix())

	// Typing a number picks that quick reply; another user's numbers are
	// their own.
	out = f.send(t, textMessage("zhangsan", "1"))
	assert.Equal(t, "请发送您的订单号，我来帮您查询。", out.Content.Text)
	out = f.send(t, textMessage("lisi", "2"))
	assert.True(t, strings.HasPrefix(out.Content.Text, "您说的是：2\n"))
	out = f.send(t, textMessage("lisi", "2"))
	assert.Equal(t, "好的。\n已为您转接人工客服，请稍候。", out.Content.Text)
}

func TestURLVerification(t *testing.T) {
	f := newFixture(t, channel.HandlerFunc(demo))
	get := func(sig, echo string) (int, string) {
		ts, nonce := "1741773600", "1397283511"
		if sig == "" {
			sig = f.w.sign(ts, nonce, echo)
		}
		q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echo}}
		res, err := http.Get(f.url + "?" + q.Encode())
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	echo := f.w.encrypt(t, "4419539417312547393", f.w.corpID)
	status, body := get("", echo)
	assert.Equal(t, 200, status)
	assert.Equal(t, "4419539417312547393", body)

	status, _ = get(strings.Repeat("0", 40), echo)
	assert.Equal(t, http.StatusForbidden, status, "bad signature")
	status, _ = get("", f.w.encrypt(t, "4419539417312547393", "ww-another-corp"))
	assert.Equal(t, http.StatusForbidden, status, "another corp")
	status, _ = get("", "not base64!")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = get("", "")
	assert.Equal(t, http.StatusBadRequest, status)

	res, err := http.Get(f.url)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "no query")
}

func TestBadInput(t *testing.T) {
	f := newFixture(t, channel.HandlerFunc(demo))
	good := f.w.encrypt(t, textMessage("zhangsan", "你好"), f.w.corpID)
	tests := []struct {
		name   string
		body   string
		sig    string
		enc    string
		status int
	}{
		{"bad signature", envelopeXML(good), strings.Repeat("a", 40), good, 403},
		{"signature of other content", envelopeXML(good), f.w.sign("1741773600", "1397283511", "other"), good, 403},
		{"malformed XML", `<xml><Encrypt><![CDATA[` + good + `]]></Encrypt>`, "", good, 400},
		{"not XML", `{"Encrypt": "x"}`, "", "x", 400},
		{"no Encrypt", `<xml><ToUserName>x</ToUserName></xml>`, "", "", 400},
		{"data after the document", envelopeXML(good) + `<xml/>`, "", good, 400},
		{"not base64", envelopeXML("%%%"), "", "%%%", 400},
		{"not a block multiple", envelopeXML("YWJj"), "", "YWJj", 400},
		{"malformed inner XML", "", "", f.w.encrypt(t, `<xml><FromUserName>zhangsan</FromUser`, f.w.corpID), 400},
		{"inner XML without sender", "", "", f.w.encrypt(t, `<xml><MsgType>text</MsgType></xml>`, f.w.corpID), 400},
		{"another corp", "", "", f.w.encrypt(t, textMessage("zhangsan", "你好"), "ww-another-corp"), 403},
		{"body too large", `<xml><Encrypt>` + strings.Repeat("A", 2<<20) + `</Encrypt></xml>`, "", "x", 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body
			if body == "" {
				body = envelopeXML(tt.enc)
			}
			status, _ := f.post(t, body, tt.sig, tt.enc)
			assert.Equal(t, tt.status, status)
		})
	}

	req, _ := http.NewRequest(http.MethodPut, f.url+"?msg_signature=a&timestamp=1&nonce=2", nil)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
}

func TestOtherMessages(t *testing.T) {
	f := newFixture(t, channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.Reply{}, errors.New("database down: password=hunter2")
	}))
	// An event gets no reply.
	enc := f.w.encrypt(t, `<xml><ToUserName>ww0123456789abcdef</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>1741773600</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event><AgentID>1000002</AgentID></xml>`, f.w.corpID)
	status, body := f.post(t, envelopeXML(enc), "", enc)
	assert.Equal(t, 200, status)
	assert.Empty(t, body)

	// An image is answered with a request for text.
	out := f.send(t, `<xml><ToUserName>ww0123456789abcdef</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>1741773600</CreateTime><MsgType>image</MsgType><PicUrl>https://x/1.png</PicUrl><AgentID>1000002</AgentID></xml>`)
	assert.Equal(t, "目前只能看懂文字消息，请用文字描述您的问题。", out.Content.Text)

	// A failing handler gives an apology, never its error.
	out = f.send(t, textMessage("zhangsan", "你好"))
	assert.Equal(t, channel.DefaultApology().Zh, out.Content.Text)
	out = f.send(t, textMessage("zhangsan", "   "))
	assert.Equal(t, "抱歉，这条消息无法处理，请换个说法再试。", out.Content.Text)
}

func TestCryptoRoundTrip(t *testing.T) {
	w := newWeCom(t)
	c, err := NewCrypto(w.token, w.aesKey, w.corpID)
	require.NoError(t, err)
	for _, msg := range []string{"", "a", strings.Repeat("长", 100), "<xml/>"} {
		enc, err := c.Encrypt([]byte(msg))
		require.NoError(t, err)
		got, receiver := w.decrypt(t, enc)
		assert.Equal(t, msg, got)
		assert.Equal(t, w.corpID, receiver)
		plain, err := c.Decrypt(w.encrypt(t, msg, w.corpID))
		require.NoError(t, err)
		assert.Equal(t, msg, string(plain))
	}
	for _, bad := range [][3]string{{"", w.aesKey, w.corpID}, {w.token, "short", w.corpID}, {w.token, w.aesKey, ""}, {w.token, w.aesKey[:42] + "!", w.corpID}} {
		_, err := NewCrypto(bad[0], bad[1], bad[2])
		assert.Error(t, err, "%q", bad)
	}
}

// FuzzCallback posts arbitrary decrypted messages, properly encrypted and
// signed: the adapter must answer 200 or 400, and never fail or panic.
func FuzzCallback(f *testing.F) {
	for _, s := range []string{
		textMessage("zhangsan", "你好"), textMessage("zhangsan", "1"), `<xml><MsgType>event</MsgType><FromUserName>a</FromUserName></xml>`,
		`<xml><FromUserName>a</FromUserName><MsgType>text</MsgType><Content>]]&gt;</Content></xml>`, `<xml>`, ``, `<?xml version="1.0"?><xml/>`,
	} {
		f.Add(s)
	}
	w := newWeCom(f)
	c, err := NewCrypto(w.token, w.aesKey, w.corpID)
	require.NoError(f, err)
	cb := NewCallback(c, channel.HandlerFunc(demo), nil)
	f.Fuzz(func(t *testing.T, inner string) {
		enc := w.encrypt(t, inner, w.corpID)
		q := url.Values{"msg_signature": {w.sign("1", "2", enc)}, "timestamp": {"1"}, "nonce": {"2"}}
		req := httptest.NewRequest(http.MethodPost, "/wecom?"+q.Encode(), strings.NewReader(envelopeXML(enc)))
		rec := httptest.NewRecorder()
		cb.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("status %d for %q: %s", rec.Code, inner, rec.Body)
		}
		if rec.Code == 200 && rec.Body.Len() > 0 {
			var env envelope
			if err := xml.Unmarshal(rec.Body.Bytes(), &env); err != nil {
				t.Fatalf("reply is not XML: %v", err)
			}
			msg, _ := w.decrypt(t, env.Encrypt)
			var out outMessage
			if err := xml.Unmarshal([]byte(msg), &out); err != nil {
				t.Fatalf("inner reply is not XML: %v: %q", err, msg)
			}
		}
	})
}

// FuzzDecrypt feeds arbitrary ciphertexts and envelopes to the parsers.
func FuzzDecrypt(f *testing.F) {
	w := newWeCom(f)
	f.Add(w.encrypt(f, "hello", w.corpID))
	f.Add("AAAAAAAAAAAAAAAAAAAAAA==")
	f.Add(envelopeXML("abc"))
	c, err := NewCrypto(w.token, w.aesKey, w.corpID)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = c.Decrypt(s)
		var env envelope
		_ = parseXML([]byte(s), &env)
		var in inMessage
		_ = parseXML(bytes.TrimSpace([]byte(s)), &in)
	})
}
