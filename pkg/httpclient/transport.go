package httpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go/http3"
	"github.com/reqs-cli/reqs/pkg/httpclient/internal/wire"
)

// TransportOptions returns the options the session's transport was built
// with.
func (s *Session) TransportOptions() Options { return s.opts }

// ProxyFor returns the proxy the session's own transport would use for u
// now (explicit proxies, else with TrustEnv the environment's, with
// no_proxy applied), or nil for a direct connection. Mounted transports
// are not consulted.
func (s *Session) ProxyFor(u *url.URL) (*url.URL, error) {
	rt, err := s.ownTransport()
	if err != nil {
		return nil, err
	}
	st, ok := rt.(*sessionTransport)
	if !ok {
		return nil, nil
	}
	return st.proxies.proxyFor(u, s.environment().proxyList())
}

// ProxyVariable returns the environment variable (http_proxy,
// HTTPS_PROXY, all_proxy, …) whose proxy the session uses for u, or ""
// when it uses none or one given in Options.Proxies.
func (s *Session) ProxyVariable(u *url.URL) string {
	rt, err := s.ownTransport()
	if err != nil {
		return ""
	}
	st, ok := rt.(*sessionTransport)
	if !ok {
		return ""
	}
	return st.proxies.choose(u, s.environment().proxyList()).from
}

// setTransportOptions rebuilds the session's transport from opts, for
// settings that arrive after New (a stored session's proxies or verify).
// Mounted transports are kept; the old transport's idle connections are
// closed.
func (s *Session) setTransportOptions(opts Options) error {
	rt, err := newTransport(opts)
	if err != nil {
		return err
	}
	s.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.transport.(*sessionTransport); ok {
		old.closeQUIC()
	}
	s.opts, s.transport = opts, rt
	return nil
}

// closeQUIC closes the HTTP/3 route's connections and UDP sockets, for a
// transport that is being replaced.
func (t *sessionTransport) closeQUIC() {
	if t.h3 != nil {
		t.h3.Close()
		t.quic.close()
	}
}

// ownTransport returns the session's own transport, building it from the
// zero Options on first use when the session did not come from New.
func (s *Session) ownTransport() (http.RoundTripper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.transport == nil {
		rt, err := newTransport(s.opts)
		if err != nil {
			return nil, err
		}
		s.transport = rt
	}
	return s.transport, nil
}

// environment is what TrustEnv takes from the environment for one
// request, as Requests' merge_environment_settings: the proxy variables
// and, while verification uses the default roots, the CA bundle
// variables. Netrc credentials are taken by Prepare.
type environment struct {
	proxies  *envProxies
	caBundle string
}

// environmentKey carries a request's *environment in its context, from
// the session to its transport.
type environmentKey struct{}

// environment reads the environment for a request now; nil when the
// session does not trust it.
func (s *Session) environment() *environment {
	if !s.TrustEnv {
		return nil
	}
	lookup := s.lookupEnv()
	env := &environment{proxies: readEnvProxies(lookup)}
	if !s.opts.InsecureSkipVerify && s.opts.CABundle == "" {
		env.caBundle = envCABundle(lookup)
	}
	return env
}

func (e *environment) proxyList() *envProxies {
	if e == nil {
		return nil
	}
	return e.proxies
}

// lookupEnv is LookupEnv, else os.LookupEnv.
func (s *Session) lookupEnv() func(string) (string, bool) {
	if s.LookupEnv != nil {
		return s.LookupEnv
	}
	return os.LookupEnv
}

// getenv is lookupEnv in os.Getenv's shape.
func (s *Session) getenv(key string) string {
	v, _ := s.lookupEnv()(key)
	return v
}

// CheckEnvironment reports a CA bundle named by the environment that does
// not exist, so that a caller can refuse it before sending anything; a
// request would fail with an SSLError. It is nil unless TrustEnv is set.
func (s *Session) CheckEnvironment() error {
	if env := s.environment(); env != nil && env.caBundle != "" {
		if _, err := os.Stat(env.caBundle); err != nil {
			return fmt.Errorf("CA bundle: %w", err)
		}
	}
	return nil
}

