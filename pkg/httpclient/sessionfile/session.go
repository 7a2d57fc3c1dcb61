// Package sessionfile keeps an [httpclient.Session] on disk between runs,
// in the files `reqs --session` reads and writes (HTTPie's layout:
// <dir>/sessions/<host>/<name>.json): the headers, credentials, query
// parameters and cookies a session holds, and its settings (proxies, TLS
// verification, client certificate, timeouts, redirect limit).
//
// A use of a session file goes: [Lock] (or [Read] for a use that saves
// nothing), [Merge] the stored [Settings] under the ones given for this
// use and apply them to the [httpclient.Options] the session is built
// with, [File.Apply] the rest to the session, send, then [File.Save] and
// Close. Files are written atomically, mode 0600 in a 0700 directory, and
// one that cannot be parsed is an error naming it and is never
// overwritten.
package sessionfile

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
	"github.com/reqs-cli/reqs/pkg/httpclient/internal/urlport"
)

// Version is the format version written in every session file.
// Files with a newer version are refused rather than rewritten without
// the fields this reqs does not know.
const Version = 1

// Session is the content of a session file: the request
// defaults a named session keeps between invocations. Its fields are
// typed values; a file written with the command line's syntax for verify
// ("no", a CA bundle path) and timeout ("5" or "3,10") is read into them.
type Session struct {
	Version int `json:"version"`
	// Headers are sent with every request, in order; never Content-* or
	// If-* (those describe one request).
	Headers []Header `json:"headers"`
	// Auth is the session's credentials; nil for none.
	Auth *Auth `json:"auth,omitempty"`
	// Cookies are the jar's cookies in creation order.
	Cookies []Cookie `json:"cookies"`
	// Params are added to every request's query.
	Params []Param `json:"params,omitempty"`
	// Settings are the transport defaults and redirect limit the
	// session keeps.
	Settings `json:",inline"`
	// HelperAnswers are credential helpers' answers kept until they
	// expire.
	HelperAnswers []HelperAnswer `json:"helper_answers,omitempty"`
}

// HelperAnswer is a credential helper's answer for one host.
type HelperAnswer struct {
	// Helper is the helper's command line as configured.
	Helper  string            `json:"helper"`
	Host    string            `json:"host"`
	Headers map[string]string `json:"headers"`
	// Expires is when the answer expires, in Unix seconds.
	Expires int64 `json:"expires"`
}

// SetHelperAnswers keeps answers, each replacing the answer of the same
// helper for the same host, and drops answers expired at now.
func (s *Session) SetHelperAnswers(answers []HelperAnswer, now time.Time) {
	var kept []HelperAnswer
	for _, a := range append(s.HelperAnswers, answers...) {
		if a.Expires <= now.Unix() {
			continue
		}
		i := slices.IndexFunc(kept, func(k HelperAnswer) bool { return k.Helper == a.Helper && k.Host == a.Host })
		if i >= 0 {
			kept[i] = a
		} else {
			kept = append(kept, a)
		}
	}
	s.HelperAnswers = kept
}

// Header is one stored header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Param is one stored query parameter.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Auth is stored credentials. Type is "basic", "digest", "bearer",
// "aws-sigv4" or "oauth2"; bearer uses Token, the others Username and
// Password (aws-sigv4: access key ID and secret, Token the session token,
// and its Region and Service; oauth2: client ID and secret, TokenURL and
// Scope, and the cached Token, RefreshToken and Expires).
type Auth struct {
	Type         string `json:"type"`
	Username     string `json:"username,omitempty"`
	Password     string `json:"password,omitempty"`
	Token        string `json:"token,omitempty"`
	Region       string `json:"region,omitempty"`
	Service      string `json:"service,omitempty"`
	TokenURL     string `json:"token_url,omitempty"`
	Scope        string `json:"scope,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	// Expires is when Token expires, in Unix seconds; absent when it
	// does not say.
	Expires int64 `json:"expires,omitzero"`
}

// Cookie is a stored cookie with every RFC 6265 attribute.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Domain   string `json:"domain"`
	HostOnly bool   `json:"host_only"`
	Path     string `json:"path"`
	// Expires is Unix seconds; absent for a session cookie.
	Expires  int64  `json:"expires,omitzero"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site,omitempty"`
}

