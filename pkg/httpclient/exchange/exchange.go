// Package exchange opens the requests of one run the way the reqs command
// line does, for any front end (a single request, a request file, a
// stream): it takes a [Plan] of typed values, and [Open] carries it out in
// a fixed order — lock the session file, merge its settings under the
// given ones, build the [httpclient.Session], apply the stored session,
// resolve the credentials, prepare the download — so that no front end
// re-derives that order. [Exchange.Send] sends with the plan's per-call
// options, and [Exchange.Close] saves the session file and unlocks it.
package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// Plan is everything an exchange needs, as typed values: no flags, no
// files read yet.
type Plan struct {
	// Options are the transport options of this run, before a stored
	// session's settings are merged in.
	Options httpclient.Options
	// Given are the session settings given explicitly for this run (a
	// command line's): they beat a stored session's, which beat the rest
	// of Options, and a writable session keeps them.
	Given sessionfile.Settings
	// MaxRedirects is the redirect limit below a stored session's (0:
	// httpclient's default); Given.MaxRedirects beats both.
	MaxRedirects int
	// Redirects says which requests follow redirects.
	Redirects Redirects
	// Retry is the retry policy of every request.
	Retry httpclient.RetryPolicy
	// Header holds headers every request carries unless the stored
	// session or the request sets them (a program's own User-Agent);
	// they are never saved into the session.
	Header http.Header
	// TrustEnv, IgnoreNetrc, LookupEnv and OnEnvError are the Session's
	// fields of those names.
	TrustEnv    bool
	IgnoreNetrc bool
	LookupEnv   func(string) (string, bool)
	OnEnvError  func(error)
	// Transport, when set, sends every request instead of the network.
	Transport http.RoundTripper

	// Session is the session file, if any.
	Session SessionRef
	// CookieFile is a Netscape cookie file whose cookies join the jar
	// after the session's; CookieJarFile is where the jar is written when
	// the exchange closes (curl's -b and -c). "-" writes it to Stdout.
	CookieFile, CookieJarFile string
	// Stdout receives a cookie jar written to "-".
	Stdout interface{ Write([]byte) (int, error) }

	// Auth says where the credentials come from.
	Auth AuthSpec
	// Download, when set, saves the response body of the request given
	// to Open; Open prepares the request for it.
	Download *download.File

	// Passphrase asks for the passphrase of an encrypted client key or
	// PKCS#12 bundle named file; nil leaves it an error.
	Passphrase func(file string) (string, error)
	// OnWait is called once, with the session file's path, before
	// waiting for another process that holds the session.
	OnWait func(path string)
}

// SessionRef names the session file of a plan.
type SessionRef struct {
	// Path is the file; empty for no session.
	Path string
	// ReadOnly uses the session without locking or saving it.
	ReadOnly bool
}

// Redirects is a plan's redirect policy.
type Redirects int

const (
	// RedirectsByMethod follows redirects for every method but HEAD, as
	// Requests' request() and head() do.
	RedirectsByMethod Redirects = iota
	// RedirectsAlways follows every redirect, HEAD's too.
	RedirectsAlways
	// RedirectsNever follows none.
	RedirectsNever
)

// Follows reports whether a request with method follows redirects.
func (r Redirects) Follows(method string) bool {
	switch r {
	case RedirectsAlways:
		return true
	case RedirectsNever:
		return false
	}
	return httpclient.FollowsRedirects(method)
}

// Step names the step of Open an [Error] comes from.
type Step int

const (
	// StepSession is locking and reading the session file.
	StepSession Step = iota + 1
	// StepBuild is building the session from its settings.
	StepBuild
	// StepCookieFile is reading Plan.CookieFile.
	StepCookieFile
	// StepCookieJarFile is checking that Plan.CookieJarFile can be
	// written, before anything is sent.
	StepCookieJarFile
	// StepAuth is resolving the credentials.
	StepAuth
	// StepDownload is preparing the download.
	StepDownload
)