// newTransport builds the session's transport from opts. It never touches
// http.DefaultTransport.
func newTransport(opts Options) (http.RoundTripper, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.HTTP1 && opts.HTTP2 {
		return nil, errors.New("HTTP/1.1 and HTTP/2 cannot both be required")
	}
	d, err := newNetDialer(opts)
	if err != nil {
		return nil, err
	}
	ps, err := newProxySelector(opts.Proxies)
	if err != nil {
		return nil, err
	}
	ps.direct = opts.UnixSocket != ""
	cfg, err := newTLSConfig(opts)
	if err != nil {
		return nil, err
	}
	t := &sessionTransport{opts: opts, dialer: d, proxies: ps, tlsConfig: cfg}
	t.base = t.newHTTPTransport(d.DialContext, true)
	if opts.HTTP2 {
		t.h2c = newH2CTransport(t.newHTTPTransport(d.DialContext, false))
	}
	if opts.HTTP3 {
		t.h3 = t.newHTTP3Transport()
	}
	return t, nil
}

// sessionTransport is the session's own RoundTripper: it picks the proxy
// for each request (so again on every redirect hop) from the explicit
// ones and the environment the session put in the request's context
// (environmentKey), loads that environment's CA bundle, sends SOCKS routes
// through their own pools, and notes how far each exchange got so that
// classifyError can tell a connect timeout from a read timeout.
type sessionTransport struct {
	opts      Options
	dialer    *netDialer
	proxies   *proxySelector
	tlsConfig *tls.Config
	// envCA is the CA bundle named by the environment, loaded into the
	// TLS configurations before the first TLS connection that needs it
	// (ensureRoots).
	envCA     string
	rootsOnce sync.Once
	rootsErr  error
	base      *http.Transport  // direct and HTTP(S)-proxy routes
	h2c       *http.Transport  // direct plain-http route with Options.HTTP2
	h3        *http3.Transport // https with Options.HTTP3
	quic      *quicDialer      // h3's connections
	h2conns   h2Conns          // the HTTP/2 connections of every route but h3

	mu      sync.Mutex
	socks   map[string]*http.Transport // by SOCKS proxy URL, "h2c " first for h2c
	tunnels map[string]*http.Transport // HTTPS through HTTP(S) proxies, by proxy URL
}

// newH2CTransport makes ht speak HTTP/2 with prior knowledge: net/http
// uses unencrypted HTTP/2 for http:// URLs only when HTTP/1 is not
// allowed, so ht serves nothing but http:// targets. net/http hands each
// connection it dials to TLSNextProto["unencrypted_http2"], the recorded
// ClientConn newHTTPTransport installed (h2wire.go).
func newH2CTransport(ht *http.Transport) *http.Transport {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	ht.Protocols = &p
	dial := ht.DialContext
	ht.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if wc, ok := c.(*wire.Conn); ok { // HTTP/1 heads only
			c = wc.Conn
		}
		ph, _ := ctx.Value(exchangePhaseKey{}).(*exchangePhase)
		return &h2cConn{Conn: c, phase: ph}, nil
	}
	return ht
}

// h2cConn is an h2c connection that notes, in the exchange that dialled
// it, whether the server's first bytes were an HTTP/1 status line: a
// server without h2c answers the HTTP/2 preface that way, and net/http
// reports it only in varying words.
type h2cConn struct {
	net.Conn
	phase *exchangePhase
	read  bool // the first bytes were seen; the HTTP/2 client reads from one goroutine
}

func (c *h2cConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.read && n > 0 {
		c.read = true
		const status = "HTTP/1."
		got := p[:min(n, len(status))]
		if c.phase != nil && string(got) == status[:len(got)] {
			c.phase.answeredHTTP1.Store(true)
		}
	}
	return n, err
}

