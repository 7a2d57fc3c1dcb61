package sessionfile

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// httpieSession is an HTTPie session file. HTTPie 3.1 and later write
// headers and cookies as lists; earlier versions as objects keyed by
// name. Both are read.
type httpieSession struct {
	Meta    jsontext.Value `json:"__meta__"`
	Headers jsontext.Value `json:"headers"`
	Cookies jsontext.Value `json:"cookies"`
	Auth    *struct {
		Type     *string `json:"type"`
		RawAuth  *string `json:"raw_auth"`
		Username *string `json:"username"`
		Password *string `json:"password"`
	} `json:"auth"`
}

type httpieCookie struct {
	Name    string   `json:"name"`
	Value   string   `json:"value"`
	Domain  string   `json:"domain"`
	Path    string   `json:"path"`
	Expires *float64 `json:"expires"`
	Secure  bool     `json:"secure"`
}

// ImportHTTPie converts the content of an HTTPie session file. host
// ("host" or "host:port") is the host the session belonged to: HTTPie
// cookies without a domain become host-only cookies of it. Cookies that
// HTTPie stored for a ".domain" keep applying to its subdomains.
func ImportHTTPie(path string, data []byte, host string) (*Session, error) {
	var hs httpieSession
	if err := json.Unmarshal(data, &hs); err != nil {
		return nil, jsonError(path, data, err)
	}
	hostname := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		hostname = h
	}
	hostname = strings.ToLower(strings.Trim(hostname, "[]"))
	s := &Session{Version: Version}

	headers, err := httpieHeaders(hs.Headers)
	if err != nil {
		return nil, fmt.Errorf("%w %s: headers: %w", ErrParse, path, err)
	}
	for _, h := range headers {
		if h.Name == "" || !httpclient.IsSessionHeader(h.Name) {
			continue
		}
		s.Headers = append(s.Headers, h)
	}

	cookies, err := httpieCookies(hs.Cookies)
	if err != nil {
		return nil, fmt.Errorf("%w %s: cookies: %w", ErrParse, path, err)
	}
	for _, c := range cookies {
		sc := Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure}
		switch {
		case c.Domain == "" || isLocalAlias(c.Domain, hostname):
			sc.Domain, sc.HostOnly = hostname, true
		case strings.HasPrefix(c.Domain, "."):
			sc.Domain = strings.ToLower(c.Domain[1:])
		default:
			sc.Domain, sc.HostOnly = strings.ToLower(c.Domain), true
		}
		if sc.Path == "" {
			sc.Path = "/"
		}
		if c.Expires != nil {
			sc.Expires = int64(*c.Expires)
		}
		if sc.Name == "" || sc.Domain == "" {
			continue
		}
		s.Cookies = append(s.Cookies, sc)
	}

	if a := hs.Auth; a != nil && a.Type != nil && *a.Type != "" {
		auth := &Auth{Type: strings.ToLower(*a.Type)}
		user, pass := deref(a.Username), deref(a.Password)
		if a.RawAuth != nil {
			if auth.Type == httpclient.AuthBearer {
				user = *a.RawAuth
			} else {
				user, pass, _ = httpclient.SplitCredentials(*a.RawAuth)
			}
		}
		switch auth.Type {
		case httpclient.AuthBasic, httpclient.AuthDigest:
			auth.Username, auth.Password = user, pass
		case httpclient.AuthBearer:
			auth.Token = user
		default:
			return nil, fmt.Errorf("%w %s: auth type %q is not supported", ErrParse, path, auth.Type)
		}
		s.Auth = auth
	}
	return s, nil
}

// isLocalAlias reports whether domain is what Python's http.cookiejar
// stores as the domain of a host-only cookie from hostname when hostname
// has no dot (localhost, [::1]): the name with ".local" appended
// (RFC 2965's effective host name). Such cookies would match no request.
func isLocalAlias(domain, hostname string) bool {
	d, ok := strings.CutSuffix(strings.ToLower(domain), ".local")
	return ok && hostname != "" && !strings.Contains(hostname, ".") && strings.Trim(d, "[]") == hostname
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func httpieHeaders(raw jsontext.Value) ([]Header, error) {
	return listOrMap(raw, func(name string, v *string) (Header, bool) {
		if v == nil {
			return Header{}, false
		}
		return Header{Name: name, Value: *v}, true
	})
}

func httpieCookies(raw jsontext.Value) ([]httpieCookie, error) {
	return listOrMap(raw, func(name string, c httpieCookie) (httpieCookie, bool) {
		c.Name = name
		return c, true
	})
}

// listOrMap decodes a field HTTPie writes either as a list (sessions
// since HTTPie 3) or as an object keyed by name (older ones); an
// object's entries become elements through entry, in name order, and
// those it refuses are left out.
func listOrMap[T, V any](raw jsontext.Value, entry func(name string, v V) (T, bool)) ([]T, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '[' {
		var list []T
		err := json.Unmarshal(raw, &list)
		return list, err
	}
	var m map[string]V
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []T
	for _, k := range names {
		if t, ok := entry(k, m[k]); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
