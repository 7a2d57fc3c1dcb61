package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// authFlags are the authentication flags.
type authFlags struct {
	// Auth is USER[:PASS], or the token with --auth-type bearer.
	Auth        string
	AuthType    string
	IgnoreNetrc bool
	// AWSSigV4 is curl's PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]].
	AWSSigV4 string
	// OAuth2TokenURL and OAuth2Scope configure -A oauth2.
	OAuth2TokenURL, OAuth2Scope string
	// AuthHelpers are credential helper command lines, each either
	// "COMMAND ARGS" (-A exec) or "HOST=COMMAND ARGS" (that host only).
	AuthHelpers       []string
	AuthHelperTimeout float64

	// Set by apply: resolved says it has run, requestAuth is what it
	// puts on every request after that (nil: the library's order).
	resolved    bool
	requestAuth httpclient.Auth
	// prompted: the secret of requestAuth was typed at a prompt, not on
	// the command line (exports write a placeholder for it).
	prompted bool
}

// Auth types of --auth-type.
const (
	authBasic  = "basic"
	authDigest = "digest"
	authBearer = "bearer"
	authSigV4  = "aws-sigv4"
	authOAuth2 = "oauth2"
	authExec   = "exec"
)

func (f *authFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.Auth, "auth", "a", "", "credentials `USER[:PASS]` (asks for a missing password on a terminal), or the token with -A bearer")
	fs.StringVarP(&f.AuthType, "auth-type", "A", authBasic, "how --auth is sent: `TYPE` basic, digest, bearer, aws-sigv4, oauth2 or exec")
	fs.BoolVar(&f.IgnoreNetrc, "ignore-netrc", false, "do not read credentials from ~/.netrc or $NETRC")
	fs.StringVar(&f.OAuth2TokenURL, "oauth2-token-url", "", "get a bearer token from this OAuth 2 token endpoint `URL` with the client-credentials grant (implies -A oauth2; -a CLIENT_ID:SECRET)")
	fs.StringVar(&f.OAuth2Scope, "oauth2-scope", "", "the `SCOPES` to ask the token endpoint for, space-separated")
	fs.StringArrayVar(&f.AuthHelpers, "auth-helper", nil, "get headers from a credential helper `'COMMAND ARGS'` (implies -A exec), or for one host with HOST='COMMAND ARGS' (repeatable; the config file takes a map of hosts)")
	fs.Float64Var(&f.AuthHelperTimeout, "auth-helper-timeout", httpclient.DefaultHelperTimeout.Seconds(), "stop a credential helper that has not answered after `SECONDS` (0: the default)")
	fs.StringVar(&f.AWSSigV4, "aws-sigv4", "", "sign with AWS Signature V4 as `aws:amz:REGION:SERVICE` (implies -A aws-sigv4); keys from -a KEY:SECRET or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
}

// apply sets the session's auth from the flags and puts --auth on
// env.Request; it runs after a stored session was loaded, so flags win
// over it. The flags are resolved once (a missing password is asked for
// once): for the later requests of a run it only sets their auth.
//
// Credentials, strongest first (HTTPie's order; Requests puts netrc
// above the URL's): --auth, then credentials in the URL, then a stored
// session's auth, then netrc for each request's host (unless --ignore-netrc or --trust-env=false),
// and last an Authorization header item, which netrc replaces on a host
// it has an entry for. Only --auth is set here; Session.Prepare applies
// that order.
func (f *authFlags) apply(env *requestEnv) error {
	// A request file's own credentials (`Authorization: Digest USER
	// PASS`) beat the flags'.
	own := env.Request.Auth
	if !f.resolved {
		a, err := f.resolve(env)
		if err != nil {
			return err
		}
		f.resolved, f.requestAuth = true, a
	}
	env.Request.Auth = f.requestAuth
	if own != nil {
		env.Request.Auth = own
	}
	return nil
}

