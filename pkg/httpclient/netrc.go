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

	"github.com/jdxcode/netrc"
)

// Netrc auth schemes: how NetrcAuth sends the credentials it finds.
const (
	NetrcBasic  = "basic"
	NetrcDigest = "digest"
	// NetrcBearer sends the entry's password as a bearer token.
	NetrcBearer = "bearer"
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
	// Scheme is NetrcBasic (when empty), NetrcDigest or NetrcBearer.
	Scheme string

	machines []netrcEntry
	fallback *netrcEntry

	mu      sync.Mutex
	digests map[string]*DigestAuth
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
	case NetrcBearer:
		return (&BearerAuth{Token: password}).Apply(req)
	case NetrcDigest:
		return a.digestFor(host, login, password).Apply(req)
	}
	return (&BasicAuth{Username: login, Password: password}).Apply(req)
}

// WithScheme returns an Auth sending the same entries as scheme: a
// *NetrcAuth for NetrcBasic and NetrcBearer, and for NetrcDigest a
// ChallengeAuth that answers each host's Digest challenge with that host's
// entry. Only the Digest form answers challenges, so the others can be
// shown (-v) without side effects.
func (a *NetrcAuth) WithScheme(scheme string) Auth {
	n := &NetrcAuth{Path: a.Path, Scheme: scheme, machines: a.machines, fallback: a.fallback}
	if scheme == NetrcDigest {
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

// digestFor returns the DigestAuth kept for host, so its challenge and
// nonce count carry over between requests to that host.
func (a *NetrcAuth) digestFor(host, login, password string) *DigestAuth {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := strings.ToLower(host)
	d, ok := a.digests[key]
	if !ok {
		if a.digests == nil {
			a.digests = map[string]*DigestAuth{}
		}
		d = &DigestAuth{Username: login, Password: password}
		a.digests[key] = d
	}
	return d
}

// ParseNetrc reads netrc entries from the text of a netrc file. Macro
// definitions (macdef) are not supported.
func ParseNetrc(text string) (auth *NetrcAuth, err error) {
	defer func() {
		// The parser indexes past the end of a truncated entry
		// ("machine" as the last word); that is a malformed file, not
		// a crash.
		if r := recover(); r != nil {
			auth, err = nil, errors.New("incomplete machine entry")
		}
	}()
	n, err := netrc.ParseString(text)
	if err != nil {
		return nil, err
	}
	a := &NetrcAuth{}
	for _, m := range n.Machines() {
		e := netrcEntry{host: m.Name, login: m.Get("login"), password: m.Get("password")}
		if e.login == "" {
			e.login = m.Get("account")
		}
		if m.IsDefault {
			if a.fallback == nil {
				a.fallback = &e
			}
			continue
		}
		a.machines = append(a.machines, e)
	}
	return a, nil
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

// NetrcPath returns the netrc file Requests would read: $NETRC when it is
// set (even if that file is missing), else the first of ~/.netrc and
// ~/_netrc that exists; "" when there is none. getenv reads the
// environment (os.Getenv in production).
func NetrcPath(getenv func(string) string) string {
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

// NetrcFromEnv loads the netrc file NetrcPath finds. It returns nil and
// no error when there is no file to read; an error means a file exists
// but cannot be read or parsed (callers warn and go on without it).
func NetrcFromEnv(getenv func(string) string) (*NetrcAuth, error) {
	p := NetrcPath(getenv)
	if p == "" {
		return nil, nil
	}
	a, err := LoadNetrc(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return a, err
}
