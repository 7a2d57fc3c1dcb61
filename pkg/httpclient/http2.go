package httpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/reqs-cli/reqs/pkg/httpclient/internal/wire"
	"golang.org/x/net/http2"
)

// HTTP/2 connections are handed to an x/net/http2 ClientConn of the
// session's own over a recording connection (wire.H2Conn), so that -v
// and Response.RawHeader show the fields in the order they went over
// the wire; see package internal/wire.

// h2SentKey carries, to the HTTP/2 round trip, the function that takes
// the request's header fields as sent (nil when they were not
// recorded).
type h2SentKey struct{}

// h2RemoteKey carries, to the HTTP/2 round trip, the function that takes
// the address of the connection the request goes out on: net/http's
// GotConn trace, which reports it for HTTP/1, does not fire for these
// connections.
type h2RemoteKey struct{}

// h2GotKey carries, to the HTTP/2 round trip, the function that takes
// the response's header fields in the order received.
type h2GotKey struct{}

// h2RoundTripper sends requests on one recorded HTTP/2 connection.
type h2RoundTripper struct {
	cc   *http2.ClientConn
	conn *wire.H2Conn
}

// h2NoCachedConn tells net/http that the connection takes no new
// requests, so that it drops it and dials again.
type h2NoCachedConn struct{}

func (h2NoCachedConn) IsHTTP2NoCachedConnError() {}
func (h2NoCachedConn) Error() string             { return "http2: no cached connection was available" }

func (rt *h2RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if !rt.cc.ReserveNewRequest() {
		return nil, h2NoCachedConn{}
	}
	// The connection is made (net/http's GotConn trace fires for
	// HTTP/1 alone), so a timeout from here on is a read timeout.
	if ph, _ := req.Context().Value(exchangePhaseKey{}).(*exchangePhase); ph != nil {
		ph.connected.Store(true)
	}
	if f, ok := req.Context().Value(h2RemoteKey{}).(func(string)); ok {
		if addr := rt.conn.RemoteAddr(); addr != nil {
			f(addr.String())
		}
	}
	resp, err := rt.cc.RoundTrip(req)
	sent, got := rt.conn.Claim(req)
	if err != nil && h2Unprocessed(err) {
		// The server did not take the request (the connection went
		// away first): net/http sends it again on a new connection, as
		// its own HTTP/2 client retries these.
		return nil, h2NoCachedConn{}
	}
	if f, ok := req.Context().Value(h2SentKey{}).(func([]HeaderField)); ok {
		var fields []HeaderField
		if sent != nil {
			fields = headerFieldsOf(wire.RegularFields(sent))
		}
		f(fields)
	}
	if err != nil {
		return nil, err
	}
	if got != nil && wire.H2Status(got) == strconv.Itoa(resp.StatusCode) && wire.SameHeader(got, resp.Header) {
		if set, ok := req.Context().Value(h2GotKey{}).(func([]HeaderField)); ok {
			set(headerFieldsOf(wire.RegularFields(got)))
		}
	}
	return resp, nil
}

// h2Unprocessed reports whether err says that the server never processed
// the request, as x/net/http2's canRetryError does: the connection was
// unusable or went away under a GOAWAY before the stream, or the stream
// was refused. Its sentinel errors are unexported, so they are known by
// their text.
func h2Unprocessed(err error) bool {
	switch err.Error() {
	case "http2: client conn not usable", "http2: Transport received Server's graceful shutdown GOAWAY":
		return true
	}
	var se http2.StreamError
	return errors.As(err, &se) && se.Code == http2.ErrCodeRefusedStream
}

// h2NextProto returns the TLSNextProto entries of a transport with
// settings' configuration: "h2" for HTTP/2 negotiated over TLS and
// "unencrypted_http2" for h2c, each a ClientConn of x/net/http2 over a
// recorded connection, configured from settings (timeouts, compression,
// header limits) as net/http's own would be. net/http uses the second
// only when its Protocols allow unencrypted HTTP/2 and not HTTP/1
// (newH2CTransport); with an "h2" entry present it installs no HTTP/2
// client of its own that would replace either.
// Each ClientConn joins conns, for CloseIdleConnections.
func h2NextProto(settings *http.Transport, conns *h2Conns) (map[string]func(string, *tls.Conn) http.RoundTripper, error) {
	t2, err := http2.ConfigureTransports(settings)
	if err != nil {
		return nil, err
	}
	open := func(c net.Conn, wc *wire.H2Conn, tconn net.Conn) http.RoundTripper {
		cc, err := t2.NewClientConn(tconn)
		if err != nil {
			go c.Close()
			return erringRoundTripper{err}
		}
		conns.add(cc)
		return &h2RoundTripper{cc: cc, conn: wc}
	}
	return map[string]func(string, *tls.Conn) http.RoundTripper{
		"h2": func(_ string, c *tls.Conn) http.RoundTripper {
			wc := wire.NewH2Conn(c)
			return open(c, wc, wire.H2TLSConn{H2Conn: wc, TC: c})
		},
		"unencrypted_http2": func(_ string, c *tls.Conn) http.RoundTripper {
			// The *tls.Conn only carries the plain connection; it has
			// never shaken hands and must not be used.
			inner, ok := c.NetConn().(interface{ UnencryptedNetConn() net.Conn })
			if !ok {
				go c.Close()
				return erringRoundTripper{errors.New("http2: TLS conn unexpectedly found in unencrypted handoff")}
			}
			nc := inner.UnencryptedNetConn()
			wc := wire.NewH2Conn(nc)
			return open(nc, wc, wc)
		},
	}, nil
}

// h2Conns are the ClientConns of a session's transports. net/http's
// CloseIdleConnections closes the HTTP/1 connections it holds and tells
// its own HTTP/2 client to close its idle ones, but leaves alone a
// connection handed to a TLSNextProto function: closeIdle closes these.
type h2Conns struct {
	mu    sync.Mutex
	conns map[*http2.ClientConn]bool
}

func (p *h2Conns) add(cc *http2.ClientConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		p.conns = map[*http2.ClientConn]bool{}
	}
	for c := range p.conns {
		if c.State().Closed {
			delete(p.conns, c)
		}
	}
	p.conns[cc] = true
}

// closeIdle closes the connections that carry no request, as net/http's
// own HTTP/2 client does. Shutdown lets a request that takes one
// meanwhile finish first.
func (p *h2Conns) closeIdle() {
	var idle []*http2.ClientConn
	p.mu.Lock()
	for cc := range p.conns {
		st := cc.State()
		if st.Closed || st.StreamsActive+st.StreamsReserved+st.StreamsPending == 0 {
			delete(p.conns, cc)
			if !st.Closed {
				idle = append(idle, cc)
			}
		}
	}
	p.mu.Unlock()
	for _, cc := range idle {
		cc.Shutdown(context.Background())
	}
}

type erringRoundTripper struct{ err error }

func (e erringRoundTripper) RoundTrip(*http.Request) (*http.Response, error) { return nil, e.err }
