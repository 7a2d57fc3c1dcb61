package httpclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/charset"
	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
	"github.com/reqs-cli/reqs/pkg/httpclient/internal/wire"
)

// sendOnce performs one exchange: one request, repeated while a
// ChallengeAuth answers the server's challenge (at most maxChallengeRounds). Cookies come from the
// jar for this URL and responses' cookies are stored back.
func (s *Session) sendOnce(ctx context.Context, p *PreparedRequest) (*Response, error) {
	resp, err := s.roundTrip(ctx, p)
	if err != nil {
		return nil, err
	}
	ca, ok := p.Auth.(ChallengeAuth)
	// A response a hook made up answers no challenge.
	for round := 0; ok && resp.raw != nil && round < maxChallengeRounds; round++ {
		retry, err := ca.Challenge(resp.raw)
		if err != nil {
			resp.Close()
			return nil, err
		}
		if !retry {
			break
		}
		drain(resp.Body)
		if resp, err = s.roundTrip(ctx, p); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// maxChallengeRounds bounds how many times one exchange answers an auth
// challenge: Digest needs two when the first nonce turns out stale.
const maxChallengeRounds = 2

// roundTrip sends p exactly once through the transport chosen for its URL.
func (s *Session) roundTrip(ctx context.Context, p *PreparedRequest) (*Response, error) {
	// The hooks can run on the transport's goroutines, several at once
	// when Happy Eyeballs dials two addresses, so they share a lock.
	var mu sync.Mutex
	var t Timings
	var dnsStart, connStart, tlsStart time.Time
	remote := ""
	var tlsState *tls.ConnectionState
	var rec *wire.Conn
	ctx = context.WithValue(ctx, wireOrderKey{}, s.headerOrder(p))
	// The transport's exchangePhase is told of the connection and the
	// handshake by this trace (see phaseSlotKey).
	phase := new(atomic.Pointer[exchangePhase])
	ctx = context.WithValue(ctx, phaseSlotKey{}, phase)
	locked := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		f()
	}
	trace := &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { locked(func() { dnsStart = time.Now() }) },
		DNSDone:  func(httptrace.DNSDoneInfo) { locked(func() { t.DNS = time.Since(dnsStart) }) },
		ConnectStart: func(string, string) {
			locked(func() {
				if connStart.IsZero() {
					connStart = time.Now()
				}
			})
		},
		ConnectDone: func(string, string, error) { locked(func() { t.Connect = time.Since(connStart) }) },
		// The session's TLS dialer reports the handshake, and net/http
		// reports it again (already done) for an HTTP/2 connection: the
		// first report counts.
		TLSHandshakeStart: func() {
			locked(func() {
				if tlsStart.IsZero() {
					tlsStart = time.Now()
				}
			})
		},
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			if ph := phase.Load(); err != nil && ph != nil {
				ph.tlsFailed.Store(true)
			}
			locked(func() {
				if tlsState == nil {
					t.TLS = time.Since(tlsStart)
					tlsState = &cs
				}
			})
		},
		GotConn: func(info httptrace.GotConnInfo) {
			if ph := phase.Load(); ph != nil {
				ph.connected.Store(true)
			}
			if info.Conn == nil {
				return
			}
			addr := info.Conn.RemoteAddr().String()
			locked(func() {
				remote = addr
				rec = armConn(ctx, info.Conn, rec)
			})
			// Over a recorded HTTP/2 connection the head is reported
			// once sent, with the fields that went out (h2SentKey).
			if onConnect, ok := ctx.Value(onConnectKey{}).(func(*PreparedRequest, string)); ok && !wire.IsH2(info.Conn) {
				onConnect(p, connProto(info.Conn))
			}
		},
		GotFirstResponseByte: func() { locked(func() { t.TTFB = time.Since(t.Start) }) },
	}
	ctx = httptrace.WithClientTrace(ctx, trace)
	var h2Fields []HeaderField
	ctx = context.WithValue(ctx, h2SentKey{}, func(fields []HeaderField) {
		p.setSentHead(fields)
		if onConnect, ok := ctx.Value(onConnectKey{}).(func(*PreparedRequest, string)); ok {
			onConnect(p, "HTTP/2")
		}
	})
	ctx = context.WithValue(ctx, h2GotKey{}, func(fields []HeaderField) { locked(func() { h2Fields = fields }) })
	ctx = context.WithValue(ctx, h2RemoteKey{}, func(addr string) { locked(func() { remote = addr }) })
	if env := s.environment(); env != nil {
		ctx = context.WithValue(ctx, environmentKey{}, env)
	}
	rt, err := s.transportFor(p.URL)
	if err != nil {
		return nil, err
	}

	req, err := s.newHTTPRequest(ctx, p)
	if err != nil {
		return nil, err
	}
	t.Start = time.Now()
	raw, err := rt.RoundTrip(req)
	if err != nil {
		return nil, s.classifyError(err, p)
	}
	elapsed := time.Since(t.Start)
	mu.Lock()
	defer mu.Unlock()
	switch {
	case raw.TLS != nil:
		tlsState = raw.TLS
	case rec != nil && rec.TLS != nil:
		tlsState = rec.TLS
	}
	fields, err := rawResponseHead(wireHead(rec), raw.StatusCode)
	switch {
	case err == nil:
	case h2Fields != nil:
		fields = h2Fields
	default:
		fields = headerFields(raw.Header)
	}
	if max := s.opts.MaxHeaders; max > 0 && len(fields) > max {
		raw.Body.Close()
		return nil, newError(ErrConnection, p.URL.String(), fmt.Errorf("the response has %d header fields, more than the %d allowed", len(fields), max))
	}
	if jar := s.call(ctx).jar; jar != nil {
		// net/http drops cookies whose values hold quotes, backslashes or
		// non-ASCII bytes; Requests and HTTPie keep them, and so do we.
		if cs := cookiejar.ParseSetCookies(raw.Header); len(cs) > 0 {
			jar.SetCookies(p.URL, cs)
		}
	}
	resp := &Response{
		StatusCode: raw.StatusCode,
		Reason:     reasonFromStatus(raw.Status, raw.StatusCode),
		Proto:      raw.Proto,
		Header:     raw.Header,
		RawHeader:  fields,
		URL:        p.URL,
		Elapsed:    elapsed,
		Request:    p,
		Timings:    t,
		TLS:        tlsState,
		RemoteAddr: remote,
		cookies:    cookiejar.ParseSetCookies(raw.Header),
		raw:        raw,
	}
	body, err := s.wrapBody(raw, p)
	if err != nil {
		raw.Body.Close()
		return nil, err
	}
	resp.Body = body
	resp.Encoding = charset.FromHeader(raw.Header)
	for _, h := range s.Hooks {
		next, err := h(resp)
		if err != nil {
			resp.Close()
			return nil, err
		}
		if next != nil && next != resp {
			// A replacement answers the same request.
			if next.Request == nil {
				next.Request = resp.Request
			}
			if next.URL == nil {
				next.URL = resp.URL
			}
			if next.Body == nil {
				next.Body = http.NoBody
			}
			resp = next
		}
	}
	return resp, nil
}

