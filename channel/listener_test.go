package channel_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Connections beyond the limit are closed at once; those served go on, and
// a place freed is taken again.
func TestLimitListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
	go srv.Serve(channel.LimitListener(ln, 2))
	defer srv.Close()

	dial := func() net.Conn {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		return c
	}
	get := func(c net.Conn) (string, error) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			return "", err
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	a, b := dial(), dial()
	defer a.Close()
	defer b.Close()
	body, err := get(a)
	require.NoError(t, err)
	assert.Equal(t, "ok", body)
	_, err = get(b)
	require.NoError(t, err)

	third := dial()
	defer third.Close()
	_, err = get(third)
	assert.Error(t, err, "a third connection is refused")

	a.Close()
	require.Eventually(t, func() bool {
		c := dial()
		defer c.Close()
		body, err := get(c)
		return err == nil && strings.Contains(body, "ok")
	}, 5*time.Second, 20*time.Millisecond, "a place freed is taken again")
}
