package cmd

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/spf13/pflag"
)

// sessionFlags select a named session stored on disk.
//
// A session's defaults rank below what the command line gives and above
// the config file and REQS_* environment: command line > session > env >
// config file > built-in default. What the command line gives is used for
// this request and, except for request items other than headers and
// cookies, saved into the session (HTTPie's rule).
type sessionFlags struct {
	Session  string
	ReadOnly string
	// Cookies and CookieJar are Netscape cookie files to read before the
	// request and to write after it (curl's -b FILE and -c FILE).
	Cookies, CookieJar string

	// fs is the flag set the flags were registered on, to tell values
	// given on the command line from those the config file set.
	fs *pflag.FlagSet

	// Set by preload.
	loaded bool
	path   string
	// file is the locked session file; nil for --session-read-only.
	file   *config.SessionFile
	stored *config.Session
	// given are the session-level settings the command line gave, saved
	// into the session.
	given sessionSettings
	// suppliedTransport: the stored session set a transport option (a
	// proxy, verify or a client certificate), so a failure to build the
	// transport is the file's fault rather than the command line's.
	suppliedTransport bool
}

// sessionSettings are the Requests session defaults a session keeps
// besides headers, auth and cookies.
type sessionSettings struct {
	proxies  map[string]string
	verify   string
	cert     string
	certKey  string
	timeout  string
	hasProxy bool
}

func (f *sessionFlags) register(fs *pflag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.Session, "session", "", "use and update the named session `NAME` (or a session file PATH): headers, auth, cookies")
	fs.StringVar(&f.ReadOnly, "session-read-only", "", "use the session `NAME` (or PATH) without saving changes to it")
	fs.StringVar(&f.Cookies, "cookies", "", "load cookies from `FILE`, a Netscape/curl cookie file (what curl -c writes)")
	fs.StringVar(&f.CookieJar, "cookie-jar", "", "write the cookies to `FILE` after the exchange, as a Netscape/curl cookie file (mode 0600); - writes them to standard output")
}

// givenOnCommandLine reports whether the user typed the flag on this
// command line, as opposed to a value from the config file or REQS_*
// environment (applyConfig marks those).
func (f *sessionFlags) givenOnCommandLine(name string) bool {
	if f.fs == nil {
		return false
	}
	fl := f.fs.Lookup(name)
	return fl != nil && fl.Changed && !setByConfig(fl)
}

// active reports whether a session was asked for.
func (f *sessionFlags) active() bool {
	return f.Session != "" || f.ReadOnly != ""
}

// preload opens the session before the client is built, so that its
// transport defaults (proxies, verify, client certificate, timeouts) reach
// o where the command line gave none. runRequest calls it after the flag
// groups filled o and before httpclient.New. A writable session stays
// locked from here until save (or the process's exit), so that parallel
// invocations on one session serialise their read-modify-write.
func (f *sessionFlags) preload(env *requestEnv, o *httpclient.Options) error {
	if f.loaded || !f.active() {
		return nil
	}
	if f.Session != "" && f.ReadOnly != "" {
		return usageErrorf("--session and --session-read-only exclude each other")
	}
	value := f.Session
	if value == "" {
		value = f.ReadOnly
	}
	path, err := sessionFilePath(env, value)
	if err != nil {
		return err
	}
	f.path = path
	if f.ReadOnly != "" {
		// Every save replaces the file by rename, so reading it whole
		// without the lock sees one version and never waits for a
		// writer's long exchange.
		s, _, err := config.ReadSession(path)
		if err != nil {
			return err
		}
		f.stored = s
	} else {
		file, err := config.LockSession(path, func() {
			env.Warn("waiting for session %s: another reqs is using it", path)
		})
		if err != nil {
			return err
		}
		f.file, f.stored = file, file.Session
	}
	f.loaded = true
	if o != nil {
		return f.mergeOptions(env, o)
	}
	return nil
}

// sessionFilePath resolves --session's value for the request's host.
func sessionFilePath(env *requestEnv, value string) (string, error) {
	getenv := env.IO.Getenv
	dir, err := config.Dir(getenv)
	if err != nil {
		return "", err
	}
	hostDir := ""
	if !config.IsSessionPath(value) {
		u, err := url.Parse(env.URL)
		if err != nil {
			return "", usageErrorf("invalid URL %q: %v", httpclient.RedactURL(env.URL), err)
		}
		hostDir = config.HostDir(u)
	}
	path, err := config.SessionPath(dir, value, hostDir)
	if err != nil {
		return "", usageErrorf("--session: %v", err)
	}
	return path, nil
}

