package exchange

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// ok answers every request with 200 and a cookie, without a network.
type ok struct{}

func (ok) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Set-Cookie": {"c=1; Path=/"}}
	return &http.Response{StatusCode: 200, Header: h, Body: http.NoBody, Request: r}, nil
}

// exchangeOnce opens p for req, sends it and closes.
func exchangeOnce(t *testing.T, p Plan, req *httpclient.Request, abandon bool) *Exchange {
	t.Helper()
	p.Transport = ok{}
	x, err := Open(p, req)
	if err != nil {
		t.Fatal(err)
	}
	prep, err := x.Prepare(req)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := x.Send(context.Background(), prep, httpclient.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if abandon {
		x.Abandon()
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	return x
}

func ptr[T any](v T) *T { return &v }

// TestOpenMergesSettings: the plan's given settings beat the stored
// session's, which beat the rest of the plan's options; given ones are
// kept in the file.
func TestOpenMergesSettings(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	stored := &sessionfile.Session{Settings: sessionfile.Settings{
		ConnectTimeout: ptr(2 * time.Second), ReadTimeout: ptr(2 * time.Second),
		Proxies: map[string]string{"http": "http://stored:1"},
	}}
	if err := sessionfile.Create(path, stored); err != nil {
		t.Fatal(err)
	}
	p := Plan{
		Options: httpclient.Options{ConnectTimeout: time.Minute, ReadTimeout: time.Minute},
		Given:   sessionfile.Settings{Proxies: map[string]string{"https": "http://given:1"}, Insecure: ptr(true)},
		Session: SessionRef{Path: path},
	}
	x := exchangeOnce(t, p, &httpclient.Request{URL: "http://example.test/"}, false)
	got := x.Session.TransportOptions()
	if got.ReadTimeout != 2*time.Second || !got.InsecureSkipVerify {
		t.Errorf("options: read timeout %v, insecure %v; want the stored 2s and the given insecure", got.ReadTimeout, got.InsecureSkipVerify)
	}
	if diff := cmp.Diff(map[string]string{"http": "http://stored:1", "https": "http://given:1"}, got.Proxies); diff != "" {
		t.Errorf("proxies (-want +got):\n%s", diff)
	}
	f, err := sessionfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Session; s.Insecure == nil || !*s.Insecure || s.Proxies["https"] != "http://given:1" || *s.ReadTimeout != 2*time.Second {
		t.Errorf("saved settings %+v; want the given ones kept beside the stored", s.Settings)
	}
}

// TestCloseSaves: a writable session is saved when the run got a
// response, never when it was abandoned or read-only, and never with the
// download's own headers or the plan's default headers.
func TestCloseSaves(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		readOnly    bool
		abandon     bool
		download    bool
		wantSaved   bool
		wantHeaders []sessionfile.Header
	}{
		{name: "saved", wantSaved: true, wantHeaders: []sessionfile.Header{{Name: "X-Team", Value: "go"}}},
		{name: "abandoned", abandon: true},
		{name: "read-only", readOnly: true},
		{name: "download headers not kept", download: true, wantSaved: true, wantHeaders: []sessionfile.Header{{Name: "X-Team", Value: "go"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "s.json")
			p := Plan{Session: SessionRef{Path: path, ReadOnly: tc.readOnly}, Header: http.Header{"User-Agent": {"test/1"}}}
			if tc.download {
				target := filepath.Join(dir, "f.bin")
				if err := os.WriteFile(download.PartPath(target), []byte("abc"), 0o600); err != nil {
					t.Fatal(err)
				}
				p.Download = &download.File{Path: target, Resume: true}
			}
			req := &httpclient.Request{URL: "http://example.test/", Header: http.Header{"X-Team": {"go"}}}
			exchangeOnce(t, p, req, tc.abandon)
			if tc.download && req.Header.Get("Range") != "bytes=3-" {
				t.Errorf("the download did not prepare the request: Range %q", req.Header.Get("Range"))
			}
			f, err := sessionfile.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Exists != tc.wantSaved {
				t.Fatalf("session file exists = %v, want %v", f.Exists, tc.wantSaved)
			}
			if !tc.wantSaved {
				return
			}
			if diff := cmp.Diff(tc.wantHeaders, f.Session.Headers); diff != "" {
				t.Errorf("saved headers (-want +got):\n%s", diff)
			}
			if len(f.Session.Cookies) != 1 {
				t.Errorf("saved cookies %v, want the server's", f.Session.Cookies)
			}
		})
	}
}

// TestOpenErrors: each step's failure names the step, and a setting a
// stored session gave is told from one the plan gave.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	stored := filepath.Join(dir, "stored.json")
	if err := sessionfile.Create(stored, &sessionfile.Session{Settings: sessionfile.Settings{CABundle: missing}}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		plan       Plan
		wantStep   Step
		wantStored bool
	}{
		{name: "session file unparsable", plan: Plan{Session: SessionRef{Path: bad}}, wantStep: StepSession},
		{name: "given CA bundle missing", plan: Plan{Options: httpclient.Options{CABundle: missing}}, wantStep: StepBuild},
		{name: "stored CA bundle missing", plan: Plan{Session: SessionRef{Path: stored, ReadOnly: true}}, wantStep: StepBuild, wantStored: true},
		{name: "cookie file missing", plan: Plan{CookieFile: missing}, wantStep: StepCookieFile},
		{name: "cookie jar in a missing directory", plan: Plan{CookieJarFile: filepath.Join(dir, "no", "jar.txt")}, wantStep: StepCookieJarFile},
		{name: "sigv4 without keys", plan: Plan{Auth: AuthSpec{Scheme: httpclient.AuthSigV4}, LookupEnv: func(string) (string, bool) { return "", false }}, wantStep: StepAuth},
		{name: "password without a prompt", plan: Plan{Auth: AuthSpec{Credentials: "user"}}, wantStep: StepAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Open(tc.plan, &httpclient.Request{URL: "http://example.test/"})
			var xe *Error
			if !errors.As(err, &xe) || xe.Step != tc.wantStep || xe.Stored != tc.wantStored {
				t.Errorf("Open error %v (%+v), want step %d, stored %v", err, xe, tc.wantStep, tc.wantStored)
			}
		})
	}
}

