package cmd

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/reqs-cli/reqs/pkg/render"
)

// Exports (--curl, --http) are texts made to be pasted into a ticket, a
// script or a request file, so they hold only the secrets typed on this
// command line. A credential reqs took from anywhere else — the
// environment, the config file, a password prompt, netrc, a credential
// helper, a stored session, a proxy variable — is written as a
// placeholder (a shell variable, a request-file variable that is asked
// for), or left for the program that runs the export to find where reqs
// found it; a note on stderr says which and how. An export does not run
// a credential helper or fetch a token either.
//
// Run, an export never sends a credential to a host reqs would not send
// it to. curl gets credentials through its own options (-u,
// --oauth2-bearer, --netrc-file, -b FILE), which it sends to the URL's
// host only, never to another host a redirect names; when a credential
// can only go in a header, the command leaves out -L. A request file
// carries only Authorization among credentials, which reqs run drops on a
// redirect to another host as reqs does.

// credOrigin says where a credential came from.
type credOrigin struct {
	// typed: on this command line (a flag, an item, the URL).
	typed bool
	// envVar is the environment variable that held the secret whole
	// (REQS_AUTH, REQS_CERT_KEY_PASS, http_proxy), when it came from one.
	envVar string
	// awsEnv: the aws-sigv4 keys came from AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).
	awsEnv bool
	// prompted: the secret was typed at reqs' prompt.
	prompted bool
	// config and session: from the config file, from a stored session.
	config, session bool
	// where names the source in notes ("the config file", ...); empty
	// for netrc and helpers, which the AuthInfo names.
	where string
}

// exportNotes collects what an export says on stderr about the secrets
// it left out or replaced.
type exportNotes struct {
	flag  string // "--curl" or "--http"
	lines []string
}

func (n *exportNotes) add(format string, args ...any) {
	line := n.flag + ": " + fmt.Sprintf(format, args...)
	if !slices.Contains(n.lines, line) {
		n.lines = append(n.lines, line)
	}
}

func (n *exportNotes) print(env *requestEnv) {
	for _, l := range n.lines {
		env.Warn("%s", l)
	}
}

// typedFlag reports whether the flag was given on this command line, not
// by the config file or a REQS_* variable.
func (o *requestOptions) typedFlag(name string) bool {
	return o.typed(name)
}

// flagOrigin says where a flag's value came from: the command line, a
// REQS_* variable or the config file.
func (o *requestOptions) flagOrigin(name string) credOrigin {
	if o.Source == nil {
		return credOrigin{typed: true}
	}
	switch o.Source(name) {
	case config.SourceEnv:
		v := config.EnvName(name)
		return credOrigin{envVar: v, where: "the environment variable " + v}
	case config.SourceFile:
		return credOrigin{config: true, where: "the config file"}
	}
	return credOrigin{typed: true}
}

// sessionName names the stored session in notes.
func (o *requestOptions) sessionName() string {
	if o.Session.Session != "" {
		return o.Session.Session
	}
	return o.Session.ReadOnly
}

// sessionFlag is the flag that names the stored session, to give reqs
// run the same one.
func (o *requestOptions) sessionFlag() string {
	if o.Session.Session != "" {
		return "--session " + o.Session.Session
	}
	return "--session-read-only " + o.Session.ReadOnly
}

// authOrigin says where the credentials of p came from, as
// Session.Prepare ranked them: the auth flags, the URL, a stored session,
// else netrc or a helper (which DescribeAuth names).
func authOrigin(env *requestEnv, p *httpclient.PreparedRequest) credOrigin {
	o := env.Opts
	f := &o.Auth
	switch {
	case p.Auth == nil:
		return credOrigin{typed: true}
	case env.X.Auth() != nil && p.Auth == env.X.Auth():
		if _, ok := p.Auth.(*httpclient.SigV4Auth); ok && f.Auth == "" {
			return credOrigin{awsEnv: true, where: "the AWS_* environment variables"}
		}
		if env.X.Prompted() {
			return credOrigin{prompted: true, where: "the command line without it"}
		}
		return o.flagOrigin("auth")
	case env.Request.Auth == nil && urlHasUser(env.URL):
		return credOrigin{typed: true}
	case o.Session.active() && p.Auth == env.Session.Auth:
		return credOrigin{session: true, where: "the session " + o.sessionName()}
	}
	return credOrigin{}
}

