package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kefuai/kefu/dialogue/boltstore"
)

func Example() {
	dir, _ := os.MkdirTemp("", "kefu")
	defer os.RemoveAll(dir)
	s, err := boltstore.Open(filepath.Join(dir, "sessions.db"), boltstore.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()
	_ = s.Update(ctx, "session-1", time.Hour, func(old []byte) ([]byte, error) { return []byte(`{"turns":1}`), nil })
	b, _ := s.Get(ctx, "session-1")
	fmt.Println(string(b))
	// Output: {"turns":1}
}
