// Package httpclient is a Requests-shaped HTTP client: a Session holds
// defaults (headers, auth, params, cookies, proxies, TLS) and sends
// Requests, following redirects itself so that method rewriting, auth
// stripping and cookies follow Requests' rules rather than net/http's.
package httpclient

import (
	"context"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
)

// Session is Requests' Session: defaults merged into every request, one
// connection pool, a cookie jar, and the redirect and retry policy.
//
// The zero Session works, as a zero [http.Client] does: it verifies TLS
// against the system roots, sends no default headers, keeps no cookies,
// follows redirects (up to DefaultMaxRedirects; SendOptions.NoRedirects
// turns that off for a call) and ignores the environment. New gives
// Requests' defaults instead.
//
// A Session is safe for concurrent use by multiple goroutines once it is
// configured: set its fields (and Mount) before the first request and
// leave them alone while requests are in flight, as with http.Client. Its
// Jar, the Auth types of this package and the transport synchronise
// themselves; a request's Hooks and Retry.OnRetry run on the goroutine
// that sent it.
type Session struct {
	// Header holds headers sent with every request unless a request
	// replaces or unsets them.
	Header http.Header
	// HeaderOrder lists Header's names in the order they go out, the
	// order they were set in, as Requests' session headers keep it
	// (SetHeader appends to it); names Header holds that it does not
	// list follow, sorted.
	HeaderOrder []string
	// Auth is the session's credentials. A request's own Auth and
	// credentials in its URL win over it; it wins over the per-host
	// helpers and netrc entries, which apply only when neither the
	// request nor the session has any, as in Requests (see Prepare).
	Auth Auth
	// Params are added to every request's query, before the request's own.
	Params []Param
	// Jar stores cookies from responses and sends them back; nil keeps no
	// cookies. Sessions on disk use a *[cookiejar.Jar], which can list its cookies.
	Jar http.CookieJar
	// MaxRedirects bounds how many redirects one Send follows; 0 means
	// DefaultMaxRedirects, as the zero Session follows redirects the way
	// a zero http.Client does, and a negative value allows none (a
	// redirect is then ErrTooManyRedirects).
	MaxRedirects int
	// TrustEnv merges settings from the environment into each request,
	// as Requests' trust_env and merge_environment_settings: the proxy
	// variables (http_proxy, https_proxy, all_proxy, no_proxy) below
	// explicit Options.Proxies; the CA bundle of REQUESTS_CA_BUNDLE or
	// CURL_CA_BUNDLE while Options name none and verify; and the netrc
	// file ($NETRC, else ~/.netrc) for requests without other
	// credentials (see Prepare).
	TrustEnv bool
	// IgnoreNetrc keeps TrustEnv from reading a netrc file.
	IgnoreNetrc bool
	// CredentialScheme is how credentials that carry no scheme of their
	// own are sent, those of a URL's user info and of a netrc file:
	// AuthBasic (when empty), AuthDigest, or AuthBearer (the password
	// as the token).
	CredentialScheme string
	// HostHelpers are credential helpers by host ("host" or
	// "host:port"), ranked with netrc: a request that gets neither
	// request, URL nor session credentials gets its host's helper, else
	// its host's netrc entry.
	HostHelpers map[string]*ExecAuth
	// LookupEnv reads the environment for TrustEnv; nil means
	// os.LookupEnv.
	LookupEnv func(key string) (string, bool)
	// OnEnvError, when set, is told about a setting of the environment
	// that is ignored because it cannot be used, such as a netrc file
	// that does not parse; each once per version of the file.
	OnEnvError func(error)
	// Hooks are called with every response (redirect hops included), in
	// order, before Send returns it: Requests' response hooks. As there,
	// a hook may return a replacement, which the next hook and the
	// caller get instead (nil keeps the response it was given; a hook
	// that replaces it closes it when done with its body). An error
	// ends the Send.
	Hooks []func(*Response) (*Response, error)
	// Retry says when a failed exchange is sent again; the zero value
	// never retries. SendOptions.Retry replaces it for one call.
	Retry RetryPolicy

	opts      Options
	mu        sync.Mutex        // guards transport
	transport http.RoundTripper // built by New, or on first use
	mounts    []mount
	netrc     netrcCache
}

