package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
)

// TestSessionAPI drives the Requests-shaped surface end to end against
// go-httpbin: Do, OK, RaiseForStatus, JSON, Text, Links, Cookies, hooks
// and History.
func TestSessionAPI(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	ctx := context.Background()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var hooked []int
	s.Hooks = append(s.Hooks, func(r *Response) (*Response, error) {
		hooked = append(hooked, r.StatusCode)
		return nil, nil
	})

	// A redirect chain: every hop goes through the hooks and into History.
	resp, err := s.Do(ctx, &Request{URL: srv.URL + "/redirect/2", Params: []Param{{"x", "1"}}}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		URL     string              `json:"url"`
		Headers map[string][]string `json:"headers"`
	}
	if err := resp.JSON(&body); err != nil {
		t.Fatal(err)
	}
	if !resp.OK() || resp.RaiseForStatus() != nil || !strings.HasSuffix(body.URL, "/get") {
		t.Errorf("final response: %d %q, url %q", resp.StatusCode, resp.Reason, body.URL)
	}
	if got := len(resp.History); got != 2 {
		t.Errorf("History has %d responses, want 2", got)
	}
	if !slices.Equal(hooked, []int{302, 302, 200}) {
		t.Errorf("hooks saw %v, want [302 302 200]", hooked)
	}
	if ua := body.Headers["User-Agent"]; len(ua) != 1 || !strings.HasPrefix(ua[0], "reqs/") {
		t.Errorf("User-Agent = %v, want reqs/<version>", ua)
	}

	// A 4xx is data, and RaiseForStatus turns it into an HTTPError.
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/status/418"}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.OK() || !errors.Is(resp.RaiseForStatus(), ErrHTTP) {
		t.Errorf("418: OK() = %v, RaiseForStatus() = %v; want false and an HTTPError", resp.OK(), resp.RaiseForStatus())
	}

	// Text decodes by the response's charset; Cookies lists what was set.
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/response-headers", Params: []Param{
		{"Content-Type", "text/plain; charset=iso-8859-1"}, {"Set-Cookie", "k=v; Path=/"},
		{"Link", `</page/2>; rel="next"`}}}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	if links := resp.Links(); len(links) != 1 || links[0].Rel != "next" || !strings.HasSuffix(links[0].URL, "/page/2") {
		t.Errorf("Links() = %+v, want one rel=next to /page/2", links)
	}
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].Name != "k" {
		t.Errorf("Cookies() = %v, want k", cs)
	}
	if _, err := resp.Text(); err != nil {
		t.Errorf("Text(): %v", err)
	}
	if resp.Encoding != "iso-8859-1" {
		t.Errorf("Encoding = %q, want iso-8859-1", resp.Encoding)
	}

	// The jar sends the cookie back on the next request.
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/cookies"}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	var jar struct{ Cookies map[string]string }
	if err := resp.JSON(&jar); err != nil || jar.Cookies["k"] != "v" {
		t.Errorf("cookies sent back = %v (%v), want k=v", jar.Cookies, err)
	}

	// A hook that fails makes Send fail.
	s.Hooks = []func(*Response) (*Response, error){func(*Response) (*Response, error) { return nil, errors.New("hook says no") }}
	if _, err := s.Do(ctx, &Request{URL: srv.URL + "/get"}, SendOptions{NoRedirects: true}); err == nil || !strings.Contains(err.Error(), "hook says no") {
		t.Errorf("failing hook: err = %v", err)
	}
}

// TestSessionReadsEnvironmentPerRequest checks that TrustEnv is the
// session's switch, read at each request as Requests'
// merge_environment_settings is: turning it on after New sends the next
// request through the proxy the environment names, and the netrc file
// it names, and turning it off again sends it direct without them.
func TestSessionReadsEnvironmentPerRequest(t *testing.T) {
	t.Parallel()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "direct "+r.Header.Get("Authorization"))
	}))
	t.Cleanup(target.Close)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "proxied "+r.Header.Get("Authorization"))
	}))
	t.Cleanup(proxy.Close)
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine 127.0.0.1 login u password p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.LookupEnv = envOf(map[string]string{"http_proxy": proxy.URL, "NETRC": netrc})
	for _, tc := range []struct {
		trust bool
		want  string
	}{
		{false, "direct "},
		{true, "proxied Basic dTpw"},
		{false, "direct "},
	} {
		s.TrustEnv = tc.trust
		_, body, err := get(s, target.URL+"/")
		if err != nil {
			t.Fatalf("TrustEnv=%v: %v", tc.trust, err)
		}
		if body != tc.want {
			t.Errorf("TrustEnv=%v: body %q, want %q", tc.trust, body, tc.want)
		}
	}
}

// TestZeroSessionConcurrentUse sends from many goroutines through one
// zero Session, whose transport is built on first use: run with -race,
// it checks the concurrency contract Session documents.
func TestZeroSessionConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "n", Value: r.URL.Query().Get("n")})
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	s := &Session{Jar: cookiejar.New()}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, body, err := get(s, fmt.Sprintf("%s/?n=%d", srv.URL, i))
			if err == nil && body != "ok" {
				err = fmt.Errorf("body %q", body)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s.Close()
}

// A request without a body goes out with Content-Length: 0 for every
// method but GET and HEAD, as Requests' prepare_content_length sends it,
// and wireHeaders (what -v prints) says the same.
func TestBodilessMethodsSendZeroLength(t *testing.T) {
	t.Parallel()
	got := make(chan []string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Values("Content-Length")
	}))
	defer srv.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		method string
		want   bool
	}{
		{"GET", false}, {"HEAD", false},
		{"DELETE", true}, {"OPTIONS", true}, {"PURGE", true}, {"MKCOL", true}, {"POST", true}, {"PUT", true}, {"PATCH", true},
	} {
		p, err := s.Prepare(&Request{Method: tc.method, URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if wire := s.wireHeaders(p).Get("Content-Length") == "0"; wire != tc.want {
			t.Errorf("%s: wireHeaders has Content-Length: 0 = %v, want %v", tc.method, wire, tc.want)
		}
		resp, err := s.Send(context.Background(), p, SendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		resp.Close()
		sent := <-got
		if has := slices.Equal(sent, []string{"0"}); has != tc.want {
			t.Errorf("%s: server got Content-Length %q, want it = %v", tc.method, sent, tc.want)
		}
	}
}

// TestHookReplacesResponse: a hook that returns a response replaces the
// one it was given, as a Requests hook's return value does.
func TestHookReplacesResponse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "down")
	}))
	t.Cleanup(srv.Close)
	var s Session
	s.Hooks = []func(*Response) (*Response, error){
		func(r *Response) (*Response, error) {
			if r.StatusCode != http.StatusServiceUnavailable {
				return nil, nil
			}
			r.Close()
			return &Response{StatusCode: http.StatusOK, Reason: "OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("from cache"))}, nil
		},
		func(r *Response) (*Response, error) {
			r.Header.Set("X-Seen", strconv.Itoa(r.StatusCode))
			return r, nil
		},
	}
	resp, err := s.Do(context.Background(), &Request{URL: srv.URL}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := resp.Text()
	if resp.StatusCode != 200 || body != "from cache" || resp.Header.Get("X-Seen") != "200" || resp.Request == nil {
		t.Errorf("replaced response: %d %q, X-Seen %q, request %v; want the hook's 200 seen by the next hook", resp.StatusCode, body, resp.Header.Get("X-Seen"), resp.Request)
	}
}
