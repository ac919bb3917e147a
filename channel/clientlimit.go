package channel

import (
	"net"
	"net/http"
	"time"
)

// ClientLimits bound what clients may ask of an adapter before any turn
// runs, whatever sessions or user IDs they claim: a client that makes up a
// new session for every message is limited all the same. The zero value
// limits nothing.
type ClientLimits struct {
	// PerAddress limits each client address.
	PerAddress *Limiter
	// Global limits all clients together.
	Global *Limiter
	// Address returns a request's client address; the IP of RemoteAddr
	// when nil. Behind a proxy you run, return the address it reports.
	Address func(*http.Request) string
}

// Allow reports whether r may proceed and, when not, how long its client
// should wait. addr is the client address it was counted under.
func (c ClientLimits) Allow(r *http.Request) (ok bool, retryAfter time.Duration, addr string) {
	addr = c.address(r)
	ok, retryAfter = c.AllowAddress(addr)
	return ok, retryAfter, addr
}

// AllowAddress is Allow for a client already known by its address (a
// message on an open connection).
func (c ClientLimits) AllowAddress(addr string) (ok bool, retryAfter time.Duration) {
	if c.Global != nil {
		if ok, wait := c.Global.Allow("all"); !ok {
			return false, wait
		}
	}
	if c.PerAddress != nil {
		return c.PerAddress.Allow(addr)
	}
	return true, 0
}

func (c ClientLimits) address(r *http.Request) string {
	if c.Address != nil {
		return c.Address(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