// JarCookies converts the stored cookies for [cookiejar.Jar.Load].
func (s *Session) JarCookies() []cookiejar.Cookie {
	out := make([]cookiejar.Cookie, len(s.Cookies))
	for i, c := range s.Cookies {
		out[i] = cookiejar.Cookie{
			Name: c.Name, Value: c.Value, Domain: c.Domain, HostOnly: c.HostOnly, Path: c.Path,
			Secure: c.Secure, HttpOnly: c.HTTPOnly, SameSite: c.SameSite,
		}
		if c.Expires != 0 {
			out[i].Expires = time.Unix(c.Expires, 0).UTC()
		}
	}
	return out
}

// SetJarCookies replaces the stored cookies with a jar's, dropping those
// expired at now.
func (s *Session) SetJarCookies(cookies []cookiejar.Cookie, now time.Time) {
	s.Cookies = make([]Cookie, 0, len(cookies))
	for _, c := range cookies {
		if c.Expired(now) {
			continue
		}
		sc := Cookie{
			Name: c.Name, Value: c.Value, Domain: c.Domain, HostOnly: c.HostOnly, Path: c.Path,
			Secure: c.Secure, HTTPOnly: c.HttpOnly, SameSite: c.SameSite,
		}
		if !c.Expires.IsZero() {
			sc.Expires = c.Expires.Unix()
		}
		s.Cookies = append(s.Cookies, sc)
	}
}

// dropExpired removes cookies expired at now; it reports whether any was.
func (s *Session) dropExpired(now time.Time) bool {
	kept := s.Cookies[:0]
	for _, c := range s.Cookies {
		if c.Expires != 0 && c.Expires <= now.Unix() {
			continue
		}
		kept = append(kept, c)
	}
	dropped := len(kept) != len(s.Cookies)
	s.Cookies = kept
	return dropped
}

// SetHeader replaces every stored value of name with values, where the
// name was first stored (a new name goes last), so headers keep the order
// they were first set in.
func (s *Session) SetHeader(name string, values ...string) {
	at := -1
	kept := s.Headers[:0:0]
	for _, h := range s.Headers {
		if strings.EqualFold(h.Name, name) {
			if at < 0 {
				at = len(kept)
			}
			continue
		}
		kept = append(kept, h)
	}
	if at < 0 {
		at = len(kept)
	}
	add := make([]Header, len(values))
	for i, v := range values {
		add[i] = Header{Name: name, Value: v}
	}
	s.Headers = slices.Insert(kept, at, add...)
}

// isSessionName is HTTPie's rule for a session name, ^[A-Za-z0-9_.-]+$,
// as a byte loop rather than a regular expression compiled before main.
func isSessionName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return s != ""
}

// IsPath reports whether --session's value is a file path rather
// than a name: it holds a path separator or ends in ".json".
func IsPath(v string) bool {
	return strings.ContainsRune(v, '/') || strings.ContainsRune(v, filepath.Separator) || strings.HasSuffix(v, ".json")
}

// ErrName is returned for a session name that cannot be a file
// name.
var ErrName = errors.New("invalid session name")

// Path returns the file of a session: nameOrPath itself when it is
// a path (see [IsPath]), else <dir>/sessions/<hostDir>/<name>.json.
// hostDir comes from [HostDir] or [HostFlagDir].
func Path(dir, nameOrPath, hostDir string) (string, error) {
	if IsPath(nameOrPath) {
		return nameOrPath, nil
	}
	if !isSessionName(nameOrPath) || strings.Trim(nameOrPath, ".") == "" {
		return "", fmt.Errorf("%w %q: use letters, digits, '_', '-' and '.', or a path", ErrName, nameOrPath)
	}
	if hostDir == "" {
		return "", fmt.Errorf("session %q: no host", nameOrPath)
	}
	return filepath.Join(dir, "sessions", hostDir, nameOrPath+".json"), nil
}