// DefaultMaxRedirects is Requests' DEFAULT_REDIRECT_LIMIT.
const DefaultMaxRedirects = 30

// RedirectLimit returns the MaxRedirects value (of a Session or of
// SendOptions) that allows exactly n redirects: n itself, or a negative
// value for n = 0, since 0 there means DefaultMaxRedirects.
func RedirectLimit(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

type mount struct {
	prefix string
	rt     http.RoundTripper
}

// New returns a session with Requests' defaults: its default headers, an
// empty cookie jar (so cookies set by one redirect hop go out on the
// next), DefaultMaxRedirects, TrustEnv, and a transport built from opts.
// Unreadable CA bundles and client certificates are reported here.
func New(opts Options) (*Session, error) {
	rt, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	s := &Session{
		Header:       DefaultHeaders(),
		HeaderOrder:  slices.Clone(defaultHeaderOrder),
		Jar:          cookiejar.New(),
		MaxRedirects: DefaultMaxRedirects,
		TrustEnv:     true,
		opts:         opts,
		transport:    rt,
	}
	return s, nil
}

// DefaultHeaders are the headers every session starts with, as in Requests'
// default_headers. The User-Agent names this module's version as the
// build recorded it; a program sets its own product in Session.Header
// (the reqs command sends its release version).
func DefaultHeaders() http.Header {
	return http.Header{
		"User-Agent":      {DefaultUserAgent()},
		"Accept-Encoding": {AcceptEncoding},
		"Accept":          {"*/*"},
		"Connection":      {"keep-alive"},
	}
}

// SetHeader sets the session header name to values, replacing the
// values it had; a new name goes last in HeaderOrder, one already there
// keeps its place.
func (s *Session) SetHeader(name string, values ...string) {
	if s.Header == nil {
		s.Header = http.Header{}
	}
	if s.HeaderOrder == nil {
		s.HeaderOrder = sortedNames(s.Header)
	}
	s.Header.Del(name)
	s.Header[http.CanonicalHeaderKey(name)] = slices.Clone(values)
	s.HeaderOrder = appendNames(s.HeaderOrder, http.CanonicalHeaderKey(name))
}

// Mount sends requests whose URL starts with prefix through rt; the longest
// matching prefix wins, as with Requests' transport adapters.
func (s *Session) Mount(prefix string, rt http.RoundTripper) {
	for i, m := range s.mounts {
		if m.prefix == prefix {
			s.mounts[i].rt = rt
			return
		}
	}
	s.mounts = append(s.mounts, mount{prefix: prefix, rt: rt})
	sort.SliceStable(s.mounts, func(i, j int) bool { return len(s.mounts[i].prefix) > len(s.mounts[j].prefix) })
}

// transportFor picks the mounted transport with the longest prefix of u,
// else the session's own.
func (s *Session) transportFor(u *url.URL) (http.RoundTripper, error) {
	str := u.String()
	for _, m := range s.mounts {
		if strings.HasPrefix(strings.ToLower(str), strings.ToLower(m.prefix)) {
			return m.rt, nil
		}
	}
	return s.ownTransport()
}

// SendOptions are the per-call options of Send: what Requests takes as
// arguments of one call rather than from the session. The zero value
// follows redirects with the session's limit, retries as the session's
// policy says and uses the session's cookie jar.
type SendOptions struct {
	// NoRedirects returns a redirect response as it is instead of
	// following it (Requests' allow_redirects=False).
	NoRedirects bool
	// MaxRedirects, when not 0, bounds the redirects this call follows
	// instead of Session.MaxRedirects; a negative value allows none.
	MaxRedirects int
	// Retry, when not nil, is this call's retry policy instead of
	// Session.Retry.
	Retry *RetryPolicy
	// NoCookies neither sends the jar's cookies nor stores the
	// response's: the call runs as if the session had no jar.
	NoCookies bool
	// OnConnect, when set, is called for every request sent (each
	// redirect hop, retry and auth round) once its connection is ready and
	// before its head is written, with the protocol it goes out with
	// ("HTTP/1.1", "HTTP/2" or "HTTP/3"): -v prints the request head
	// from it. Over HTTP/2 with TLS it is called once the HEADERS frame
	// is out (when the round trip ends), so that Session.Head shows the
	// fields actually sent.
	OnConnect func(p *PreparedRequest, proto string)
	// OnUpload, when set, is called as request body bytes go out, with
	// how many more were sent (for a progress bar). A file body is still
	// sent by the kernel, 1 MiB between calls.
	OnUpload func(n int64)
}

// callSettings are the session's settings as one Send call uses them.
type callSettings struct {
	retry        RetryPolicy
	maxRedirects int // negative: none
	jar          http.CookieJar
}

// callKey carries a Send call's callSettings to the steps of the call.
type callKey struct{}

// callSettings returns the settings of the call ctx belongs to: opts over
// the session's fields.
func (s *Session) callSettings(opts SendOptions) *callSettings {
	c := &callSettings{retry: s.Retry, maxRedirects: s.MaxRedirects, jar: s.Jar}
	if opts.Retry != nil {
		c.retry = *opts.Retry
	}
	if opts.MaxRedirects != 0 {
		c.maxRedirects = opts.MaxRedirects
	}
	if c.maxRedirects == 0 {
		c.maxRedirects = DefaultMaxRedirects
	}
	if opts.NoCookies {
		c.jar = nil
	}
	return c
}

// call returns the settings of the Send call ctx belongs to, or the
// session's own outside one.
func (s *Session) call(ctx context.Context) *callSettings {
	if c, ok := ctx.Value(callKey{}).(*callSettings); ok {
		return c
	}
	return s.callSettings(SendOptions{})
}

// Send sends p and follows redirects unless opts says not to. The
// returned Response's body streams from the network and must be closed. A
// status code is never an error; use RaiseForStatus.
func (s *Session) Send(ctx context.Context, p *PreparedRequest, opts SendOptions) (_ *Response, err error) {
	defer func() {
		if err != nil {
			if te := maxTimeExceeded(ctx, p.URL.String()); te != nil {
				err = te
			}
		}
	}()
	ctx = context.WithValue(ctx, callKey{}, s.callSettings(opts))
	if opts.OnConnect != nil {
		ctx = context.WithValue(ctx, onConnectKey{}, opts.OnConnect)
	}
	if opts.OnUpload != nil {
		ctx = context.WithValue(ctx, onUploadKey{}, opts.OnUpload)
	}
	resp, err := s.sendWithRetries(ctx, p)
	if err != nil {
		return nil, err
	}
	if opts.NoRedirects {
		return resp, nil
	}
	return s.resolveRedirects(ctx, resp, opts)
}

// Do prepares and sends req, Requests' Session.request.
func (s *Session) Do(ctx context.Context, req *Request, opts SendOptions) (*Response, error) {
	p, err := s.Prepare(req)
	if err != nil {
		return nil, err
	}
	return s.Send(ctx, p, opts)
}

// Close releases idle connections.
func (s *Session) Close() {
	type idleCloser interface{ CloseIdleConnections() }
	s.mu.Lock()
	rt := s.transport
	s.mu.Unlock()
	if c, ok := rt.(idleCloser); ok {
		c.CloseIdleConnections()
	}
}

// RedactURL returns raw with the password of its user info replaced by
// "xxxxx", as url.URL.Redacted does, also when raw does not parse (an
// error message quoting a bad URL must not show the password in it).
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return raw
		}
		if _, has := u.User.Password(); !has {
			return raw
		}
		return u.Redacted()
	}
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	start := len(raw) - len(rest)
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	colon := strings.IndexByte(authority[:at], ':')
	if colon < 0 {
		return raw
	}
	return raw[:start+colon+1] + "xxxxx" + raw[start+at:]
}

// modulePath is this library's module.
const modulePath = "github.com/reqs-cli/reqs"

// DefaultUserAgent returns "reqs/VERSION", VERSION being this module's
// version as the Go build recorded it (the dependency's version in a
// program that imports the library), or "dev" when the build recorded
// none.
func DefaultUserAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		mod := &bi.Main
		for _, dep := range bi.Deps {
			if dep.Path == modulePath {
				mod = dep
			}
		}
		if mod.Path == modulePath && mod.Version != "" && mod.Version != "(devel)" {
			v = mod.Version
		}
	}
	return "reqs/" + v
}
