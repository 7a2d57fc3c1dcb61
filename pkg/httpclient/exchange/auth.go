package exchange

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// AuthSpec says where a plan's credentials come from. With no Scheme of
// its own kind (aws-sigv4, oauth2, exec) and no Credentials, the session
// ranks the candidates itself: credentials in the URL, a stored
// session's, a host's helper, netrc (see httpclient's Session.Prepare).
type AuthSpec struct {
	// Scheme is one of httpclient's Auth* names; "" is basic.
	Scheme string
	// Credentials are USER[:PASS] (KEY:SECRET for aws-sigv4,
	// CLIENT_ID:SECRET for oauth2), or the token for bearer; empty when
	// none were given.
	Credentials string
	// Keep says the credentials were given explicitly for this run, so a
	// writable session keeps them, as HTTPie keeps --auth.
	Keep bool
	// Region and Service scope AWS Signature V4 ("" reads them from an
	// AWS host name).
	Region, Service string
	// TokenURL and Scopes are the OAuth 2 token endpoint and the scopes
	// asked for.
	TokenURL string
	Scopes   []string
	// Helper is the credential helper's command line for every host
	// (the exec scheme); HostHelpers are those for one host each,
	// keyed by "host" or "host:port".
	Helper        []string
	HostHelpers   map[string][]string
	HelperTimeout time.Duration
	// Password asks user's password (or secret) for host when
	// Credentials hold none (no colon); nil makes that an error.
	Password func(user, host string) (string, error)
}

// ErrNoCredentials is wrapped by Open's error when the scheme needs
// credentials that neither the plan, the environment nor a stored
// session gives (aws-sigv4 without keys, oauth2 without a client).
var ErrNoCredentials = errors.New("no credentials")

// resolveAuth turns the plan's AuthSpec into the session's credentials
// and those every request carries: a scheme of its own (aws-sigv4,
// oauth2, exec), else explicit credentials, else the session's ranking
// with the scheme for URL and netrc credentials and the per-host helpers.
// Helpers start from the answers a stored session kept.
func (x *Exchange) resolveAuth() error {
	spec, sess := x.plan.Auth, x.Session
	stored := x.Stored()
	helper := func(args []string, host string) *httpclient.ExecAuth {
		a := &httpclient.ExecAuth{Args: args, Timeout: spec.HelperTimeout}
		if stored != nil {
			a.Answer = stored.Answer(args, host)
		}
		return a
	}
	scheme := spec.Scheme
	if scheme == "" {
		scheme = httpclient.AuthBasic
	}
	var a httpclient.Auth
	var err error
	switch {
	case scheme == httpclient.AuthSigV4:
		a, err = x.sigV4Auth()
	case scheme == httpclient.AuthOAuth2:
		a, err = x.oauth2Auth()
	case scheme == httpclient.AuthExec:
		if spec.Helper == nil {
			return fmt.Errorf("%s: %w", scheme, ErrNoCredentials)
		}
		a = helper(spec.Helper, "")
	case spec.Credentials != "":
		a, err = x.explicitAuth(scheme)
	}
	if err != nil {
		return err
	}
	if a != nil {
		// On the request it beats credentials in the URL; on the session
		// it is what a stored session keeps.
		sess.Auth, x.auth = a, a
		return nil
	}
	sess.CredentialScheme = scheme
	for host, args := range spec.HostHelpers {
		if sess.HostHelpers == nil {
			sess.HostHelpers = map[string]*httpclient.ExecAuth{}
		}
		sess.HostHelpers[host] = helper(args, host)
	}
	return nil
}

// secret splits Credentials into a user and a password, asking for the
// password on host when they hold none.
func (x *Exchange) secret(host string) (user, pass string, err error) {
	user, pass, hasPass := httpclient.SplitCredentials(x.plan.Auth.Credentials)
	if hasPass {
		return user, pass, nil
	}
	if x.plan.Auth.Password == nil {
		return "", "", fmt.Errorf("no password for %s", user)
	}
	x.prompted = true
	pass, err = x.plan.Auth.Password(user, host)
	return user, pass, err
}

// requestHost is the host of the request Open was given, which a
// password prompt names.
func (x *Exchange) requestHost() string {
	if x.Request == nil {
		return ""
	}
	u, err := url.Parse(x.Request.URL)
	if err != nil {
		return x.Request.URL
	}
	return u.Host
}

// explicitAuth is the scheme's credentials from the plan: the token for
// bearer, else a user and a password, asked for when missing.
func (x *Exchange) explicitAuth(scheme string) (httpclient.Auth, error) {
	if scheme == httpclient.AuthBearer {
		return httpclient.SchemeAuth(scheme, x.plan.Auth.Credentials, ""), nil
	}
	user, pass, err := x.secret(x.requestHost())
	if err != nil {
		return nil, err
	}
	return httpclient.SchemeAuth(scheme, user, pass), nil
}

// sigV4Auth is AWS Signature V4 with the keys in the plan's credentials
// (the secret asked for when missing), else in the environment, as the
// AWS CLI reads them.
func (x *Exchange) sigV4Auth() (httpclient.Auth, error) {
	spec := x.plan.Auth
	a := &httpclient.SigV4Auth{Region: spec.Region, Service: spec.Service}
	if spec.Credentials != "" {
		key, secret, err := x.secret(x.requestHost())
		if err != nil {
			return nil, err
		}
		a.AccessKeyID, a.SecretAccessKey = key, secret
		return a, nil
	}
	lookup := x.plan.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	getenv := func(k string) string { v, _ := lookup(k); return v }
	a.AccessKeyID, a.SecretAccessKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	a.SessionToken = getenv("AWS_SESSION_TOKEN")
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return nil, fmt.Errorf("%s: %w", httpclient.AuthSigV4, ErrNoCredentials)
	}
	return a, nil
}

// oauth2Auth is the client-credentials grant with the client's ID and
// secret from the plan (the secret asked for when missing). A token a
// stored session kept for the same client, endpoint and scopes is reused
// until it expires; with no credentials given, the stored client is used
// as it is.
func (x *Exchange) oauth2Auth() (httpclient.Auth, error) {
	spec, sess := x.plan.Auth, x.Session
	stored, _ := sess.Auth.(*httpclient.OAuth2Auth)
	if spec.Credentials == "" {
		if stored != nil && spec.TokenURL == "" && len(spec.Scopes) == 0 {
			return stored, nil
		}
		return nil, fmt.Errorf("%s: %w", httpclient.AuthOAuth2, ErrNoCredentials)
	}
	host := spec.TokenURL
	if u, err := url.Parse(spec.TokenURL); err == nil {
		host = u.Host
	}
	id, secret, err := x.secret(host)
	if err != nil {
		return nil, err
	}
	a := &httpclient.OAuth2Auth{
		TokenURL: spec.TokenURL, ClientID: id, ClientSecret: secret,
		Scopes: spec.Scopes, Client: sess.HTTPClient(),
	}
	if stored != nil && stored.TokenURL == a.TokenURL && stored.ClientID == a.ClientID &&
		stored.ClientSecret == a.ClientSecret && slices.Equal(stored.Scopes, a.Scopes) {
		a.Token = stored.CurrentToken()
	}
	return a, nil
}
