package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func parseRedirectURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", raw, err)
	}
	return u
}

func TestRebuildMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		status int
		want   string
	}{
		{"POST", 301, "GET"},
		{"PUT", 301, "PUT"},
		{"HEAD", 301, "HEAD"},
		{"POST", 302, "GET"},
		{"PUT", 302, "GET"},
		{"HEAD", 302, "HEAD"},
		{"POST", 303, "GET"},
		{"DELETE", 303, "GET"},
		{"HEAD", 303, "HEAD"},
		{"POST", 307, "POST"},
		{"PUT", 307, "PUT"},
		{"POST", 308, "POST"},
		{"PATCH", 308, "PATCH"},
		{"GET", 301, "GET"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s_%d", tc.method, tc.status), func(t *testing.T) {
			t.Parallel()
			if got := rebuildMethod(tc.method, tc.status); got != tc.want {
				t.Errorf("rebuildMethod(%s, %d) = %s, want %s", tc.method, tc.status, got, tc.want)
			}
		})
	}
}

// The cases of Requests' test_should_strip_auth_* tests.
func TestShouldStripAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		want     bool
	}{
		{"http://example.com/foo", "http://example.com/bar", false},
		{"http://example.com/foo", "http://EXAMPLE.com/bar", false},
		{"http://example.com/foo", "http://other.example.com/bar", true},
		{"http://example.com/foo", "http://example.org/bar", true},
		{"http://sub.example.com/foo", "http://example.com/bar", true},
		{"http://example.com/foo", "https://example.com/bar", false},
		{"http://example.com:80/foo", "https://example.com/bar", false},
		{"http://example.com/foo", "https://example.com:443/bar", false},
		{"https://example.com/foo", "http://example.com/bar", true},
		{"http://example.com:8080/foo", "https://example.com/bar", true},
		{"http://example.com/foo", "https://example.com:8443/bar", true},
		{"http://example.com/foo", "http://example.com:80/bar", false},
		{"https://example.com/foo", "https://example.com:443/bar", false},
		{"http://example.com:8080/foo", "http://example.com:8081/bar", true},
		{"http://example.com:8080/foo", "http://example.com:8080/bar", false},
		{"http://example.com/foo", "http://example.com:8080/bar", true},
		{"http://127.0.0.1:8080/foo", "http://localhost:8080/bar", true},
	}
	for _, tc := range tests {
		t.Run(tc.from+"->"+tc.to, func(t *testing.T) {
			t.Parallel()
			got := shouldStripAuth(parseRedirectURL(t, tc.from), parseRedirectURL(t, tc.to))
			if got != tc.want {
				t.Errorf("shouldStripAuth(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestRedirectTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, location, fragment string
		want                           string
		wantErr                        error
	}{
		{name: "absolute", base: "http://a.test/x", location: "http://b.test/y?q=1", want: "http://b.test/y?q=1"},
		{name: "relative path", base: "http://a.test/dir/x?q", location: "y/z", want: "http://a.test/dir/y/z"},
		{name: "absolute path", base: "http://a.test/dir/x", location: "/top", want: "http://a.test/top"},
		{name: "dot segments", base: "http://a.test/a/b/c", location: "../d", want: "http://a.test/a/d"},
		{name: "query only", base: "http://a.test/p?old", location: "?new=1", want: "http://a.test/p?new=1"},
		{name: "scheme-relative", base: "https://a.test/x", location: "//b.test/y", want: "https://b.test/y"},
		{name: "fragment carried over", base: "http://a.test/x", location: "/y", fragment: "frag", want: "http://a.test/y#frag"},
		{name: "new fragment wins", base: "http://a.test/x", location: "/y#new", fragment: "old", want: "http://a.test/y#new"},
		{name: "spaces and unicode requoted", base: "http://a.test/x", location: "/a b/é", want: "http://a.test/a%20b/%C3%A9"},
		{name: "escapes kept", base: "http://a.test/x", location: "/a%2Fb", want: "http://a.test/a%2Fb"},
		{name: "upper-case scheme", base: "http://a.test/x", location: "HTTPS://b.test/", want: "https://b.test/"},
		{name: "idna host", base: "http://a.test/x", location: "http://bücher.example/", want: "http://xn--bcher-kva.example/"},
		{name: "credentials removed", base: "http://a.test/x", location: "http://u:p@b.test/", want: "http://b.test/"},
		{name: "file refused", base: "http://a.test/x", location: "file:///etc/passwd", wantErr: ErrInvalidURL},
		{name: "ftp refused", base: "http://a.test/x", location: "ftp://b.test/f", wantErr: ErrInvalidURL},
		{name: "javascript refused", base: "http://a.test/x", location: "javascript:alert(1)", wantErr: ErrInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := redirectTarget(parseRedirectURL(t, tc.base), tc.location, tc.fragment)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("redirectTarget(%s, %q) error = %v, want %v", tc.base, tc.location, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("redirectTarget(%s, %q): %v", tc.base, tc.location, err)
			}
			if got.String() != tc.want {
				t.Errorf("redirectTarget(%s, %q, %q) = %s, want %s", tc.base, tc.location, tc.fragment, got, tc.want)
			}
		})
	}
}

type hostScopedTestAuth struct{ BasicAuth }

func (hostScopedTestAuth) HostScoped() bool { return true }

func TestNextHop(t *testing.T) {
	t.Parallel()
	basic := &BasicAuth{Username: "u", Password: "p"}
	scoped := &hostScopedTestAuth{}
	tests := []struct {
		name       string
		method     string
		status     int
		target     string
		auth       Auth
		wantMethod string
		wantBody   bool
		wantHeader []string // header names left, sorted
		wantAuth   Auth
	}{
		{
			name: "302 POST becomes bodiless GET", method: "POST", status: 302, target: "http://a.test/next", auth: basic,
			wantMethod: "GET", wantHeader: []string{"Accept", "Authorization", "Cookie", "Host"}, wantAuth: basic,
		},
		{
			name: "307 keeps method and body", method: "POST", status: 307, target: "http://a.test/next", auth: basic,
			wantMethod: "POST", wantBody: true, wantHeader: []string{"Accept", "Authorization", "Content-Length", "Content-Type", "Cookie", "Host"}, wantAuth: basic,
		},
		{
			name: "308 to another host drops credentials and host-bound headers", method: "PUT", status: 308, target: "http://b.test/next", auth: basic,
			wantMethod: "PUT", wantBody: true, wantHeader: []string{"Accept", "Content-Length", "Content-Type"},
		},
		{
			name: "301 PUT keeps the method but not the body", method: "PUT", status: 301, target: "http://a.test/next", auth: basic,
			wantMethod: "PUT", wantHeader: []string{"Accept", "Authorization", "Cookie", "Host"}, wantAuth: basic,
		},
		{
			name: "host-scoped auth survives a host change", method: "GET", status: 302, target: "http://b.test/", auth: scoped,
			wantMethod: "GET", wantHeader: []string{"Accept"}, wantAuth: scoped,
		},
		{
			name: "https upgrade keeps credentials", method: "GET", status: 301, target: "https://a.test/", auth: basic,
			wantMethod: "GET", wantHeader: []string{"Accept", "Authorization", "Cookie", "Host"}, wantAuth: basic,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			prev := &PreparedRequest{
				Method: tc.method,
				URL:    parseRedirectURL(t, "http://a.test/start"),
				Header: http.Header{
					"Accept":              {"*/*"},
					"Authorization":       {"Bearer item"},
					"Content-Type":        {"application/json"},
					"Content-Length":      {"2"},
					"Cookie":              {"typed=1"},
					"Host":                {"a.test"},
					"Proxy-Authorization": {"Basic eDp5"},
				},
				Auth: tc.auth,
			}
			prev.SetBody(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("{}")), nil }, 2)
			next := nextHop(prev, tc.status, parseRedirectURL(t, tc.target))
			var names []string
			for name := range next.Header {
				names = append(names, name)
			}
			if next.Method != tc.wantMethod || next.HasBody() != tc.wantBody || next.Auth != tc.wantAuth {
				t.Errorf("nextHop(%s, %d, %s) = method %s, body %v, auth %v; want %s, %v, %v",
					tc.method, tc.status, tc.target, next.Method, next.HasBody(), next.Auth, tc.wantMethod, tc.wantBody, tc.wantAuth)
			}
			if diff := cmp.Diff(tc.wantHeader, names, cmpSortStrings); diff != "" {
				t.Errorf("nextHop(%s, %d, %s) headers (-want +got):\n%s", tc.method, tc.status, tc.target, diff)
			}
			if prev.Header.Get("Authorization") == "" || !prev.HasBody() {
				t.Errorf("nextHop changed the previous request")
			}
		})
	}
}

var cmpSortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// redirectServer answers /chain/N with a redirect to /chain/N-1 until 0,
// /to?url=U&status=S with a redirect to U, and anything else by echoing
// what it received.
func redirectServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/chain/"):
			var n int
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/chain/"), "%d", &n)
			if n > 0 {
				http.SetCookie(w, &http.Cookie{Name: fmt.Sprintf("hop%d", n), Value: "1", Path: "/"})
				w.Header().Set("Location", fmt.Sprintf("/chain/%d", n-1))
				w.WriteHeader(http.StatusFound)
				fmt.Fprintf(w, "hop %d", n)
				return
			}
		case r.URL.Path == "/to":
			status := 302
			fmt.Sscanf(r.URL.Query().Get("status"), "%d", &status)
			w.Header().Set("Location", r.URL.Query().Get("url"))
			w.WriteHeader(status)
			return
		case r.URL.Path == "/no-location":
			w.WriteHeader(http.StatusFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s auth=%q cookie=%q ct=%q body=%q", r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Cookie"), r.Header.Get("Content-Type"), body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestResolveRedirects(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	alt := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	tests := []struct {
		name        string
		method, url string
		body        string
		auth        Auth
		header      http.Header
		jar         bool
		want        string
		wantHistory []string
	}{
		{
			name: "chain records every hop", method: "GET", url: srv.URL + "/chain/3",
			want:        `GET /chain/0 auth="" cookie="" ct="" body=""`,
			wantHistory: []string{"302 /chain/3", "302 /chain/2", "302 /chain/1"},
		},
		{
			name: "cookies from each hop go to the next", method: "GET", url: srv.URL + "/chain/2", jar: true,
			want:        `GET /chain/0 auth="" cookie="hop2=1; hop1=1" ct="" body=""`,
			wantHistory: []string{"302 /chain/2", "302 /chain/1"},
		},
		{
			name: "303 POST becomes GET without body", method: "POST", body: "data",
			url:         srv.URL + "/to?status=303&url=/echo",
			want:        `GET /echo auth="" cookie="" ct="" body=""`,
			wantHistory: []string{"303 /to"},
		},
		{
			name: "307 POST keeps the body", method: "POST", body: "data",
			url:         srv.URL + "/to?status=307&url=/echo",
			want:        `POST /echo auth="" cookie="" ct="text/plain" body="data"`,
			wantHistory: []string{"307 /to"},
		},
		{
			name: "same host keeps credentials", method: "GET", auth: &BasicAuth{Username: "u", Password: "p"},
			url:         srv.URL + "/to?url=" + url.QueryEscape(srv.URL+"/echo"),
			want:        `GET /echo auth="Basic dTpw" cookie="" ct="" body=""`,
			wantHistory: []string{"302 /to"},
		},
		{
			name: "another host gets no credentials", method: "GET", auth: &BasicAuth{Username: "u", Password: "p"},
			header:      http.Header{"Authorization": {"Bearer typed"}},
			url:         srv.URL + "/to?url=" + url.QueryEscape(alt+"/echo"),
			want:        `GET /echo auth="" cookie="" ct="" body=""`,
			wantHistory: []string{"302 /to"},
		},
		{
			name: "a typed Authorization stays on the same host", method: "GET",
			header:      http.Header{"Authorization": {"Bearer typed"}},
			url:         srv.URL + "/to?url=/echo",
			want:        `GET /echo auth="Bearer typed" cookie="" ct="" body=""`,
			wantHistory: []string{"302 /to"},
		},
		{
			name: "302 without Location is returned as is", method: "GET", url: srv.URL + "/no-location",
			want: "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSession(t)
			if !tc.jar {
				s.Jar = nil // a session without a jar keeps no cookies
			}
			req := &Request{Method: tc.method, URL: tc.url, Auth: tc.auth, Header: tc.header}
			if tc.body != "" {
				req.Body = BytesBody([]byte(tc.body))
				req.Header = http.Header{"Content-Type": {"text/plain"}}
			}
			resp, err := s.Do(context.Background(), req, SendOptions{})
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.url, err)
			}
			got, err := resp.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("%s %s: final body %s, want %s", tc.method, tc.url, got, tc.want)
			}
			var hist []string
			for i, h := range resp.History {
				hist = append(hist, fmt.Sprintf("%d %s", h.StatusCode, h.URL.Path))
				if h.Request == nil || h.Request.URL.String() != h.URL.String() {
					t.Errorf("History[%d].Request does not match its URL %s", i, h.URL)
				}
				if len(h.History) != i {
					t.Errorf("History[%d] has %d earlier responses, want %d", i, len(h.History), i)
				}
			}
			if diff := cmp.Diff(tc.wantHistory, hist); diff != "" {
				t.Errorf("%s %s: history (-want +got):\n%s", tc.method, tc.url, diff)
			}
		})
	}
}

