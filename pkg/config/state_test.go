package config

import (
	"net/http"
	"testing"
	"time"

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

// TestSessionApplyAndTakeBack checks the narrow API between a session
// file and httpclient.Session: what ApplyTo installs, State returns, and
// TakeBack stores it again unchanged; a header taken back replaces the
// stored one of its name.
func TestSessionApplyAndTakeBack(t *testing.T) {
	t.Parallel()
	now := time.Now()
	stored := &Session{
		Version: SessionVersion,
		Headers: []Header{{Name: "x-api", Value: "1"}, {Name: "User-Agent", Value: "mine"}},
		Auth:    &Auth{Type: "bearer", Token: "t"},
		Cookies: []Cookie{{Name: "c", Value: "v", Domain: "example.test", HostOnly: true, Path: "/"}},
		Params:  []Param{{Name: "p", Value: "1"}},
	}
	sess, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := stored.ApplyTo(sess); err != nil {
		t.Fatal(err)
	}
	if got := sess.Header.Get("User-Agent"); got != "mine" {
		t.Errorf("stored User-Agent: session sends %q, want mine", got)
	}
	st := sess.State(now)
	again := &Session{Version: SessionVersion}
	if err := again.TakeBack(st, now); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored.Auth, again.Auth); diff != "" {
		t.Errorf("auth after apply and take back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(stored.Cookies, again.Cookies); diff != "" {
		t.Errorf("cookies after apply and take back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(stored.Params, again.Params); diff != "" {
		t.Errorf("params after apply and take back (-want +got):\n%s", diff)
	}
	if err := stored.TakeBack(httpclient.State{Header: http.Header{"X-Api": {"2"}}}, now); err != nil {
		t.Fatal(err)
	}
	want := []Header{{Name: "User-Agent", Value: "mine"}, {Name: "X-Api", Value: "2"}}
	if diff := cmp.Diff(want, stored.Headers); diff != "" {
		t.Errorf("headers after taking back X-Api: 2 (-want +got):\n%s", diff)
	}
}
