package channel

import (
	"net"
	"sync"
)

// LimitListener returns a listener that serves at most max connections at
// once: a connection beyond that is closed as soon as it is accepted, so
// that a flood of idle or slow clients meets a quick refusal instead of
// exhausting the process's file descriptors, and the connections being
// served go on.
func LimitListener(ln net.Listener, max int) net.Listener {
	return &limitListener{Listener: ln, max: max}
}

type limitListener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open int
}

// Accept returns the next connection within the limit.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.open >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open++
		l.mu.Unlock()
		return &limitConn{Conn: c, l: l}, nil
	}
}

type limitConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

// Close closes the connection and frees its place.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return err
}