// HostDir is the directory name of u's sessions: its host, with "_PORT"
// when the port is not the scheme's default (HTTPie's layout). IPv6
// colons become underscores, as HTTPie writes them.
func HostDir(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if host == "" {
		host = "localhost"
	}
	port := u.Port()
	if port == "" || port == urlport.Default(u.Scheme) {
		return hostDirName(host, "")
	}
	return hostDirName(host, port)
}

// HostFlagDir is the directory name for a --host value, "host" or
// "host:port" (or "[v6]:port"), taken as written.
func HostFlagDir(hostport string) (string, error) {
	if hostport == "" {
		return "", errors.New("empty host")
	}
	if strings.ContainsAny(hostport, `/\`) {
		return "", fmt.Errorf("invalid host %q", hostport)
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		// No port.
		return hostDirName(strings.ToLower(strings.Trim(hostport, "[]")), ""), nil
	}
	return hostDirName(strings.ToLower(host), port), nil
}

func hostDirName(host, port string) string {
	if strings.Contains(host, ":") {
		host = "[" + strings.ReplaceAll(host, ":", "_") + "]"
	}
	if port != "" {
		return host + "_" + port
	}
	return host
}

// HostFromDir turns a session directory name back into host[:port], for
// listings.
func HostFromDir(name string) string {
	if strings.HasPrefix(name, "[") {
		end := strings.Index(name, "]")
		if end < 0 {
			return name
		}
		host := "[" + strings.ReplaceAll(name[1:end], "_", ":") + "]"
		if rest := name[end+1:]; strings.HasPrefix(rest, "_") {
			return host + ":" + rest[1:]
		}
		return host
	}
	if i := strings.LastIndex(name, "_"); i >= 0 && isDigits(name[i+1:]) {
		return name[:i] + ":" + name[i+1:]
	}
	return name
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Encode returns s as a session file holds it: indented JSON.
func (s *Session) Encode() ([]byte, error) {
	return encodeSession(s)
}

// secretMask replaces secrets in Redacted.
const secretMask = "****"

// Redacted returns a copy of s with its secrets masked for display: auth
// passwords and tokens, cookie values, credential-bearing headers and
// proxy passwords.
func (s *Session) Redacted() *Session {
	r := *s
	if s.Auth != nil {
		a := *s.Auth
		if a.Password != "" {
			a.Password = secretMask
		}
		if a.Token != "" {
			a.Token = secretMask
		}
		if a.RefreshToken != "" {
			a.RefreshToken = secretMask
		}
		r.Auth = &a
	}
	r.HelperAnswers = make([]HelperAnswer, len(s.HelperAnswers))
	for i, a := range s.HelperAnswers {
		h := make(map[string]string, len(a.Headers))
		for k := range a.Headers {
			h[k] = secretMask
		}
		a.Headers = h
		r.HelperAnswers[i] = a
	}
	if len(r.HelperAnswers) == 0 {
		r.HelperAnswers = nil
	}
	r.Headers = make([]Header, len(s.Headers))
	for i, h := range s.Headers {
		if IsSecretHeader(h.Name) {
			h.Value = secretMask
		}
		r.Headers[i] = h
	}
	r.Cookies = make([]Cookie, len(s.Cookies))
	for i, c := range s.Cookies {
		c.Value = secretMask
		r.Cookies[i] = c
	}
	if s.Proxies != nil {
		r.Proxies = make(map[string]string, len(s.Proxies))
		for k, v := range s.Proxies {
			if u, err := url.Parse(v); err == nil && u.User != nil {
				if _, has := u.User.Password(); has {
					u.User = url.User(u.User.Username())
					v = strings.Replace(u.String(), "@", ":"+secretMask+"@", 1)
				}
			}
			r.Proxies[k] = v
		}
	}
	return &r
}

// IsSecretHeader reports whether a header's value is a credential: the
// Authorization, Proxy-Authorization and Cookie headers, and any whose
// name speaks of a token, secret, API key, password or session.
func IsSecretHeader(name string) bool {
	l := strings.ToLower(name)
	switch l {
	case "authorization", "proxy-authorization", "cookie":
		return true
	}
	for _, w := range []string{"token", "secret", "api-key", "apikey", "password", "session"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}