// Error is a failure of one step of Open.
type Error struct {
	Step Step
	// Stored reports that the stored session supplied what failed (a
	// CA bundle or client certificate it names), rather than the plan.
	Stored bool
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Exchange is an opened plan: the session every request of the run goes
// through. It is not safe for concurrent use.
type Exchange struct {
	// Session is the session built from the plan.
	Session *httpclient.Session
	// File is the session file; nil without one.
	File *sessionfile.File
	// Download is the plan's download, prepared; nil without one.
	Download *download.File
	// Request is the request Open was given, as the download prepared it.
	Request *httpclient.Request

	plan Plan
	// auth is what every request carries as its own Auth (nil: the
	// session's ranking decides); prompted says its secret was asked
	// for through AuthSpec.Password.
	auth     httpclient.Auth
	prompted bool
	// implicit are the request headers Open added for the download
	// (Range, Accept-Encoding: identity), which a session never keeps.
	implicit []string
	// answered: a Send got a response; abandoned: the caller said the
	// run failed after all, so nothing is saved.
	answered, abandoned bool
	closed              bool
}

// Open carries out p for the run whose first request is req (nil for
// none): it locks (or reads) the session file, merges its settings under
// p.Given and p.Options, builds the session, applies the stored session
// and the cookie file, resolves the credentials and prepares req for the
// download. Errors of a step are an [*Error] naming it.
func Open(p Plan, req *httpclient.Request) (_ *Exchange, err error) {
	x := &Exchange{plan: p, Request: req}
	defer func() {
		if err != nil {
			x.release()
		}
	}()
	if err := x.lock(); err != nil {
		return nil, err
	}
	stored := sessionfile.Settings{}
	if x.File != nil {
		stored = x.File.Session.Settings
	}
	opts := p.Options
	sessionfile.Merge(p.Given, stored).ApplyTo(&opts)
	if err := x.build(opts, stored); err != nil {
		return nil, err
	}
	if err := x.apply(stored); err != nil {
		return nil, err
	}
	if err := x.resolveAuth(); err != nil {
		return nil, &Error{Step: StepAuth, Err: err}
	}
	if p.Download != nil && req != nil {
		added, err := p.Download.Prepare(req)
		if err != nil {
			return nil, &Error{Step: StepDownload, Err: err}
		}
		x.Download, x.implicit = p.Download, added
	}
	return x, nil
}

// lock takes the session file: locked for a writable session, read for
// a read-only one.
func (x *Exchange) lock() error {
	ref := x.plan.Session
	if ref.Path == "" {
		return nil
	}
	if ref.ReadOnly {
		// Every save replaces the file by rename, so reading it whole
		// without the lock sees one version and never waits for a
		// writer's long exchange.
		f, err := sessionfile.Read(ref.Path)
		if err != nil {
			return &Error{Step: StepSession, Err: err}
		}
		x.File = f
		return nil
	}
	f, ok, err := sessionfile.TryLock(ref.Path)
	if err == nil && !ok {
		if x.plan.OnWait != nil {
			x.plan.OnWait(ref.Path)
		}
		f, err = sessionfile.Lock(ref.Path)
	}
	if err != nil {
		return &Error{Step: StepSession, Err: err}
	}
	x.File = f
	return nil
}

// build builds the session from opts, asking for a key's passphrase when
// it is encrypted and none was given.
func (x *Exchange) build(opts httpclient.Options, stored sessionfile.Settings) error {
	p := x.plan
	sess, err := httpclient.New(opts)
	if errors.Is(err, httpclient.ErrPassphraseNeeded) && p.Passphrase != nil {
		file := opts.Cert
		if opts.CertKey != "" {
			file = opts.CertKey
		}
		pass, perr := p.Passphrase(file)
		if perr != nil {
			return &Error{Step: StepBuild, Err: perr}
		}
		opts.CertKeyPass = pass
		sess, err = httpclient.New(opts)
	}
	if err != nil {
		suppliedByFile := len(stored.Proxies) > 0 ||
			stored.HasVerify() && !p.Given.HasVerify() ||
			stored.HasCert() && !p.Given.HasCert()
		return &Error{Step: StepBuild, Stored: suppliedByFile, Err: err}
	}
	x.Session = sess
	sess.TrustEnv, sess.LookupEnv = p.TrustEnv, p.LookupEnv
	sess.IgnoreNetrc = p.IgnoreNetrc
	sess.OnEnvError = p.OnEnvError
	if err := sess.CheckEnvironment(); err != nil {
		return &Error{Step: StepBuild, Err: err}
	}
	for name, values := range p.Header {
		sess.SetHeader(name, values...)
	}
	if p.Transport != nil {
		sess.Mount("", p.Transport)
	}
	sess.Retry = p.Retry
	return nil
}

// apply installs the stored session and the cookie file into the
// session, and settles its redirect limit: the given one, else the
// stored one, else the plan's.
func (x *Exchange) apply(stored sessionfile.Settings) error {
	p, sess := x.plan, x.Session
	if p.MaxRedirects != 0 {
		sess.MaxRedirects = httpclient.RedirectLimit(p.MaxRedirects)
	}
	if x.File != nil {
		if err := x.File.Apply(sess); err != nil {
			return &Error{Step: StepSession, Err: err}
		}
		if !x.plan.Session.ReadOnly && x.Request != nil {
			// HTTPie's rule: cookies given as a Cookie header are kept
			// as the request host's cookies; the header itself is still
			// sent and wins over a stored cookie of the same name.
			if u, err := httpclient.PrepareURL(x.Request.URL); err == nil && x.Request.Header != nil {
				sess.Jar.SetCookies(u, headerCookies(x.Request.Header))
			}
		}
	}
	if p.Given.MaxRedirects != nil {
		sess.MaxRedirects = httpclient.RedirectLimit(*p.Given.MaxRedirects)
	}
	if p.CookieJarFile != "" && p.CookieJarFile != "-" {
		// Refused before the request is sent, rather than after a login
		// whose cookies then cannot be kept.
		if err := checkCookieJarPath(p.CookieJarFile); err != nil {
			return &Error{Step: StepCookieJarFile, Err: err}
		}
	}
	if p.CookieFile != "" {
		jar, ok := sess.Jar.(*cookiejar.Jar)
		if !ok {
			return &Error{Step: StepCookieFile, Err: errors.New("the session's cookie jar cannot load a cookie file")}
		}
		err := jar.LoadCookieFile(p.CookieFile)
		if errors.Is(err, os.ErrNotExist) && samePath(p.CookieFile, p.CookieJarFile) {
			// curl's "-b jar -c jar": the first run creates the jar.
			err = nil
		}
		if err != nil {
			return &Error{Step: StepCookieFile, Err: err}
		}
	}
	return nil
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
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// Stored is the stored session in use; nil without a session file.
func (x *Exchange) Stored() *sessionfile.Session {
	if x.File == nil {
		return nil
	}
	return x.File.Session
}

// Auth is the Auth the plan gives every request (its own scheme or
// explicit credentials), or nil when the session ranks the candidates.
func (x *Exchange) Auth() httpclient.Auth { return x.auth }

// Prompted reports whether Auth's secret was asked for through
// AuthSpec.Password rather than given in the plan.
func (x *Exchange) Prompted() bool { return x.prompted }

// Options returns the per-call options a request with method is sent
// with: the plan's redirect policy; the retry policy and redirect limit
// are the session's.
func (x *Exchange) Options(method string) httpclient.SendOptions {
	return httpclient.SendOptions{NoRedirects: !x.plan.Redirects.Follows(method)}
}

// Prepare prepares req on the session with the credentials the plan
// gives every request, unless req names its own.
func (x *Exchange) Prepare(req *httpclient.Request) (*httpclient.PreparedRequest, error) {
	if req.Auth == nil {
		// A request's own credentials (a request file's Authorization:
		// Digest USER PASS) beat the plan's.
		req.Auth = x.auth
	}
	return x.Session.Prepare(req)
}

// Send sends p with opts, whose zero fields take the plan's values (a
// request file's directives set their own), and notes that the run got
// a response.
func (x *Exchange) Send(ctx context.Context, p *httpclient.PreparedRequest, opts httpclient.SendOptions) (*httpclient.Response, error) {
	if !x.plan.Redirects.Follows(p.Method) {
		opts.NoRedirects = true
	}
	resp, err := x.Session.Send(ctx, p, opts)
	if err == nil {
		x.answered = true
	}
	return resp, err
}

// Dial opens the WebSocket of p (Session.DialPrepared) with the plan's
// redirect policy, and notes that the run got a response when the
// handshake got one (a 101, or a refusal): its cookies are the session's
// to save.
func (x *Exchange) Dial(ctx context.Context, p *httpclient.PreparedRequest, opts httpclient.DialOptions) (*httpclient.WebSocket, *httpclient.Response, error) {
	if !x.plan.Redirects.Follows(p.Method) {
		opts.Send.NoRedirects = true
	}
	conn, resp, err := x.Session.DialPrepared(ctx, p, opts)
	if resp != nil {
		x.answered = true
	}
	return conn, resp, err
}

// Abandon says the run failed after its responses came (reading or
// printing one), so Close saves nothing: a failed exchange leaves a
// session file as it was.
func (x *Exchange) Abandon() { x.abandoned = true }

// Close saves what the run changed into a writable session file and the
// cookie jar file, when a response came and the run was not abandoned;
// then it releases the lock and the session's idle connections. It may be
// called more than once; later calls do nothing.
func (x *Exchange) Close() error {
	if x.closed {
		return nil
	}
	defer x.release()
	if !x.answered || x.abandoned {
		return nil
	}
	// Credentials a file cannot hold leave the rest saved: go on to the
	// cookie jar file and report them last.
	saveErr := x.save()
	if saveErr != nil && !errors.Is(saveErr, sessionfile.ErrUnstorableAuth) {
		return saveErr
	}
	if f := x.plan.CookieJarFile; f != "" {
		jar, ok := x.Session.Jar.(*cookiejar.Jar)
		if !ok {
			return nil
		}
		var err error
		switch {
		case f != "-":
			err = jar.SaveCookieFile(f)
		case x.plan.Stdout != nil:
			err = cookiejar.WriteCookieFile(x.plan.Stdout, jar.All())
		}
		if err != nil {
			return &Error{Step: StepCookieJarFile, Err: err}
		}
	}
	return saveErr
}

// save writes the session file back: the headers of the request Open was
// given but for the download's own, the credentials the plan gave, and
// the settings it gave.
func (x *Exchange) save() error {
	if x.File == nil || x.plan.Session.ReadOnly {
		return nil
	}
	var u sessionfile.Update
	if x.Request != nil {
		u.Header, u.HeaderOrder = http.Header{}, x.Request.HeaderOrder
		for name, values := range x.Request.Header {
			if !slices.Contains(x.implicit, http.CanonicalHeaderKey(name)) {
				u.Header[name] = values
			}
		}
	}
	if x.plan.Auth.Keep {
		u.Auth = x.Session.Auth
	}
	u.Settings = x.plan.Given
	return x.File.Save(x.Session, u)
}

// release unlocks the session file and closes idle connections.
func (x *Exchange) release() {
	x.closed = true
	if x.File != nil {
		x.File.Close()
	}
	if x.Session != nil {
		x.Session.Close()
	}
}
