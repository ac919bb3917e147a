// Command customchannel is a complete channel adapter in one file, to copy
// and adapt: it connects a kefu bot to WeCom (企业微信) as the callback
// server of a self-built app. WeCom sends each message a customer writes
// to the app, encrypted, to this server, which answers with the bot's
// reply as an encrypted passive reply.
//
// Set the callback URL of the app to http(s)://your.host/wecom with a
// Token and EncodingAESKey of your choice, then run
//
//	go run ./examples/customchannel -token T -aeskey K -corpid ww0123456789abcdef
//
// The adapter does what any adapter does: check and decode what the
// channel sends (the SHA1 signature and the AES-256-CBC encryption of
// WeCom), make a channel.Message, call a channel.Handler, and encode the
// channel.Reply the way the channel shows it (text, with links as <a>
// tags and quick replies as numbered options answered by number). It
// imports only the standard library and package channel; the demo
// handler in main stands for the bot.
package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kefuai/kefu/channel"
)

// ---- WeCom message crypto ----------------------------------------------

// Errors of the crypto.
var (
	errDecrypt  = errors.New("wecom: cannot decrypt")
	errReceiver = errors.New("wecom: message for another corp")
)

// Crypto signs, encrypts and decrypts WeCom callback messages, as WeCom's
// WXBizMsgCrypt does: the signature is the SHA1 of the sorted token,
// timestamp, nonce and ciphertext; the ciphertext is AES-256-CBC (the key
// from the EncodingAESKey, the IV its first 16 bytes, PKCS#7 padding to
// 32 bytes) of 16 random bytes, the message length (4 bytes, big endian),
// the message and the receiver ID (the CorpID), in base64.
type Crypto struct {
	token      string
	key        []byte
	receiverID string
}

// NewCrypto returns a Crypto for an app's Token, EncodingAESKey (43
// characters) and CorpID.
func NewCrypto(token, encodingAESKey, corpID string) (*Crypto, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(encodingAESKey) != 43 || len(key) != 32 {
		return nil, errors.New("wecom: the EncodingAESKey must be 43 characters of base64")
	}
	if token == "" || corpID == "" {
		return nil, errors.New("wecom: a token and a corp ID are required")
	}
	return &Crypto{token: token, key: key, receiverID: corpID}, nil
}

// Signature returns the msg_signature of a message.
func (c *Crypto) Signature(timestamp, nonce, encrypted string) string {
	parts := []string{c.token, timestamp, nonce, encrypted}
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// Verify reports whether signature is the message's, in constant time.
func (c *Crypto) Verify(signature, timestamp, nonce, encrypted string) bool {
	want := c.Signature(timestamp, nonce, encrypted)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(signature)), []byte(want)) == 1
}

// Encrypt encrypts msg for WeCom.
func (c *Crypto) Encrypt(msg []byte) (string, error) {
	var buf bytes.Buffer
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", err
	}
	buf.Write(random)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(c.receiverID)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return "", err
	}
	plain := buf.Bytes()
	cipher.NewCBCEncrypter(block, c.key[:16]).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain), nil
}

// Decrypt decrypts a message from WeCom and checks its receiver ID.
func (c *Crypto) Decrypt(encrypted string) ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errDecrypt
	}
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return nil, err
	}
	cipher.NewCBCDecrypter(block, c.key[:16]).CryptBlocks(data, data)
	pad := int(data[len(data)-1])
	if pad < 1 || pad > 32 || pad > len(data) {
		return nil, errDecrypt
	}
	data = data[:len(data)-pad]
	if len(data) < 20 {
		return nil, errDecrypt
	}
	n := binary.BigEndian.Uint32(data[16:20])
	if uint64(n) > uint64(len(data)-20) {
		return nil, errDecrypt
	}
	msg, receiver := data[20:20+n], data[20+n:]
	if subtle.ConstantTimeCompare(receiver, []byte(c.receiverID)) != 1 {
		return nil, errReceiver
	}
	return msg, nil
}

// ---- XML ---------------------------------------------------------------

// envelope is the body WeCom posts.
type envelope struct {
	XMLName    xml.Name `xml:"xml"`
	ToUserName string   `xml:"ToUserName"`
	AgentID    string   `xml:"AgentID"`
	Encrypt    string   `xml:"Encrypt"`
}

// inMessage is a decrypted message.
type inMessage struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
	MsgID        string   `xml:"MsgId"`
	AgentID      string   `xml:"AgentID"`
	Event        string   `xml:"Event"`
}

// cdata is text written as <![CDATA[…]]>, as WeCom writes it.
type cdata struct {
	Text string `xml:",cdata"`
}

