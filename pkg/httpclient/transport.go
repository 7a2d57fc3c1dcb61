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
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a session's transport: TLS, proxies, timeouts and
// connection pinning. The values are typed (parsing a command line's
// syntax is the caller's job), and the zero value verifies TLS against
// the system roots, negotiates the TLS version and uses no timeout.
type Options struct {
	// TrustEnv reads proxies and CA bundles from the environment.
	TrustEnv bool
	// InsecureSkipVerify turns certificate verification off (Requests'
	// verify=False).
	InsecureSkipVerify bool
	// CABundle verifies against only the certificates of this PEM bundle
	// file or c_rehash directory (Requests' verify=PATH); empty uses the
	// system roots, or with TrustEnv the bundle REQUESTS_CA_BUNDLE or
	// CURL_CA_BUNDLE names.
	CABundle string
	// Cert is a PEM client certificate (with its key unless CertKey is set).
	Cert, CertKey, CertKeyPass string
	// TLSVersion pins one version (tls.VersionTLS12, ...); 0 negotiates.
	TLSVersion uint16
	// CipherSuites restricts the TLS 1.2 cipher suites, by ID (see
	// [tls.CipherSuites]; insecure ones are allowed when listed); nil
	// keeps Go's defaults. TLS 1.3 suites are not configurable in Go.
	CipherSuites []uint16
	// HTTP1 forbids HTTP/2.
	HTTP1 bool
	// HTTP2 sends plain-http requests over HTTP/2 with prior knowledge
	// (h2c, RFC 9113 §3.3), directly or through a SOCKS proxy; an HTTP
	// proxy is still spoken to in HTTP/1.1. Over TLS, HTTP/2 is negotiated
	// either way.
	HTTP2 bool
	// Proxies maps Requests' proxy keys (http, https, all, scheme://host)
	// to proxy URLs; explicit entries beat the environment. An empty URL
	// means a direct connection. The key "no_proxy" holds a no_proxy list
	// that applies to these proxies and replaces the environment's.
	Proxies map[string]string
	// Resolve pins host names to addresses, like curl's --resolve.
	Resolve []ResolveEntry
	// UnixSocket sends every request over this Unix socket.
	UnixSocket string
	// ConnectTimeout bounds each connection attempt; ReadTimeout the wait
	// for each read of headers and body. Zero means no limit.
	ConnectTimeout, ReadTimeout time.Duration
	// IPv4 and IPv6 restrict connections to that address family.
	IPv4, IPv6 bool
	// Interface binds outgoing connections to a local interface, by name
	// (eth0) or address.
	Interface string
	// LookupEnv reads environment variables when TrustEnv is set; nil
	// means os.LookupEnv.
	LookupEnv func(key string) (string, bool)
}

// ResolveEntry pins Host:Port to Addrs, skipping DNS (curl's --resolve).
type ResolveEntry struct {
	Host  string
	Port  uint16
	Addrs []netip.Addr
}

// Validate reports the first option that cannot be used without reading
// any file: a bad proxy URL or key, a resolve entry without host, port or
// address, an unknown TLS version or cipher suite, both address families,
// a key without a certificate, an unknown interface. Unreadable CA
// bundles and certificates are New's errors: they are read once, there.
func (o Options) Validate() error {
	if o.IPv4 && o.IPv6 {
		return errors.New("IPv4 and IPv6 cannot both be required")
	}
	if o.CertKey != "" && o.Cert == "" {
		return fmt.Errorf("client key %s given without a certificate", o.CertKey)
	}
	if o.TLSVersion != 0 && !slices.Contains([]uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13}, o.TLSVersion) {
		return fmt.Errorf("TLS version %#04x is not one Go speaks", o.TLSVersion)
	}
	if o.CipherSuites != nil && len(o.CipherSuites) == 0 {
		return errors.New("the cipher suite list is empty")
	}
	for _, id := range o.CipherSuites {
		if !knownCipherSuite(id) {
			return fmt.Errorf("unknown cipher suite %#04x", id)
		}
	}
	for _, e := range o.Resolve {
		if e.Host == "" || e.Port == 0 || len(e.Addrs) == 0 {
			return fmt.Errorf("resolve entry %+v: want a host, a port and an address", e)
		}
	}
	if _, err := newProxySelector(o.Proxies, false, nil); err != nil {
		return err
	}
	if o.Interface != "" {
		if _, _, err := interfaceAddrs(o.Interface); err != nil {
			return err
		}
	}
	return nil
}

