package httpclient

import (
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