// newHTTPTransport returns a net/http transport over dial with the
// session's TLS, HTTP/2 and timeout settings. withProxy lets it use HTTP
// and HTTPS proxies.
func (t *sessionTransport) newHTTPTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error), withProxy bool) *http.Transport {
	ht := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return wrapConn(dial(ctx, network, addr))
		},
		ForceAttemptHTTP2:     !t.opts.HTTP1, // a custom TLSClientConfig turns HTTP/2 off otherwise
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   t.opts.ConnectTimeout,
		ResponseHeaderTimeout: t.opts.ReadTimeout,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       t.tlsConfig.Clone(),
		// The session sets Accept-Encoding and decodes bodies itself; a
		// removed Accept-Encoding must stay removed.
		DisableCompression: true,
		// Bodies that are not a bare file (multipart framing around
		// files, decoded downloads) go through these buffers; net/http's
		// 4 KiB default costs a fifth of loopback throughput.
		WriteBufferSize: 256 << 10,
		ReadBufferSize:  64 << 10,
	}
	ht.DialTLSContext = t.dialTLS(func() *tls.Config { return ht.TLSClientConfig.Clone() }, dial)
	if t.opts.HTTP1 {
		// A non-nil empty map is net/http's documented way to disable HTTP/2.
		ht.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	} else {
		// HTTP/2, over TLS or h2c, goes through a ClientConn that records
		// the header blocks on the wire (h2wire.go), configured as
		// net/http's own would be from ht's settings.
		settings := &http.Transport{
			IdleConnTimeout:       ht.IdleConnTimeout,
			ResponseHeaderTimeout: ht.ResponseHeaderTimeout,
			ExpectContinueTimeout: ht.ExpectContinueTimeout,
			DisableCompression:    ht.DisableCompression,
			TLSClientConfig:       ht.TLSClientConfig.Clone(),
		}
		if next, err := h2NextProto(settings, &t.h2conns); err == nil {
			ht.TLSNextProto = next
		}
	}
	if withProxy {
		ht.Proxy = func(r *http.Request) (*url.URL, error) {
			env, _ := r.Context().Value(environmentKey{}).(*environment)
			return t.proxies.proxyFor(r.URL, env.proxyList())
		}
		ht.OnProxyConnectResponse = checkConnectResponse
	}
	return ht
}

// RoundTrip sends req through the route its proxy choice calls for.
func (t *sessionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	env, _ := req.Context().Value(environmentKey{}).(*environment)
	pu, err := t.proxies.proxyFor(req.URL, env.proxyList())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &proxyConfigError{err: err}
	}
	if req.URL.Scheme == "https" || pu != nil && pu.Scheme == "https" {
		if err := t.ensureRoots(env); err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
	}
	upgrade := isUpgrade(req.Context())
	h2c := t.opts.HTTP2 && req.URL.Scheme == "http" && !upgrade
	h3 := t.h3 != nil && req.URL.Scheme == "https" && !upgrade
	if h3 && pu != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &proxyConfigError{err: fmt.Errorf("%w (%s applies to %s)", errHTTP3Proxy, pu.Redacted(), req.URL.Host)}
	}
	var rt http.RoundTripper = t.base
	ctx := req.Context()
	switch {
	case h3:
		rt = roundTripperFunc(t.roundTripHTTP3)
	case pu != nil && isSOCKS(pu.Scheme):
		rt = t.socksTransport(pu, h2c)
	case pu == nil && h2c:
		rt = t.h2c
	case pu == nil:
	case req.URL.Scheme == "https" || upgrade:
		rt = t.tunnelTransport(pu)
	default:
		ctx = context.WithValue(ctx, proxyHopKey{}, true)
	}
	ph := &exchangePhase{}
	ctx = context.WithValue(ctx, exchangePhaseKey{}, ph)
	if slot, ok := ctx.Value(phaseSlotKey{}).(*atomic.Pointer[exchangePhase]); ok {
		slot.Store(ph)
		req = req.WithContext(ctx)
	} else {
		req = req.WithContext(httptrace.WithClientTrace(ctx, ph.trace()))
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, &roundTripError{
			err: err, connected: ph.connected.Load(), tlsFailed: ph.tlsFailed.Load(),
			certRequested: ph.certRequested.Load(), proxy: pu, answeredHTTP1: ph.answeredHTTP1.Load(),
		}
	}
	return resp, nil
}

