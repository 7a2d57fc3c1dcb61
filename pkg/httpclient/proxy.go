package httpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/proxy"
)

// Proxy selection follows Requests, not net/http: an explicit entry wins
// with Requests' select_proxy order (scheme://host, scheme, all://host,
// all), then the environment (http_proxy, https_proxy, all_proxy, with
// no_proxy), read for each request only when Session.TrustEnv is set. Unlike Go's
// ProxyFromEnvironment, loopback targets are proxied unless no_proxy lists
// them, and all_proxy is honoured.

// proxySchemes are the proxy URL schemes the transport can speak.
var proxySchemes = map[string]bool{"http": true, "https": true, "socks4": true, "socks4a": true, "socks5": true, "socks5h": true}

// isSOCKS reports whether a proxy URL's scheme is one of the SOCKS ones.
func isSOCKS(scheme string) bool { return strings.HasPrefix(scheme, "socks") }

// proxyChoice is one configured proxy: a URL, or the reason it cannot be
// used (an unusable environment variable fails only the requests that
// would have used it).
type proxyChoice struct {
	url *url.URL // nil means a direct connection
	err error
	// from is the environment variable the proxy came from; "" for an
	// explicit one.
	from string
}

// proxySelector picks the proxy for each request from the explicit
// proxies and those of the request's environment. It is immutable once
// built, so the transport may call it from any goroutine.
type proxySelector struct {
	explicit map[string]proxyChoice
	// explicitNoProxy is the "no_proxy" key of the explicit map; when set it
	// applies to explicit and environment proxies alike.
	explicitNoProxy *noProxyList
	direct          bool // every request goes direct (a Unix socket)
}

// envProxies are the proxies the environment names at one moment.
type envProxies struct {
	byScheme map[string]proxyChoice // keys "http", "https", "all"
	noProxy  *noProxyList
}

// newProxySelector builds the selector from the explicit map.
func newProxySelector(explicit map[string]string) (*proxySelector, error) {
	ps := &proxySelector{explicit: map[string]proxyChoice{}}
	for k, v := range explicit {
		key := strings.ToLower(strings.TrimSpace(k))
		if key == "no_proxy" {
			ps.explicitNoProxy = parseNoProxy(v)
			continue
		}
		if err := checkProxyKey(key); err != nil {
			return nil, err
		}
		u, err := parseProxyURL(v)
		if err != nil {
			return nil, err
		}
		ps.explicit[key] = proxyChoice{url: u}
	}
	return ps, nil
}

// readEnvProxies reads the proxy variables through lookup. A variable
// that does not parse fails only the requests that would use it.
func readEnvProxies(lookup func(string) (string, bool)) *envProxies {
	env := &envProxies{byScheme: map[string]proxyChoice{}}
	for _, scheme := range []string{"http", "https", "all"} {
		raw, name := envProxyValue(lookup, scheme+"_proxy")
		if raw == "" {
			continue
		}
		u, err := parseProxyURL(raw)
		if err != nil {
			err = fmt.Errorf("environment variable %s: %w", name, err)
		}
		env.byScheme[scheme] = proxyChoice{url: u, err: err, from: name}
	}
	noProxy, _ := envProxyValue(lookup, "no_proxy")
	env.noProxy = parseNoProxy(noProxy)
	return env
}

// checkProxyKey accepts Requests' proxy keys: a scheme, "all", or
// "scheme://host".
func checkProxyKey(key string) error {
	scheme, host, hasHost := strings.Cut(key, "://")
	if scheme == "" || (hasHost && host == "") || strings.ContainsAny(scheme, "/:") {
		return fmt.Errorf("proxy key %q: want http, https, all or SCHEME://HOST", key)
	}
	return nil
}

// envProxyValue reads a proxy variable the way curl and Python's urllib
// do: the lower-case name wins, even when set to the empty string, which
// disables the upper-case one. HTTP_PROXY is ignored under CGI
// (REQUEST_METHOD set), where a client's "Proxy:" header would land in it
// (CVE-2016-5385, "httpoxy"). It returns the value and the variable read.
func envProxyValue(lookup func(string) (string, bool), name string) (value, from string) {
	if v, ok := lookup(name); ok {
		return strings.TrimSpace(v), name
	}
	if name == "http_proxy" {
		if _, cgi := lookup("REQUEST_METHOD"); cgi {
			return "", ""
		}
	}
	upper := strings.ToUpper(name)
	v, _ := lookup(upper)
	return strings.TrimSpace(v), upper
}

