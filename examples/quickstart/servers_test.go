//go:build kefu_servers

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/kb"
	kbpg "github.com/kefuai/kefu/kb/pgstore"
)

// TestSharedServers starts two instances of one folder bot at once on the
// same Redis and PostgreSQL: the knowledge base is seeded once, and a
// conversation started on one instance goes on on the other.
func TestSharedServers(t *testing.T) {
	redisURL, pgURL := os.Getenv("KEFU_TEST_REDIS"), os.Getenv("KEFU_TEST_POSTGRES")
	if redisURL == "" || pgURL == "" {
		t.Skip("KEFU_TEST_REDIS and KEFU_TEST_POSTGRES are needed")
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgURL)
	require.NoError(t, err)
	schema := fmt.Sprintf("kefu_quickstart_%d", time.Now().UnixNano())
	_, err = pool.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		pool.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		pool.Close()
	})
	sep := "?"
	if strings.Contains(pgURL, "?") {
		sep = "&"
	}
	cfg := config{bot: bankFolder(t, bankEndpoint(t).URL), redis: redisURL, postgres: pgURL + sep + "search_path=" + schema,
		adminToken: testAdminToken}

	apps := make([]*app, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := cfg
			c.data = t.TempDir()
			apps[i], errs[i] = newApp(ctx, c, slog.New(slog.DiscardHandler))
		}()
	}
	wg.Wait()
	var urls []string
	for i, a := range apps {
		require.NoError(t, errs[i])
		srv := httptest.NewServer(a.handler)
		t.Cleanup(func() {
			srv.Close()
			a.close(context.Background())
		})
		urls = append(urls, srv.URL)
	}

	st, err := kbpg.New(ctx, pool, kbpg.Options{Schema: schema})
	require.NoError(t, err)
	es, _, err := st.List(ctx)
	require.NoError(t, err)
	assert.Len(t, es, 22)
	revs, err := st.Revisions(ctx, kb.RevQuery{})
	require.NoError(t, err)
	assert.Len(t, revs, 22, "seeded once")

	sid := fmt.Sprintf("shared-%d", time.Now().UnixNano())
	_, r := post(t, urls[0], `{"session_id":"`+sid+`","text":"我的银行卡丢了"}`)
	assert.Contains(t, text(r), "卡号后四位")
	_, r = post(t, urls[1], `{"session_id":"`+sid+`","text":"尾号6789"}`)
	assert.Contains(t, text(r), "确认冻结尾号 6789", "the other instance goes on")
	_, r = post(t, urls[0], `{"session_id":"`+sid+`","text":"确认"}`)
	assert.Contains(t, text(r), "冻结编号 F-6789")

	// The admin API's actions go to the audit log in PostgreSQL.
	req, _ := http.NewRequest(http.MethodDelete, urls[1]+"/admin/users/nobody", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+schema+".kefu_audit").Scan(&n))
	assert.Positive(t, n, "the audit log is in PostgreSQL (status %d)", resp.StatusCode)
}
