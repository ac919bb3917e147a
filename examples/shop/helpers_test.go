package shop_test

import (
	"context"
	"io/fs"
	"sync"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/examples/shop"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// folder is the shop's bot folder, loaded once for the tests.
var folder = sync.OnceValues(func() (*kefu.Folder, error) { return shop.Load(context.Background()) })

// The folder's parts, one function each, for the tests.

func part[T any](get func(*kefu.Folder) T) (T, error) {
	f, err := folder()
	if err != nil {
		var zero T
		return zero, err
	}
	return get(f), nil
}

func intents() ([]intent.Example, error) {
	return part(func(f *kefu.Folder) []intent.Example { return f.Examples })
}

func testIntents() ([]intent.Example, error) {
	return part(func(f *kefu.Folder) []intent.Example { return f.TestExamples })
}

func entries() ([]kb.Entry, error) { return part(func(f *kefu.Folder) []kb.Entry { return f.Entries }) }

func flows() ([]*dialogue.Flow, error) {
	return part(func(f *kefu.Folder) []*dialogue.Flow { return f.Flows })
}

func rules() []intent.Rule { return must(part(func(f *kefu.Folder) []intent.Rule { return f.Rules })) }
func words() []string      { return must(part(func(f *kefu.Folder) []string { return f.Words })) }
func synonyms() [][]string { return must(part(func(f *kefu.Folder) [][]string { return f.Synonyms })) }
func outOfScope() string   { return must(part(func(f *kefu.Folder) string { return f.OutOfScope })) }
func images() fs.FS        { return must(part(func(f *kefu.Folder) fs.FS { return f.Static["/demo/img/"] })) }
func policies() fs.FS {
	return must(part(func(f *kefu.Folder) fs.FS { return f.Static["/demo/policy/"] }))
}
func conversations() fs.FS { return must(part(func(f *kefu.Folder) fs.FS { return f.Conversations })) }
func pendingConversations() []string {
	return must(part(func(f *kefu.Folder) []string { return f.PendingConversations }))
}
func greetings() map[string]channel.Reply {
	return must(part(func(f *kefu.Folder) map[string]channel.Reply { return f.Greetings }))
}
func intentTitles() map[string]channel.Bilingual {
	return must(part(func(f *kefu.Folder) map[string]channel.Bilingual { return f.Titles }))
}
