package httpclient

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// Auth scheme names: how the command line's --auth-type, session files
// and Session.CredentialScheme name a kind of credentials. SchemeAuth
// builds the first three from a user and password.
const (
	AuthBasic  = "basic"
	AuthDigest = "digest"
	// AuthBearer sends a token: the password, else the user alone.
	AuthBearer = "bearer"
	AuthSigV4  = "aws-sigv4"
	AuthOAuth2 = "oauth2"
	// AuthExec gets the credentials from a credential helper (ExecAuth).
	AuthExec = "exec"
)

// AuthSchemes lists the scheme names, in the order a message names them.
func AuthSchemes() []string {
	return []string{AuthBasic, AuthDigest, AuthBearer, AuthSigV4, AuthOAuth2, AuthExec}
}

// SplitCredentials splits "USER:PASS" at its first colon; hasPass is
// false when there is none (the password is to be asked for), as curl
// and HTTPie read -u and --auth.
func SplitCredentials(s string) (user, pass string, hasPass bool) {
	return strings.Cut(s, ":")
}

// Auth attaches credentials to an outgoing request, like Requests' AuthBase.
// Apply is called for every request the session sends on the caller's
// behalf, including redirect hops that keep the credentials and retries.
type Auth interface {
	Apply(req *http.Request) error
}

// ChallengeAuth is an Auth that can answer a server's challenge (HTTP
// Digest). After each response to a request it applied to, Send calls
// Challenge; when it returns true the request is sent again, once more
// through Apply, with a fresh body.
type ChallengeAuth interface {
	Auth
	Challenge(resp *http.Response) (retry bool, err error)
}

// BasicAuth sends RFC 7617 Basic credentials.
type BasicAuth struct {
	Username, Password string
}

// Apply sets the Authorization header.
func (a *BasicAuth) Apply(req *http.Request) error {
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.Username+":"+a.Password)))
	return nil
}

// BearerAuth sends an RFC 6750 bearer token.
type BearerAuth struct {
	Token string
}

// Apply sets the Authorization header. A token with a control character
// (a line break from a file or a URL's %0A) is refused: no header can
// carry it.
func (a *BearerAuth) Apply(req *http.Request) error {
	if strings.ContainsFunc(a.Token, isControl) {
		return &RequestError{Kind: ErrInvalidHeader, URL: RedactURL(req.URL.String()), Err: errors.New("the bearer token contains a control character (a line break?)")}
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	return nil
}

// isControl reports an ASCII control character other than tab.
func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// HostScopedAuth is an Auth that picks credentials for each request's own
// host (NetrcAuth). A redirect to another origin keeps such an Auth,
// since it cannot send one host's credentials to another, where it drops
// every other Auth (Requests' rebuild_auth).
type HostScopedAuth interface {
	Auth
	// HostScoped reports whether the credentials are chosen per host.
	HostScoped() bool
}
