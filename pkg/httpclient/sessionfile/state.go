package sessionfile

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

// ErrUnstorableAuth is an Auth a session file cannot hold, such as a
// netrc file or a credential helper.
var ErrUnstorableAuth = errors.New("this kind of auth cannot be saved")

// applied is what File.Apply left in a session.
type applied struct {
	header http.Header
	auth   httpclient.Auth
	// stored is auth's stored form when it was applied.
	stored *Auth
}

// Apply installs the stored session into sess, as loading a Requests
// session does: its headers replace sess's values of the same names (a
// stored User-Agent replaces the default), its credentials become
// sess.Auth (an OAuth 2 client gets the session's HTTPClient), its query
// parameters follow sess's, its cookies fill a new cookie jar, and its
// redirect limit becomes sess.MaxRedirects. The transport settings are
// options a session is built with: apply [Session.Settings] (merged with
// [Merge]) to the [httpclient.Options] given to [httpclient.New].
func (f *File) Apply(sess *httpclient.Session) error {
	s := f.Session
	st := httpclient.State{Cookies: s.JarCookies()}
	for _, h := range s.Headers {
		if st.Header == nil {
			st.Header = http.Header{}
		}
		if _, seen := st.Header[http.CanonicalHeaderKey(h.Name)]; !seen {
			st.HeaderOrder = append(st.HeaderOrder, h.Name)
		}
		st.Header.Add(h.Name, h.Value)
	}
	if s.Auth != nil {
		a, err := s.Auth.httpAuth()
		if err != nil {
			return fmt.Errorf("session %s: %w", f.Path, err)
		}
		st.Auth = a
	}
	for _, p := range s.Params {
		st.Params = append(st.Params, httpclient.Param{Name: p.Name, Value: p.Value})
	}
	sess.ApplyState(st)
	if s.MaxRedirects != nil {
		sess.MaxRedirects = httpclient.RedirectLimit(*s.MaxRedirects)
	}
	f.applied = &applied{header: sess.Header.Clone(), auth: sess.Auth}
	f.applied.stored, _ = StoredAuth(sess.Auth)
	return nil
}

// Update is what a use of a session gives [File.Save] to keep besides
// what it finds in the session itself.
type Update struct {
	// Header holds request headers to keep, in HeaderOrder: HTTPie keeps
	// the headers a request was sent with (never Content-*, If-* or
	// Cookie, which describe one request).
	Header      http.Header
	HeaderOrder []string
	// Auth, when not nil, is kept as the session's credentials: HTTPie
	// keeps the credentials given for a request.
	Auth httpclient.Auth
	// Settings are the settings given for this use, kept per key over
	// the stored ones.
	Settings Settings
}

// Save writes back, under the lock, what this use of the session
// changed, and keeps the lock (Close releases it):
//
//   - the cookies of sess's jar (a [cookiejar.Jar]) replace the stored
//     ones, expired ones dropped;
//   - each session header set on sess since Apply, then each header of
//     u.Header, replaces the stored values of its name; headers sess had
//     before Apply (the defaults of [httpclient.New], a program's own
//     User-Agent) are not stored;
//   - sess.Params replace the stored parameters;
//   - u.Auth becomes the stored credentials; without it, the credentials
//     Apply installed are stored again when they changed while in use
//     (a refreshed OAuth 2 token), and anything else set on sess.Auth is
//     not kept;
//   - the unexpired answers of the credential helpers in sess.Auth,
//     sess.HostHelpers and u.Auth are kept;
//   - u.Settings are kept per key, file paths made absolute.
//
// Credentials of a kind a file cannot hold (netrc, a credential helper)
// are not stored: the rest is saved and the error wraps
// [ErrUnstorableAuth]. A File from [Read] cannot be saved.
func (f *File) Save(sess *httpclient.Session, u Update) error {
	if f.lock == nil {
		return fmt.Errorf("session %s: read without its lock, so it cannot be saved", f.Path)
	}
	s := f.Session
	now := time.Now()
	if jar, ok := sess.Jar.(*cookiejar.Jar); ok {
		s.SetJarCookies(jar.All(), now)
	}
	var before http.Header
	if f.applied != nil {
		before = f.applied.header
	}
	for _, name := range sessionHeaderNames(sess) {
		if httpclient.IsSessionHeader(name) && !slices.Equal(before.Values(name), sess.Header.Values(name)) {
			s.SetHeader(name, sess.Header.Values(name)...)
		}
	}
	for _, name := range orderedNames(u.Header, u.HeaderOrder) {
		if httpclient.IsSessionHeader(name) {
			s.SetHeader(name, u.Header.Values(name)...)
		}
	}
	s.Params = nil
	for _, p := range sess.Params {
		s.Params = append(s.Params, Param{Name: p.Name, Value: p.Value})
	}
	var authErr error
	keep := u.Auth
	if keep == nil && f.applied != nil && f.applied.auth != nil && sess.Auth == f.applied.auth {
		if now, ok := StoredAuth(sess.Auth); ok && !reflect.DeepEqual(now, f.applied.stored) {
			keep = sess.Auth
		}
	}
	if keep != nil {
		if a, ok := StoredAuth(keep); ok {
			s.Auth = a
		} else {
			authErr = fmt.Errorf("session %s: %w", f.Path, ErrUnstorableAuth)
		}
	}
	s.SetHelperAnswers(helperAnswers(sess.Auth, &httpclient.HostHelpers{Helpers: sess.HostHelpers}, u.Auth), now)
	s.Settings.keep(u.Settings)
	if err := f.write(s); err != nil {
		return err
	}
	return authErr
}

