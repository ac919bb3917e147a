// Package audittest checks that an audit.Log keeps its contract: records
// come back as appended, numbered without gap, and concurrent appends keep
// one valid chain. Run it from each implementation's tests:
//
//	func TestLog(t *testing.T) {
//		audittest.Run(t, func(t *testing.T) audit.Log { return newLog(t) })
//	}
//
// Tampering checks need to edit the storage and live with each
// implementation.
package audittest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics/audit"
)

// Run checks the logs returned by newLog, called once per check; each must
// be empty.
func Run(t *testing.T, newLog func(t *testing.T) audit.Log) {
	t.Run("AppendScanVerify", func(t *testing.T) { testAppend(t, newLog(t)) })
	t.Run("EmptyLogVerifies", func(t *testing.T) {
		head, err := audit.Verify(context.Background(), newLog(t))
		require.NoError(t, err)
		assert.Equal(t, audit.Head{}, head)
	})
	t.Run("InvalidEntry", func(t *testing.T) {
		l := newLog(t)
		_, err := l.Append(context.Background(), audit.Entry{Action: "x"})
		assert.ErrorIs(t, err, audit.ErrInvalidEntry)
		_, err = l.Append(context.Background(), audit.Entry{Actor: "x"})
		assert.ErrorIs(t, err, audit.ErrInvalidEntry)
	})
	t.Run("ConcurrentAppends", func(t *testing.T) { testConcurrent(t, newLog(t)) })
}

func testAppend(t *testing.T, l audit.Log) {
	ctx := context.Background()
	when := time.Date(2026, 11, 5, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	entries := []audit.Entry{
		{Time: when, Actor: "admin-zhang", Action: audit.ActionKnowledgeUpdate, Target: "faq-12", Details: map[string]string{"field": "answer", "版本": "3"}},
		{Time: when.Add(time.Minute), Actor: "admin-li", Action: audit.ActionEraseUser, Target: "user-42", Details: map[string]string{"events": "17"}},
		{Actor: "ops", Action: audit.ActionReportDownload, Target: "2026-11"},
	}
	var appended []audit.Record
	for _, e := range entries {
		r, err := l.Append(ctx, e)
		require.NoError(t, err)
		appended = append(appended, r)
	}
	assert.Equal(t, uint64(1), appended[0].Seq)
	assert.Equal(t, audit.Genesis, appended[0].Prev)
	assert.Equal(t, appended[0].Hash, appended[1].Prev)
	assert.Equal(t, appended[1].Hash, appended[2].Prev)
	assert.True(t, appended[0].Time.Equal(when.Truncate(time.Microsecond)))
	assert.False(t, appended[2].Time.IsZero(), "the log's clock stamps an entry without a time")

	var scanned []audit.Record
	require.NoError(t, l.Scan(ctx, 1, func(r audit.Record) error {
		scanned = append(scanned, r)
		return nil
	}))
	require.Len(t, scanned, 3)
	for i := range scanned {
		assert.True(t, appended[i].Time.Equal(scanned[i].Time))
		scanned[i].Time = appended[i].Time
	}
	assert.Equal(t, appended, scanned)

	var from2 []uint64
	require.NoError(t, l.Scan(ctx, 2, func(r audit.Record) error {
		from2 = append(from2, r.Seq)
		return nil
	}))
	assert.Equal(t, []uint64{2, 3}, from2)

	head, err := audit.Verify(ctx, l)
	require.NoError(t, err)
	assert.Equal(t, appended[2].Head(), head)
	_, err = audit.VerifyHead(ctx, l, appended[1].Head())
	assert.NoError(t, err)
	_, err = audit.VerifyHead(ctx, l, audit.Head{Seq: 2, Hash: "bogus"})
	assert.ErrorIs(t, err, audit.ErrBroken)
}

func testConcurrent(t *testing.T, l audit.Log) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for g := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				if _, err := l.Append(ctx, audit.Entry{Actor: fmt.Sprint("admin-", g), Action: audit.ActionExportUser, Target: fmt.Sprint("user-", i)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	head, err := audit.Verify(ctx, l)
	require.NoError(t, err)
	assert.Equal(t, uint64(50), head.Seq)
}