// resolve reads the auth flags: it returns the auth every request
// carries (nil when the library ranks the candidates) and sets the
// session's.
func (f *authFlags) resolve(env *requestEnv) (httpclient.Auth, error) {
	authType := strings.ToLower(strings.TrimSpace(f.AuthType))
	globalHelper, hostHelpers, err := f.helpers(env)
	if err != nil {
		return nil, err
	}
	if !flagChanged(env, "auth-type") && authType == authBasic {
		// As curl's --aws-sigv4, the scheme's own flag asks for it.
		switch {
		case f.AWSSigV4 != "":
			authType = authSigV4
		case f.OAuth2TokenURL != "":
			authType = authOAuth2
		case globalHelper != nil:
			authType = authExec
		}
	}
	var scheme httpclient.Auth
	switch authType {
	case authBasic, authDigest, authBearer:
	case authSigV4:
		scheme, err = f.sigV4Auth(env)
	case authOAuth2:
		scheme, err = f.oauth2Auth(env)
	case authExec:
		if globalHelper == nil {
			return nil, usageErrorf("-A exec: give the credential helper with --auth-helper 'COMMAND ARGS'")
		}
		scheme = globalHelper
	default:
		return nil, usageErrorf("--auth-type %q: must be basic, digest, bearer, aws-sigv4, oauth2 or exec", f.AuthType)
	}
	if err != nil {
		return nil, err
	}
	if scheme != nil {
		env.Session.Auth = scheme
		return scheme, nil
	}
	if f.AWSSigV4 != "" {
		return nil, usageErrorf("--aws-sigv4 needs --auth-type aws-sigv4, not %s", authType)
	}
	if f.OAuth2TokenURL != "" || f.OAuth2Scope != "" {
		return nil, usageErrorf("--oauth2-token-url and --oauth2-scope need --auth-type oauth2, not %s", authType)
	}
	if globalHelper != nil {
		return nil, usageErrorf("--auth-helper 'COMMAND' needs --auth-type exec, not %s (HOST='COMMAND' sets a helper for one host)", authType)
	}

	if flagChanged(env, "auth") || f.Auth != "" {
		a, err := f.explicitAuth(env, authType)
		if err != nil {
			return nil, err
		}
		// On the request it beats credentials in the URL; on the session
		// it is what a stored session keeps.
		env.Session.Auth = a
		return a, nil
	}
	// Credentials in the URL, a stored session's, per-host helpers and
	// netrc's are the library's to rank (Session.Prepare); those of the
	// URL and netrc are sent as -A says.
	env.Session.CredentialScheme = authType
	env.Session.HostHelpers = hostHelpers
	return nil, nil
}

// helpers reads --auth-helper values (and the config file's per-host
// map): the helper for every host (-A exec), and those for one host
// each, with answers a stored session kept.
func (f *authFlags) helpers(env *requestEnv) (global *httpclient.ExecAuth, byHost map[string]*httpclient.ExecAuth, err error) {
	if f.AuthHelperTimeout < 0 {
		return nil, nil, usageErrorf("--auth-helper-timeout %v: must not be negative", f.AuthHelperTimeout)
	}
	timeout := time.Duration(f.AuthHelperTimeout * float64(time.Second))
	stored := env.storedSession()
	for _, v := range f.AuthHelpers {
		host, command := "", v
		if h, c, ok := strings.Cut(v, "="); ok && h != "" && !strings.ContainsAny(h, " \t/'\"") {
			host, command = strings.ToLower(h), c
		}
		args, err := httpclient.SplitCommand(command)
		if err != nil {
			return nil, nil, usageErrorf("--auth-helper %q: %v", v, err)
		}
		a := &httpclient.ExecAuth{Args: args, Timeout: timeout}
		if stored != nil {
			a.Answer = stored.Answer(args, host)
		}
		if prev, ok := env.Session.Auth.(*httpclient.ExecAuth); ok && host == "" && slices.Equal(prev.Args, args) {
			// Another request of the same run (reqs run).
			if ans := prev.CurrentAnswer(); ans != nil {
				a.Answer = ans
			}
		}
		if host == "" {
			global = a // the last one given wins, as for any flag
			continue
		}
		if byHost == nil {
			byHost = map[string]*httpclient.ExecAuth{}
		}
		byHost[host] = a
	}
	return global, byHost, nil
}