// ensureRoots loads the CA bundle env names into every TLS configuration
// the first time a request needs TLS, so plain-http requests never pay
// for parsing a system-sized bundle. It runs on the caller's goroutine
// before that request reaches net/http, and net/http reads
// TLSClientConfig only when it dials TLS, so no connection sees a
// half-set configuration. The roots then serve every later connection,
// so a session refuses a different bundle rather than mix the two.
func (t *sessionTransport) ensureRoots(env *environment) error {
	if env == nil || env.caBundle == "" {
		return nil
	}
	t.rootsOnce.Do(func() {
		t.envCA = env.caBundle
		pool, err := loadCAPool(t.envCA)
		if err != nil {
			t.rootsErr = &RequestError{Kind: ErrSSL, Err: fmt.Errorf("CA bundle from the environment: %w", err)}
			return
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.tlsConfig.RootCAs = pool
		t.base.TLSClientConfig.RootCAs = pool
		for _, rt := range t.socks {
			rt.TLSClientConfig.RootCAs = pool
		}
		for _, rt := range t.tunnels {
			rt.TLSClientConfig.RootCAs = pool
		}
	})
	if t.rootsErr == nil && env.caBundle != t.envCA {
		return &RequestError{Kind: ErrSSL, Err: fmt.Errorf("the environment's CA bundle changed from %s to %s; a session loads one", t.envCA, env.caBundle)}
	}
	return t.rootsErr
}

// CloseIdleConnections closes the idle connections of every route.
func (t *sessionTransport) CloseIdleConnections() {
	t.base.CloseIdleConnections()
	if t.h2c != nil {
		t.h2c.CloseIdleConnections()
	}
	t.h2conns.closeIdle()
	if t.h3 != nil {
		t.h3.CloseIdleConnections()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, rt := range t.socks {
		rt.CloseIdleConnections()
	}
	for _, rt := range t.tunnels {
		rt.CloseIdleConnections()
	}
}

// exchangePhase records, from httptrace hooks, whether the exchange got a
// connection and whether a TLS handshake failed; and, from the TLS
// configuration's GetClientCertificate, whether a server asked for a
// client certificate we do not have.
type exchangePhase struct {
	connected, tlsFailed, certRequested atomic.Bool
	// answeredHTTP1: an h2c connection got an HTTP/1 response.
	answeredHTTP1 atomic.Bool
}

// exchangePhaseKey carries the *exchangePhase in the request's context,
// which net/http passes on to the dial and the TLS handshake.
type exchangePhaseKey struct{}

// phaseSlotKey carries an *atomic.Pointer[exchangePhase] that a session's
// own trace reports to. A second trace would be composed with the first
// by httptrace through reflect.MakeFunc for every hook both set: 6% of a
// small GET's main (perf, 150 runs).
type phaseSlotKey struct{}

func (p *exchangePhase) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { p.connected.Store(true) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err != nil {
				p.tlsFailed.Store(true)
			}
		},
	}
}

// HTTPClient returns a client that sends through the session's transports
// (its TLS, proxy and mount settings) but without its redirect rules,
// cookies, headers or auth: for side requests such as a token endpoint.
func (s *Session) HTTPClient() *http.Client {
	return &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		rt, err := s.transportFor(r.URL)
		if err != nil {
			return nil, err
		}
		if env := s.environment(); env != nil {
			r = r.WithContext(context.WithValue(r.Context(), environmentKey{}, env))
		}
		resp, err := rt.RoundTrip(r)
		if err != nil {
			return nil, s.classifyError(err, &PreparedRequest{URL: r.URL})
		}
		return resp, nil
	})}
}

// roundTripperFunc is a function as an [http.RoundTripper].
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
