package httpclient

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// HTTP/1.1 heads on the wire.
//
// net/http writes request headers sorted by name and parses response
// headers into a map, so neither the order Requests sends (defaults
// first, then the caller's headers in the order given) nor the server's
// own order, case and repetitions survive. The session therefore wraps
// every HTTP/1.x connection in a wireConn: when a request is about to be
// written on it, the connection is armed with the order the request's
// headers must go out in; it holds back the head net/http writes until
// its blank line, puts the header lines in that order (a permutation:
// nothing is added, dropped or rewritten) and lets the body through
// untouched, so sendfile, chunked bodies and 100-continue work as before.
// On the read side it keeps the response head as read, up to net/http's
// own header limit, for Response.RawHeader.
//
// The alternatives were a request writer and connection pool of our own
// (keep-alive, proxies, CONNECT, 100-continue, HTTP/2 negotiation and the
// httptrace hooks all to be redone) or a fork of net/http (a second copy
// of net/http's types through the library). Rewriting the head keeps
// net/http in charge of everything else, at the price of dialling TLS
// ourselves: the head must be reordered before encryption, so HTTPS
// connections are dialled by dialTLS, which hands HTTP/2 connections back
// to net/http as *tls.Conn and wraps HTTP/1.1 ones, and HTTPS through an
// HTTP proxy uses a per-proxy transport whose dialTLS opens the CONNECT
// tunnel itself.

// HeaderField is one header line: the name as written and its value.
type HeaderField struct {
	Name, Value string
}

// maxHeadBytes bounds a response head kept for RawHeader; it is
// net/http's default MaxResponseHeaderBytes, past which it fails anyway.
const maxHeadBytes = 10 << 20

// maxRequestHead bounds how much of a request head is held back for
// reordering; a longer head goes out as net/http wrote it.
const maxRequestHead = 16 << 20

// wireConn is an HTTP/1.x connection that reorders request heads and
// records response heads (see the comment above).
type wireConn struct {
	net.Conn
	tls *tls.ConnectionState // nil over plain TCP

	wmu   sync.Mutex
	order []string // lower-case header names in send order; nil: not armed
	head  []byte   // request head held back so far

	rmu      sync.Mutex
	capture  bool
	rhead    []byte // response bytes since the last head began
	lastHead []byte // the last complete final (non-1xx) response head
}

// arm makes the next request head written on c go out in order (lower-case
// names), and starts recording the response head that answers it.
func (c *wireConn) arm(order []string) {
	c.wmu.Lock()
	c.order, c.head = order, c.head[:0]
	c.wmu.Unlock()
	c.rmu.Lock()
	c.capture, c.rhead, c.lastHead = true, nil, nil
	c.rmu.Unlock()
}

// responseHead returns the final response head read since arm, or nil.
func (c *wireConn) responseHead() []byte {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	return c.lastHead
}

func (c *wireConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.order == nil {
		return c.Conn.Write(p)
	}
	c.head = append(c.head, p...)
	end := bytes.Index(c.head, []byte("\r\n\r\n"))
	if end < 0 {
		if len(c.head) > maxRequestHead || !startsLikeRequest(c.head) {
			return c.flushHead(p, c.head)
		}
		return len(p), nil
	}
	out := append(reorderHead(c.head[:end+4], c.order), c.head[end+4:]...)
	return c.flushHead(p, out)
}

