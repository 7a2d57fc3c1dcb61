package testserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	xproxy "golang.org/x/net/proxy"
)

func TestStartFixtures(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	f, err := StartFixtures(work)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := f.Getenv

	wantNames := []string{
		"HTTPBIN", "HTTPBIN_ALT", "HTTPBIN_HOST", "HTTPBIN_PORT",
		"HTTPBIN_TLS", "HTTPBIN_TLS_HOST", "HTTPBIN_TLS_PORT",
		"FAULT", "FAULT_ALT", "FAULT_HOST", "FAULT_WS",
		"FAULT_TLS", "FAULT_WSS", "FAULT_TLS_PORT", "FAULT_TLS12", "TLS_EXPIRED", "TLS_WRONGHOST", "TLS_MTLS", "TLS_MTLS_WSS",
		"FAULT_H3", "FAULT_H3_PORT", "H3_MTLS",
		"CA_FILE", "CA_DIR", "OTHER_CA_FILE",
		"CLIENT_CERT", "CLIENT_KEY", "CLIENT_KEY_ENC", "CLIENT_KEY_PASS", "CLIENT_PEM", "CLIENT_P12", "CLIENT_P12_NOPASS",
		"PROXY", "PROXY_HOST", "PROXY_AUTH", "PROXY_AUTH_HOST", "PROXY_TLS", "PROXY_USER", "PROXY_PASS",
		"SOCKS", "SOCKS_HOST", "SOCKS_AUTH", "SOCKS_AUTH_HOST", "SOCKS_USER", "SOCKS_PASS",
		"SOCKS4", "SOCKS4_HOST", "SOCKS4_USER_HOST",
		"NEVER_ACCEPT", "UNIX_SOCKET", "RAW", "RAW_HOST", "RAW_TLS", "RAW_TLS_HOST", "RAW_H2", "RAW_H2C",
	}
	var gotNames []string
	for _, kv := range f.Env() {
		name, value, _ := strings.Cut(kv, "=")
		gotNames = append(gotNames, name)
		if value == "" {
			t.Errorf("%s is empty", name)
		}
	}
	if diff := cmp.Diff(wantNames, gotNames); diff != "" {
		t.Errorf("Env() names (-want +got):\n%s", diff)
	}

	// The rehash directory alone must be a working trust store.
	pool := x509.NewCertPool()
	entries, err := os.ReadDir(env("CA_DIR"))
	if err != nil || len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".0") {
		t.Fatalf("CA_DIR %s holds %v (%v), want one <hash>.0 file", env("CA_DIR"), entries, err)
	}
	pem, err := os.ReadFile(filepath.Join(env("CA_DIR"), entries[0].Name()))
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("CA_DIR file is not a PEM certificate: %v", err)
	}
	clientPair, err := tls.LoadX509KeyPair(env("CLIENT_CERT"), env("CLIENT_KEY"))
	if err != nil {
		t.Fatal(err)
	}

	client := func(proxyURL string, mutate func(*http.Transport)) *http.Client {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
		if proxyURL != "" {
			pu, err := url.Parse(proxyURL)
			if err != nil {
				t.Fatal(err)
			}
			tr.Proxy = http.ProxyURL(pu)
		}
		if mutate != nil {
			mutate(tr)
		}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr}
	}
	withCreds := func(raw, user, pass string) string {
		u, _ := url.Parse(raw)
		u.User = url.UserPassword(user, pass)
		return u.String()
	}
	viaSOCKS := func(addr string, auth *xproxy.Auth) func(*http.Transport) {
		return func(tr *http.Transport) {
			d, err := xproxy.SOCKS5("tcp", addr, auth, xproxy.Direct)
			if err != nil {
				t.Fatal(err)
			}
			tr.DialContext = d.(xproxy.ContextDialer).DialContext
		}
	}
	viaUnix := func(tr *http.Transport) {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", env("UNIX_SOCKET"))
		}
	}

	tests := []struct {
		name      string
		url       string
		client    *http.Client
		wantErr   bool
		wantProto string
		wantTLS   string // version reported by /tls-info
	}{
		{name: "HTTPBIN", url: env("HTTPBIN") + "/get", client: client("", nil)},
		{name: "HTTPBIN_ALT", url: env("HTTPBIN_ALT") + "/get", client: client("", nil)},
		{name: "HTTPBIN_TLS", url: env("HTTPBIN_TLS") + "/get", client: client("", nil), wantProto: "HTTP/2.0"},
		{name: "HTTPBIN_TLS by reqs.test", url: "https://" + TestHostName + ":" + env("HTTPBIN_TLS_PORT") + "/get", client: client("", func(tr *http.Transport) {
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, env("HTTPBIN_TLS_HOST"))
			}
		})},
		{name: "FAULT", url: env("FAULT") + "/tls-info", client: client("", nil)},
		{name: "FAULT_ALT", url: env("FAULT_ALT") + "/get", client: client("", nil)},
		{name: "FAULT_TLS", url: env("FAULT_TLS") + "/tls-info", client: client("", nil), wantTLS: "TLS 1.3"},
		{name: "FAULT_TLS12", url: env("FAULT_TLS12") + "/tls-info", client: client("", nil), wantTLS: "TLS 1.2"},
		{name: "TLS_EXPIRED", url: env("TLS_EXPIRED") + "/get", client: client("", nil), wantErr: true},
		{name: "TLS_WRONGHOST", url: env("TLS_WRONGHOST") + "/get", client: client("", nil), wantErr: true},
		{name: "TLS_MTLS without a certificate", url: env("TLS_MTLS") + "/get", client: client("", nil), wantErr: true},
		{name: "TLS_MTLS with CLIENT_CERT", url: env("TLS_MTLS") + "/tls-info", client: client("", func(tr *http.Transport) {
			tr.TLSClientConfig.Certificates = []tls.Certificate{clientPair}
		}), wantTLS: "TLS 1.3"},
		{name: "PROXY", url: env("HTTPBIN") + "/get?via=proxy", client: client(env("PROXY"), nil)},
		{name: "PROXY_AUTH", url: env("HTTPBIN_TLS") + "/get", client: client(withCreds(env("PROXY_AUTH"), env("PROXY_USER"), env("PROXY_PASS")), nil)},
		{name: "PROXY_TLS", url: env("HTTPBIN") + "/get?via=tls-proxy", client: client(env("PROXY_TLS"), nil)},
		{name: "SOCKS", url: env("HTTPBIN_ALT") + "/get", client: client("", viaSOCKS(env("SOCKS_HOST"), nil))},
		{name: "SOCKS_AUTH", url: env("HTTPBIN") + "/get", client: client("", viaSOCKS(env("SOCKS_AUTH_HOST"), &xproxy.Auth{User: env("SOCKS_USER"), Password: env("SOCKS_PASS")}))},
		{name: "UNIX_SOCKET", url: "http://localhost/get", client: client("", viaUnix)},
	}
	for _, tc := range tests {
		resp, err := tc.client.Get(tc.url)
		if tc.wantErr {
			if err == nil {
				resp.Body.Close()
				t.Errorf("%s: GET %s succeeded, want an error", tc.name, tc.url)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: GET %s: %v", tc.name, tc.url, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: GET %s = %d %q, want 200", tc.name, tc.url, resp.StatusCode, body)
		}
		if tc.wantProto != "" && resp.Proto != tc.wantProto {
			t.Errorf("%s: GET %s over %s, want %s", tc.name, tc.url, resp.Proto, tc.wantProto)
		}
		if tc.wantTLS != "" {
			var info map[string]any
			json.Unmarshal(body, &info)
			if info["version"] != tc.wantTLS {
				t.Errorf("%s: GET %s negotiated %v, want %s", tc.name, tc.url, info["version"], tc.wantTLS)
			}
		}
	}

	counts := []struct {
		counter, path string
		want          int
	}{
		{"httpbin", "/get", 6}, // HTTPBIN, HTTPBIN_ALT, PROXY, PROXY_TLS, SOCKS, SOCKS_AUTH
		{"httpbin-tls", "/get", 3},
		{"fault", "/tls-info", 4},
		{"fault", "/get", 1}, // the expired, wrong-host and certificate-less attempts never got through
		{"unix", "/get", 1},
	}
	for _, c := range counts {
		if got := f.Counters[c.counter].Count(c.path); got != c.want {
			t.Errorf("Counters[%q].Count(%q) = %d, want %d", c.counter, c.path, got, c.want)
		}
	}
	logs := map[string][]string{
		ProxyLogName:     {"GET " + env("HTTPBIN") + "/get?via=proxy"},
		ProxyAuthLogName: {"CONNECT " + env("HTTPBIN_TLS_HOST")},
		ProxyTLSLogName:  {"GET " + env("HTTPBIN") + "/get?via=tls-proxy"},
		SOCKSLogName:     {"localhost:" + env("HTTPBIN_PORT")},
		SOCKSAuthLogName: {env("HTTPBIN_HOST")},
	}
	for name, want := range logs {
		if diff := cmp.Diff(want, readLog(t, filepath.Join(work, name))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if c, err := (&net.Dialer{}).DialContext(ctx, "tcp", env("NEVER_ACCEPT")); err == nil {
		c.Close()
		t.Errorf("dial NEVER_ACCEPT %s succeeded, want a timeout", env("NEVER_ACCEPT"))
	} else if ne := net.Error(nil); !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("dial NEVER_ACCEPT %s: %v, want a timeout", env("NEVER_ACCEPT"), err)
	}

	f.Close()
	if c, err := net.Dial("tcp", env("HTTPBIN_HOST")); err == nil {
		c.Close()
		t.Errorf("HTTPBIN still accepts connections after Close")
	}
}

func TestStartFixturesLongWorkDir(t *testing.T) {
	t.Parallel()
	work := filepath.Join(t.TempDir(), strings.Repeat("d", 120))
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := StartFixtures(work)
	if err != nil {
		t.Fatal(err)
	}
	sock := f.Getenv("UNIX_SOCKET")
	if len(sock) > maxUnixSocketPath {
		t.Errorf("UNIX_SOCKET %q is longer than %d bytes", sock, maxUnixSocketPath)
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("dial UNIX_SOCKET: %v", err)
	}
	c.Close()
	f.Close()
	if _, err := os.Stat(filepath.Dir(sock)); !os.IsNotExist(err) {
		t.Errorf("socket directory %s left behind after Close (stat: %v)", filepath.Dir(sock), err)
	}
}

// BenchmarkStartFixtures measures what every script pays before its first
// line runs.
func BenchmarkStartFixtures(b *testing.B) {
	if _, err := SharedPKI(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f, err := StartFixtures(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