// outMessage is a passive reply, before encryption.
type outMessage struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// outEnvelope is the encrypted passive reply.
type outEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

// parseXML decodes one XML document into v, refusing anything after it.
func parseXML(data []byte, v any) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return errors.New("wecom: data after the document")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errors.New("wecom: data after the document")
		}
	}
}

// ---- The adapter ---------------------------------------------------------

// Callback is the WeCom callback server: an http.Handler for the
// callback URL. It is safe for concurrent use.
type Callback struct {
	crypto  *Crypto
	h       channel.Handler
	log     *slog.Logger
	limits  channel.Limits
	timeout time.Duration // WeCom waits 5 s for an answer, then retries

	mu      sync.Mutex
	options map[string][]channel.QuickReply // the last quick replies per user, answered by number
}

// NewCallback returns the callback server for h.
func NewCallback(c *Crypto, h channel.Handler, log *slog.Logger) *Callback {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Callback{crypto: c, h: h, log: log, timeout: 4 * time.Second, options: map[string][]channel.QuickReply{}}
}

// ServeHTTP answers WeCom: GET verifies the callback URL, POST is a
// message, answered with a passive reply. A bad signature is refused with
// 403, malformed XML or ciphertext with 400.
func (cb *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
	if sig == "" || ts == "" || nonce == "" {
		http.Error(w, "missing msg_signature, timestamp or nonce", http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodGet:
		cb.verifyURL(w, sig, ts, nonce, q.Get("echostr"))
	case http.MethodPost:
		cb.message(w, r, sig, ts, nonce)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verifyURL answers WeCom's check of the callback URL: the decrypted
// echostr, when its signature is right.
func (cb *Callback) verifyURL(w http.ResponseWriter, sig, ts, nonce, echo string) {
	if echo == "" {
		http.Error(w, "missing echostr", http.StatusBadRequest)
		return
	}
	if !cb.crypto.Verify(sig, ts, nonce, echo) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	plain, err := cb.crypto.Decrypt(echo)
	if err != nil {
		cb.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(plain)
}

// message answers one message with a passive reply.
func (cb *Callback) message(w http.ResponseWriter, r *http.Request, sig, ts, nonce string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	var env envelope
	if err := parseXML(body, &env); err != nil || env.Encrypt == "" {
		http.Error(w, "malformed XML", http.StatusBadRequest)
		return
	}
	if !cb.crypto.Verify(sig, ts, nonce, env.Encrypt) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	plain, err := cb.crypto.Decrypt(env.Encrypt)
	if err != nil {
		cb.fail(w, err)
		return
	}
	var in inMessage
	if err := parseXML(plain, &in); err != nil || in.FromUserName == "" || in.MsgType == "" {
		http.Error(w, "malformed message XML", http.StatusBadRequest)
		return
	}
	text, ok := cb.text(in)
	if !ok {
		w.WriteHeader(http.StatusOK) // an event or a message with nothing to answer: no reply
		return
	}
	cb.reply(w, in, cb.render(in.FromUserName, cb.handle(r.Context(), in, text)))
}

// text returns what the customer said: the text of a text message, or the
// payload of the quick reply whose number they typed.
func (cb *Callback) text(in inMessage) (string, bool) {
	switch in.MsgType {
	case "text":
	case "event":
		return "", false
	default: // image, voice, video, location, link
		return "", true
	}
	text := strings.TrimSpace(in.Content)
	if n, err := strconv.Atoi(text); err == nil {
		cb.mu.Lock()
		opts := cb.options[in.FromUserName]
		cb.mu.Unlock()
		if n >= 1 && n <= len(opts) {
			return opts[n-1].Value(), true
		}
	}
	return text, true
}

// handle runs one turn.
func (cb *Callback) handle(ctx context.Context, in inMessage, text string) channel.Reply {
	msg := channel.Message{
		ID:        in.MsgID,
		SessionID: "wecom-" + in.AgentID + "-" + in.FromUserName,
		UserID:    in.FromUserName,
		Channel:   "wecom",
		Text:      text,
		Time:      time.Unix(in.CreateTime, 0),
		Meta:      map[string]string{"agent_id": in.AgentID, "corp_id": in.ToUserName},
	}
	if in.MsgType != "text" {
		return channel.TextReply("目前只能看懂文字消息，请用文字描述您的问题。")
	}
	if err := cb.limits.Check(msg); err != nil {
		return channel.TextReply("抱歉，这条消息无法处理，请换个说法再试。")
	}
	ctx, cancel := context.WithTimeout(ctx, cb.timeout)
	defer cancel()
	reply, err := cb.h.Handle(ctx, msg)
	if err != nil {
		cb.log.Warn("wecom: turn failed", "user", in.FromUserName, "err", err)
		if len(reply.Parts) == 0 {
			reply = channel.TextReply(channel.DefaultApology().For(msg))
		}
	}
	return reply
}

// render writes a reply as the text of a WeCom message: paragraphs, links
// as <a> tags, images as links, quick replies as numbered options.
func (cb *Callback) render(user string, reply channel.Reply) string {
	var b strings.Builder
	var opts []channel.QuickReply
	line := func(s string) {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	a := func(title, url string) string {
		return `<a href="` + html.EscapeString(url) + `">` + html.EscapeString(title) + `</a>`
	}
	for _, p := range reply.Parts {
		switch p.Type {
		case channel.PartText:
			line(p.Text)
		case channel.PartImage:
			line(a("[图片] "+p.Alt, p.URL))
		case channel.PartLink:
			line(a(p.Title, p.URL))
		case channel.PartQuickReplies:
			for _, o := range p.Options {
				opts = append(opts, o)
				line(fmt.Sprintf("%d. %s", len(opts), o.Title))
			}
		}
	}
	if len(opts) > 0 {
		line("（回复序号即可）")
	}
	if reply.Handoff {
		line("已为您转接人工客服，请稍候。")
	}
	cb.mu.Lock()
	if len(cb.options) > 10_000 {
		clear(cb.options) // bound the memory; old options are rarely answered
	}
	if len(opts) > 0 {
		cb.options[user] = opts
	} else {
		delete(cb.options, user)
	}
	cb.mu.Unlock()
	return b.String()
}

// reply writes text as an encrypted passive reply to in.
func (cb *Callback) reply(w http.ResponseWriter, in inMessage, text string) {
	inner, err := xml.Marshal(outMessage{
		ToUserName: cdata{in.FromUserName}, FromUserName: cdata{in.ToUserName},
		CreateTime: time.Now().Unix(), MsgType: cdata{"text"}, Content: cdata{text},
	})
	if err != nil {
		cb.fail(w, err)
		return
	}
	enc, err := cb.crypto.Encrypt(inner)
	if err != nil {
		cb.fail(w, err)
		return
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatUint(uint64(time.Now().UnixNano())%1e10, 10)
	out, err := xml.Marshal(outEnvelope{Encrypt: cdata{enc}, MsgSignature: cdata{cb.crypto.Signature(ts, nonce, enc)}, TimeStamp: ts, Nonce: cdata{nonce}})
	if err != nil {
		cb.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(out)
}

func (cb *Callback) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errReceiver):
		http.Error(w, "wrong receiver", http.StatusForbidden)
	case errors.Is(err, errDecrypt):
		http.Error(w, "cannot decrypt", http.StatusBadRequest)
	default:
		cb.log.Error("wecom: reply failed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// ---- The program ---------------------------------------------------------

// demo stands for the bot: it echoes and offers quick replies.
func demo(_ context.Context, m channel.Message) (channel.Reply, error) {
	switch m.Text {
	case "order_status":
		return channel.TextReply("请发送您的订单号，我来帮您查询。"), nil
	case "human":
		return channel.Reply{Parts: []channel.Part{channel.Text("好的。")}, Handoff: true, HandoffReason: channel.HandoffRequested}, nil
	}
	return channel.Reply{Parts: []channel.Part{
		channel.Text("您说的是：" + m.Text),
		channel.Link("帮助中心", "https://shop.example/help"),
		channel.QuickReplies(
			channel.QuickReply{Title: "查订单", Payload: "order_status"},
			channel.QuickReply{Title: "转人工", Payload: "human"},
		),
	}}, nil
}

func main() {
	addr := flag.String("addr", ":8081", "address to listen on")
	path := flag.String("path", "/wecom", "path of the callback URL")
	token := flag.String("token", os.Getenv("WECOM_TOKEN"), "the app's callback Token ($WECOM_TOKEN)")
	aesKey := flag.String("aeskey", os.Getenv("WECOM_AES_KEY"), "the app's EncodingAESKey, 43 characters ($WECOM_AES_KEY)")
	corpID := flag.String("corpid", os.Getenv("WECOM_CORP_ID"), "the CorpID ($WECOM_CORP_ID)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	crypto, err := NewCrypto(*token, *aesKey, *corpID)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	bot := channel.Chain(channel.HandlerFunc(demo),
		channel.Recover(channel.RecoverOptions{Logger: log}),
		channel.RateLimit(channel.RateLimitOptions{}),
	)
	mux := http.NewServeMux()
	mux.Handle(*path, NewCallback(crypto, bot, log))
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("WeCom callback listening", "addr", *addr, "path", *path)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("server failed", "err", err)
		os.Exit(1)
	}
}