func urlHasUser(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.User != nil
}

// withoutAuth is p with no credentials applied, so that its head runs no
// helper and fetches no token: exports write credentials by themselves.
func withoutAuth(p *httpclient.PreparedRequest) *httpclient.PreparedRequest {
	q := p.Clone()
	q.Auth = nil
	return q
}

// exportHeader is the header lines of p as an export writes them, in
// the order they are sent, without the credentials it must not copy: the
// jar's cookies (from a session or a cookie file; a Cookie item stays),
// and the secret headers a stored session added, which placeholder turns
// into what the export writes instead (nothing when it returns "").
func exportHeader(env *requestEnv, p *httpclient.PreparedRequest, notes *exportNotes, placeholder func(name string) string) []httpclient.HeaderField {
	o := env.Opts
	head := env.Session.Head(withoutAuth(p), "HTTP/1.1")
	typedCookies := env.Request.Header.Values("Cookie")
	stored := map[string]bool{}
	if s := env.X.Stored(); s != nil {
		for _, sh := range s.Headers {
			name := http.CanonicalHeaderKey(sh.Name)
			if len(env.Request.Header.Values(name)) == 0 && sessionfile.IsSecretHeader(name) {
				stored[name] = true
			}
		}
	}
	var out []httpclient.HeaderField
	cookiesDone := false
	for _, f := range head.Header {
		name := http.CanonicalHeaderKey(f.Name)
		switch {
		case name == "Cookie":
			if cookiesDone {
				continue
			}
			cookiesDone = true
			if !slices.Equal([]string{f.Value}, typedCookies) {
				switch {
				case o.Session.active():
					notes.add("the cookies of the session %s are left out", o.sessionName())
				case o.Session.Cookies != "":
					notes.add("the cookies of %s are left out", o.Session.Cookies)
				}
			}
			for _, v := range typedCookies {
				out = append(out, httpclient.HeaderField{Name: f.Name, Value: v})
			}
		case stored[name]:
			if v := placeholder(name); v != "" {
				out = append(out, httpclient.HeaderField{Name: f.Name, Value: v})
			}
		default:
			out = append(out, f)
		}
	}
	return out
}

// shellVarName is the environment variable a curl export reads a
// header's secret from: the name upper-cased, other characters as _.
func shellVarName(header string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, header)
}