// flushHead writes out (the held-back head and what follows it) and
// disarms the writer; p is the caller's current buffer.
func (c *wireConn) flushHead(p, out []byte) (int, error) {
	c.order, c.head = nil, c.head[:0]
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// startsLikeRequest reports whether b can be the start of an HTTP/1.x
// request line (a method token and a space); an HTTP/2 preface or frame
// is let through at once.
func startsLikeRequest(b []byte) bool {
	for i, ch := range b {
		switch {
		case ch == ' ':
			return i > 0
		case ch < '!' || ch > '~':
			return false
		}
	}
	return true
}

// ReadFrom keeps the zero-copy path for bodies: once the head is out,
// the underlying connection's ReadFrom (sendfile, large copies) sends it.
func (c *wireConn) ReadFrom(r io.Reader) (int64, error) {
	c.wmu.Lock()
	armed := c.order != nil
	c.wmu.Unlock()
	if rf, ok := c.Conn.(io.ReaderFrom); ok && !armed {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c}, struct{ io.Reader }{r})
}

func (c *wireConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.rmu.Lock()
		if c.capture {
			c.record(p[:n])
		}
		c.rmu.Unlock()
	}
	return n, err
}

// record adds response bytes to the head being captured; it stops at the
// end of the final (non-1xx) head, or when the bytes are not an HTTP/1.x
// head at all or exceed maxHeadBytes.
func (c *wireConn) record(b []byte) {
	for len(b) > 0 && c.capture {
		start := len(c.rhead)
		c.rhead = append(c.rhead, b...)
		if len(c.rhead) >= 5 && !bytes.HasPrefix(c.rhead, []byte("HTTP/")) || len(c.rhead) > maxHeadBytes {
			c.capture, c.rhead = false, nil
			return
		}
		// The end may straddle the previous read.
		from := max(start-3, 0)
		i := bytes.Index(c.rhead[from:], []byte("\r\n\r\n"))
		if i < 0 {
			return
		}
		end := from + i + 4
		head := c.rhead[:end]
		rest := len(c.rhead) - end
		b = b[len(b)-rest:]
		if informational(head) {
			c.rhead = nil
			continue
		}
		c.lastHead = bytes.Clone(head)
		c.capture, c.rhead = false, nil
	}
}

// informational reports whether a response head is a 1xx (100 Continue,
// 103 Early Hints), after which the final response follows.
func informational(head []byte) bool {
	_, rest, ok := bytes.Cut(head, []byte(" "))
	return ok && len(rest) > 0 && rest[0] == '1'
}