// parseProxyURL parses a proxy URL; a missing scheme means http, as in
// Requests' prepend_scheme_if_needed. The empty string means no proxy.
func parseProxyURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, badProxyURL(raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if !proxySchemes[u.Scheme] {
		return nil, fmt.Errorf("proxy URL %q: unsupported scheme %q (want http, https, socks4, socks4a, socks5 or socks5h)", RedactURL(raw), u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("proxy URL %q: no host", RedactURL(raw))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("proxy URL %q: invalid port %q (want 1 to 65535)", RedactURL(raw), p)
		}
	}
	return u, nil
}

// badProxyURL words a proxy URL that does not parse (err) without
// showing its password, which Go's message may quote (`invalid port
// ":secret"`) however the URL itself is redacted. The
// user information is everything between "://" and the last "@"; when the
// URL parses without it, the fault is there: a character that must be
// percent-encoded.
func badProxyURL(raw string, err error) error {
	scheme, rest, _ := strings.Cut(raw, "://")
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return fmt.Errorf("proxy URL %q: %w", raw, unwrapURLError(err))
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if hasPass {
		user += ":xxxxx"
	}
	hostPart := scheme + "://" + rest[at+1:]
	shown := scheme + "://" + user + "@" + rest[at+1:]
	if _, herr := url.Parse(hostPart); herr != nil {
		return fmt.Errorf("proxy URL %q: %w", shown, unwrapURLError(herr))
	}
	return fmt.Errorf("proxy URL %q: the user name or password must be percent-encoded (%%23 for #, %%2F for /, %%3F for ?, %%40 for @, %%25 for %%, %%20 for a space)", shown)
}

// proxyFor returns the proxy for a request to u, or nil for a direct
// connection; env is the environment's proxies, nil when it is not
// trusted.
func (ps *proxySelector) proxyFor(u *url.URL, env *envProxies) (*url.URL, error) {
	c := ps.choose(u, env)
	return c.url, c.err
}

// choose is proxyFor's choice, with where it came from.
func (ps *proxySelector) choose(u *url.URL, env *envProxies) proxyChoice {
	host := strings.ToLower(u.Hostname())
	if ps.direct || host == "" {
		return proxyChoice{}
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = defaultPort(scheme)
	}
	if ps.explicitNoProxy != nil && ps.explicitNoProxy.bypass(host, port) {
		return proxyChoice{}
	}
	for _, key := range []string{scheme + "://" + host, scheme, "all://" + host, "all"} {
		if c, ok := ps.explicit[key]; ok {
			return c
		}
	}
	if env == nil {
		return proxyChoice{}
	}
	noProxy := env.noProxy
	if ps.explicitNoProxy != nil {
		noProxy = ps.explicitNoProxy
	}
	if noProxy.bypass(host, port) {
		return proxyChoice{}
	}
	c, ok := env.byScheme[scheme]
	if !ok {
		c = env.byScheme["all"]
	}
	return c
}

func defaultPort(scheme string) string {
	switch scheme {
	case "https":
		return "443"
	case "socks4", "socks4a", "socks5", "socks5h":
		return "1080"
	}
	return "80"
}

// noProxyList is a parsed no_proxy value: comma- or space-separated host
// names (matching the name and its subdomains; a leading dot or "*." is
// ignored), IP addresses, CIDR ranges, each optionally with ":PORT", or
// "*" for every host. Names are not resolved, as in curl.
type noProxyList struct {
	all     bool
	entries []noProxyEntry
}

type noProxyEntry struct {
	domain string // lower case, no leading dot
	ip     net.IP
	ipnet  *net.IPNet
	port   string // empty matches any port
}

func parseNoProxy(s string) *noProxyList {
	l := &noProxyList{}
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		item = strings.ToLower(item)
		if item == "*" {
			l.all = true
			continue
		}
		host, port := splitNoProxyPort(item)
		e := noProxyEntry{port: port}
		if _, n, err := net.ParseCIDR(host); err == nil {
			e.ipnet = n
		} else if ip := net.ParseIP(host); ip != nil {
			e.ip = ip
		} else {
			host = strings.TrimPrefix(host, "*")
			host = strings.TrimSuffix(strings.TrimPrefix(host, "."), ".")
			if host == "" {
				continue
			}
			e.domain = host
		}
		l.entries = append(l.entries, e)
	}
	return l
}

// splitNoProxyPort splits "host:port", "[v6]:port" and "[v6]"; a bare IPv6
// address (several colons) has no port.
func splitNoProxyPort(item string) (host, port string) {
	if strings.HasPrefix(item, "[") {
		if h, p, err := net.SplitHostPort(item); err == nil {
			return h, p
		}
		return strings.Trim(item, "[]"), ""
	}
	if strings.Count(item, ":") == 1 {
		h, p, _ := strings.Cut(item, ":")
		return h, p
	}
	return item, ""
}