// explicitAuth builds the --auth credentials, asking for a missing
// password on the terminal.
func (f *authFlags) explicitAuth(env *requestEnv, authType string) (httpclient.Auth, error) {
	if f.Auth == "" {
		return nil, usageErrorf("--auth: empty value; give USER[:PASS], or a token with -A bearer")
	}
	if authType == authBearer {
		if strings.ContainsFunc(f.Auth, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			return nil, usageErrorf("--auth: the token contains a control character (a line break?), which a header cannot carry")
		}
		return &httpclient.BearerAuth{Token: f.Auth}, nil
	}
	user, pass, hasPass := strings.Cut(f.Auth, ":")
	if !hasPass {
		p, err := f.askPassword(env, user, authPromptHost(env.URL))
		if err != nil {
			return nil, err
		}
		pass = p
	}
	return newAuth(authType, user, pass, f.Auth), nil
}

// sigV4Auth builds AWS Signature V4 auth from --aws-sigv4 and the keys
// in --auth (asking for a missing secret on a terminal), else in the
// environment, as the AWS CLI reads them.
func (f *authFlags) sigV4Auth(env *requestEnv) (*httpclient.SigV4Auth, error) {
	a := &httpclient.SigV4Auth{}
	if f.AWSSigV4 != "" {
		parts := strings.Split(f.AWSSigV4, ":")
		if len(parts) > 4 || !strings.EqualFold(parts[0], "aws") || len(parts) > 1 && !strings.EqualFold(parts[1], "amz") {
			return nil, usageErrorf("--aws-sigv4 %q: give aws:amz:REGION:SERVICE (only the aws:amz provider is supported)", f.AWSSigV4)
		}
		if len(parts) > 2 {
			a.Region = parts[2]
		}
		if len(parts) > 3 {
			a.Service = parts[3]
		}
	}
	if f.Auth != "" {
		key, secret, hasSecret := strings.Cut(f.Auth, ":")
		if !hasSecret {
			s, err := f.askPassword(env, key, authPromptHost(env.URL))
			if err != nil {
				return nil, err
			}
			secret = s
		}
		a.AccessKeyID, a.SecretAccessKey = key, secret
		return a, nil
	}
	getenv := env.IO.Getenv
	a.AccessKeyID, a.SecretAccessKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	a.SessionToken = getenv("AWS_SESSION_TOKEN")
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return nil, usageErrorf("-A aws-sigv4: no credentials; give -a KEY:SECRET or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	return a, nil
}

// oauth2Auth builds the client-credentials auth from --oauth2-token-url,
// --oauth2-scope and the client's ID and secret in --auth (asking for a
// missing secret on a terminal). A token a stored session kept for the
// same client, endpoint and scopes is reused until it expires.
func (f *authFlags) oauth2Auth(env *requestEnv) (*httpclient.OAuth2Auth, error) {
	stored, _ := env.Session.Auth.(*httpclient.OAuth2Auth)
	if f.Auth == "" {
		if stored != nil && f.OAuth2TokenURL == "" && f.OAuth2Scope == "" {
			return stored, nil
		}
		return nil, usageErrorf("-A oauth2: give the client's credentials with -a CLIENT_ID:SECRET")
	}
	if f.OAuth2TokenURL == "" {
		return nil, usageErrorf("-A oauth2: give the token endpoint with --oauth2-token-url URL")
	}
	u, err := url.Parse(f.OAuth2TokenURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErrorf("--oauth2-token-url %q: must be an http or https URL", f.OAuth2TokenURL)
	}
	id, secret, hasSecret := strings.Cut(f.Auth, ":")
	if !hasSecret {
		s, err := f.askPassword(env, id, u.Host)
		if err != nil {
			return nil, err
		}
		secret = s
	}
	a := &httpclient.OAuth2Auth{
		TokenURL: f.OAuth2TokenURL, ClientID: id, ClientSecret: secret,
		Scopes: strings.Fields(f.OAuth2Scope), Client: env.Session.HTTPClient(),
	}
	if stored != nil && stored.TokenURL == a.TokenURL && stored.ClientID == a.ClientID &&
		stored.ClientSecret == a.ClientSecret && slices.Equal(stored.Scopes, a.Scopes) {
		a.Token = stored.CurrentToken()
	}
	return a, nil
}

// newAuth returns the Auth of authType for a user and password; bearer
// sends token.
func newAuth(authType, user, pass, token string) httpclient.Auth {
	switch authType {
	case authDigest:
		return &digest.Auth{Username: user, Password: pass}
	case authBearer:
		return &httpclient.BearerAuth{Token: token}
	}
	return &httpclient.BasicAuth{Username: user, Password: pass}
}

// askPassword asks for the password --auth left out, and notes that it
// was not typed on the command line. An export (--curl, --http) writes a
// placeholder for it and so does not ask.
func (f *authFlags) askPassword(env *requestEnv, user, host string) (string, error) {
	f.prompted = true
	if o := env.Opts; o != nil && (o.Curl || o.HTTPFile) {
		return "", nil
	}
	return promptPassword(env.IO, user, host)
}

// promptPassword asks for user's password without echo. Like HTTPie it
// asks only a person: when standard input is not a terminal (a script, a
// pipe carrying the body) it fails with a usage error telling how to give
// the password, instead of reading it from the pipe or hanging.
func promptPassword(ios *IOStreams, user, host string) (string, error) {
	if ios == nil || !ios.StdinTTY {
		return "", usageErrorf("--auth %q has no password and standard input is not a terminal to ask for it; give -a %s:PASSWORD (%s: for an empty one)", user, user, user)
	}
	return promptSecret(ios, fmt.Sprintf("reqs: password for %s@%s: ", user, host))
}

// promptSecret prints prompt on stderr and reads one line from the
// terminal without echo.
func promptSecret(ios *IOStreams, prompt string) (string, error) {
	if f, ok := ios.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		secret, err := readSecret(f, ios.ErrOut, prompt)
		fmt.Fprintln(ios.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return secret, nil
	}
	fmt.Fprint(ios.ErrOut, prompt)
	defer fmt.Fprintln(ios.ErrOut)
	// An injected terminal (tests): one line.
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// newClient builds the client from hopts. When the client key or
// PKCS#12 bundle is encrypted and --cert-key-pass was not given, it asks
// for the passphrase on a terminal (without echo), as curl and openssl do.
func newClient(ios *IOStreams, hopts *httpclient.Options) (*httpclient.Session, error) {
	sess, err := httpclient.New(*hopts)
	if !errors.Is(err, httpclient.ErrPassphraseNeeded) || ios == nil || !ios.StdinTTY {
		return sess, err
	}
	file := hopts.Cert
	if hopts.CertKey != "" {
		file = hopts.CertKey
	}
	pass, perr := promptSecret(ios, fmt.Sprintf("reqs: passphrase for %s: ", file))
	if perr != nil {
		return nil, perr
	}
	hopts.CertKeyPass = pass
	return httpclient.New(*hopts)
}

func authPromptHost(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return u.Host
}

// storedSession is the stored session in use, or nil.
func (e *requestEnv) storedSession() *sessionfile.Session {
	if e.Opts == nil || e.Opts.Session.file == nil {
		return nil
	}
	return e.Opts.Session.file.Session
}

func flagChanged(env *requestEnv, name string) bool {
	return env.Changed != nil && env.Changed(name)
}
