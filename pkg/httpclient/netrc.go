package httpclient

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

// NetrcAuth sends credentials from a netrc file, chosen for each request's
// host as Requests' get_netrc_auth does: the machine entry named like the
// host (port ignored, case-insensitive, first entry wins), else the
// default entry; the login, or the account when the login is empty.
// Requests to a host without an entry are left as they are, so an
// Authorization header the caller set still goes out; a host with an
// entry gets the netrc credentials instead of it.
//
// It is host-scoped: a redirect to another host keeps it, and it answers
// there with that host's own entry or not at all.
type NetrcAuth struct {
	// Path is the file the entries came from, for messages.
	Path string
	// Scheme is AuthBasic (when empty), AuthDigest or AuthBearer.
	Scheme string

	machines []netrcEntry
	fallback *netrcEntry

	mu      sync.Mutex
	digests map[string]*digest.Auth
}

type netrcEntry struct {
	host, login, password string
}

// HostScoped reports true: credentials are looked up per host.
func (a *NetrcAuth) HostScoped() bool { return true }

// Credentials returns the login and password for host (a hostname
// without port), from its machine entry or the default entry.
func (a *NetrcAuth) Credentials(host string) (login, password string, ok bool) {
	for _, m := range a.machines {
		if strings.EqualFold(m.host, host) {
			return m.login, m.password, true
		}
	}
	if a.fallback != nil {
		return a.fallback.login, a.fallback.password, true
	}
	return "", "", false
}

// Apply sets the Authorization header for the request's host when the
// netrc file has credentials for it.
func (a *NetrcAuth) Apply(req *http.Request) error {
	host := req.URL.Hostname()
	login, password, ok := a.Credentials(host)
	if !ok {
		return nil
	}
	switch a.Scheme {
	case AuthBearer:
		return (&BearerAuth{Token: bearerToken(login, password)}).Apply(req)
	case AuthDigest:
		return a.digestFor(host, login, password).Apply(req)
	}
	return (&BasicAuth{Username: login, Password: password}).Apply(req)
}

// WithScheme returns an Auth sending the same entries as scheme: a
// *NetrcAuth for AuthBasic and AuthBearer, and for AuthDigest a
// ChallengeAuth that answers each host's Digest challenge with that host's
// entry. Only the Digest form answers challenges, so the others can be
// shown (-v) without side effects.
func (a *NetrcAuth) WithScheme(scheme string) Auth {
	n := &NetrcAuth{Path: a.Path, Scheme: scheme, machines: a.machines, fallback: a.fallback}
	if scheme == AuthDigest {
		return &netrcDigestAuth{n}
	}
	return n
}

// netrcDigestAuth is a NetrcAuth that answers Digest challenges.
type netrcDigestAuth struct{ *NetrcAuth }

// Challenge answers a Digest challenge with the credentials of the
// responding host.
func (a *netrcDigestAuth) Challenge(resp *http.Response) (bool, error) {
	if resp.Request == nil {
		return false, nil
	}
	host := resp.Request.URL.Hostname()
	login, password, ok := a.Credentials(host)
	if !ok {
		return false, nil
	}
	return a.digestFor(host, login, password).Challenge(resp)
}

// digestFor returns the [digest.Auth] kept for host, so its challenge and
// nonce count carry over between requests to that host.
func (a *NetrcAuth) digestFor(host, login, password string) *digest.Auth {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := strings.ToLower(host)
	d, ok := a.digests[key]
	if !ok {
		if a.digests == nil {
			a.digests = map[string]*digest.Auth{}
		}
		d = &digest.Auth{Username: login, Password: password}
		a.digests[key] = d
	}
	return d
}

// ParseNetrc reads netrc entries from the text of a netrc file, as
// Python's netrc module does: whitespace-separated tokens, "#" comments,
// double-quoted tokens with backslash escapes, "user" and "passwd" as
// other names of "login" and "password", and macro definitions (macdef,
// up to the next blank line) skipped. A "#" starts a comment only where a
// keyword is expected: "password #s3cret" is the password "#s3cret".
// Unknown keywords in an entry are skipped with their value. A truncated
// entry is an error.
func ParseNetrc(text string) (*NetrcAuth, error) {
	l := newNetrcLexer(text)
	a := &NetrcAuth{}
	tok, ok := l.next(false)
	for ok {
		if tok == "macdef" {
			l.skipMacro()
			tok, ok = l.next(false)
			continue
		}
		if tok != "machine" && tok != "default" {
			return nil, fmt.Errorf("unexpected %q outside a machine entry", tok)
		}
		kind := tok
		var e netrcEntry
		if kind == "machine" {
			if e.host, ok = l.next(true); !ok {
				return nil, errors.New("incomplete machine entry")
			}
		}
		account := ""
		for {
			tok, ok = l.next(false)
			if !ok || tok == "machine" || tok == "default" || tok == "macdef" {
				break
			}
			val, ok := l.next(true)
			if !ok {
				return nil, fmt.Errorf("incomplete machine entry: %q has no value", tok)
			}
			switch tok {
			case "login", "user":
				e.login = val
			case "password", "passwd":
				e.password = val
			case "account":
				account = val
			}
		}
		if e.login == "" {
			e.login = account
		}
		if kind == "default" {
			if a.fallback == nil {
				a.fallback = &e
			}
			continue
		}
		a.machines = append(a.machines, e)
	}
	return a, nil
}

