package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/boltstore"
)

func Example() {
	dir, err := os.MkdirTemp("", "kb")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := boltstore.Open(filepath.Join(dir, "kb.db"), boltstore.Options{})
	if err != nil {
		panic(err)
	}
	_, err = st.Write(ctx, kb.Batch{Author: "alice", Put: []kb.Entry{
		{ID: "shipping", Question: "运费怎么算？", Answer: kb.Answer{Text: "满 99 元包邮。"}},
	}})
	if err != nil {
		panic(err)
	}
	st.Close()

	// The entry and its history survive a restart.
	st, err = boltstore.Open(filepath.Join(dir, "kb.db"), boltstore.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	e, err := st.Get(ctx, "shipping")
	if err != nil {
		panic(err)
	}
	revs, err := st.Revisions(ctx, kb.RevQuery{})
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Answer.Text, "version", e.Version, "by", revs[0].Author)
	// Output: 满 99 元包邮。 version 1 by alice
}
