package testnet_test

import (
	"bufio"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/internal/testnet"
)

// testEchoOutage is a test that puts a Proxy between a client and a server
// (here a tiny echo server; in the bot's tests, Redis or PostgreSQL) and
// takes the network down and up again.
//
//lint:ignore U1000 go doc shows this whole file as the example; it is read, not called.
func testEchoOutage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()

	px := testnet.Start(t, ln.Addr().String())
	ping := func() (string, error) {
		c, err := net.Dial("tcp", px.Addr())
		if err != nil {
			return "", err
		}
		defer c.Close()
		if _, err := io.WriteString(c, "ping\n"); err != nil {
			return "", err
		}
		return bufio.NewReader(c).ReadString('\n')
	}

	got, err := ping()
	require.NoError(t, err)
	require.Equal(t, "ping\n", got)

	px.Down() // connections are dropped and new ones refused
	_, err = ping()
	require.Error(t, err)

	px.Up() // the server was never touched: it answers again
	got, err = ping()
	require.NoError(t, err)
	require.Equal(t, "ping\n", got)
}

// Start takes the test's testing.TB, so a Proxy lives inside a test such as
// testEchoOutage above; this example is compiled but not run.
func Example() {}
