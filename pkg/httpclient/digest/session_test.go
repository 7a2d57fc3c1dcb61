package digest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/reqs-cli/reqs/internal/testserver"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

func sendDigest(t *testing.T, s *httpclient.Session, auth httpclient.Auth, method, rawURL string, body []byte) (int, string) {
	t.Helper()
	req := &httpclient.Request{Method: method, URL: rawURL, Auth: auth}
	if body != nil {
		req.Body = httpclient.BytesBody(body)
	}
	resp, err := s.Do(context.Background(), req, httpclient.SendOptions{})
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	b, err := resp.Bytes()
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, rawURL, err)
	}
	return resp.StatusCode, string(b)
}

func newTestSession(t *testing.T) *httpclient.Session {
	t.Helper()
	s, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestDigestAuthAgainstHTTPBin(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpbin.New())
	t.Cleanup(srv.Close)
	tests := []struct {
		name, path, password string
		wantStatus           int
	}{
		{name: "MD5", path: "/digest-auth/auth/u/p/MD5", password: "p", wantStatus: 200},
		{name: "SHA-256", path: "/digest-auth/auth/u/p/SHA-256", password: "p", wantStatus: 200},
		{name: "wrong password", path: "/digest-auth/auth/u/p/MD5", password: "nope", wantStatus: 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSession(t)
			status, body := sendDigest(t, s, &digest.Auth{Username: "u", Password: tc.password}, "GET", srv.URL+tc.path, nil)
			if status != tc.wantStatus {
				t.Errorf("GET %s with password %q: status %d, want %d (body %s)", tc.path, tc.password, status, tc.wantStatus, body)
			}
		})
	}
}

func TestDigestAuthReusesChallenge(t *testing.T) {
	t.Parallel()
	for _, algo := range []string{"MD5", "MD5-sess", "SHA-256", "SHA-512-256-sess"} {
		t.Run(algo, func(t *testing.T) {
			t.Parallel()
			ds := &testserver.Digest{User: "u", Password: "p", Algorithm: algo, QOP: "auth"}
			srv, s, auth := startDigest(t, ds)
			var got []string
			for _, path := range []string{"/a", "/b?page=2", "/c"} {
				status, body := sendDigest(t, s, auth, "GET", srv.URL+path, nil)
				got = append(got, fmt.Sprintf("%d %s", status, body))
			}
			want := []string{"200 ok nc=00000001", "200 ok nc=00000002", "200 ok nc=00000003"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("three GETs with one Auth (-want +got):\n%s", diff)
			}
			// One 401 for the first request, then every request answered
			// from the kept challenge.
			if n := ds.Requests(); n != 4 {
				t.Errorf("server saw %d requests, want 4", n)
			}
		})
	}
}

func TestDigestAuthStale(t *testing.T) {
	t.Parallel()
	t.Run("stale nonce retried with the new one", func(t *testing.T) {
		t.Parallel()
		ds := &testserver.Digest{User: "u", Password: "p", Algorithm: "MD5", QOP: "auth", ExpireAfterUse: true}
		srv, s, auth := startDigest(t, ds)
		var got []string
		for i := 0; i < 3; i++ {
			status, body := sendDigest(t, s, auth, "GET", srv.URL+"/x", nil)
			got = append(got, fmt.Sprintf("%d %s", status, body))
		}
		want := []string{"200 ok nc=00000001", "200 ok nc=00000001", "200 ok nc=00000001"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GETs whose nonce expires after each use (-want +got):\n%s", diff)
		}
		if n := ds.Requests(); n != 6 {
			t.Errorf("server saw %d requests, want 6 (401, 200, then stale 401 + 200 twice)", n)
		}
	})
	t.Run("stale retried only once", func(t *testing.T) {
		t.Parallel()
		ds := &testserver.Digest{User: "u", Password: "p", Algorithm: "MD5", QOP: "auth"}
		srv, s, auth := startDigest(t, ds)
		if status, body := sendDigest(t, s, auth, "GET", srv.URL+"/x", nil); status != 200 {
			t.Fatalf("first GET: %d %s", status, body)
		}
		ds.AlwaysStale()
		before := ds.Requests()
		status, _ := sendDigest(t, s, auth, "GET", srv.URL+"/x", nil)
		if status != 401 {
			t.Errorf("GET against a server that is always stale: status %d, want 401", status)
		}
		if n := ds.Requests() - before; n != 2 {
			t.Errorf("server saw %d requests for it, want 2 (one stale retry)", n)
		}
	})
}

// TestDigestAuthKeptChallengeRefused: a server that forgot the nonce of
// the kept challenge and answers with a new one, without stale=true (or a
// path in another protection space), gets the request answered again, as
// Requests' handle_401 does.
func TestDigestAuthKeptChallengeRefused(t *testing.T) {
	t.Parallel()
	ds := &testserver.Digest{User: "u", Password: "p", Algorithm: "SHA-256", QOP: "auth"}
	srv, s, auth := startDigest(t, ds)
	if status, body := sendDigest(t, s, auth, "GET", srv.URL+"/a", nil); status != 200 {
		t.Fatalf("first GET: %d %s", status, body)
	}
	ds.ForgetNonces()
	before := ds.Requests()
	status, body := sendDigest(t, s, auth, "GET", srv.URL+"/b", nil)
	if got := fmt.Sprintf("%d %s", status, body); got != "200 ok nc=00000001" {
		t.Errorf("GET after the server forgot its nonces: %s, want 200 ok nc=00000001", got)
	}
	if n := ds.Requests() - before; n != 2 {
		t.Errorf("server saw %d requests for it, want 2 (the refused kept answer, then the new one)", n)
	}
	// Wrong credentials still end at the first answer to a fresh
	// challenge.
	bad := &digest.Auth{Username: "u", Password: "wrong"}
	before = ds.Requests()
	if status, _ := sendDigest(t, s, bad, "GET", srv.URL+"/c", nil); status != 401 {
		t.Errorf("GET with a wrong password: status %d, want 401", status)
	}
	if n := ds.Requests() - before; n != 2 {
		t.Errorf("server saw %d requests with a wrong password, want 2", n)
	}
}

func TestDigestAuthInt(t *testing.T) {
	t.Parallel()
	ds := &testserver.Digest{User: "u", Password: "p", Algorithm: "SHA-256", QOP: "auth-int"}
	srv := httptest.NewServer(ds)
	t.Cleanup(srv.Close)
	s := newTestSession(t)
	status, body := sendDigest(t, s, &digest.Auth{Username: "u", Password: "p"}, "POST", srv.URL+"/upload", []byte("hello body"))
	if status != 200 {
		t.Errorf("POST with qop=auth-int: %d %s, want 200", status, body)
	}
	if last := ds.LastBody(); last != "hello body" {
		t.Errorf("server got body %q after hashing it, want %q", last, "hello body")
	}
}

// startDigest serves ds for the test and returns its server, a session
// and the Auth of the user ds expects (u, p).
func startDigest(t *testing.T, ds *testserver.Digest) (*httptest.Server, *httpclient.Session, *digest.Auth) {
	t.Helper()
	srv := httptest.NewServer(ds)
	t.Cleanup(srv.Close)
	return srv, newTestSession(t), &digest.Auth{Username: "u", Password: "p"}
}