// newHTTPRequest turns p into a net/http request with a fresh body, the
// jar's cookies and the auth's credentials.
func (s *Session) newHTTPRequest(ctx context.Context, p *PreparedRequest) (*http.Request, error) {
	body, err := p.GetBody()
	if err != nil {
		return nil, err
	}
	if onUpload, ok := ctx.Value(onUploadKey{}).(func(int64)); ok && p.HasBody() {
		body = countUpload(body, onUpload)
	}
	req, err := http.NewRequestWithContext(ctx, p.Method, p.URL.String(), body)
	if err != nil {
		body.Close()
		return nil, newError(ErrInvalidURL, p.URL.String(), err)
	}
	req.Header = p.Header.Clone()
	if _, ok := req.Header["User-Agent"]; !ok {
		// net/http adds its own User-Agent unless the key is present;
		// an empty value makes it send none, as `User-Agent:` asks.
		req.Header["User-Agent"] = []string{""}
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host
		req.Header.Del("Host")
	}
	req.ContentLength = p.ContentLength
	if !p.HasBody() {
		req.Body = nil
		req.ContentLength = 0
	} else {
		req.GetBody = p.GetBody
		if p.ContentLength == 0 {
			// A known-empty body is still a body: send Content-Length: 0.
			req.Body = http.NoBody
		}
		if p.ContentLength < 0 {
			req.TransferEncoding = []string{"chunked"}
		}
	}
	if req.ContentLength == 0 && sendsZeroLength(p.Method) {
		// net/http writes "Content-Length: 0" itself only for POST, PUT
		// and PATCH; an empty identity-coded body makes it write the
		// line for DELETE, OPTIONS and other methods too.
		req.Body = http.NoBody
		req.TransferEncoding = []string{"identity"}
	}
	jar := s.call(ctx).jar
	p.jar, p.jarChosen = jar, true
	if jar != nil {
		addJarCookies(req, jar.Cookies(p.URL))
	}
	if p.Auth != nil {
		before := req.Header.Clone()
		if err := p.Auth.Apply(req); err != nil {
			return nil, err
		}
		p.authHeader = changedHeader(before, req.Header)
	}
	return req, nil
}