// mergeOptions fills the transport options the command line left unset
// from the session, and records those it did set, to be saved.
// A session that turns TLS verification off says so on every use, since
// nothing on the command line shows it any more.
func (f *sessionFlags) mergeOptions(env *requestEnv, o *httpclient.Options) error {
	s := f.stored
	if f.givenOnCommandLine("proxy") {
		f.given.hasProxy = true
		f.given.proxies = maps.Clone(o.Proxies)
	}
	f.suppliedTransport = len(s.Proxies) > 0 ||
		s.Verify != "" && !f.givenOnCommandLine("verify") ||
		s.Cert != "" && !f.givenOnCommandLine("cert")
	if len(s.Proxies) > 0 {
		// Per key, as Requests merges session and request proxies.
		merged := maps.Clone(s.Proxies)
		if f.given.hasProxy {
			maps.Copy(merged, o.Proxies)
		}
		o.Proxies = merged
	}
	if f.givenOnCommandLine("verify") {
		f.given.verify = absIfFile(f.fs.Lookup("verify").Value.String())
		if insecure, _ := parseVerify(f.given.verify); insecure && f.file != nil {
			env.Warn("session %s now keeps --verify %s: TLS certificates will not be checked on any later use of it", f.path, f.given.verify)
		}
	} else if s.Verify != "" {
		o.InsecureSkipVerify, o.CABundle = parseVerify(s.Verify)
		if o.InsecureSkipVerify {
			env.Warn("session %s turns TLS verification off (verify %q): certificates are not checked; --verify yes overrides it", f.path, s.Verify)
		}
	}
	if f.givenOnCommandLine("cert") {
		f.given.cert, f.given.certKey = absIfFile(o.Cert), absIfFile(o.CertKey)
	} else if s.Cert != "" {
		o.Cert, o.CertKey = s.Cert, s.CertKey
	}
	if f.givenOnCommandLine("timeout") {
		f.given.timeout = formatTimeout(o.ConnectTimeout, o.ReadTimeout)
	} else if s.Timeout != "" {
		c, r, err := parseTimeout(s.Timeout)
		if err != nil {
			return fmt.Errorf("session %s: timeout %q: %w", f.path, s.Timeout, err)
		}
		o.ConnectTimeout, o.ReadTimeout = c, r
	}
	return nil
}

// absIfFile makes a path that names an existing file absolute, so that a
// session keeps working from another directory; other values (yes, no)
// are kept as they are.
func absIfFile(v string) string {
	if v == "" {
		return v
	}
	if _, err := os.Stat(v); err != nil {
		return v
	}
	if abs, err := filepath.Abs(v); err == nil {
		return abs
	}
	return v
}

// release drops the session's lock without saving; runRequest defers it
// after preload so that an early return (an error, --offline) never keeps
// the lock for the rest of a process that runs more than one request. It
// may be called after save.
func (f *sessionFlags) release() {
	if f.file != nil {
		f.file.Close()
	}
}

// formatTimeout writes timeouts back in --timeout's syntax.
func formatTimeout(connect, read time.Duration) string {
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }
	if connect == read {
		return secs(connect)
	}
	return secs(connect) + "," + secs(read)
}

// load merges the stored session into env.Session before the request is
// prepared; the returned save function persists it after the exchange
// (nil when nothing is to be saved: no session, or read-only). It also
// gives every session a cookie jar, so that cookies set by one hop of a
// redirect chain are sent on the next, as in Requests.
//
// --cookies adds a cookie file's cookies to the jar (after the session's),
// and --cookie-jar writes the jar out after the exchange.
func (f *sessionFlags) load(env *requestEnv) (func() error, error) {
	if f.CookieJar != "" && f.CookieJar != "-" {
		// Refused before the request is sent, rather than after a
		// login whose cookies then cannot be kept.
		if err := checkCookieJarPath(f.CookieJar); err != nil {
			return nil, usageErrorf("--cookie-jar %s: %v", f.CookieJar, err)
		}
	}
	save, err := f.loadSession(env)
	if err != nil || f.Cookies == "" && f.CookieJar == "" {
		return save, err
	}
	jar, ok := env.Session.Jar.(*cookiejar.Jar)
	if !ok {
		return nil, usageErrorf("--cookies and --cookie-jar need the built-in cookie jar")
	}
	if f.Cookies != "" {
		err := jar.LoadCookieFile(f.Cookies)
		if errors.Is(err, os.ErrNotExist) && samePath(f.Cookies, f.CookieJar) {
			// curl's "-b jar -c jar": the first run creates the jar.
			err = nil
		}
		if err != nil {
			return nil, usageErrorf("--cookies %s: %v", f.Cookies, unwrapPathError(err))
		}
	}
	if f.CookieJar == "" {
		return save, nil
	}
	return func() error {
		if save != nil {
			if err := save(); err != nil {
				return err
			}
		}
		if f.CookieJar == "-" {
			// curl's -c -: the jar goes to standard output, after
			// the response.
			return cookiejar.WriteCookieFile(env.IO.Out, jar.All())
		}
		if err := jar.SaveCookieFile(f.CookieJar); err != nil {
			return fmt.Errorf("--cookie-jar %s: %w", f.CookieJar, unwrapPathError(err))
		}
		return nil
	}, nil
}

