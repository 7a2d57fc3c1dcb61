package cmd

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/spf13/pflag"
)

// sessionRun is one invocation's view of the session flags: parsed
// arguments, an environment whose config dir is dir, and a fake network
// that answers 200.
type sessionRun struct {
	opts *requestOptions
	env  *requestEnv
	o    httpclient.Options
}

func newSessionRun(t *testing.T, dir, rawURL string, header http.Header, args ...string) *sessionRun {
	t.Helper()
	opts := &requestOptions{}
	fs := pflag.NewFlagSet("reqs", pflag.ContinueOnError)
	opts.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	ios, _, _, _ := TestIOStreams()
	ios.LookupEnv = func(k string) (string, bool) {
		if k == config.DirEnv {
			return dir, true
		}
		return "", false
	}
	opts.IO, opts.Changed, opts.Typed = ios, fs.Changed, typedOn(fs)
	opts.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
	})
	env := &requestEnv{
		IO: ios, Opts: opts, URL: rawURL, Method: "GET", Changed: fs.Changed,
		Request: &httpclient.Request{Method: "GET", URL: rawURL, Header: header},
	}
	return &sessionRun{opts: opts, env: env}
}

// open plans and opens the exchange as runRequest does, keeping the
// session's options for the tests to inspect; the exchange closes when
// the test ends.
func (r *sessionRun) open(t *testing.T) error {
	t.Helper()
	plan, err := r.opts.plan(r.env)
	if err != nil {
		return err
	}
	x, err := openExchange(r.env, plan)
	if err != nil {
		return err
	}
	t.Cleanup(func() { x.Close() })
	r.o = x.Session.TransportOptions()
	return nil
}

// start opens the exchange and sends the request through it, as
// runRequest does; the function it returns saves the session.
func (r *sessionRun) start(t *testing.T) func() error {
	t.Helper()
	if err := r.open(t); err != nil {
		t.Fatalf("open: %v", err)
	}
	prep, err := prepareRequest(r.env)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	if _, err := sendExchange(context.Background(), r.env, prep, exchangeCall{}); err != nil {
		t.Fatalf("send: %v", err)
	}
	return func() error { return closeExchange(r.env, r.env.X) }
}

func mustParseURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSessionSaveAndReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const target = "http://example.com:8080/api"

	// First run: headers, auth and a Cookie item given; the server sets a
	// cookie too.
	first := newSessionRun(t, dir, target, http.Header{
		"X-Api":        {"1"},
		"Content-Type": {"text/plain"},
		"If-Match":     {"x"},
		"Cookie":       {"given=1"},
	}, "--session", "work", "-a", "user:pw", "--timeout", "3,4", "--max-redirects", "5")
	save := first.start(t)
	first.env.Session.Jar.SetCookies(mustParseURL(t, target), []*http.Cookie{{Name: "server", Value: "2"}})
	if err := save(); err != nil {
		t.Fatalf("save: %v", err)
	}

	path := filepath.Join(dir, "sessions", "example.com_8080", "work.json")
	f, err := sessionfile.Read(path)
	if err != nil || !f.Exists {
		t.Fatalf("Read(%s) = %v, %v", path, f, err)
	}
	s := f.Session
	five, three, four := 5, 3*time.Second, 4*time.Second
	want := &sessionfile.Session{
		Version: sessionfile.Version,
		Headers: []sessionfile.Header{{Name: "X-Api", Value: "1"}},
		Auth:    &sessionfile.Auth{Type: "basic", Username: "user", Password: "pw"},
		Cookies: []sessionfile.Cookie{
			{Name: "given", Value: "1", Domain: "example.com", HostOnly: true, Path: "/"},
			{Name: "server", Value: "2", Domain: "example.com", HostOnly: true, Path: "/"},
		},
		Settings: sessionfile.Settings{MaxRedirects: &five, ConnectTimeout: &three, ReadTimeout: &four},
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("saved session (-want +got):\n%s", diff)
	}

	// Second run, nothing given: the session supplies everything.
	second := newSessionRun(t, dir, target, nil, "--session", "work")
	save2 := second.start(t)
	env := second.env
	if got := env.Session.Header.Get("X-Api"); got != "1" {
		t.Errorf("reloaded session header X-Api = %q, want 1", got)
	}
	if a, ok := env.Session.Auth.(*httpclient.BasicAuth); !ok || a.Username != "user" || a.Password != "pw" {
		t.Errorf("reloaded session auth = %#v, want basic user:pw", env.Session.Auth)
	}
	if got := len(env.Session.Jar.Cookies(mustParseURL(t, target))); got != 2 {
		t.Errorf("reloaded jar sends %d cookies, want 2", got)
	}
	if second.o.ConnectTimeout != 3*time.Second || second.o.ReadTimeout != 4*time.Second {
		t.Errorf("reloaded timeouts = %v,%v; want 3s,4s", second.o.ConnectTimeout, second.o.ReadTimeout)
	}
	if env.Session.MaxRedirects != 5 {
		t.Errorf("reloaded max redirects = %d, want 5", env.Session.MaxRedirects)
	}
	if err := save2(); err != nil {
		t.Fatal(err)
	}

	// Third run overrides the timeout and a header on the command line;
	// both are saved.
	third := newSessionRun(t, dir, target, http.Header{"X-Api": {"2"}}, "--session", "work", "--timeout", "7")
	save3 := third.start(t)
	if third.o.ReadTimeout != 7*time.Second {
		t.Errorf("--timeout 7 over a session's 3,4: read timeout %v, want 7s", third.o.ReadTimeout)
	}
	if err := save3(); err != nil {
		t.Fatal(err)
	}
	f, err = sessionfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	s = f.Session
	if *s.ReadTimeout != 7*time.Second || len(s.Headers) != 1 || s.Headers[0].Value != "2" {
		t.Errorf("after overriding: read timeout %v, headers %v; want 7s and X-Api: 2", *s.ReadTimeout, s.Headers)
	}
}

func TestSessionReadOnlyLeavesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	content := `{"version": 1, "headers": [{"name": "X-A", "value": "1"}], "cookies": []}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := newSessionRun(t, dir, "http://example.com/", http.Header{"X-B": {"2"}}, "--session-read-only", path)
	if err := r.start(t)(); err != nil {
		t.Fatal(err)
	}
	if got := r.env.Session.Header.Get("X-A"); got != "1" {
		t.Errorf("read-only session header X-A = %q, want 1", got)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != content {
		t.Errorf("read-only session file changed to %s", got)
	}
}

func TestSessionOptionsMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	content := `{"version": 1, "verify": "no", "proxies": {"http": "http://p:1", "https": "http://p:2"}, "timeout": "2"}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		args         []string
		wantInsecure bool
		wantRead     time.Duration
	}{
		{"session fills unset flags", nil, true, 2 * time.Second},
		{"flags win", []string{"--verify", "yes", "--timeout", "9"}, false, 9 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newSessionRun(t, dir, "http://example.com/", nil, append([]string{"--session-read-only", path}, tc.args...)...)
			if err := r.open(t); err != nil {
				t.Fatal(err)
			}
			if r.o.InsecureSkipVerify != tc.wantInsecure || r.o.ReadTimeout != tc.wantRead {
				t.Errorf("args %q: insecure %v, read timeout %v; want %v, %v", tc.args, r.o.InsecureSkipVerify, r.o.ReadTimeout, tc.wantInsecure, tc.wantRead)
			}
			if diff := cmp.Diff(map[string]string{"http": "http://p:1", "https": "http://p:2"}, r.o.Proxies); diff != "" {
				t.Errorf("args %q: proxies (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestSessionFlagErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		wantUsage bool
	}{
		{"both flags", []string{"--session", "a", "--session-read-only", "b"}, true},
		{"bad name", []string{"--session", "a b"}, true},
		{"unparseable file", []string{"--session", bad}, false},
		{"unparseable file read-only", []string{"--session-read-only", bad}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newSessionRun(t, dir, "http://example.com/", nil, tc.args...)
			err := r.open(t)
			if err == nil {
				t.Fatalf("opening with %q succeeded, want an error", tc.args)
			}
			if got := exitCode(err) == exitUsage; got != tc.wantUsage {
				t.Errorf("opening with %q: error %v has exit code %d, want usage %v", tc.args, err, exitCode(err), tc.wantUsage)
			}
		})
	}
	if got, _ := os.ReadFile(bad); string(got) != "{oops" {
		t.Errorf("unparseable session file changed to %q", got)
	}
}

func TestOpenWithoutSessionGivesJar(t *testing.T) {
	t.Parallel()
	r := newSessionRun(t, t.TempDir(), "http://example.com/", nil)
	if err := r.start(t)(); err != nil {
		t.Fatal(err)
	}
	if r.env.Session.Jar == nil {
		t.Errorf("load without --session left the session without a cookie jar")
	}
}

func TestSessionAbandonedNotSaved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	r := newSessionRun(t, dir, "http://example.com/", http.Header{"X-A": {"1"}}, "--session", path)
	r.start(t)
	r.env.X.Abandon()
	if err := closeExchange(r.env, r.env.X); err != nil {
		t.Fatal(err)
	}
	f, ok, err := sessionfile.TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock after an abandoned exchange = %v, %v: the lock is still held", ok, err)
	}
	defer f.Close()
	if f.Exists {
		t.Errorf("an abandoned exchange saved the session")
	}
}
