package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/analytics/audit/audittest"
	"github.com/kefuai/kefu/analytics/audit/pgstore"
	"github.com/kefuai/kefu/analytics/internal/pgtest"
)

func TestLog(t *testing.T) {
	pool := pgtest.Pool(t)
	audittest.Run(t, func(t *testing.T) audit.Log {
		l, err := pgstore.New(context.Background(), pool, pgstore.Options{Schema: pgtest.Schema(t, pool)})
		require.NoError(t, err)
		return l
	})
}

func fiveRecords(t *testing.T, l audit.Log) []audit.Record {
	var out []audit.Record
	for i, a := range []string{audit.ActionKnowledgeCreate, audit.ActionKnowledgeUpdate, audit.ActionExportUser, audit.ActionEraseUser, audit.ActionReportDownload} {
		r, err := l.Append(context.Background(), audit.Entry{
			Time: time.Date(2026, 11, 1, 10, i, 0, 0, time.UTC), Actor: "admin", Action: a, Target: "t" + string(rune('0'+i)),
			Details: map[string]string{"n": string(rune('0' + i))},
		})
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

func brokenAt(t *testing.T, l audit.Log) uint64 {
	t.Helper()
	_, err := audit.Verify(context.Background(), l)
	var be *audit.BrokenError
	require.ErrorAs(t, err, &be, "tampering must be detected")
	return be.Seq
}

func TestLogTampering(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	cases := []struct {
		name string
		sql  []string
		want uint64
	}{
		{"edit", []string{`UPDATE %s SET actor = 'nobody' WHERE seq = 3`}, 3},
		{"edit details", []string{`UPDATE %s SET details = '{"n":"9"}' WHERE seq = 2`}, 2},
		{"delete", []string{`DELETE FROM %s WHERE seq = 2`}, 2},
		{"reorder", []string{
			`UPDATE %s SET seq = 100 WHERE seq = 2`, `UPDATE %s SET seq = 2 WHERE seq = 3`, `UPDATE %s SET seq = 3 WHERE seq = 100`,
		}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			schema := pgtest.Schema(t, pool)
			l, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
			require.NoError(t, err)
			fiveRecords(t, l)
			table := `"` + schema + `"."kefu_audit"`
			// The table refuses changes...
			_, err = pool.Exec(ctx, `UPDATE `+table+` SET actor = 'x' WHERE seq = 1`)
			require.ErrorContains(t, err, "append-only")
			_, err = pool.Exec(ctx, `DELETE FROM `+table+` WHERE seq = 1`)
			require.ErrorContains(t, err, "append-only")
			// ...until the trigger is dropped; then Verify tells.
			_, err = pool.Exec(ctx, `ALTER TABLE `+table+` DISABLE TRIGGER append_only`)
			require.NoError(t, err)
			for _, q := range c.sql {
				_, err := pool.Exec(ctx, strings.ReplaceAll(q, "%s", table))
				require.NoError(t, err)
			}
			assert.Equal(t, c.want, brokenAt(t, l))
		})
	}
}

// Two logs on one table (two bot instances) keep one chain.
func TestLogShared(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	schema := pgtest.Schema(t, pool)
	a, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	b, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	for i := range 6 {
		l := audit.Log(a)
		if i%2 == 1 {
			l = b
		}
		_, err := l.Append(ctx, audit.Entry{Actor: "x", Action: "y"})
		require.NoError(t, err)
	}
	head, err := audit.Verify(ctx, b)
	require.NoError(t, err)
	assert.Equal(t, uint64(6), head.Seq)
}
