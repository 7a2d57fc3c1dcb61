package httpclient

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
)

// TestMain runs the tests without the environment's proxies, CA bundles
// and netrc file: sessions from New trust the environment, and a
// developer's settings must not change what the tests see.
func TestMain(m *testing.M) {
	for _, k := range []string{
		"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
		"no_proxy", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC",
	} {
		os.Unsetenv(k)
	}
	home, err := os.MkdirTemp("", "httpclient-home")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// mustURL parses raw or fails the test.
func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", raw, err)
	}
	return u
}

// newTestSession is a session from New, closed when the test ends.
func newTestSession(t *testing.T) *Session {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// sendDigest sends a request with auth on s and returns the status and
// body of the response.
func sendDigest(t *testing.T, s *Session, auth Auth, method, rawURL string, body []byte) (int, string) {
	t.Helper()
	req := &Request{Method: method, URL: rawURL, Auth: auth}
	if body != nil {
		req.Body = BytesBody(body)
	}
	resp, err := s.Do(context.Background(), req, SendOptions{})
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	b, err := resp.Bytes()
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, rawURL, err)
	}
	return resp.StatusCode, string(b)
}