// samePath reports whether a and b name the same file path.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// checkCookieJarPath reports why a cookie jar could not be written to
// path: path is a directory, or its directory is missing or not one.
func checkCookieJarPath(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a directory")
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return unwrapPathError(err)
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// loadSession is load without the cookie files.
func (f *sessionFlags) loadSession(env *requestEnv) (save func() error, err error) {
	if env.Session.Jar == nil {
		env.Session.Jar = cookiejar.New()
	}
	if !f.active() {
		return nil, nil
	}
	if err := f.preload(env, nil); err != nil {
		return nil, err
	}
	s := f.stored
	if err := s.ApplyTo(env.Session); err != nil {
		return nil, fmt.Errorf("session %s: %w", f.path, err)
	}
	if s.MaxRedirects != nil && !f.givenOnCommandLine("max-redirects") {
		// redirectFlags.apply runs next and sets the session's limit from its
		// flag value, so the stored limit goes there too.
		env.Session.MaxRedirects = *s.MaxRedirects
		if env.Opts != nil {
			env.Opts.Redirect.MaxRedirects = *s.MaxRedirects
		}
	}
	if f.file == nil {
		return nil, nil
	}
	// Cookies given as a Cookie header item are saved like HTTPie does,
	// as the request host's cookies; the item itself is still sent and
	// wins over a stored cookie of the same name.
	if env.Request != nil && env.Request.Header != nil {
		if u, err := httpclient.PrepareURL(env.URL); err == nil {
			env.Session.Jar.SetCookies(u, headerCookies(env.Request.Header))
		}
	}
	return func() error { return f.save(env) }, nil
}

// headerCookies parses Cookie header values into cookies for the whole
// host.
func headerCookies(h http.Header) []*http.Cookie {
	r := &http.Request{Header: http.Header{"Cookie": h.Values("Cookie")}}
	cs := r.Cookies()
	for _, c := range cs {
		c.Path = "/"
	}
	return cs
}

// save writes the session back under the lock taken by preload: the
// jar's cookies (expired ones dropped), the headers and auth this
// request gave, and the session settings given on the command line. It
// releases the lock.
func (f *sessionFlags) save(env *requestEnv) error {
	if f.file == nil {
		return nil
	}
	defer f.file.Close()
	s := f.stored
	// HTTPie's rule: the request's headers are the ones saved, besides
	// cookies; the session's own (defaults, stored ones) are not.
	now := time.Now()
	st := env.Session.State(now)
	st.Header = http.Header{}
	if env.Request != nil {
		for name, values := range env.Request.Header {
			if env.Opts == nil || !env.Opts.Transfer.isImplicitHeader(name) {
				st.Header[name] = values
			}
		}
	}
	if !f.givenOnCommandLine("auth") && !cachesCredentials(env.Session.Auth) {
		st.Auth = nil
	}
	if err := s.TakeBack(st, now); errors.Is(err, config.ErrUnstorableAuth) {
		env.Warn("session %s: this kind of auth cannot be saved", f.path)
	} else if err != nil {
		return err
	}
	s.SetHelperAnswers(helperAnswers(env.Request.Auth, env.Session.Auth, &httpclient.HostHelpers{Helpers: env.Session.HostHelpers}), time.Now())
	g := f.given
	if g.hasProxy {
		if s.Proxies == nil {
			s.Proxies = map[string]string{}
		}
		maps.Copy(s.Proxies, g.proxies)
	}
	if g.verify != "" {
		s.Verify = g.verify
	}
	if g.cert != "" {
		s.Cert, s.CertKey = g.cert, g.certKey
	}
	if g.timeout != "" {
		s.Timeout = g.timeout
	}
	if f.givenOnCommandLine("max-redirects") {
		n := env.Session.MaxRedirects
		s.MaxRedirects = &n
	}
	if err := f.file.Save(s); err != nil {
		return err
	}
	return nil
}

// helperAnswers are the unexpired credential helper answers of the auths
// in use, to keep in the session.
func helperAnswers(auths ...httpclient.Auth) []config.HelperAnswer {
	var out []config.HelperAnswer
	add := func(a *httpclient.ExecAuth) {
		if ans := a.CurrentAnswer(); ans != nil {
			out = append(out, config.HelperAnswer{Helper: strings.Join(a.Args, " "), Host: ans.Host, Headers: ans.Headers, Expires: ans.Expiry.Unix()})
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

// cachesCredentials reports whether a is an Auth whose credentials change
// as it is used (an OAuth 2 token), so a session keeps them even when no
// --auth was given this time.
func cachesCredentials(a httpclient.Auth) bool {
	_, ok := a.(*httpclient.OAuth2Auth)
	return ok
}
