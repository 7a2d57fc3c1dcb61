package httpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
)

// errHTTP3Proxy: QUIC runs over UDP, which neither HTTP proxies (CONNECT
// is TCP) nor the SOCKS proxies we speak can carry.
var errHTTP3Proxy = errors.New("HTTP/3 cannot go through a proxy")

// newHTTP3Transport returns the quic-go HTTP/3 transport for https
// requests: the session's TLS configuration (roots, client certificate,
// verification), and connections made by quicDialer so that --resolve,
// the address family, the interface and the connect timeout apply.
func (t *sessionTransport) newHTTP3Transport() *http3.Transport {
	q := &quicDialer{d: t.dialer}
	t.quic = q
	qc := &quic.Config{KeepAlivePeriod: 15 * time.Second}
	if d := t.opts.ConnectTimeout; d > 0 {
		qc.HandshakeIdleTimeout = d
	}
	return &http3.Transport{
		// Shared, not cloned: ensureRoots may set RootCAs before the first
		// request, and http3 clones it for each connection.
		TLSClientConfig:    t.tlsConfig,
		QUICConfig:         qc,
		Dial:               q.dial,
		DisableCompression: true, // the session decodes bodies itself
	}
}

// roundTripHTTP3 sends req over HTTP/3. The read timeout bounds the wait
// for the response head (http3 has no ResponseHeaderTimeout); it starts
// once a connection is ready, so a slow handshake stays a connect timeout.
func (t *sessionTransport) roundTripHTTP3(req *http.Request) (*http.Response, error) {
	d := t.opts.ReadTimeout
	if d <= 0 {
		return t.h3.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(d, func() { cancel(&headerTimeoutError{d}) })
	timer.Stop()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { timer.Reset(d) },
	})
	resp, err := t.h3.RoundTrip(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		var ht *headerTimeoutError
		if errors.As(context.Cause(ctx), &ht) {
			err = ht
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: func() { cancel(nil) }}
	return resp, nil
}

// headerTimeoutError: no response head within the read timeout.
type headerTimeoutError struct{ d time.Duration }

func (e *headerTimeoutError) Error() string {
	return fmt.Sprintf("no response head within %v", e.d)
}
func (e *headerTimeoutError) Timeout() bool { return true }

// cancelOnClose releases a request's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// quicDialer opens QUIC connections the way netDialer opens TCP ones:
// --resolve pins, the address family, the local interface, and the connect
// timeout for each address tried. It has one UDP socket per address
// family, made on first use.
type quicDialer struct {
	d *netDialer

	mu         sync.Mutex
	transports map[bool]*quic.Transport // by "is IPv6"
}

func (q *quicDialer) dial(ctx context.Context, addr string, tlsCfg *tls.Config, cfg *quic.Config) (*quic.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "udp", Err: err}
	}
	portNum, err := strconv.Atoi(port)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "udp", Err: err}
	}
	addrs, err := q.d.addresses(ctx, "udp", host, port)
	if err != nil {
		return nil, err
	}
	trace := httptrace.ContextClientTrace(ctx)
	var first error
	for _, a := range addrs {
		// a may carry an IPv6 zone, which net.ParseIP would refuse.
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return nil, &net.OpError{Op: "dial", Net: "udp", Err: fmt.Errorf("%q is not an IP address", a)}
		}
		raddr := &net.UDPAddr{IP: ip.WithZone("").AsSlice(), Zone: ip.Zone(), Port: portNum}
		conn, err := q.dialOne(ctx, trace, raddr, tlsCfg, cfg)
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

func (q *quicDialer) dialOne(ctx context.Context, trace *httptrace.ClientTrace, raddr *net.UDPAddr, tlsCfg *tls.Config, cfg *quic.Config) (*quic.Conn, error) {
	if !q.d.allows(raddr.IP) {
		return nil, &net.OpError{Op: "dial", Net: "udp", Err: fmt.Errorf("%s is not an IPv%d address", raddr.IP, q.d.family)}
	}
	tr, err := q.transport(raddr.IP.To4() == nil)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "udp", Addr: raddr, Err: err}
	}
	if q.d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, q.d.timeout)
		defer cancel()
	}
	if trace != nil && trace.ConnectStart != nil {
		trace.ConnectStart("udp", raddr.String())
	}
	if trace != nil && trace.TLSHandshakeStart != nil {
		trace.TLSHandshakeStart()
	}
	conn, err := tr.Dial(ctx, raddr, tlsCfg, cfg)
	var state tls.ConnectionState
	if conn != nil {
		state = conn.ConnectionState().TLS
	}
	if trace != nil && trace.TLSHandshakeDone != nil {
		trace.TLSHandshakeDone(state, err)
	}
	if trace != nil && trace.ConnectDone != nil {
		trace.ConnectDone("udp", raddr.String(), err)
	}
	switch {
	case err == nil:
		return conn, nil
	case isTimeoutError(err):
		// QUIC has no refusal to wait for: a port nobody serves stays
		// silent until the handshake gives up.
		return nil, &transportFailure{msg: fmt.Sprintf("cannot connect to %s over QUIC: the handshake got no answer in time", raddr), err: err}
	}
	return nil, &net.OpError{Op: "dial", Net: "udp", Addr: raddr, Err: err}
}

// transport returns the QUIC transport (UDP socket) for one address
// family, bound to the interface's address when one was chosen.
func (q *quicDialer) transport(v6 bool) (*quic.Transport, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if tr, ok := q.transports[v6]; ok {
		return tr, nil
	}
	network, local := "udp4", q.d.local4
	if v6 {
		network, local = "udp6", q.d.local6
	}
	if q.d.iface != "" && local == nil {
		return nil, fmt.Errorf("interface %q has no IPv%s address", q.d.iface, map[bool]string{false: "4", true: "6"}[v6])
	}
	conn, err := net.ListenUDP(network, &net.UDPAddr{IP: local})
	if err != nil {
		return nil, err
	}
	tr := &quic.Transport{Conn: conn}
	if q.transports == nil {
		q.transports = map[bool]*quic.Transport{}
	}
	q.transports[v6] = tr
	return tr, nil
}

// close closes the UDP sockets; connections on them end abruptly.
func (q *quicDialer) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for v6, tr := range q.transports {
		tr.Close()
		tr.Conn.Close()
		delete(q.transports, v6)
	}
}
