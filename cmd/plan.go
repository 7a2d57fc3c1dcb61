package cmd

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// plan turns the request flags into the exchange's plan: typed values,
// every flag checked, nothing read or sent. env gives the request (its
// URL finds a named session, its method what a download may do) and the
// terminal the plan's prompts use.
func (o *requestOptions) plan(env *requestEnv) (exchange.Plan, error) {
	opts, err := o.Net.options()
	if err != nil {
		return exchange.Plan{}, err
	}
	if err := o.Transfer.check(); err != nil {
		return exchange.Plan{}, err
	}
	if o.Transfer.Timeout != "" {
		c, r, err := sessionfile.ParseTimeout(o.Transfer.Timeout)
		if err != nil {
			return exchange.Plan{}, usageErrorf("invalid --timeout %q: %v", o.Transfer.Timeout, err)
		}
		opts.ConnectTimeout, opts.ReadTimeout = c, r
	}
	if o.Redirect.MaxRedirects < 0 {
		return exchange.Plan{}, usageErrorf("--max-redirects %d: must be 0 or more", o.Redirect.MaxRedirects)
	}
	auth, err := o.Auth.spec(env)
	if err != nil {
		return exchange.Plan{}, err
	}
	ref, err := o.Session.ref(env)
	if err != nil {
		return exchange.Plan{}, err
	}
	p := exchange.Plan{
		Options:      opts,
		Given:        o.given(opts),
		MaxRedirects: o.Redirect.MaxRedirects,
		Redirects:    o.Redirect.policy(),
		// The User-Agent names this build's version, the one `reqs
		// version` prints: release builds set it with -ldflags.
		Header:      http.Header{"User-Agent": {userAgent()}},
		TrustEnv:    o.Net.TrustEnv,
		IgnoreNetrc: o.Auth.IgnoreNetrc,
		LookupEnv:   o.IO.lookupEnv,
		OnEnvError:  func(err error) { env.Warn("%v", err) },
		Transport:   o.Transport,
		Session:     ref,
		CookieFile:  o.Session.Cookies,
		Auth:        auth,
		OnWait:      func(path string) { env.Warn("waiting for session %s: another reqs is using it", path) },
	}
	p.CookieJarFile, p.Stdout = o.Session.CookieJar, env.IO.Out
	if env.IO.StdinTTY {
		// An encrypted key without --cert-key-pass: ask, as curl and
		// openssl do.
		p.Passphrase = func(file string) (string, error) {
			return promptSecret(env.IO, "reqs: passphrase for "+file+": ")
		}
	}
	if o.Transfer.Retries > 0 {
		p.Retry = o.Transfer.retryPolicy(env, o.Transfer.Retries)
	}
	if o.Transfer.downloading() {
		if !httpclient.ResponseHasBody(env.Method) {
			return exchange.Plan{}, usageErrorf("--download saves a body, and a HEAD response has none")
		}
		if !o.Transfer.toStdout(env.IO) {
			p.Download = &download.File{Path: o.Transfer.Output, Resume: o.Transfer.Continue, KeepEncoding: o.Transfer.KeepEncoding}
		}
	}
	return p, nil
}

// given are the session settings typed on this command line, which beat
// a stored session's and are kept in a writable one; values from the
// config file or REQS_* rank below the session.
func (o *requestOptions) given(opts httpclient.Options) sessionfile.Settings {
	var g sessionfile.Settings
	if o.typed("proxy") {
		g.Proxies = maps.Clone(opts.Proxies)
	}
	if o.typed("verify") {
		insecure, ca := sessionfile.ParseVerify(o.Net.Verify)
		g.Insecure, g.CABundle = &insecure, ca
	}
	if o.typed("cert") {
		g.Cert, g.CertKey = opts.Cert, opts.CertKey
	}
	if o.typed("timeout") {
		c, r := opts.ConnectTimeout, opts.ReadTimeout
		g.ConnectTimeout, g.ReadTimeout = &c, &r
	}
	if o.typed("max-redirects") {
		n := o.Redirect.MaxRedirects
		g.MaxRedirects = &n
	}
	return g
}

// typed reports whether the user typed the flag on this command line, as
// opposed to a value from the config file or REQS_* environment.
func (o *requestOptions) typed(name string) bool {
	return o.Typed != nil && o.Typed(name)
}

// ref finds the session file --session or --session-read-only names: a
// path as it is, a name under the config dir's sessions for the
// request's host.
func (f *sessionFlags) ref(env *requestEnv) (exchange.SessionRef, error) {
	if f.Session != "" && f.ReadOnly != "" {
		return exchange.SessionRef{}, usageErrorf("--session and --session-read-only exclude each other")
	}
	value := f.Session
	if value == "" {
		value = f.ReadOnly
	}
	if value == "" {
		return exchange.SessionRef{}, nil
	}
	dir, err := config.Dir(env.IO.Getenv)
	if err != nil {
		return exchange.SessionRef{}, err
	}
	hostDir := ""
	if !sessionfile.IsPath(value) {
		u, err := url.Parse(env.URL)
		if err != nil {
			return exchange.SessionRef{}, usageErrorf("invalid URL %q: %v", httpclient.RedactURL(env.URL), err)
		}
		hostDir = sessionfile.HostDir(u)
	}
	path, err := sessionfile.Path(dir, value, hostDir)
	if err != nil {
		return exchange.SessionRef{}, usageErrorf("--session: %v", err)
	}
	return exchange.SessionRef{Path: path, ReadOnly: f.ReadOnly != ""}, nil
}

