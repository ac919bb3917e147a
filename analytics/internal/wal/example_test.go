package wal_test

import (
	"fmt"
	"os"

	"github.com/kefuai/kefu/analytics/internal/wal"
)

// A producer appends a turn's records in one write; the consumer reads them
// after the committed cursor, delivers them, and commits. Records read but
// not committed are read again, also after a restart.
func Example() {
	dir, err := os.MkdirTemp("", "kefu-wal")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	l, err := wal.Open(dir, wal.Options{})
	if err != nil {
		panic(err)
	}
	defer l.Close()

	if err := l.AppendBatch([][]byte{[]byte("event-1"), []byte("event-2"), []byte("event-3")}); err != nil {
		panic(err)
	}

	for {
		recs, c, err := l.Next(2)
		if err != nil {
			panic(err)
		}
		if len(recs) == 0 {
			break // caught up
		}
		for _, r := range recs {
			fmt.Print(string(r), " ")
		}
		fmt.Println("delivered")
		if err := l.Commit(c); err != nil {
			panic(err)
		}
	}
	fmt.Println("pending:", l.Pending())
	// Output:
	// event-1 event-2 delivered
	// event-3 delivered
	// pending: false
}