// knownCipherSuite reports whether Go implements the suite id.
func knownCipherSuite(id uint16) bool {
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if cs.ID == id {
			return true
		}
	}
	return false
}

// TransportOptions returns the options the session's transport was built
// with.
func (s *Session) TransportOptions() Options { return s.opts }

// ProxyFor returns the proxy the session's own transport would use for u
// (explicit proxies, else the environment's, with no_proxy applied), or
// nil for a direct connection. Mounted transports are not consulted.
func (s *Session) ProxyFor(u *url.URL) (*url.URL, error) {
	st, ok := s.transport.(*sessionTransport)
	if !ok || st.proxies == nil {
		return nil, nil
	}
	return st.proxies.proxyFor(u)
}

// SetTransportOptions rebuilds the session's transport from opts, for
// settings that arrive after New (a stored session's proxies or verify).
// Mounted transports are kept; the old transport's idle connections are
// closed.
func (s *Session) SetTransportOptions(opts Options) error {
	rt, err := newTransport(opts)
	if err != nil {
		return err
	}
	s.Close()
	s.opts, s.transport = opts, rt
	return nil
}

// newTransport builds the session's transport from opts. It never touches
// http.DefaultTransport.
func newTransport(opts Options) (http.RoundTripper, error) {
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
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
	ps, err := newProxySelector(opts.Proxies, opts.TrustEnv, lookup)
	if err != nil {
		return nil, err
	}
	ps.direct = opts.UnixSocket != ""
	cfg, envCA, err := newTLSConfig(opts, lookup)
	if err != nil {
		return nil, err
	}
	t := &sessionTransport{opts: opts, dialer: d, proxies: ps, tlsConfig: cfg, envCA: envCA}
	t.base = t.newHTTPTransport(d.DialContext, true)
	if opts.HTTP2 {
		t.h2c = newH2CTransport(t.newHTTPTransport(d.DialContext, false))
	}
	return t, nil
}

// sessionTransport is the session's own RoundTripper: it picks the proxy
// for each request (so again on every redirect hop), sends SOCKS routes
// through their own pools, and notes how far each exchange got so that
// classifyError can tell a connect timeout from a read timeout.
type sessionTransport struct {
	opts      Options
	dialer    *netDialer
	proxies   *proxySelector
	tlsConfig *tls.Config
	// envCA is a CA bundle named by the environment, loaded into the TLS
	// configurations before the first TLS connection (ensureRoots).
	envCA     string
	rootsOnce sync.Once
	rootsErr  error
	base      *http.Transport // direct and HTTP(S)-proxy routes
	h2c       *http.Transport // direct plain-http route with Options.HTTP2

	mu    sync.Mutex
	socks map[string]*http.Transport // by SOCKS proxy URL, "h2c " first for h2c
}

// newH2CTransport makes ht speak HTTP/2 with prior knowledge: net/http
// uses unencrypted HTTP/2 for http:// URLs only when HTTP/1 is not
// allowed, so ht serves nothing but http:// targets.
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
	read  bool // the first bytes were seen; net/http reads from one goroutine
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
		DialContext:           dial,
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
	if t.opts.HTTP1 {
		// A non-nil empty map is net/http's documented way to disable HTTP/2.
		ht.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	if withProxy {
		ht.Proxy = func(r *http.Request) (*url.URL, error) { return t.proxies.proxyFor(r.URL) }
		ht.OnProxyConnectResponse = checkConnectResponse
	}
	return ht
}

// RoundTrip sends req through the route its proxy choice calls for.
func (t *sessionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	pu, err := t.proxies.proxyFor(req.URL)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &proxyConfigError{err: err}
	}
	if req.URL.Scheme == "https" || pu != nil && pu.Scheme == "https" {
		if err := t.ensureRoots(); err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
	}
	h2c := t.opts.HTTP2 && req.URL.Scheme == "http"
	rt := t.base
	switch {
	case pu != nil && (pu.Scheme == "socks5" || pu.Scheme == "socks5h"):
		rt = t.socksTransport(pu, h2c)
	case pu == nil && h2c:
		rt = t.h2c
	}
	ph := &exchangePhase{}
	ctx := context.WithValue(req.Context(), exchangePhaseKey{}, ph)
	req = req.WithContext(httptrace.WithClientTrace(ctx, ph.trace()))
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, &roundTripError{
			err: err, connected: ph.connected.Load(), tlsFailed: ph.tlsFailed.Load(),
			certRequested: ph.certRequested.Load(), proxy: pu, answeredHTTP1: ph.answeredHTTP1.Load(),
		}
	}
	return resp, nil
}