func TestResolveRedirectsHistoryBodies(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	s := newTestSession(t)
	resp, err := s.Do(context.Background(), &Request{URL: srv.URL + "/chain/2"}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	var got []string
	for _, h := range resp.History {
		b, err := h.Bytes()
		if err != nil {
			t.Fatalf("History body of %s: %v", h.URL, err)
		}
		got = append(got, string(b))
	}
	if diff := cmp.Diff([]string{"hop 2", "hop 1"}, got); diff != "" {
		t.Errorf("intermediate bodies (-want +got):\n%s", diff)
	}
}

// A redirect whose own body is cut short or does not decode is still
// followed, as Requests and curl do; the body is not the result.
func TestResolveRedirectsBrokenHistoryBody(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 302 Found\r\nLocation: /done\r\nContent-Length: 100\r\n\r\nabc")
		buf.Flush()
	})
	mux.HandleFunc("/badgzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/done")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusFound)
		io.WriteString(w, "not gzip at all")
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "done") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, path := range []string{"/short", "/badgzip"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			resp, err := newTestSession(t).Do(context.Background(), &Request{URL: srv.URL + path}, SendOptions{})
			var body []byte
			if err == nil {
				body, err = resp.Bytes()
			}
			if err != nil || string(body) != "done" || len(resp.History) != 1 {
				t.Errorf("GET %s: body %q, error %v; want the redirect followed", path, body, err)
			}
		})
	}
}