// sessionHeaderNames lists sess's header names in the order they go
// out: HeaderOrder, then the others sorted.
func sessionHeaderNames(sess *httpclient.Session) []string {
	return orderedNames(sess.Header, sess.HeaderOrder)
}

// sortedNames lists h's names in sorted order.
func sortedNames(h http.Header) []string {
	names := slices.Collect(maps.Keys(h))
	slices.Sort(names)
	return names
}

// orderedNames lists h's names as order gives them (once each, compared
// without regard to case), then the others sorted.
func orderedNames(h http.Header, order []string) []string {
	var names []string
	seen := map[string]bool{}
	for _, n := range order {
		k := http.CanonicalHeaderKey(n)
		if _, ok := h[k]; ok && !seen[k] {
			seen[k] = true
			names = append(names, k)
		}
	}
	for _, n := range sortedNames(h) {
		if !seen[n] {
			names = append(names, n)
		}
	}
	return names
}

// helperAnswers are the unexpired credential helper answers of the
// auths, to keep in the session.
func helperAnswers(auths ...httpclient.Auth) []HelperAnswer {
	var out []HelperAnswer
	add := func(a *httpclient.ExecAuth) {
		if ans := a.CurrentAnswer(); ans != nil {
			out = append(out, HelperAnswer{Helper: strings.Join(a.Args, " "), Host: ans.Host, Headers: ans.Headers, Expires: ans.Expiry.Unix()})
		}
	}
	for _, a := range auths {
		switch a := a.(type) {
		case *httpclient.ExecAuth:
			add(a)
		case *httpclient.HostHelpers:
			for _, h := range a.Helpers {
				add(h)
			}
		}
	}
	return out
}

// Answer returns the stored answer of the credential helper args (its
// command line) for host ("host" or "host:port"; "" for any host), or nil
// when none is kept, so that a helper is not run again before its answer
// expires.
func (s *Session) Answer(args []string, host string) *httpclient.HelperAnswer {
	var out *httpclient.HelperAnswer
	for _, ans := range s.HelperAnswers {
		if ans.Helper == strings.Join(args, " ") && (host == "" || ans.Host == host || strings.HasPrefix(ans.Host, host+":")) {
			out = &httpclient.HelperAnswer{Host: ans.Host, Headers: ans.Headers, Expiry: time.Unix(ans.Expires, 0)}
		}
	}
	return out
}

// httpAuth builds the stored credentials' Auth.
func (a *Auth) httpAuth() (httpclient.Auth, error) {
	switch t := strings.ToLower(a.Type); t {
	case httpclient.AuthBasic, "", httpclient.AuthDigest:
		return httpclient.SchemeAuth(t, a.Username, a.Password), nil
	case httpclient.AuthBearer:
		return httpclient.SchemeAuth(t, a.Token, ""), nil
	case httpclient.AuthOAuth2:
		o := &httpclient.OAuth2Auth{TokenURL: a.TokenURL, ClientID: a.Username, ClientSecret: a.Password, Scopes: strings.Fields(a.Scope)}
		if a.Token != "" || a.RefreshToken != "" {
			o.Token = &httpclient.OAuth2Token{AccessToken: a.Token, RefreshToken: a.RefreshToken}
			if a.Expires != 0 {
				o.Token.Expiry = time.Unix(a.Expires, 0)
			}
		}
		return o, nil
	case httpclient.AuthSigV4:
		return &httpclient.SigV4Auth{AccessKeyID: a.Username, SecretAccessKey: a.Password, SessionToken: a.Token, Region: a.Region, Service: a.Service}, nil
	}
	return nil, errors.New("unknown auth type " + strconv.Quote(a.Type))
}

// StoredAuth is the stored form of an Auth; ok is false for kinds a
// session file cannot hold.
func StoredAuth(a httpclient.Auth) (*Auth, bool) {
	switch a := a.(type) {
	case *httpclient.BasicAuth:
		return &Auth{Type: httpclient.AuthBasic, Username: a.Username, Password: a.Password}, true
	case *digest.Auth:
		return &Auth{Type: httpclient.AuthDigest, Username: a.Username, Password: a.Password}, true
	case *httpclient.BearerAuth:
		return &Auth{Type: httpclient.AuthBearer, Token: a.Token}, true
	case *httpclient.OAuth2Auth:
		s := &Auth{Type: httpclient.AuthOAuth2, Username: a.ClientID, Password: a.ClientSecret, TokenURL: a.TokenURL, Scope: strings.Join(a.Scopes, " ")}
		if t := a.CurrentToken(); t != nil {
			s.Token, s.RefreshToken = t.AccessToken, t.RefreshToken
			if !t.Expiry.IsZero() {
				s.Expires = t.Expiry.Unix()
			}
		}
		return s, true
	case *httpclient.SigV4Auth:
		return &Auth{Type: httpclient.AuthSigV4, Username: a.AccessKeyID, Password: a.SecretAccessKey, Token: a.SessionToken, Region: a.Region, Service: a.Service}, true
	}
	return nil, false
}