// spec reads the auth flags into where the credentials come from,
// refusing combinations that cannot work.
func (f *authFlags) spec(env *requestEnv) (exchange.AuthSpec, error) {
	if f.AuthHelperTimeout < 0 {
		return exchange.AuthSpec{}, usageErrorf("--auth-helper-timeout %v: must not be negative", f.AuthHelperTimeout)
	}
	s := exchange.AuthSpec{
		Credentials:   f.Auth,
		Keep:          env.Opts != nil && env.Opts.typed("auth"),
		HelperTimeout: time.Duration(f.AuthHelperTimeout * float64(time.Second)),
		Password: func(user, host string) (string, error) {
			if o := env.Opts; o != nil && (o.Curl || o.HTTPFile) {
				// An export writes a placeholder for it: nothing to ask.
				return "", nil
			}
			return promptPassword(env.IO, user, host)
		},
	}
	for _, v := range f.AuthHelpers {
		host, command := "", v
		if h, c, ok := strings.Cut(v, "="); ok && h != "" && !strings.ContainsAny(h, " \t/'\"") {
			host, command = strings.ToLower(h), c
		}
		args, err := httpclient.SplitCommand(command)
		if err != nil {
			return exchange.AuthSpec{}, usageErrorf("--auth-helper %q: %v", v, err)
		}
		if host == "" {
			s.Helper = args // the last one given wins, as for any flag
			continue
		}
		if s.HostHelpers == nil {
			s.HostHelpers = map[string][]string{}
		}
		s.HostHelpers[host] = args
	}
	scheme := strings.ToLower(strings.TrimSpace(f.AuthType))
	if !flagChanged(env, "auth-type") && scheme == httpclient.AuthBasic {
		// As curl's --aws-sigv4, the scheme's own flag asks for it.
		switch {
		case f.AWSSigV4 != "":
			scheme = httpclient.AuthSigV4
		case f.OAuth2TokenURL != "":
			scheme = httpclient.AuthOAuth2
		case s.Helper != nil:
			scheme = httpclient.AuthExec
		}
	}
	s.Scheme = scheme
	switch scheme {
	case httpclient.AuthBasic, httpclient.AuthDigest, httpclient.AuthBearer:
	case httpclient.AuthSigV4:
		return s, f.sigV4(&s)
	case httpclient.AuthOAuth2:
		return s, f.oauth2(&s)
	case httpclient.AuthExec:
		if s.Helper == nil {
			return s, usageErrorf("-A exec: give the credential helper with --auth-helper 'COMMAND ARGS'")
		}
		return s, nil
	default:
		return s, usageErrorf("--auth-type %q: must be %s", f.AuthType, strings.Join(httpclient.AuthSchemes()[:5], ", ")+" or "+httpclient.AuthExec)
	}
	switch {
	case f.AWSSigV4 != "":
		return s, usageErrorf("--aws-sigv4 needs --auth-type aws-sigv4, not %s", scheme)
	case f.OAuth2TokenURL != "" || f.OAuth2Scope != "":
		return s, usageErrorf("--oauth2-token-url and --oauth2-scope need --auth-type oauth2, not %s", scheme)
	case s.Helper != nil:
		return s, usageErrorf("--auth-helper 'COMMAND' needs --auth-type exec, not %s (HOST='COMMAND' sets a helper for one host)", scheme)
	case (flagChanged(env, "auth") || f.Auth != "") && f.Auth == "":
		return s, usageErrorf("--auth: empty value; give USER[:PASS], or a token with -A bearer")
	case scheme == httpclient.AuthBearer && strings.ContainsFunc(f.Auth, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }):
		return s, usageErrorf("--auth: the token contains a control character (a line break?), which a header cannot carry")
	}
	return s, nil
}

// sigV4 reads --aws-sigv4's curl syntax, PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]].
func (f *authFlags) sigV4(s *exchange.AuthSpec) error {
	if f.AWSSigV4 == "" {
		return nil
	}
	parts := strings.Split(f.AWSSigV4, ":")
	if len(parts) > 4 || !strings.EqualFold(parts[0], "aws") || len(parts) > 1 && !strings.EqualFold(parts[1], "amz") {
		return usageErrorf("--aws-sigv4 %q: give aws:amz:REGION:SERVICE (only the aws:amz provider is supported)", f.AWSSigV4)
	}
	if len(parts) > 2 {
		s.Region = parts[2]
	}
	if len(parts) > 3 {
		s.Service = parts[3]
	}
	return nil
}

// oauth2 reads --oauth2-token-url and --oauth2-scope; a client given with
// -a needs the endpoint.
func (f *authFlags) oauth2(s *exchange.AuthSpec) error {
	s.TokenURL, s.Scopes = f.OAuth2TokenURL, strings.Fields(f.OAuth2Scope)
	if f.Auth == "" {
		return nil
	}
	if f.OAuth2TokenURL == "" {
		return usageErrorf("-A oauth2: give the token endpoint with --oauth2-token-url URL")
	}
	u, err := url.Parse(f.OAuth2TokenURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErrorf("--oauth2-token-url %q: must be an http or https URL", f.OAuth2TokenURL)
	}
	return nil
}
