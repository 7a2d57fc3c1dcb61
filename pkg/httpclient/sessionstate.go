package httpclient

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
)

// State is what a Session keeps between runs, as plain values a caller
// stores as it likes (Requests pickles a session; pkg/config writes
// HTTPie-style session files): the headers that describe the session
// rather than one request, its credentials, its query parameters and
// its cookies. Transport settings and the redirect limit are Options and
// fields the caller owns.
type State struct {
	// Header holds headers for every request; IsSessionHeader says
	// which names belong. HeaderOrder lists their names in the order
	// they go out (nil: sorted).
	Header      http.Header
	HeaderOrder []string
	// Auth is the session's credentials; nil for none.
	Auth Auth
	// Params are added to every request's query.
	Params []Param
	// Cookies are the jar's cookies in creation order.
	Cookies []cookiejar.Cookie
}

// IsSessionHeader reports whether a header belongs in a session: headers
// that describe one request's body or condition (Content-*, If-*) do not,
// as in HTTPie, and neither does Cookie, which a session keeps as
// cookies.
func IsSessionHeader(name string) bool {
	l := strings.ToLower(name)
	return !strings.HasPrefix(l, "content-") && !strings.HasPrefix(l, "if-") && l != "cookie"
}

// State returns what s would keep: its session headers, Auth, Params and,
// when Jar is a *[cookiejar.Jar], its cookies unexpired at now.
func (s *Session) State(now time.Time) State {
	st := State{Auth: s.Auth, Params: append([]Param(nil), s.Params...)}
	for _, name := range s.headerNames() {
		if IsSessionHeader(name) {
			if st.Header == nil {
				st.Header = http.Header{}
			}
			st.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), s.Header.Values(name)...)
			st.HeaderOrder = append(st.HeaderOrder, http.CanonicalHeaderKey(name))
		}
	}
	if j, ok := s.Jar.(*cookiejar.Jar); ok {
		for _, c := range j.All() {
			if !c.Expired(now) {
				st.Cookies = append(st.Cookies, c)
			}
		}
	}
	return st
}

// ApplyState installs st into s, as loading a stored session does: each
// session header of st replaces s's values of that name (so a stored
// User-Agent replaces the default) and new names follow s's in st's
// order, a non-nil Auth replaces s's (an
// OAuth2Auth without a Client gets the session's HTTPClient), Params
// are added after s's, and the cookies go into a new *[cookiejar.Jar].
func (s *Session) ApplyState(st State) {
	order := st.HeaderOrder
	for _, name := range unlisted(st.Header, order) {
		order = append(order, name)
	}
	for _, name := range order {
		values, ok := st.Header[http.CanonicalHeaderKey(name)]
		if !ok || !IsSessionHeader(name) {
			continue // a hand-edited file may hold them
		}
		s.SetHeader(name, values...)
	}
	if st.Auth != nil {
		if o, ok := st.Auth.(*OAuth2Auth); ok && o.Client == nil {
			o.Client = s.HTTPClient()
		}
		s.Auth = st.Auth
	}
	s.Params = append(s.Params, st.Params...)
	jar := cookiejar.New()
	jar.Load(st.Cookies)
	s.Jar = jar
}

// headerNames lists Header's names in HeaderOrder, then the unlisted
// ones sorted.
func (s *Session) headerNames() []string {
	order := keepPresent(slices.Clone(s.HeaderOrder), s.Header)
	return append(order, unlisted(s.Header, order)...)
}