// bypass reports whether a request to host (lower case, no brackets) on
// port must not use a proxy.
func (l *noProxyList) bypass(host, port string) bool {
	if l == nil {
		return false
	}
	if l.all {
		return true
	}
	ip := net.ParseIP(host)
	host = strings.TrimSuffix(host, ".")
	for _, e := range l.entries {
		if e.port != "" && e.port != port {
			continue
		}
		switch {
		case e.ipnet != nil:
			if ip != nil && e.ipnet.Contains(ip) {
				return true
			}
		case e.ip != nil:
			if ip != nil && e.ip.Equal(ip) {
				return true
			}
		case host == e.domain || strings.HasSuffix(host, "."+e.domain):
			return true
		}
	}
	return false
}

// proxyRefusedError is a CONNECT that the proxy answered with a status
// other than 200, such as 407 or 403.
type proxyRefusedError struct {
	proxy  string // redacted proxy URL
	target string // host:port of the tunnel
	status string
}

func (e *proxyRefusedError) Error() string {
	return fmt.Sprintf("proxy %s refused to open a tunnel to %s: %s", e.proxy, e.target, e.status)
}

// checkConnectResponse is the transport's OnProxyConnectResponse: a
// refused tunnel becomes a typed error instead of net/http's bare status
// text.
func checkConnectResponse(_ context.Context, proxyURL *url.URL, req *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return &proxyRefusedError{proxy: proxyURL.Redacted(), target: req.Host, status: resp.Status}
}

// socksTransport returns the transport for requests through the SOCKS
// proxy pu, built on first use; h2c asks for the one that speaks HTTP/2
// with prior knowledge. Each SOCKS proxy has its own connection pool, so a
// pooled tunnel is never reused for another route.
func (t *sessionTransport) socksTransport(pu *url.URL, h2c bool) *http.Transport {
	key := pu.String()
	if h2c {
		key = "h2c " + key
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if rt, ok := t.socks[key]; ok {
		return rt
	}
	sd := &socksDialer{proxy: pu, forward: t.dialer, remoteDNS: pu.Scheme == "socks5h" || pu.Scheme == "socks4a", timeout: t.dialer.timeout}
	rt := t.newHTTPTransport(sd.DialContext, false)
	if h2c {
		rt = newH2CTransport(rt)
	}
	if t.socks == nil {
		t.socks = map[string]*http.Transport{}
	}
	t.socks[key] = rt
	return rt
}

// socksDialer opens connections through a SOCKS5 proxy with
// golang.org/x/net/proxy, or a SOCKS4 one with dialSOCKS4. With remoteDNS
// (socks5h, socks4a) the proxy resolves the target's name; otherwise
// (socks5, socks4) it is resolved here and the proxy gets an address, as
// curl and Requests do.
type socksDialer struct {
	proxy     *url.URL
	forward   *netDialer
	remoteDNS bool
	timeout   time.Duration
}

// DialContext connects to addr through the proxy. With local DNS each
// resolved address is asked for in turn while the proxy reports the
// target unreachable; a failure of the proxy itself ends the attempts.
func (d *socksDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	targets, err := d.targets(ctx, addr)
	if err != nil {
		return nil, err
	}
	if d.proxy.Scheme == "socks4" || d.proxy.Scheme == "socks4a" {
		return d.dialSOCKS4(ctx, addr, targets)
	}
	var auth *proxy.Auth
	if u := d.proxy.User; u != nil {
		pass, _ := u.Password()
		auth = &proxy.Auth{User: u.Username(), Password: pass}
	}
	proxyAddr := net.JoinHostPort(d.proxy.Hostname(), portOr(d.proxy.Port(), "1080"))
	var first error
	for _, target := range targets {
		fwd := &socksForward{dialer: d.forward}
		sd, err := proxy.SOCKS5("tcp", proxyAddr, auth, fwd)
		if err != nil {
			return nil, err
		}
		conn, err := sd.(proxy.ContextDialer).DialContext(ctx, network, target)
		if err == nil {
			return conn, nil
		}
		se := &socksError{proxy: d.proxy.Redacted(), target: addr, reply: fwd.reply(auth != nil), err: err}
		if first == nil {
			first = se
		}
		if !se.targetFailed() || ctx.Err() != nil {
			return nil, se
		}
	}
	return nil, first
}

// targets returns the addresses to ask the proxy for: addr itself for
// socks5h or an IP address, --resolve pins, else the locally resolved
// addresses.
func (d *socksDialer) targets(ctx context.Context, addr string) ([]string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips := d.forward.pinned(host, port)
	switch {
	case len(ips) > 0:
	case d.remoteDNS || net.ParseIP(host) != nil:
		return []string{addr}, nil
	default:
		if ips, err = d.forward.lookup(ctx, host); err != nil {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: err}
		}
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = net.JoinHostPort(ip, port)
	}
	return out, nil
}