// reorderHead puts the header lines of an HTTP/1.x request head in order:
// the names in order first (compared without regard to case, and
// written as order spells them), then the lines it does not name, as
// net/http wrote them. Lines of one name keep their relative order.
// Anything that is not an HTTP/1.x request head is returned unchanged.
func reorderHead(head []byte, order []string) []byte {
	lines := strings.Split(strings.TrimSuffix(string(head), "\r\n\r\n"), "\r\n")
	if !strings.HasSuffix(lines[0], " HTTP/1.1") && !strings.HasSuffix(lines[0], " HTTP/1.0") {
		return head
	}
	rank := make(map[string]int, len(order))
	spelling := make(map[string]string, len(order))
	for i, name := range order {
		l := strings.ToLower(name)
		if _, ok := rank[l]; !ok {
			rank[l], spelling[l] = i, name
		}
	}
	type field struct {
		line string
		rank int
	}
	fields := make([]field, 0, len(lines)-1)
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		r, known := rank[strings.ToLower(name)]
		if !known {
			r = len(order)
		} else if ok {
			line = spelling[strings.ToLower(name)] + ":" + value
		}
		fields = append(fields, field{line, r})
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].rank < fields[j].rank })
	var b bytes.Buffer
	b.Grow(len(head))
	b.WriteString(lines[0])
	b.WriteString("\r\n")
	for _, f := range fields {
		b.WriteString(f.line)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// parseHeadFields returns the header lines of a raw HTTP/1.x head as
// written: names in their case, values trimmed, repeated fields
// repeated. An obsolete folded line continues the previous value.
func parseHeadFields(head []byte) []HeaderField {
	lines := strings.Split(strings.TrimRight(string(head), "\r\n"), "\n")
	var out []HeaderField
	for _, line := range lines[1:] {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			out[len(out)-1].Value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		out = append(out, HeaderField{Name: name, Value: strings.Trim(value, " \t")})
	}
	return out
}

// headerFields lists h with names sorted, for heads whose order is not
// known (HTTP/3, mounted transports).
func headerFields(h http.Header) []HeaderField {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []HeaderField
	for _, name := range names {
		for _, v := range h[name] {
			out = append(out, HeaderField{Name: name, Value: v})
		}
	}
	return out
}

// proxyHopKey marks a request whose TLS dial, if any, is to its HTTPS
// proxy rather than to the target.
type proxyHopKey struct{}

// wireOrderKey carries the header order of a request to the
// GotConn hook that arms its connection.
type wireOrderKey struct{}

// armConn arms conn, the connection net/http picked for the request, with
// the header order in ctx when it is a wireConn, and returns it (else
// got) so the response head can be fetched.
func armConn(ctx context.Context, conn net.Conn, got *wireConn) *wireConn {
	wc, ok := conn.(*wireConn)
	if !ok {
		return got
	}
	order, _ := ctx.Value(wireOrderKey{}).([]string)
	if order == nil {
		order = []string{}
	}
	wc.arm(order)
	return wc
}

// wrapConn wraps a plain connection for head reordering.
func wrapConn(c net.Conn, err error) (net.Conn, error) {
	if err != nil {
		return nil, err
	}
	return &wireConn{Conn: c}, nil
}

// dialTLS returns a DialTLSContext for an http.Transport: it dials with
// dial (directly, through a SOCKS proxy, or through an HTTP proxy's
// CONNECT tunnel), does the TLS handshake with cfg's settings, and
// returns a *tls.Conn when HTTP/2 was negotiated (net/http only speaks
// HTTP/2 over one) or a wireConn otherwise. A TLS connection to an
// HTTPS proxy itself (the request's context says so) offers HTTP/1.1 only.
func (t *sessionTransport) dialTLS(cfg func() *tls.Config, dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if wc, ok := raw.(*wireConn); ok {
			raw = wc.Conn
		}
		c := cfg()
		if c.ServerName == "" {
			host, _, _ := net.SplitHostPort(addr)
			c.ServerName = host
		}
		_, proxyHop := ctx.Value(proxyHopKey{}).(bool)
		switch {
		case proxyHop || t.opts.HTTP1:
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
	return &wireConn{Conn: tc, tls: &cs}, nil
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
	if wc, ok := conn.(*wireConn); ok {
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
		if wc, ok := conn.(*wireConn); ok {
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
		br := bufio.NewReader(&io.LimitedReader{R: conn, N: maxHeadBytes})
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

// errNotWire says a response came over a connection that records no head.
var errNotWire = errors.New("no raw head")

// rawResponseHead parses a recorded head into fields, checking that it is
// the head of the response net/http parsed (same status code).
func rawResponseHead(head []byte, status int) ([]HeaderField, error) {
	if head == nil {
		return nil, errNotWire
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if !bytes.Contains(line, fmt.Appendf(nil, " %d", status)) {
		return nil, errNotWire
	}
	return parseHeadFields(head), nil
}

// wireHead returns the response head c recorded, or nil for no wireConn.
func wireHead(c *wireConn) []byte {
	if c == nil {
		return nil
	}
	return c.responseHead()
}

// onConnectKey carries SendOptions.OnConnect to the GotConn hook.
type onConnectKey struct{}

// connProto names the protocol a request goes out with on conn.
func connProto(conn net.Conn) string {
	if tc, ok := conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
		return "HTTP/2"
	}
	if h2ConnOf(conn) {
		return "HTTP/2"
	}
	// quic-go's stand-in for a QUIC connection answers only for its
	// addresses, which are UDP ones.
	if conn != nil && conn.LocalAddr() != nil && conn.LocalAddr().Network() == "udp" {
		return "HTTP/3"
	}
	return "HTTP/1.1"
}
