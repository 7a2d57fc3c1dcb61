package httpclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeTokenEndpoint issues tok-N for the client "id"/"secret" and counts
// calls by grant type.
func fakeTokenEndpoint(t *testing.T, refresh bool) (*httptest.Server, *atomic.Int32, *atomic.Int32) {
	var cc, rt atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if id != "id" || secret != "secret" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"bad secret"}`)
			return
		}
		r.ParseForm()
		var n int32
		switch r.PostForm.Get("grant_type") {
		case "client_credentials":
			n = cc.Add(1)
		case "refresh_token":
			if r.PostForm.Get("refresh_token") != "r1" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(400)
				fmt.Fprint(w, `{"error":"invalid_grant"}`)
				return
			}
			n = 100 + rt.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		extra := ""
		if refresh {
			extra = `,"refresh_token":"r1"`
		}
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"bearer","expires_in":3600%s}`, n, extra)
	}))
	t.Cleanup(srv.Close)
	return srv, &cc, &rt
}

func TestOAuth2AuthFetchesOnce(t *testing.T) {
	t.Parallel()
	srv, cc, _ := fakeTokenEndpoint(t, false)
	a := &OAuth2Auth{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret", Scopes: []string{"read"}}
	for range 3 {
		req, _ := http.NewRequest("GET", "http://api.test/", nil)
		if err := a.Apply(req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Authorization"); got != "Bearer tok-1" {
			t.Fatalf("Authorization = %q, want Bearer tok-1", got)
		}
	}
	if n := cc.Load(); n != 1 {
		t.Errorf("token endpoint called %d times, want 1", n)
	}
	if tok := a.CurrentToken(); tok == nil || time.Until(tok.Expiry) < time.Hour-time.Minute {
		t.Errorf("CurrentToken = %+v, want an expiry an hour away", tok)
	}
}

func TestOAuth2AuthRenewal(t *testing.T) {
	t.Parallel()
	past := time.Now().Add(-time.Minute)
	tests := []struct {
		name      string
		kept      *OAuth2Token
		want      string
		wantCC    int32
		wantFresh int32
	}{
		{name: "valid kept token is used", kept: &OAuth2Token{AccessToken: "kept", Expiry: time.Now().Add(time.Hour)}, want: "Bearer kept"},
		{name: "kept token without expiry is used", kept: &OAuth2Token{AccessToken: "kept"}, want: "Bearer kept"},
		{name: "expired token is refreshed", kept: &OAuth2Token{AccessToken: "old", RefreshToken: "r1", Expiry: past}, want: "Bearer tok-101", wantFresh: 1},
		{name: "a token about to expire is refreshed", kept: &OAuth2Token{AccessToken: "old", RefreshToken: "r1", Expiry: time.Now().Add(2 * time.Second)}, want: "Bearer tok-101", wantFresh: 1},
		{name: "a refused refresh token falls back to the grant", kept: &OAuth2Token{AccessToken: "old", RefreshToken: "gone", Expiry: past}, want: "Bearer tok-1", wantCC: 1},
		{name: "expired without refresh token", kept: &OAuth2Token{AccessToken: "old", Expiry: past}, want: "Bearer tok-1", wantCC: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, cc, rt := fakeTokenEndpoint(t, false)
			a := &OAuth2Auth{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret", Token: tc.kept}
			req, _ := http.NewRequest("GET", "http://api.test/", nil)
			if err := a.Apply(req); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != tc.want {
				t.Errorf("Authorization = %q, want %q", got, tc.want)
			}
			if cc.Load() != tc.wantCC || rt.Load() != tc.wantFresh {
				t.Errorf("calls: %d client_credentials, %d refresh_token; want %d, %d", cc.Load(), rt.Load(), tc.wantCC, tc.wantFresh)
			}
			if tc.wantFresh > 0 && a.CurrentToken().RefreshToken != "r1" {
				t.Errorf("refresh token not kept after a refresh that gave none: %+v", a.CurrentToken())
			}
		})
	}
}

// TestOAuth2AuthChallenge: a 401 to a kept token (maybe revoked) fetches a
// new one once; a 401 to a fresh token is final.
func TestOAuth2AuthChallenge(t *testing.T) {
	t.Parallel()
	srv, cc, _ := fakeTokenEndpoint(t, false)
	a := &OAuth2Auth{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret", Token: &OAuth2Token{AccessToken: "revoked"}}
	unauthorized := &http.Response{StatusCode: 401}
	if retry, err := a.Challenge(unauthorized); !retry || err != nil {
		t.Fatalf("Challenge(401) on a kept token = %v, %v; want a retry", retry, err)
	}
	req, _ := http.NewRequest("GET", "http://api.test/", nil)
	if err := a.Apply(req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer tok-1" || cc.Load() != 1 {
		t.Errorf("after the retry: Authorization %q, %d calls; want Bearer tok-1, 1", got, cc.Load())
	}
	if retry, _ := a.Challenge(unauthorized); retry {
		t.Errorf("Challenge(401) on a fresh token asked for another retry")
	}
	if retry, _ := a.Challenge(&http.Response{StatusCode: 403}); retry {
		t.Errorf("Challenge(403) asked for a retry")
	}
}

func TestOAuth2AuthError(t *testing.T) {
	t.Parallel()
	srv, _, _ := fakeTokenEndpoint(t, false)
	a := &OAuth2Auth{TokenURL: srv.URL, ClientID: "id", ClientSecret: "wrong"}
	req, _ := http.NewRequest("GET", "http://api.test/", nil)
	err := a.Apply(req)
	want := "oauth2: token endpoint " + srv.URL + " answered 401: invalid_client: bad secret"
	if err == nil || err.Error() != want {
		t.Errorf("Apply with a wrong secret: %v, want %q", err, want)
	}
	if strings.Contains(fmt.Sprint(err), "wrong") {
		t.Errorf("the error shows the secret: %v", err)
	}
}

// TestOAuth2AuthTokenWithLineBreak: an access token no header can carry
// is an InvalidHeader error, not a transport failure.
func TestOAuth2AuthTokenWithLineBreak(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok\nX-Evil: 1","token_type":"bearer"}`)
	}))
	t.Cleanup(srv.Close)
	a := &OAuth2Auth{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret"}
	req, _ := http.NewRequest("GET", "http://api.test/", nil)
	if err := a.Apply(req); !errors.Is(err, ErrInvalidHeader) {
		t.Errorf("Apply with a token holding a line break: %v, want ErrInvalidHeader", err)
	}
	if v := req.Header.Get("Authorization"); v != "" {
		t.Errorf("Authorization set to %q", v)
	}
}