func portOr(port, def string) string {
	if port == "" {
		return def
	}
	return port
}

// socksForward dials the proxy itself and records the proxy's first
// bytes, so a failed handshake can tell the proxy's refusal (bad
// credentials) from the target's (connection refused).
type socksForward struct {
	dialer *netDialer
	mu     sync.Mutex
	rec    *replyRecorder
}

// Dial dials the proxy without a context; x/net/proxy requires it.
func (f *socksForward) Dial(network, addr string) (net.Conn, error) {
	return f.DialContext(context.Background(), network, addr)
}

// DialContext dials the proxy.
func (f *socksForward) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := f.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, &proxyDialError{err: err}
	}
	rec := &replyRecorder{Conn: c}
	f.mu.Lock()
	f.rec = rec
	f.mu.Unlock()
	return rec, nil
}

// reply returns the SOCKS5 reply code of the CONNECT command (RFC 1928
// §6), or -1 when the handshake failed before it.
func (f *socksForward) reply(withAuth bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rec == nil {
		return -1
	}
	return f.rec.connectReply(withAuth)
}

// replyRecorder keeps the first bytes read from a SOCKS proxy.
type replyRecorder struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
}

const socksRecordLimit = 8

func (r *replyRecorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	if len(r.buf) < socksRecordLimit {
		r.buf = append(r.buf, p[:min(n, socksRecordLimit-len(r.buf))]...)
	}
	r.mu.Unlock()
	return n, err
}

// connectReply parses the recorded handshake: the method selection
// (VER, METHOD), the username/password status (VER, STATUS) when the
// proxy chose method 2, then the CONNECT reply (VER, REP, ...).
func (r *replyRecorder) connectReply(withAuth bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.buf
	if len(b) < 2 {
		return -1
	}
	off := 2
	if b[1] == 0x02 && withAuth {
		off = 4
	}
	if len(b) < off+2 {
		return -1
	}
	return int(b[off+1])
}

// proxyDialError is a failure to reach a SOCKS proxy at all.
type proxyDialError struct{ err error }

func (e *proxyDialError) Error() string { return e.err.Error() }
func (e *proxyDialError) Unwrap() error { return e.err }

// socksError is a failed SOCKS connection. Reply codes 3 to 6 (network
// or host unreachable, connection refused, TTL expired) mean the proxy
// worked but the target could not be reached.
type socksError struct {
	proxy  string
	target string
	reply  int // -1 when the proxy sent no CONNECT reply
	// version is 4 for SOCKS4 and SOCKS4a, whose reply codes differ;
	// 0 means SOCKS5.
	version int
	err     error
}

var socksReplies = map[int]string{
	1: "general SOCKS server failure",
	2: "connection not allowed by ruleset",
	3: "network unreachable",
	4: "host unreachable",
	5: "connection refused",
	6: "TTL expired",
	7: "command not supported",
	8: "address type not supported",
}

func (e *socksError) Error() string {
	var pd *proxyDialError
	switch {
	case errors.As(e.err, &pd):
		return fmt.Sprintf("cannot connect to proxy %s: %v", e.proxy, unwrapSyscall(unwrapOp(pd.err)))
	case e.version == 4 && e.reply > 0:
		text, ok := socks4Replies[e.reply]
		if !ok {
			text = fmt.Sprintf("reply code %d", e.reply)
		}
		return fmt.Sprintf("proxy %s refused the connection to %s: %s", e.proxy, e.target, text)
	case e.targetFailed():
		return fmt.Sprintf("proxy %s could not reach %s: %s", e.proxy, e.target, socksReplies[e.reply])
	case e.reply > 0:
		text, ok := socksReplies[e.reply]
		if !ok {
			text = fmt.Sprintf("reply code %d", e.reply)
		}
		return fmt.Sprintf("proxy %s refused the connection to %s: %s", e.proxy, e.target, text)
	}
	return fmt.Sprintf("proxy %s: %v", e.proxy, unwrapOp(e.err))
}

func (e *socksError) Unwrap() error { return e.err }

// targetFailed reports whether the proxy answered but the target could
// not be reached, which is a ConnectionError rather than a ProxyError.
// SOCKS4 cannot tell the two apart: its one refusal means "rejected or
// failed".
func (e *socksError) targetFailed() bool { return e.version == 0 && e.reply >= 3 && e.reply <= 6 }

// unwrapOp drops net.OpError's "op net src->dst:" prefix when the message
// already names the endpoints.
func unwrapOp(err error) error {
	var op *net.OpError
	for errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return err
}