// sendsZeroLength reports whether a request with method and no body
// goes out with "Content-Length: 0": every method but GET and HEAD, as
// Requests' prepare_content_length sends it (a DELETE, OPTIONS or PURGE
// included), since many servers and proxies want a length for a method
// that may carry a body.
func sendsZeroLength(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// changedHeader returns the lines of after that before lacks or holds
// with other values.
func changedHeader(before, after http.Header) http.Header {
	out := http.Header{}
	for name, v := range after {
		if !slices.Equal(before[name], v) {
			out[name] = slices.Clone(v)
		}
	}
	return out
}

// addJarCookies adds the jar's cookies to req's Cookie header, leaving out
// names the caller already set there (an explicit Cookie header wins, as
// in HTTPie).
func addJarCookies(req *http.Request, jar []*http.Cookie) {
	if len(jar) == 0 {
		return
	}
	given := map[string]bool{}
	for _, c := range req.Cookies() {
		given[c.Name] = true
	}
	var parts []string
	if h := req.Header.Get("Cookie"); h != "" {
		parts = append(parts, h)
	}
	for _, c := range jar {
		if !given[c.Name] {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	req.Header.Set("Cookie", strings.Join(parts, "; "))
}

// wireHeaders returns the header lines p will be sent with: its own, Host, the
// body framing, the jar's cookies and the auth's credentials. It is what
// -v prints before sending.
func (s *Session) wireHeaders(p *PreparedRequest) http.Header {
	u := *p.URL // an Auth may rewrite the URL it signs
	req := &http.Request{Method: p.Method, URL: &u, Header: p.Header.Clone(), Host: p.URL.Host, ContentLength: p.ContentLength}
	jar := s.Jar
	if p.jarChosen {
		jar = p.jar // the jar the call that sent p used
	}
	if jar != nil {
		addJarCookies(req, jar.Cookies(p.URL))
	}
	switch {
	case p.authHeader != nil:
		// Sent: show the credentials that went out.
		for name, v := range p.authHeader {
			req.Header[name] = v
		}
	case p.Auth != nil:
		// Not sent yet (--offline): what the auth would add, except
		// answers to a challenge that has not come, and placeholders for
		// what only a side effect gets (a helper run, a token fetched).
		// A replayable body is lent so that a signature can cover it.
		if d, ok := p.Auth.(deferredAuth); ok {
			d.placeholder(req)
		} else if _, challenge := p.Auth.(ChallengeAuth); !challenge {
			if p.HasBody() && (p.bodySrc == nil || p.bodySrc.replay == nil) {
				if rc, err := p.GetBody(); err == nil {
					req.Body, req.GetBody = rc, p.GetBody
					defer rc.Close()
				}
			}
			p.Auth.Apply(req)
			if req.Body != nil {
				defer req.Body.Close()
			}
		}
	}
	h := req.Header
	if h.Get("Host") == "" {
		h.Set("Host", p.URL.Host)
	}
	switch {
	case !p.HasBody():
		if sendsZeroLength(p.Method) {
			h.Set("Content-Length", "0")
		}
	case p.ContentLength >= 0:
		h.Set("Content-Length", strconv.FormatInt(p.ContentLength, 10))
	default:
		h.Set("Transfer-Encoding", "chunked")
	}
	return h
}