// ensureRoots loads the environment's CA bundle into every TLS
// configuration the first time a request needs TLS. It runs on the
// caller's goroutine before that request reaches net/http, and net/http
// reads TLSClientConfig only when it dials TLS, so no connection sees a
// half-set configuration.
func (t *sessionTransport) ensureRoots() error {
	if t.envCA == "" {
		return nil
	}
	t.rootsOnce.Do(func() {
		pool, err := LoadCAPool(t.envCA)
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
	})
	return t.rootsErr
}

// CloseIdleConnections closes the idle connections of every route.
func (t *sessionTransport) CloseIdleConnections() {
	t.base.CloseIdleConnections()
	if t.h2c != nil {
		t.h2c.CloseIdleConnections()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, rt := range t.socks {
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

// roundTripError is a failed exchange with what the session transport
// knows about it.
type roundTripError struct {
	err       error
	connected bool // a connection was ready, so a timeout was a read timeout
	tlsFailed bool // a TLS handshake failed
	// certRequested: the server asked for a client certificate and got
	// none. Over HTTP/2 its closing alert is lost in net/http's
	// "client conn could not be established", so this is what tells.
	certRequested bool
	proxy         *url.URL // the proxy used, or nil
	answeredHTTP1 bool     // an h2c server answered in HTTP/1
}

func (e *roundTripError) Error() string { return e.err.Error() }
func (e *roundTripError) Unwrap() error { return e.err }

// proxyConfigError is a proxy that cannot be used, such as a malformed
// https_proxy variable.
type proxyConfigError struct{ err error }

func (e *proxyConfigError) Error() string { return e.err.Error() }
func (e *proxyConfigError) Unwrap() error { return e.err }

// transportFailure restates a failure in words; the cause stays
// reachable with errors.As.
type transportFailure struct {
	msg string
	err error
}

func (e *transportFailure) Error() string { return e.msg }
func (e *transportFailure) Unwrap() error { return e.err }

// classifyError maps a transport failure to the Requests error hierarchy.
func (s *Session) classifyError(err error, p *PreparedRequest) error {
	var re *RequestError
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &re):
		return err
	}
	kind, cause := classifyTransportError(err, s.opts.Cert != "")
	return newError(kind, p.URL.String(), cause)
}

// classifyTransportError picks the error kind for a failed round trip and
// a cause that names what failed: the proxy or the target, the TLS
// problem, the phase of a timeout. Timeouts come first, as in Requests,
// where a proxy that does not answer in time is a ConnectTimeout.
func classifyTransportError(err error, haveClientCert bool) (kind, cause error) {
	var (
		rt      *roundTripError
		refused *proxyRefusedError
		socks   *socksError
		config  *proxyConfigError
	)
	phaseKnown := errors.As(err, &rt)
	proxyOp := findOpError(err, "proxyconnect")
	switch {
	case errors.As(err, &refused):
		return ErrProxy, refused
	case isTimeoutError(err):
		connecting := findOpError(err, "dial") != nil || proxyOp != nil
		if phaseKnown {
			connecting = !rt.connected
		}
		switch {
		case connecting && proxyOp != nil:
			return ErrConnectTimeout, proxyFailure(rt, err, unwrapOp(err))
		case connecting:
			return ErrConnectTimeout, err
		}
		return ErrReadTimeout, err
	case errors.As(err, &config):
		return ErrProxy, config
	case errors.As(err, &socks):
		if socks.targetFailed() {
			return ErrConnection, socks
		}
		return ErrProxy, socks
	case proxyOp != nil:
		why := unwrapOp(err)
		if d, ok := describeTLSError(err, haveClientCert); ok {
			why = d
		}
		return ErrProxy, proxyFailure(rt, err, why)
	}
	if d, ok := describeTLSError(err, haveClientCert); ok {
		return ErrSSL, d
	}
	if phaseKnown && rt.certRequested {
		return ErrSSL, &transportFailure{msg: "the server requires a client certificate (it asked for one, then closed the connection)", err: err}
	}
	if phaseKnown && rt.tlsFailed {
		return ErrSSL, err
	}
	if phaseKnown && rt.answeredHTTP1 {
		return ErrConnection, &transportFailure{msg: "the server does not speak HTTP/2 with prior knowledge (h2c): it answered in HTTP/1.1", err: err}
	}
	return ErrConnection, describeConnectError(err)
}

// describeConnectError words the common direct connection failures the
// way curl and Requests users read them ("cannot resolve host x", "cannot
// connect to 127.0.0.1:1: connection refused"), keeping err as the cause
// for errors.Is and --debug.
func describeConnectError(err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		why := dns.Err
		if dns.IsNotFound {
			why = "no such host"
		}
		return &transportFailure{msg: fmt.Sprintf("cannot resolve host %s: %s", dns.Name, why), err: err}
	}
	if op := findOpError(err, "dial"); op != nil && op.Addr != nil {
		return &transportFailure{msg: fmt.Sprintf("cannot connect to %s: %v", op.Addr, unwrapSyscall(op.Err)), err: err}
	}
	return err
}

