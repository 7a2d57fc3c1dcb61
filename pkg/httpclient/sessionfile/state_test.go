package sessionfile

import (
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

func TestStoredAuthRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []httpclient.Auth{
		&httpclient.BasicAuth{Username: "u", Password: "p"},
		&digest.Auth{Username: "u", Password: "p"},
		&httpclient.BearerAuth{Token: "t"},
		&httpclient.SigV4Auth{AccessKeyID: "k", SecretAccessKey: "s", Region: "r", Service: "x"},
	}
	for _, a := range tests {
		stored, ok := StoredAuth(a)
		if !ok {
			t.Errorf("StoredAuth(%T) not storable", a)
			continue
		}
		back, err := stored.httpAuth()
		if err != nil {
			t.Errorf("httpAuth(%+v): %v", stored, err)
			continue
		}
		again, _ := StoredAuth(back)
		if diff := cmp.Diff(stored, again); diff != "" {
			t.Errorf("%T round trip (-want +got):\n%s", a, diff)
		}
	}
	if _, ok := StoredAuth(&httpclient.NetrcAuth{}); ok {
		t.Errorf("StoredAuth(*NetrcAuth) claims a file can hold it")
	}
}

// TestApplyAndSave checks the narrow API between a session file and
// httpclient.Session: what Apply installs, Save stores again unchanged; a
// header set since Apply replaces the stored one of its name, and the
// headers New gave the session are never stored.
func TestApplyAndSave(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	five := 5
	stored := &Session{
		Version:  Version,
		Headers:  []Header{{Name: "x-api", Value: "1"}, {Name: "User-Agent", Value: "mine"}},
		Auth:     &Auth{Type: "bearer", Token: "t"},
		Cookies:  []Cookie{{Name: "c", Value: "v", Domain: "example.test", HostOnly: true, Path: "/"}},
		Params:   []Param{{Name: "p", Value: "1"}},
		Settings: Settings{MaxRedirects: &five},
	}
	if err := Create(path, stored); err != nil {
		t.Fatal(err)
	}
	f, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sess, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(sess); err != nil {
		t.Fatal(err)
	}
	if got := sess.Header.Get("User-Agent"); got != "mine" {
		t.Errorf("stored User-Agent: session sends %q, want mine", got)
	}
	if sess.MaxRedirects != 5 {
		t.Errorf("stored max redirects: session has %d, want 5", sess.MaxRedirects)
	}
	sess.Header.Set("X-Api", "2")
	if err := f.Save(sess, Update{}); err != nil {
		t.Fatal(err)
	}
	again, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored.Auth, again.Session.Auth); diff != "" {
		t.Errorf("auth after apply and save (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(stored.Cookies, again.Session.Cookies); diff != "" {
		t.Errorf("cookies after apply and save (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(stored.Params, again.Session.Params); diff != "" {
		t.Errorf("params after apply and save (-want +got):\n%s", diff)
	}
	want := []Header{{Name: "X-Api", Value: "2"}, {Name: "User-Agent", Value: "mine"}}
	if diff := cmp.Diff(want, again.Session.Headers); diff != "" {
		t.Errorf("headers after setting X-Api: 2 (-want +got):\n%s", diff)
	}
}

// TestSaveKeepsNoDefaults: a new session saved after a request stores
// none of the headers New gives every session, only what was set.
func TestSaveKeepsNoDefaults(t *testing.T) {
	t.Parallel()
	f, err := Lock(filepath.Join(t.TempDir(), "s.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sess, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(sess); err != nil {
		t.Fatal(err)
	}
	sess.Header.Set("X-Team", "go")
	if err := f.Save(sess, Update{Header: http.Header{"X-Request": {"1"}, "Content-Type": {"text/plain"}}}); err != nil {
		t.Fatal(err)
	}
	want := []Header{{Name: "X-Team", Value: "go"}, {Name: "X-Request", Value: "1"}}
	if diff := cmp.Diff(want, f.Session.Headers); diff != "" {
		t.Errorf("headers saved (-want +got):\n%s", diff)
	}
}

// TestSaveAuth: credentials given for the use are kept; anything else set
// on the session is not, and credentials a file cannot hold are refused
// with ErrUnstorableAuth while the rest is saved.
func TestSaveAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		set      httpclient.Auth // put on the session after Apply
		given    httpclient.Auth // Update.Auth
		want     *Auth
		unstored bool
	}{
		{name: "nothing given keeps the stored", set: &httpclient.BearerAuth{Token: "env"}, want: &Auth{Type: "bearer", Token: "old"}},
		{name: "given is kept", given: &httpclient.BasicAuth{Username: "u", Password: "p"}, want: &Auth{Type: "basic", Username: "u", Password: "p"}},
		{name: "unstorable given", given: &httpclient.NetrcAuth{}, want: &Auth{Type: "bearer", Token: "old"}, unstored: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "s.json")
			if err := Create(path, &Session{Auth: &Auth{Type: "bearer", Token: "old"}}); err != nil {
				t.Fatal(err)
			}
			f, err := Lock(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sess := &httpclient.Session{}
			if err := f.Apply(sess); err != nil {
				t.Fatal(err)
			}
			if tc.set != nil {
				sess.Auth = tc.set
			}
			err = f.Save(sess, Update{Auth: tc.given, Header: http.Header{"X-Kept": {"1"}}})
			if got := errors.Is(err, ErrUnstorableAuth); got != tc.unstored {
				t.Errorf("Save error %v; unstorable = %v, want %v", err, got, tc.unstored)
			}
			again, rerr := Read(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if diff := cmp.Diff(tc.want, again.Session.Auth); diff != "" {
				t.Errorf("stored auth (-want +got):\n%s", diff)
			}
			if len(again.Session.Headers) != 1 {
				t.Errorf("stored headers %v, want X-Kept saved beside the auth", again.Session.Headers)
			}
		})
	}
}

// TestApplyKeepsHeaderOrder: stored headers go out in the order the file
// lists them, and Save writes new ones after them in the order given.
func TestApplyKeepsHeaderOrder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	if err := Create(path, &Session{Headers: []Header{{"X-Zulu", "1"}, {"X-Alpha", "2"}}}); err != nil {
		t.Fatal(err)
	}
	f, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sess := &httpclient.Session{}
	if err := f.Apply(sess); err != nil {
		t.Fatal(err)
	}
	p, err := sess.Prepare(&httpclient.Request{URL: "http://example.test/"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range sess.Head(p, "HTTP/1.1").Header {
		got = append(got, h.Name)
	}
	if diff := cmp.Diff([]string{"Host", "X-Zulu", "X-Alpha"}, got); diff != "" {
		t.Errorf("head order (-want +got):\n%s", diff)
	}
	u := Update{Header: http.Header{"X-B": {"b"}, "X-A": {"a"}}, HeaderOrder: []string{"X-B", "X-A"}}
	if err := f.Save(sess, u); err != nil {
		t.Fatal(err)
	}
	want := []Header{{"X-Zulu", "1"}, {"X-Alpha", "2"}, {"X-B", "b"}, {"X-A", "a"}}
	if diff := cmp.Diff(want, f.Session.Headers); diff != "" {
		t.Errorf("saved headers (-want +got):\n%s", diff)
	}
}