// netrcLexer splits netrc text into tokens, line by line.
type netrcLexer struct {
	lines []string
	// line is the index of the current line, rest its unread part.
	line int
	rest string
}

func newNetrcLexer(text string) *netrcLexer {
	lines := strings.Split(text, "\n")
	return &netrcLexer{lines: lines, rest: lines[0]}
}

// next returns the next token, and false at the end of the text. Where a
// keyword is expected (value false), a token starting with "#" begins a
// comment that runs to the end of the line; where a value is expected it
// is the value.
func (l *netrcLexer) next(value bool) (string, bool) {
	for {
		l.rest = strings.TrimLeft(l.rest, " \t\r\f\v")
		if l.rest == "" {
			if l.line+1 >= len(l.lines) {
				return "", false
			}
			l.line++
			l.rest = l.lines[l.line]
			continue
		}
		if !value && l.rest[0] == '#' {
			l.rest = ""
			continue
		}
		tok, rest := cutNetrcToken(l.rest)
		l.rest = rest
		return tok, true
	}
}

// skipMacro skips a macro definition after its "macdef": the rest of the
// line (the macro's name) and the lines up to and including a blank one.
func (l *netrcLexer) skipMacro() {
	l.rest = ""
	for l.line+1 < len(l.lines) {
		l.line++
		if strings.TrimSpace(l.lines[l.line]) == "" {
			return
		}
	}
}

// cutNetrcToken returns the token at the start of s and the text after it.
func cutNetrcToken(s string) (tok, rest string) {
	if s[0] != '"' {
		end := strings.IndexAny(s, " \t\r\f\v")
		if end < 0 {
			return s, ""
		}
		return s[:end], s[end:]
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return b.String(), s[i+1:]
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// LoadNetrc reads the netrc file at path.
func LoadNetrc(path string) (*NetrcAuth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read netrc: %w", err)
	}
	a, err := ParseNetrc(string(b))
	if err != nil {
		return nil, fmt.Errorf("parse netrc %s: %w", path, err)
	}
	a.Path = path
	return a, nil
}

// netrcPath returns the netrc file Requests would read: $NETRC when it is
// set (even if that file is missing), else the first of ~/.netrc and
// ~/_netrc that exists; "" when there is none. getenv reads the
// environment (os.Getenv in production).
func netrcPath(getenv func(string) string) string {
	if p := getenv("NETRC"); p != "" {
		return expandHome(p, getenv)
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return ""
	}
	for _, name := range []string{".netrc", "_netrc"} {
		p := filepath.Join(home, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

func expandHome(p string, getenv func(string) string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// NetrcFromEnv loads the netrc file netrcPath finds. It returns nil and
// no error when there is no file to read; an error means a file exists
// but cannot be read or parsed (callers warn and go on without it).
func NetrcFromEnv(getenv func(string) string) (*NetrcAuth, error) {
	p := netrcPath(getenv)
	if p == "" {
		return nil, nil
	}
	a, err := LoadNetrc(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return a, err
}

// netrcCache keeps a session's parsed netrc file while the file is
// unchanged, so that each request consults it (as Requests'
// get_netrc_auth does) without parsing it again, and a broken file is
// reported once per version.
type netrcCache struct {
	mu      sync.Mutex
	path    string
	size    int64
	modTime time.Time
	auth    *NetrcAuth
	err     error
}

// load returns the netrc file netrcPath finds through getenv, or nil when
// there is none. report is called with a new error.
func (c *netrcCache) load(getenv func(string) string, report func(error)) *NetrcAuth {
	p := netrcPath(getenv)
	if p == "" {
		return nil
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && p == c.path && st.Size() == c.size && st.ModTime().Equal(c.modTime) {
		return c.auth
	}
	c.path, c.auth, c.err = p, nil, nil
	if err == nil {
		c.size, c.modTime = st.Size(), st.ModTime()
		c.auth, c.err = LoadNetrc(p)
	} else {
		c.err = fmt.Errorf("read netrc: %w", err)
	}
	if c.err != nil && report != nil {
		report(fmt.Errorf("netrc ignored: %w", c.err))
	}
	return c.auth
}
