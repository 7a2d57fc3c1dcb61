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
	"sort"
	"strings"
)

// Session is Requests' Session: defaults merged into every request, one
// connection pool, a cookie jar, and the redirect and retry policy.
type Session struct {
	// Header holds headers sent with every request unless a request
	// replaces or unsets them.
	Header http.Header
	// Auth is used when a request names none and no netrc entry applies.
	Auth Auth
	// Params are added to every request's query, before the request's own.
	Params []Param
	// Jar stores cookies from responses and sends them back; nil keeps no
	// cookies. Sessions on disk use *Jar, which can list its cookies.
	Jar http.CookieJar
	// MaxRedirects bounds how many redirects one Send follows.
	MaxRedirects int
	// TrustEnv makes the session read proxies, netrc and CA bundles from
	// the environment, as Requests' trust_env.
	TrustEnv bool
	// Hooks are called with every response (redirect hops included), in
	// order, before Send returns it: Requests' response hooks.
	Hooks []func(*Response) error
	// Retry says when a failed exchange is sent again; the zero value
	// never retries.
	Retry RetryPolicy

	opts      Options
	transport http.RoundTripper
	mounts    []mount
}

// DefaultMaxRedirects is Requests' DEFAULT_REDIRECT_LIMIT.
const DefaultMaxRedirects = 30

type mount struct {
	prefix string
	rt     http.RoundTripper
}

// New returns a session with Requests' default headers, an empty cookie
// jar (so cookies set by one redirect hop go out on the next) and a
// transport built from opts.
func New(opts Options) (*Session, error) {
	rt, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	s := &Session{
		Header:       DefaultHeaders(),
		Jar:          NewJar(),
		MaxRedirects: DefaultMaxRedirects,
		TrustEnv:     opts.TrustEnv,
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
func (s *Session) transportFor(u *url.URL) http.RoundTripper {
	str := u.String()
	for _, m := range s.mounts {
		if strings.HasPrefix(strings.ToLower(str), strings.ToLower(m.prefix)) {
			return m.rt
		}
	}
	return s.transport
}

// SendOptions are the per-call options of Send.
type SendOptions struct {
	// AllowRedirects follows redirects (Requests' allow_redirects).
	AllowRedirects bool
	// OnConnect, when set, is called for every request sent (each
	// redirect hop, retry and auth round) once its connection is ready and
	// before its head is written, with the protocol it goes out with
	// ("HTTP/1.1", "HTTP/2" or "HTTP/3"): -v prints the request head
	// from it.
	OnConnect func(p *PreparedRequest, proto string)
}

// Send sends p and follows redirects when opts allows it. The returned
// Response's body streams from the network and must be closed. A status
// code is never an error; use RaiseForStatus.
func (s *Session) Send(ctx context.Context, p *PreparedRequest, opts SendOptions) (_ *Response, err error) {
	defer func() {
		if err != nil {
			if te := maxTimeExceeded(ctx, p.URL.String()); te != nil {
				err = te
			}
		}
	}()
	if opts.OnConnect != nil {
		ctx = context.WithValue(ctx, onConnectKey{}, opts.OnConnect)
	}
	resp, err := s.sendWithRetries(ctx, p)
	if err != nil {
		return nil, err
	}
	if !opts.AllowRedirects {
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
	if c, ok := s.transport.(idleCloser); ok {
		c.CloseIdleConnections()
	}
}

// redactURL removes the password from a URL for messages and output.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); !has {
		return raw
	}
	return u.Redacted()
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