// curlCredentials sets c's credentials for p: typed ones as they are,
// the others as placeholders or left for curl to find, each through an
// option curl sends to the URL's host only.
func curlCredentials(env *requestEnv, p *httpclient.PreparedRequest, c *render.Curl, notes *exportNotes) {
	info := httpclient.DescribeAuth(p.Auth, p.URL)
	origin := authOrigin(env, p)
	if info.Scheme != "" {
		// The auth replaces an Authorization item.
		c.Header.Del("Authorization")
	}
	// placeholder is what stands for a secret that was not typed.
	secret := func(value, envVar, what string) string {
		if origin.typed {
			return value
		}
		if origin.envVar != "" {
			envVar = origin.envVar
		}
		notes.add("$%s stands for the %s reqs took from %s; set it before running the command", envVar, what, sourceName(origin, info))
		return render.ShellVar(envVar)
	}
	switch info.Scheme {
	case httpclient.AuthBasic, httpclient.AuthDigest:
		c.Digest = info.Scheme == httpclient.AuthDigest
		switch {
		case info.Netrc != "":
			// curl reads the same file, and takes each host's entry.
			c.NetrcFile = info.Netrc
			notes.add("curl reads the credentials from %s, as reqs did", info.Netrc)
		case origin.typed:
			c.User = info.User + ":" + info.Secret
		case origin.envVar != "":
			c.User = secret("", "", "credentials")
		default:
			c.User = info.User
			if origin.prompted {
				notes.add("curl asks for the password --auth leaves out")
			} else {
				notes.add("the password reqs took from %s is left out; curl asks for it", sourceName(origin, info))
			}
		}
	case httpclient.AuthBearer:
		c.Bearer = secret(info.Secret, "REQS_AUTH", "token")
	case httpclient.AuthSigV4:
		c.AWSSigV4 = strings.TrimRight("aws:amz:"+info.Region+":"+info.Service, ":")
		switch {
		case origin.awsEnv:
			c.User = render.ShellVar("AWS_ACCESS_KEY_ID") + ":" + render.ShellVar("AWS_SECRET_ACCESS_KEY")
			notes.add("the AWS keys are written as $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY, as reqs read them")
			if info.SessionToken != "" {
				c.Header.Set("X-Amz-Security-Token", render.ShellVar("AWS_SESSION_TOKEN"))
				notes.add("the AWS session token is written as $AWS_SESSION_TOKEN, as reqs read it")
			}
		case origin.typed:
			c.User = info.User + ":" + info.Secret
		case origin.envVar != "":
			c.User = secret("", "", "AWS keys")
		default:
			c.User = info.User
			if origin.prompted {
				notes.add("curl asks for the AWS secret key --auth leaves out")
			} else {
				notes.add("the AWS secret key reqs took from %s is left out; curl asks for it", sourceName(origin, info))
			}
		}
	case httpclient.AuthOAuth2:
		notes.add("reqs gets its bearer token from %s when it sends; get one and add --oauth2-bearer TOKEN", httpclient.RedactURL(info.TokenURL))
	case httpclient.AuthExec:
		notes.add("the credential helper %q is not run for an export; add the headers it answers with -H", strings.Join(info.Helper, " "))
	}
	if info.Scheme != "" {
		return
	}
	// An Authorization item goes by curl's per-host options where it
	// can, so that -L may stay.
	if v := c.Header.Values("Authorization"); len(v) == 1 {
		scheme, cred, _ := strings.Cut(v[0], " ")
		switch {
		case strings.EqualFold(scheme, "Bearer") && cred != "":
			c.Bearer = cred
			c.Header.Del("Authorization")
		case strings.EqualFold(scheme, "Basic"):
			if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred)); err == nil && strings.Contains(string(b), ":") {
				c.User = string(b)
				c.Header.Del("Authorization")
			}
		}
	}
}

// sourceName names where a credential came from, for notes.
func sourceName(origin credOrigin, info httpclient.AuthInfo) string {
	switch {
	case origin.where != "":
		return origin.where
	case info.Netrc != "":
		return info.Netrc
	}
	return "outside the command line"
}

// curlProxy is the --proxy value for pu, the proxy of target: as typed,
// else with its password as a placeholder.
func curlProxy(env *requestEnv, target, pu *url.URL, notes *exportNotes) string {
	if pu.User == nil || pu.Redacted() == pu.String() {
		return pu.String() // no password
	}
	o := env.Opts
	v := env.Session.ProxyVariable(target)
	switch {
	case v != "":
		notes.add("the proxy is written as $%s, as reqs read it", v)
		return render.ShellVar(v)
	case o.typedFlag("proxy") && !sessionHasProxies(env):
		return pu.String()
	}
	u := *pu
	u.User = url.User(pu.User.Username())
	notes.add("the proxy password reqs took from %s is written as $PROXY_PASSWORD; set it before running the command", proxySource(env))
	return strings.Replace(u.String(), "@", ":"+render.ShellVar("PROXY_PASSWORD")+"@", 1)
}

// sessionHasProxies reports whether a stored session sets proxies.
func sessionHasProxies(env *requestEnv) bool {
	s := env.X.Stored()
	return s != nil && len(s.Proxies) > 0
}

// proxySource names where a proxy that was not typed came from.
func proxySource(env *requestEnv) string {
	o := env.Opts
	if sessionHasProxies(env) {
		return "the session " + o.sessionName()
	}
	return o.flagOrigin("proxy").where
}

