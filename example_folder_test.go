package kefu_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing/fstest"
	"time"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/webhook"
	"github.com/kefuai/kefu/dialogue"
)

// A folder bot: the files would usually be a directory, os.DirFS("mybot").
// LoadFolder checks them all and NewBot serves them.
func ExampleLoadFolder() {
	files := fstest.MapFS{
		"bot.yaml": {Data: []byte("name: 小店\ntitles:\n  hours: {zh: 几点营业？, en: \"When are you open?\"}\n")},
		"intents.tsv": {Data: []byte("hours\t几点营业\nhours\t你们几点开门\nhours\twhen are you open\n" +
			"address\t店在哪里\naddress\t地址是多少\naddress\twhere is the shop\n")},
		"faq.csv": {Data: []byte("id,question,answer,intents\n" +
			"hours,几点营业？,每天 9 点到 21 点。,hours\naddress,店在哪里？,人民路 88 号。,address\n")},
	}
	ctx := context.Background()
	f, err := kefu.LoadFolder(ctx, files, kefu.FolderOptions{})
	if err != nil {
		log.Fatal(err)
	}
	bot, err := f.NewBot(ctx, kefu.FolderStores{})
	if err != nil {
		log.Fatal(err)
	}
	defer bot.Close()
	r, err := bot.Handle(ctx, channel.Message{SessionID: "s", Text: "你们几点开门？"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Name, len(f.Entries), "entries")
	fmt.Println(r.PlainText())

	// A mistake in any file: nothing is loaded, every problem is named.
	files["intents.tsv"] = &fstest.MapFile{Data: []byte("hours\t几点营业\nhours 你们几点开门\n")}
	files["bot.yaml"] = &fstest.MapFile{Data: []byte("name: 小店\ngreeting: 你好\n")}
	_, err = kefu.LoadFolder(ctx, files, kefu.FolderOptions{})
	var fe *kefu.FolderError
	if errors.As(err, &fe) {
		for _, p := range fe.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// 小店 2 entries
	// 每天 9 点到 21 点。
	// bot.yaml:2: unknown key greeting
	// intents.tsv:2: no TAB between intent and text
}

// An operator's endpoint that a flow calls with "call: freeze_card": it
// checks the signature, does the work and answers with an event and slots.
func ExampleHTTPAction() {
	secret := []byte("shared secret, from an environment variable")
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.VerifyRequest(r, secret, 5*time.Minute)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		fmt.Println("request:", string(body))
		io.WriteString(w, `{"event": "frozen", "slots": {"reference": "F-1001"}}`)
	}))
	defer endpoint.Close()

	freeze, err := kefu.HTTPAction{Name: "freeze_card", URL: endpoint.URL, Secret: secret, Timeout: 3 * time.Second}.Func()
	if err != nil {
		log.Fatal(err)
	}
	res, err := freeze(context.Background(), dialogue.Call{
		Session: "s1", Flow: "lost_card", State: "freeze", Lang: dialogue.LangZH,
		Time:  time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		Slots: map[string]dialogue.Value{"last4": {Text: "6789"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("event:", res.Event, "reference:", res.Slots["reference"].Text)
	// Output:
	// request: {"action":"freeze_card","session":"s1","flow":"lost_card","state":"freeze","lang":"zh","time":"2026-03-02T10:00:00Z","slots":{"last4":"6789"}}
	// event: frozen reference: F-1001
}