// unwrapSyscall drops the "connect: " layer of an *os.SyscallError.
func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

// proxyFailure says that the proxy of rt (nil when unknown) could not be
// reached, and why.
func proxyFailure(rt *roundTripError, err, why error) error {
	proxy := "the proxy"
	if rt != nil && rt.proxy != nil {
		proxy = rt.proxy.Redacted()
	}
	return &transportFailure{msg: fmt.Sprintf("cannot connect to proxy %s: %v", proxy, why), err: err}
}

// isTimeoutError reports whether err, or any error it wraps, is a
// timeout: errors.As would stop at the first net.Error, and a wrapper such
// as x/net's "socks connect" OpError does not pass Timeout on.
func isTimeoutError(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if t, ok := err.(interface{ Timeout() bool }); ok && t.Timeout() {
			return true
		}
		if err == context.DeadlineExceeded {
			return true
		}
	}
	return false
}

// findOpError returns the outermost net.OpError in err's chain with the
// given Op, or nil.
func findOpError(err error, op string) *net.OpError {
	for err != nil {
		if oe, ok := err.(*net.OpError); ok && oe.Op == op {
			return oe
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// netDialer makes the session's connections: --resolve pins, the address
// family, the local interface, a Unix socket, and a connect timeout that
// applies to each address tried (as urllib3's create_connection does),
// where net.Dialer would split it among them.
type netDialer struct {
	timeout        time.Duration
	pins           map[string][]string // "host:port" (lower case) to addresses
	family         int                 // 0, 4 or 6
	local4, local6 net.IP              // from Options.Interface
	iface          string
	unixSocket     string
}

func newNetDialer(opts Options) (*netDialer, error) {
	d := &netDialer{timeout: opts.ConnectTimeout, unixSocket: opts.UnixSocket, iface: opts.Interface}
	switch {
	case opts.IPv4:
		d.family = 4
	case opts.IPv6:
		d.family = 6
	}
	d.pins = resolvePins(opts.Resolve)
	if opts.Interface != "" {
		var err error
		if d.local4, d.local6, err = interfaceAddrs(opts.Interface); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// resolvePins indexes resolve entries by "host:port" (host lower-cased).
func resolvePins(entries []ResolveEntry) map[string][]string {
	pins := map[string][]string{}
	for _, e := range entries {
		key := net.JoinHostPort(strings.ToLower(e.Host), strconv.Itoa(int(e.Port)))
		for _, a := range e.Addrs {
			pins[key] = append(pins[key], a.Unmap().String())
		}
	}
	return pins
}

// interfaceAddrs returns the local addresses to bind to for name, an
// interface name or an IP address: the first IPv4 and the first
// non-link-local IPv6 address.
func interfaceAddrs(name string) (v4, v6 net.IP, err error) {
	if ip := net.ParseIP(name); ip != nil {
		if ip.To4() != nil {
			return ip, nil, nil
		}
		return nil, ip, nil
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, nil, fmt.Errorf("interface %q: %w", name, err)
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return nil, nil, fmt.Errorf("interface %q: %w", name, err)
	}
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		switch {
		case n.IP.To4() != nil && v4 == nil:
			v4 = n.IP
		case n.IP.To4() == nil && v6 == nil && !n.IP.IsLinkLocalUnicast():
			v6 = n.IP
		}
	}
	if v4 == nil && v6 == nil {
		return nil, nil, fmt.Errorf("interface %q has no usable address", name)
	}
	return v4, v6, nil
}

// pinned returns the addresses --resolve gives host:port, if any.
func (d *netDialer) pinned(host, port string) []string {
	return d.pins[net.JoinHostPort(strings.ToLower(host), port)]
}

// lookup resolves host to addresses of the allowed family, reporting to
// the request's httptrace DNS hooks itself. The resolver gets a context
// without the request's values: net.Dialer hides ConnectStart and
// ConnectDone from its resolver (they would fire for the DNS server's
// sockets), and an internal trace key leaves no other way to do so.
func (d *netDialer) lookup(ctx context.Context, host string) ([]string, error) {
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.DNSStart != nil {
		trace.DNSStart(httptrace.DNSStartInfo{Host: host})
	}
	lctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if deadline, ok := ctx.Deadline(); ok {
		lctx, cancel = context.WithDeadline(lctx, deadline)
		defer cancel()
	}
	defer context.AfterFunc(ctx, cancel)()
	ips, err := net.DefaultResolver.LookupIPAddr(lctx, host)
	if trace != nil && trace.DNSDone != nil {
		trace.DNSDone(httptrace.DNSDoneInfo{Addrs: ips, Err: err})
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ip := range ips {
		if d.allows(ip.IP) {
			out = append(out, ip.String())
		}
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: fmt.Sprintf("no IPv%d address", d.family), Name: host, IsNotFound: true}
	}
	return out, nil
}

func (d *netDialer) allows(ip net.IP) bool {
	switch d.family {
	case 4:
		return ip.To4() != nil
	case 6:
		return ip.To4() == nil
	}
	return true
}

// DialContext connects to addr, trying each of its addresses in turn with
// the full connect timeout.
func (d *netDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.unixSocket != "" {
		nd := &net.Dialer{Timeout: d.timeout}
		return nd.DialContext(ctx, "unix", d.unixSocket)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	addrs := d.pinned(host, port)
	switch {
	case len(addrs) > 0:
	case net.ParseIP(host) != nil:
		addrs = []string{host}
	default:
		if addrs, err = d.lookup(ctx, host); err != nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: err}
		}
	}
	var first error
	for _, a := range addrs {
		c, err := d.dialOne(ctx, network, net.ParseIP(a), port)
		if err == nil {
			if tc, ok := c.(*net.TCPConn); ok {
				return &uploadConn{TCPConn: tc}, nil
			}
			return c, nil
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

func (d *netDialer) dialOne(ctx context.Context, network string, ip net.IP, port string) (net.Conn, error) {
	addr := net.JoinHostPort(ip.String(), port)
	if !d.allows(ip) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%s is not an IPv%d address", ip, d.family)}
	}
	nd := &net.Dialer{Timeout: d.timeout, KeepAlive: 30 * time.Second}
	if d.iface != "" {
		local := d.local4
		if ip.To4() == nil {
			local = d.local6
		}
		if local == nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("interface %q has no address for %s", d.iface, ip)}
		}
		nd.LocalAddr = &net.TCPAddr{IP: local}
	}
	return nd.DialContext(ctx, network, addr)
}

// uploadConn is a TCP connection whose ReadFrom copies request bodies in
// large pieces. net/http hands a body to the connection's ReadFrom once
// its own buffer is flushed; *net.TCPConn uses sendfile for a file but a
// 32 KiB copy loop for anything else, such as a multipart body (framing
// around files), which then costs about a tenth of loopback throughput.
type uploadConn struct {
	*net.TCPConn
}

// uploadCopySize is the piece size for bodies the kernel cannot send
// from a file directly.
const uploadCopySize = 256 << 10

// ReadFrom sends files through the kernel (sendfile) as *net.TCPConn does,
// and copies every other reader in uploadCopySize pieces.
func (c *uploadConn) ReadFrom(r io.Reader) (int64, error) {
	src := r
	if lr, ok := r.(*io.LimitedReader); ok {
		src = lr.R
	}
	if _, isFile := src.(*os.File); isFile {
		return c.TCPConn.ReadFrom(r)
	}
	// The wrappers hide WriterTo and ReaderFrom, which would bring back
	// small copies or call this method again.
	return io.CopyBuffer(struct{ io.Writer }{c.TCPConn}, struct{ io.Reader }{r}, make([]byte, uploadCopySize))
}