// curlPassphrase is the --pass value: as typed, or from the
// REQS_CERT_KEY_PASS variable it came from; else curl asks for it.
func curlPassphrase(env *requestEnv, pass string, notes *exportNotes) string {
	if pass == "" {
		return ""
	}
	o := env.Opts
	origin := o.flagOrigin("cert-key-pass")
	switch {
	case !o.typedFlag("cert-key-pass") && origin.typed:
		notes.add("the passphrase of the client key, typed at the prompt, is left out; curl asks for it")
		return ""
	case origin.typed:
		return pass
	case origin.envVar != "":
		notes.add("the passphrase of the client key is written as $%s, as reqs read it", origin.envVar)
		return render.ShellVar(origin.envVar)
	}
	notes.add("the passphrase of the client key reqs took from %s is left out; curl asks for it", origin.where)
	return ""
}

// curlKeepsFollow leaves -L out when a credential can only go in a
// header: curl would send it to every host a redirect names.
func curlKeepsFollow(c *render.Curl, notes *exportNotes) {
	if !c.Follow {
		return
	}
	var names []string
	for name := range c.Header {
		if sessionfile.IsSecretHeader(name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	c.Follow = false
	notes.add("-L is left out: curl would send the %s header to any host a redirect names; follow redirects by hand", strings.Join(names, ", "))
}

// httpFileCredentials adds p's credentials to a request-file block's
// headers: typed ones as they are, a password typed at the prompt as a
// variable the block asks for, and the others left for reqs run to find
// where reqs found them (the same flags, the config file, netrc, the
// session), each with a note. It returns the block's prompts.
func httpFileCredentials(env *requestEnv, p *httpclient.PreparedRequest, header *[][2]string, notes *exportNotes) (prompts []string) {
	info := httpclient.DescribeAuth(p.Auth, p.URL)
	if info.Scheme == "" {
		return nil
	}
	origin := authOrigin(env, p)
	set := func(value string) {
		*header = slices.DeleteFunc(*header, func(h [2]string) bool { return strings.EqualFold(h[0], "Authorization") })
		*header = append(*header, [2]string{"Authorization", value})
	}
	leftOut := func(how string) {
		notes.add("the credentials reqs took from %s are left out; %s", sourceName(origin, info), how)
	}
	switch info.Scheme {
	case httpclient.AuthBasic, httpclient.AuthDigest, httpclient.AuthBearer:
		pass := info.Secret
		switch {
		case info.Netrc != "":
			leftOut("reqs run reads the same file")
			return nil
		case origin.prompted:
			pass = "{{password}}"
			prompts = []string{"password"}
			notes.add("the password --auth leaves out is written as {{password}}, which reqs run asks for (or takes from --var password=…)")
		case origin.envVar != "":
			leftOut("reqs run reads " + origin.envVar + " as this command did")
			return nil
		case origin.config:
			leftOut("reqs run reads the config file as this command did")
			return nil
		case origin.session:
			leftOut("give reqs run " + env.Opts.sessionFlag())
			return nil
		case !origin.typed:
			leftOut("give reqs run the same flags")
			return nil
		}
		switch info.Scheme {
		case httpclient.AuthBasic:
			if prompts != nil {
				set("Basic " + info.User + ":" + pass)
			} else {
				set("Basic " + base64.StdEncoding.EncodeToString([]byte(info.User+":"+pass)))
			}
		case httpclient.AuthDigest:
			if strings.ContainsAny(info.User+pass, " \t") {
				notes.add("Digest credentials with spaces cannot be written; give reqs run the same --auth-type digest and --auth")
				return nil
			}
			set("Digest " + info.User + " " + pass)
		case httpclient.AuthBearer:
			set("Bearer " + pass)
		}
	case httpclient.AuthSigV4:
		notes.add("AWS signatures are made when sending; give reqs run the same -A aws-sigv4 --aws-sigv4 %s (and the keys, which it reads from AWS_* as reqs did)", strings.TrimRight("aws:amz:"+info.Region+":"+info.Service, ":"))
	case httpclient.AuthOAuth2:
		notes.add("the OAuth 2 token is fetched when sending and is not written; give reqs run the same -A oauth2 --oauth2-token-url %s and --auth", httpclient.RedactURL(info.TokenURL))
	case httpclient.AuthExec:
		notes.add("the credential helper %q is not run for an export; give reqs run the same --auth-helper (the config file's apply to it as well)", strings.Join(info.Helper, " "))
	}
	return prompts
}
