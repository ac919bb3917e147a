// Package pgtest connects tests to the PostgreSQL named by the
// KEFU_TEST_POSTGRES environment variable, giving each test a schema of its
// own that is dropped afterwards.
package pgtest

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Env is the environment variable holding the test database URL.
const Env = "KEFU_TEST_POSTGRES"

// Pool returns a pool on the test database, or skips the test when Env is
// unset. The pool is closed when the test ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv(Env)
	if url == "" {
		t.Skip(Env + " is not set: set it to a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL tests")
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	if err := pool.Ping(context.Background()); err != nil {
		pool.Close()
		t.Fatalf("%s: %v", Env, err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Schema returns the name of a fresh schema for this test, dropped with
// everything in it when the test ends. The caller creates it (stores do).
func Schema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	name := "kefutest_" + strings.ToLower(rand.Text()[:12])
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}