// A streamed body too large to keep cannot follow a 307; the error says
// the redirect is why it is needed again.
func TestResolveRedirectsUnreplayableBody(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	s := newTestSession(t)
	big := ReaderBody(io.LimitReader(zeros{}, ReplayLimit+1), -1)
	_, err := s.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/to?status=307&url=/chain/0", Body: big}, SendOptions{})
	want := "(the 307 redirect to " + srv.URL + "/chain/0 needs it again)"
	if !errors.Is(err, ErrInvalidBody) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("POST of a large stream answered by a 307: error %v, want ErrInvalidBody ending in %q", err, want)
	}
}

func TestResolveRedirectsErrors(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	tests := []struct {
		name         string
		url          string
		maxRedirects int
		wantKind     error
		wantMsg      string
	}{
		{
			name: "limit exceeded", url: srv.URL + "/chain/5", maxRedirects: 2,
			wantKind: ErrTooManyRedirects, wantMsg: "exceeded 2 redirects; last url " + srv.URL + "/chain/3",
		},
		{
			name: "negative allows none", url: srv.URL + "/chain/1", maxRedirects: -1,
			wantKind: ErrTooManyRedirects, wantMsg: "exceeded 0 redirects; last url " + srv.URL + "/chain/1",
		},
		{
			name: "file target refused", url: srv.URL + "/to?url=file:///etc/passwd", maxRedirects: 30,
			wantKind: ErrInvalidURL, wantMsg: `redirect to "file:///etc/passwd" refused`,
		},
		{
			name: "target without a host", url: srv.URL + "/to?url=http:///x", maxRedirects: 30,
			wantKind: ErrInvalidURL, wantMsg: `the server redirected to an invalid URL: "http:///x" has no host`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSession(t)
			s.MaxRedirects = tc.maxRedirects
			_, err := s.Do(context.Background(), &Request{URL: tc.url}, SendOptions{})
			if !errors.Is(err, tc.wantKind) {
				t.Fatalf("GET %s with max %d: error %v, want kind %v", tc.url, tc.maxRedirects, err, tc.wantKind)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("GET %s: error %q, want it to contain %q", tc.url, err, tc.wantMsg)
			}
		})
	}
}

