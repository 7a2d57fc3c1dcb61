package httpclient

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/internal/wire"
)

// TLS is dialled here rather than by net/http because a request head must
// be reordered before it is encrypted: HTTPS connections are dialled by
// dialTLS, which hands HTTP/2 connections back to net/http as *tls.Conn
// and wraps HTTP/1.1 ones for recording, and HTTPS through an HTTP proxy
// uses a per-proxy transport whose dialTLS opens the CONNECT tunnel
// itself.

// dialTLS returns a DialTLSContext for an http.Transport: it dials with
// dial (directly, through a SOCKS proxy, or through an HTTP proxy's
// CONNECT tunnel), does the TLS handshake with cfg's settings, and
// returns a *tls.Conn when HTTP/2 was negotiated (net/http only speaks
// HTTP/2 over one) or a [wire.Conn] otherwise. A TLS connection to an
// HTTPS proxy itself (the request's context says so) offers HTTP/1.1 only.
func (t *sessionTransport) dialTLS(cfg func() *tls.Config, dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if wc, ok := raw.(*wire.Conn); ok {
			raw = wc.Conn
		}
		c := cfg()
		if c.ServerName == "" {
			host, _, _ := net.SplitHostPort(addr)
			c.ServerName = host
		}
		_, proxyHop := ctx.Value(proxyHopKey{}).(bool)
		switch {
		case proxyHop || t.opts.HTTP1 || isUpgrade(ctx):
			c.NextProtos = []string{"http/1.1"}
		default:
			c.NextProtos = []string{"h2", "http/1.1"}
		}
		return handshake(ctx, raw, c, t.opts.ConnectTimeout)
	}
}

// handshake runs the client TLS handshake on raw within timeout (none when
// zero), reporting to the request's httptrace hooks.
func handshake(ctx context.Context, raw net.Conn, cfg *tls.Config, timeout time.Duration) (net.Conn, error) {
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.TLSHandshakeStart != nil {
		trace.TLSHandshakeStart()
	}
	hctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	tc := tls.Client(raw, cfg)
	err := tc.HandshakeContext(hctx)
	cs := tc.ConnectionState()
	if trace != nil && trace.TLSHandshakeDone != nil {
		trace.TLSHandshakeDone(cs, err)
	}
	if err != nil {
		raw.Close()
		if hctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return nil, tlsHandshakeTimeout{}
		}
		return nil, err
	}
	if cs.NegotiatedProtocol == "h2" {
		return tc, nil
	}
	return &wire.Conn{Conn: tc, TLS: &cs}, nil
}

// tlsHandshakeTimeout is net/http's "TLS handshake timeout" error.
type tlsHandshakeTimeout struct{}

func (tlsHandshakeTimeout) Error() string   { return "TLS handshake timeout" }
func (tlsHandshakeTimeout) Timeout() bool   { return true }
func (tlsHandshakeTimeout) Temporary() bool { return true }

// tunnelTransport returns the transport for HTTPS requests through the
// HTTP or HTTPS proxy pu, built on first use: its TLS dialer opens a
// CONNECT tunnel through pu, so that the head written inside the tunnel
// can be reordered like any other.
func (t *sessionTransport) tunnelTransport(pu *url.URL) *http.Transport {
	key := pu.String()
	t.mu.Lock()
	defer t.mu.Unlock()
	if rt, ok := t.tunnels[key]; ok {
		return rt
	}
	rt := t.newHTTPTransport(t.dialer.DialContext, false)
	tunnel := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return t.connectTunnel(ctx, rt, pu, addr)
	}
	rt.DialTLSContext = t.dialTLS(func() *tls.Config { return rt.TLSClientConfig.Clone() }, tunnel)
	// Plain http goes through here only to switch protocols (a WebSocket).
	rt.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return wrapConn(tunnel(ctx, network, addr))
	}
	if t.tunnels == nil {
		t.tunnels = map[string]*http.Transport{}
	}
	t.tunnels[key] = rt
	return rt
}

// connectTunnel connects to the proxy pu (with TLS for an https proxy),
// asks it for a tunnel to addr with CONNECT, as net/http does for its own
// proxies, and returns the tunnel. Failures to reach the proxy are
// "proxyconnect" errors and a refusal is a *proxyRefusedError, as the
// session's error classification expects.
func (t *sessionTransport) connectTunnel(ctx context.Context, rt *http.Transport, pu *url.URL, addr string) (net.Conn, error) {
	proxyAddr := net.JoinHostPort(pu.Hostname(), portOr(pu.Port(), defaultPort(pu.Scheme)))
	wrap := func(err error) error { return &net.OpError{Op: "proxyconnect", Net: "tcp", Err: err} }
	conn, err := t.dialer.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		return nil, wrap(err)
	}
	if wc, ok := conn.(*wire.Conn); ok {
		conn = wc.Conn
	}
	if pu.Scheme == "https" {
		cfg := rt.TLSClientConfig.Clone()
		cfg.ServerName = pu.Hostname()
		cfg.NextProtos = []string{"http/1.1"}
		tc, err := handshake(ctx, conn, cfg, t.opts.ConnectTimeout)
		if err != nil {
			return nil, wrap(err)
		}
		conn = tc
		if wc, ok := conn.(*wire.Conn); ok {
			conn = wc.Conn
		}
	}
	hdr := http.Header{}
	if u := pu.User; u != nil {
		pass, _ := u.Password()
		hdr.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass)))
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: hdr}
	cctx := ctx
	if t.opts.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, t.opts.ConnectTimeout)
		defer cancel()
	}
	stop := context.AfterFunc(cctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	var resp *http.Response
	if err = req.Write(conn); err == nil {
		// The server speaks only after the TLS client hello, so nothing
		// of the tunnel is lost in this reader's buffer.
		br := bufio.NewReader(&io.LimitedReader{R: conn, N: wire.MaxHeadBytes})
		resp, err = http.ReadResponse(br, req)
	}
	if !stop() {
		conn.Close()
		if err == nil || cctx.Err() != nil {
			err = cctx.Err()
		}
		return nil, wrap(err)
	}
	if err != nil {
		conn.Close()
		return nil, wrap(err)
	}
	resp.Body.Close()
	if err := checkConnectResponse(ctx, pu, req, resp); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
