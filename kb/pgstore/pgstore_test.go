package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/kbtest"
	"github.com/kefuai/kefu/kb/pgstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dsn returns the test server's connection string, skipping the test when
// none is configured.
func dsn(t *testing.T) string {
	t.Helper()
	s := os.Getenv("KEFU_TEST_POSTGRES")
	if s == "" {
		t.Skip("KEFU_TEST_POSTGRES is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL store tests")
	}
	return s
}

// schema returns a fresh schema name, dropped when the test ends. Other
// test runs may share the database, so every test works in its own schema.
func schema(t *testing.T, conn string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "kbtest_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, conn)
		if err != nil {
			t.Logf("dropping schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Logf("dropping schema %s: %v", name, err)
		}
	})
	return name
}

func open(t *testing.T, conn, sch string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), conn, pgstore.Options{Schema: sch})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	conn := dsn(t)
	kbtest.Run(t, func(t *testing.T) kb.Store { return open(t, conn, schema(t, conn)) })
}

func TestPrefixAndSharedPool(t *testing.T) {
	conn := dsn(t)
	sch := schema(t, conn)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, conn)
	require.NoError(t, err)
	defer pool.Close()
	a, err := pgstore.New(ctx, pool, pgstore.Options{Schema: sch, Prefix: "faq_a_"})
	require.NoError(t, err)
	defer a.Close()
	b, err := pgstore.New(ctx, pool, pgstore.Options{Schema: sch, Prefix: "faq_b_"})
	require.NoError(t, err)
	defer b.Close()
	_, err = a.Write(ctx, kb.Batch{Put: []kb.Entry{kbtest.Rich("x")}})
	require.NoError(t, err)
	_, err = b.Get(ctx, "x")
	assert.ErrorIs(t, err, kb.ErrNotFound, "different prefixes are different knowledge bases")
	_, err = a.Get(ctx, "x")
	assert.NoError(t, err)
}

// TestConcurrentOpen starts instances together on empty tables.
func TestConcurrentOpen(t *testing.T) {
	conn := dsn(t)
	sch := schema(t, conn)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			s, err := pgstore.Open(context.Background(), conn, pgstore.Options{Schema: sch})
			if assert.NoError(t, err) {
				s.Close()
			}
		})
	}
	wg.Wait()
}

func topID(t *testing.T, b *kb.Base, q string) string {
	t.Helper()
	hits, err := b.Search(context.Background(), q, kb.SearchOptions{})
	require.NoError(t, err)
	if len(hits) == 0 {
		return ""
	}
	return hits[0].Entry.ID
}

// eventually polls cond until it holds, failing after a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 5 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%s: %v", what, time.Until(deadline.Add(-5*time.Second)).Abs())
}

// TestInstancesShareEdits runs two bot instances on one knowledge base:
// an edit through one becomes searchable on the other.
func TestInstancesShareEdits(t *testing.T) {
	conn := dsn(t)
	sch := schema(t, conn)
	ctx := context.Background()
	one, err := kb.Open(ctx, open(t, conn, sch), kb.Options{})
	require.NoError(t, err)
	defer one.Close()
	two, err := kb.Open(ctx, open(t, conn, sch), kb.Options{})
	require.NoError(t, err)
	defer two.Close()

	_, err = one.Write(ctx, kb.Batch{Author: "op1", Put: []kb.Entry{{ID: "invoice", Question: "怎么开发票"}}})
	require.NoError(t, err)
	eventually(t, "new entry searchable on the other instance", func() bool { return topID(t, two, "发票怎么开") == "invoice" })

	e, err := two.Get(ctx, "invoice")
	require.NoError(t, err)
	e.Question = "如何开具增值税专用发票"
	_, err = two.Write(ctx, kb.Batch{Author: "op2", Put: []kb.Entry{e}})
	require.NoError(t, err)
	eventually(t, "edit searchable on the first instance", func() bool { return topID(t, one, "增值税专用发票") == "invoice" })

	e.Disabled = true
	_, err = two.Write(ctx, kb.Batch{Put: []kb.Entry{e}})
	assert.ErrorIs(t, err, kb.ErrConflict, "a stale version is refused")
	e.Version++
	_, err = two.Write(ctx, kb.Batch{Put: []kb.Entry{e}})
	require.NoError(t, err)
	eventually(t, "disabling reaches the first instance", func() bool { return topID(t, one, "增值税专用发票") == "" })
}

// proxy forwards TCP connections to the database and can cut them, to
// take the server away from one instance and give it back.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.setDown(true) })
	go p.serve()
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		go func() { io.Copy(s, c); s.Close(); c.Close() }()
		go func() { io.Copy(c, s); s.Close(); c.Close() }()
	}
}

// setDown cuts every connection and refuses new ones, or lets them in
// again.
func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			c.Close()
		}
		clear(p.conns)
	}
}

// TestOutage takes the database away from one instance: it keeps
// answering from its index, its writes fail without leaving anything
// behind, and once the database is back it catches up with the edits made
// meanwhile and writes again.
func TestOutage(t *testing.T) {
	conn := dsn(t)
	sch := schema(t, conn)
	ctx := context.Background()
	u, err := url.Parse(conn)
	require.NoError(t, err)
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		t.Skip("the outage test needs KEFU_TEST_POSTGRES as a URL")
	}
	p := newProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = p.ln.Addr().String()
	q := viaProxy.Query()
	q.Set("connect_timeout", "2")
	viaProxy.RawQuery = q.Encode()

	direct, err := kb.Open(ctx, open(t, conn, sch), kb.Options{})
	require.NoError(t, err)
	defer direct.Close()
	cut, err := kb.Open(ctx, open(t, viaProxy.String(), sch), kb.Options{})
	require.NoError(t, err)
	defer cut.Close()

	_, err = direct.Write(ctx, kb.Batch{Put: []kb.Entry{{ID: "before", Question: "营业时间是几点"}}})
	require.NoError(t, err)
	eventually(t, "entry reaches the instance behind the proxy", func() bool { return topID(t, cut, "几点营业") == "before" })

	require.NoError(t, cut.Health(ctx))
	p.setDown(true)
	assert.Equal(t, "before", topID(t, cut, "几点营业"), "searches answer from the index during the outage")
	hctx, hcancel := context.WithTimeout(ctx, 3*time.Second)
	assert.Error(t, cut.Health(hctx), "Health tells the database is unreachable")
	hcancel()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err = cut.Write(wctx, kb.Batch{Put: []kb.Entry{{ID: "lost", Question: "这条写不进去"}}})
	cancel()
	require.Error(t, err, "writes fail while the database is unreachable")
	assert.False(t, errors.Is(err, kb.ErrConflict))
	assert.Contains(t, err.Error(), "kb/pgstore: write")
	_, err = direct.Get(ctx, "lost")
	assert.ErrorIs(t, err, kb.ErrNotFound, "a failed write leaves nothing behind")
	_, err = direct.Write(ctx, kb.Batch{Put: []kb.Entry{{ID: "during", Question: "退货地址在哪里"}}})
	require.NoError(t, err)

	p.setDown(false)
	eventually(t, "edits made during the outage reach the instance", func() bool { return topID(t, cut, "退货地址") == "during" })
	eventually(t, "writes work again", func() bool {
		_, err := cut.Write(ctx, kb.Batch{Overwrite: true, Put: []kb.Entry{{ID: "after", Question: "可以开发票吗"}}})
		return err == nil
	})
	eventually(t, "the write reaches the other instance", func() bool { return topID(t, direct, "开发票") == "after" })
	assert.NoError(t, cut.Health(ctx))
}