func TestResolveRedirectsExactLimit(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	s := newTestSession(t)
	s.MaxRedirects = 3
	resp, err := s.Do(context.Background(), &Request{URL: srv.URL + "/chain/3"}, SendOptions{})
	if err != nil {
		t.Fatalf("3 hops with max 3: %v", err)
	}
	resp.Close()
	if len(resp.History) != 3 {
		t.Errorf("3 hops with max 3: %d in history, want 3", len(resp.History))
	}
}

func TestFollowsRedirects(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]bool{"GET": true, "POST": true, "DELETE": true, "HEAD": false} {
		if got := FollowsRedirects(method); got != want {
			t.Errorf("FollowsRedirects(%q) = %v, want %v", method, got, want)
		}
	}
}

// TestZeroSessionFollowsRedirects: as a zero http.Client does, the zero
// Session follows redirects (up to DefaultMaxRedirects) unless the call
// says NoRedirects.
func TestZeroSessionFollowsRedirects(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	var s Session
	resp, err := s.Do(context.Background(), &Request{URL: srv.URL + "/chain/3"}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.StatusCode != 200 || len(resp.History) != 3 {
		t.Errorf("zero Session, 3 hops: status %d with %d in history, want 200 and 3", resp.StatusCode, len(resp.History))
	}
	resp, err = s.Do(context.Background(), &Request{URL: srv.URL + "/chain/3"}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if !resp.IsRedirect() || len(resp.History) != 0 {
		t.Errorf("NoRedirects: status %d with %d in history, want the first redirect itself", resp.StatusCode, len(resp.History))
	}
}

// TestSendOptionsPerCall: the call's limit, retry policy and cookie
// choice apply to that call only and leave the session as it was.
func TestSendOptionsPerCall(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "c", Value: "1", Path: "/"})
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Header.Get("Cookie"))
	})
	mux.Handle("/", redirectServer(t).Config.Handler)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s := newTestSession(t)
	ctx := context.Background()

	pol := RetryPolicy{Retries: 1, Statuses: []int{503}}
	resp, err := s.Do(ctx, &Request{URL: srv.URL + "/flaky"}, SendOptions{Retry: &pol})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.StatusCode != 200 || s.Retry.Retries != 0 {
		t.Errorf("per-call retry: status %d, session retries now %d; want 200 and the session untouched", resp.StatusCode, s.Retry.Retries)
	}

	if _, err := s.Do(ctx, &Request{URL: srv.URL + "/chain/2"}, SendOptions{MaxRedirects: 1}); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("per-call MaxRedirects 1 over 2 hops: error %v, want TooManyRedirects", err)
	}
	if s.MaxRedirects != DefaultMaxRedirects {
		t.Errorf("session MaxRedirects changed to %d", s.MaxRedirects)
	}

	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/set"}, SendOptions{NoCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/echo"}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := resp.Text(); strings.Contains(body, "c=1") {
		t.Errorf("a cookie set during a NoCookies call was kept and sent: %q", body)
	}
}