// TestRedirectsFollows is the plan's redirect policy per method.
func TestRedirectsFollows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r      Redirects
		method string
		want   bool
	}{
		{RedirectsByMethod, "GET", true},
		{RedirectsByMethod, "POST", true},
		{RedirectsByMethod, "HEAD", false},
		{RedirectsAlways, "HEAD", true},
		{RedirectsNever, "GET", false},
	}
	for _, tc := range tests {
		if got := tc.r.Follows(tc.method); got != tc.want {
			t.Errorf("Redirects(%d).Follows(%s) = %v, want %v", tc.r, tc.method, got, tc.want)
		}
	}
}

// TestFailedOpenLeavesNothing: Open's steps run in a fixed order, lock
// first and the download last, so an Open that fails on the way (here
// resolving credentials) has not touched the request for the download and
// has released the session file for the next run.
func TestFailedOpenLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	out := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(download.PartPath(out), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	plan := Plan{
		Session:  SessionRef{Path: path},
		Auth:     AuthSpec{Credentials: "user"}, // no password and no way to ask
		Download: &download.File{Path: out, Resume: true},
	}
	req := &httpclient.Request{URL: "http://example.test/"}
	if _, err := Open(plan, req); err == nil {
		t.Fatal("Open with a password it cannot ask for succeeded")
	}
	if len(req.Header) != 0 {
		t.Errorf("the failed Open set %v on the request; the download is prepared last", req.Header)
	}
	f, ok, err := sessionfile.TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock after a failed Open = %v, %v; want the session file released", ok, err)
	}
	f.Close()

	// With the credentials complete, the same plan resumes the download.
	plan.Auth.Credentials = "user:pass"
	x, err := Open(plan, req)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := req.Header.Get("Range"); got != "bytes=4-" {
		t.Errorf("Range = %q, want bytes=4- for the 4 bytes on disk", got)
	}
}
