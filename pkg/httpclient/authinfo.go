package httpclient

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

// AuthInfo describes the credentials an [Auth] sends to one URL, as far
// as they can be known without a side effect: no credential helper is
// run and no token is fetched. It is for a program that writes a request
// out (a curl command line, a request file) and must decide how each
// secret appears there.
type AuthInfo struct {
	// Scheme is one of the scheme names (AuthBasic, AuthDigest, ...), or "" when the Auth sends
	// nothing to this URL or is one DescribeAuth does not know.
	Scheme string
	// User and Secret are the user and password (basic, digest), the
	// token (bearer: Secret), or the access key ID and secret access key
	// (aws-sigv4). SessionToken, Region and Service complete aws-sigv4.
	User, Secret                  string
	SessionToken, Region, Service string
	// Netrc is the netrc file the credentials were found in, per host;
	// "" when they did not come from one.
	Netrc string
	// Helper is the credential helper's command (AuthExec).
	Helper []string
	// TokenURL is the OAuth 2 token endpoint (AuthOAuth2).
	TokenURL string
}

// DescribeAuth returns what a sends to u (see [AuthInfo]).
func DescribeAuth(a Auth, u *url.URL) AuthInfo {
	switch a := a.(type) {
	case *BasicAuth:
		return AuthInfo{Scheme: AuthBasic, User: a.Username, Secret: a.Password}
	case *digest.Auth:
		return AuthInfo{Scheme: AuthDigest, User: a.Username, Secret: a.Password}
	case *BearerAuth:
		return AuthInfo{Scheme: AuthBearer, Secret: a.Token}
	case *SigV4Auth:
		return AuthInfo{Scheme: AuthSigV4, User: a.AccessKeyID, Secret: a.SecretAccessKey, SessionToken: a.SessionToken, Region: a.Region, Service: a.Service}
	case *OAuth2Auth:
		return AuthInfo{Scheme: AuthOAuth2, TokenURL: a.TokenURL}
	case *ExecAuth:
		return AuthInfo{Scheme: AuthExec, Helper: a.Args}
	case *HostHelpers:
		if h := a.For(u.Host, u.Hostname()); h != nil {
			return DescribeAuth(h, u)
		}
		if a.Fallback != nil {
			return DescribeAuth(a.Fallback, u)
		}
	case hostHelpersChallenge:
		return DescribeAuth(a.HostHelpers, u)
	case *netrcDigestAuth:
		return DescribeAuth(a.NetrcAuth, u)
	case *NetrcAuth:
		login, password, ok := a.Credentials(u.Hostname())
		if !ok {
			return AuthInfo{}
		}
		info := AuthInfo{Scheme: AuthBasic, User: login, Secret: password, Netrc: a.Path}
		switch a.Scheme {
		case AuthDigest:
			info.Scheme = AuthDigest
		case AuthBearer:
			info.Scheme, info.User, info.Secret = AuthBearer, "", bearerToken(login, password)
		}
		return info
	}
	return AuthInfo{}
}

// deferredAuth is an Auth whose credentials cost a side effect to get:
// running a credential helper, asking a token endpoint. Before a request
// is sent (--offline), its head shows placeholder's lines instead, or
// the credentials already at hand (a helper's answer or a token kept from
// an earlier run), which are what would go out.
type deferredAuth interface {
	placeholder(req *http.Request)
}

func (a *ExecAuth) placeholder(req *http.Request) {
	a.mu.Lock()
	ans := a.Answer
	a.mu.Unlock()
	if ans != nil && ans.Host == req.URL.Host && !ans.Expiry.IsZero() && time.Now().Before(ans.Expiry) {
		for name, value := range ans.Headers {
			req.Header.Set(name, value)
		}
		return
	}
	req.Header.Set("Authorization", "<the answer of credential helper "+strings.Join(a.Args, " ")+", not run>")
}

func (h *HostHelpers) placeholder(req *http.Request) {
	if a := h.For(req.URL.Host, req.URL.Hostname()); a != nil {
		a.placeholder(req)
		return
	}
	if d, ok := h.Fallback.(deferredAuth); ok {
		d.placeholder(req)
		return
	}
	if _, challenge := h.Fallback.(ChallengeAuth); h.Fallback != nil && !challenge {
		h.Fallback.Apply(req)
	}
}

func (a *OAuth2Auth) placeholder(req *http.Request) {
	a.mu.Lock()
	tok := a.Token
	a.mu.Unlock()
	if tok.valid(time.Now()) {
		(&BearerAuth{Token: tok.AccessToken}).Apply(req)
		return
	}
	req.Header.Set("Authorization", "Bearer <a token from "+RedactURL(a.TokenURL)+", not fetched>")
}
