package cmd

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"

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
	// file is the session file: locked for --session, read for
	// --session-read-only.
	file *sessionfile.File
	// given are the session-level settings the command line gave, saved
	// into the session.
	given sessionfile.Settings
	// suppliedTransport: the stored session set a transport option (a
	// proxy, verify or a client certificate), so a failure to build the
	// transport is the file's fault rather than the command line's.
	suppliedTransport bool
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
		file, err := sessionfile.Read(path)
		if err != nil {
			return err
		}
		f.file = file
	} else {
		file, ok, err := sessionfile.TryLock(path)
		if err == nil && !ok {
			env.Warn("waiting for session %s: another reqs is using it", path)
			file, err = sessionfile.Lock(path)
		}
		if err != nil {
			return err
		}
		f.file = file
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
	if !sessionfile.IsPath(value) {
		u, err := url.Parse(env.URL)
		if err != nil {
			return "", usageErrorf("invalid URL %q: %v", httpclient.RedactURL(env.URL), err)
		}
		hostDir = sessionfile.HostDir(u)
	}
	path, err := sessionfile.Path(dir, value, hostDir)
	if err != nil {
		return "", usageErrorf("--session: %v", err)
	}
	return path, nil
}

// mergeOptions fills the transport options the command line left unset
// from the session (what the command line gives beats the session, which
// beats the environment and the config file), and records those it did
// set, to be saved. A session that turns TLS verification off says so on
// every use, since nothing on the command line shows it any more.
func (f *sessionFlags) mergeOptions(env *requestEnv, o *httpclient.Options) error {
	s := f.file.Session.Settings
	var given sessionfile.Settings
	if f.givenOnCommandLine("proxy") {
		given.Proxies = maps.Clone(o.Proxies)
	}
	if f.givenOnCommandLine("verify") {
		v := f.fs.Lookup("verify").Value.String()
		insecure, ca := sessionfile.ParseVerify(v)
		given.Insecure, given.CABundle = &insecure, ca
		if insecure && f.ReadOnly == "" {
			env.Warn("session %s now keeps --verify %s: TLS certificates will not be checked on any later use of it", f.path, v)
		}
	} else if s.Insecure != nil && *s.Insecure {
		env.Warn("session %s turns TLS verification off (verify \"no\"): certificates are not checked; --verify yes overrides it", f.path)
	}
	if f.givenOnCommandLine("cert") {
		given.Cert, given.CertKey = o.Cert, o.CertKey
	}
	if f.givenOnCommandLine("timeout") {
		c, r := o.ConnectTimeout, o.ReadTimeout
		given.ConnectTimeout, given.ReadTimeout = &c, &r
	}
	f.suppliedTransport = len(s.Proxies) > 0 || s.HasVerify() && !given.HasVerify() || s.HasCert() && !given.HasCert()
	sessionfile.Merge(given, s).ApplyTo(o)
	f.given = given
	return nil
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
	if err := f.file.Apply(env.Session); err != nil {
		return nil, err
	}
	if s := f.file.Session; s.MaxRedirects != nil && !f.givenOnCommandLine("max-redirects") {
		// redirectFlags.apply runs next and sets the session's limit from its
		// flag value, so the stored limit goes there too.
		env.Session.MaxRedirects = httpclient.RedirectLimit(*s.MaxRedirects)
		if env.Opts != nil {
			env.Opts.Redirect.MaxRedirects = *s.MaxRedirects
		}
	}
	if f.ReadOnly != "" {
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
// request gave (HTTPie's rule: the request's headers are the ones saved,
// besides cookies; the session's own defaults are not), and the session
// settings given on the command line. It releases the lock.
func (f *sessionFlags) save(env *requestEnv) error {
	if f.file == nil || f.ReadOnly != "" {
		return nil
	}
	defer f.file.Close()
	var u sessionfile.Update
	if env.Request != nil {
		u.Header, u.HeaderOrder = http.Header{}, env.Request.HeaderOrder
		for name, values := range env.Request.Header {
			if env.Opts == nil || !env.Opts.Transfer.isImplicitHeader(name) {
				u.Header[name] = values
			}
		}
	}
	if f.givenOnCommandLine("auth") {
		u.Auth = env.Session.Auth
	}
	u.Settings = f.given
	if f.givenOnCommandLine("max-redirects") {
		n := env.Opts.Redirect.MaxRedirects
		u.Settings.MaxRedirects = &n
	}
	err := f.file.Save(env.Session, u)
	if errors.Is(err, sessionfile.ErrUnstorableAuth) {
		env.Warn("session %s: this kind of auth cannot be saved", f.path)
		return nil
	}
	return err
}
