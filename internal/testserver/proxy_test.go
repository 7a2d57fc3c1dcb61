package testserver

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	xproxy "golang.org/x/net/proxy"
)

// targets starts a plain and a TLS Fault server for proxied requests.
func targets(t *testing.T) (plain, secure *Server) {
	t.Helper()
	p := sharedPKIForTest(t)
	f := NewFault(nil)
	plain, err := StartServer(f, ServerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)
	secure, err = StartServer(f, ServerConfig{TLS: &tls.Config{Certificates: []tls.Certificate{p.Server}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(secure.Close)
	return plain, secure
}

func readLog(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestHTTPProxy(t *testing.T) {
	t.Parallel()
	p := sharedPKIForTest(t)
	plain, secure := targets(t)
	dir := t.TempDir()
	start := func(name string, cfg ProxyConfig) *Proxy {
		cfg.LogPath = filepath.Join(dir, name+".log")
		px, err := StartHTTPProxy(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(px.Close)
		return px
	}
	open := start("open", ProxyConfig{})
	authed := start("auth", ProxyConfig{User: ProxyUser, Password: ProxyPassword})
	overTLS := start("tls", ProxyConfig{TLS: &tls.Config{Certificates: []tls.Certificate{p.Server}}})

	withCreds := func(px *Proxy, user, pass string) string {
		u, _ := url.Parse(px.URL)
		u.User = url.UserPassword(user, pass)
		return u.String()
	}
	tests := []struct {
		name       string
		log        string // the proxy's log name
		proxyURL   string
		target     string
		wantStatus int    // 0: want a client error
		wantErr    string // part of that error
		wantLog    []string
	}{
		{name: "plain http target", log: "open", proxyURL: open.URL, target: plain.URL + "/headers-echo?x=1", wantStatus: 200,
			wantLog: []string{"GET " + plain.URL + "/headers-echo?x=1"}},
		{name: "https target through CONNECT", log: "open", proxyURL: open.URL, target: secure.URL + "/tls-info", wantStatus: 200,
			wantLog: []string{"CONNECT " + secure.Addr}},
		{name: "non-loopback target refused", log: "open", proxyURL: open.URL, target: "http://192.0.2.1/", wantStatus: 500,
			wantLog: []string{"GET http://192.0.2.1/"}},
		{name: "auth missing, plain", log: "auth", proxyURL: authed.URL, target: plain.URL + "/get", wantStatus: 407},
		{name: "auth wrong, plain", log: "auth", proxyURL: withCreds(authed, ProxyUser, "nope"), target: plain.URL + "/get", wantStatus: 407},
		{name: "auth missing, CONNECT", log: "auth", proxyURL: authed.URL, target: secure.URL + "/get", wantErr: "Proxy Authentication Required"},
		{name: "auth given, plain", log: "auth", proxyURL: withCreds(authed, ProxyUser, ProxyPassword), target: plain.URL + "/headers-echo", wantStatus: 200,
			wantLog: []string{"GET " + plain.URL + "/headers-echo"}},
		{name: "auth given, CONNECT", log: "auth", proxyURL: withCreds(authed, ProxyUser, ProxyPassword), target: secure.URL + "/tls-info", wantStatus: 200,
			wantLog: []string{"CONNECT " + secure.Addr}},
		{name: "https proxy, plain target", log: "tls", proxyURL: overTLS.URL, target: plain.URL + "/headers-echo", wantStatus: 200,
			wantLog: []string{"GET " + plain.URL + "/headers-echo"}},
		{name: "https proxy, https target", log: "tls", proxyURL: overTLS.URL, target: secure.URL + "/tls-info", wantStatus: 200,
			wantLog: []string{"CONNECT " + secure.Addr}},
	}
	var wantLogs = map[string][]string{}
	for _, tc := range tests {
		pu, err := url.Parse(tc.proxyURL)
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{Proxy: http.ProxyURL(pu), TLSClientConfig: &tls.Config{RootCAs: p.Pool()}}
		resp, err := (&http.Client{Transport: tr}).Get(tc.target)
		if tc.wantStatus == 0 {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: GET %s via %s: err = %v, want one containing %q", tc.name, tc.target, tc.proxyURL, err, tc.wantErr)
			}
		} else if err != nil {
			t.Errorf("%s: GET %s via %s: %v", tc.name, tc.target, tc.proxyURL, err)
		} else {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("%s: GET %s via %s = %d %q, want %d", tc.name, tc.target, tc.proxyURL, resp.StatusCode, body, tc.wantStatus)
			}
			if resp.StatusCode == 407 && resp.Header.Get("Proxy-Authenticate") == "" {
				t.Errorf("%s: 407 without Proxy-Authenticate", tc.name)
			}
			if strings.HasSuffix(tc.target, "/headers-echo") {
				var echo struct{ Headers http.Header }
				json.Unmarshal(body, &echo)
				if v := echo.Headers.Get("Proxy-Authorization"); v != "" {
					t.Errorf("%s: the target received Proxy-Authorization %q", tc.name, v)
				}
			}
		}
		tr.CloseIdleConnections()
		wantLogs[tc.log] = append(wantLogs[tc.log], tc.wantLog...)
	}
	for name, want := range wantLogs {
		if diff := cmp.Diff(want, readLog(t, filepath.Join(dir, name+".log"))); diff != "" {
			t.Errorf("%s proxy log (-want +got):\n%s", name, diff)
		}
	}
}

func TestSOCKS5(t *testing.T) {
	t.Parallel()
	plain, _ := targets(t)
	dir := t.TempDir()
	start := func(name string, cfg SOCKS5Config) *SOCKS5 {
		cfg.LogPath = filepath.Join(dir, name+".log")
		s, err := StartSOCKS5(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	open := start("open", SOCKS5Config{})
	authed := start("auth", SOCKS5Config{User: SOCKSUser, Password: SOCKSPassword})

	byName := net.JoinHostPort("localhost", itoa(plain.Port))
	tests := []struct {
		name    string
		log     string
		server  *SOCKS5
		auth    *xproxy.Auth
		target  string // host:port asked of the proxy
		wantOK  bool
		wantLog []string
	}{
		{name: "address target (socks5)", log: "open", server: open, target: plain.Addr, wantOK: true, wantLog: []string{plain.Addr}},
		{name: "name target (socks5h)", log: "open", server: open, target: byName, wantOK: true, wantLog: []string{byName}},
		{name: "non-loopback address refused", log: "open", server: open, target: "192.0.2.1:80", wantLog: []string{"192.0.2.1:80"}},
		{name: "unresolvable name refused", log: "open", server: open, target: "no-such-host.invalid:80"},
		{name: "auth given", log: "auth", server: authed, auth: &xproxy.Auth{User: SOCKSUser, Password: SOCKSPassword}, target: plain.Addr, wantOK: true, wantLog: []string{plain.Addr}},
		{name: "auth wrong", log: "auth", server: authed, auth: &xproxy.Auth{User: SOCKSUser, Password: "nope"}, target: plain.Addr},
		{name: "auth missing", log: "auth", server: authed, target: plain.Addr},
	}
	wantLogs := map[string][]string{}
	for _, tc := range tests {
		d, err := xproxy.SOCKS5("tcp", tc.server.Addr, tc.auth, xproxy.Direct)
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{DialContext: d.(xproxy.ContextDialer).DialContext}
		resp, err := (&http.Client{Transport: tr}).Get("http://" + tc.target + "/get")
		if err == nil {
			resp.Body.Close()
		}
		if (err == nil) != tc.wantOK {
			t.Errorf("%s: GET via SOCKS5 %s to %s: err = %v, want success %v", tc.name, tc.server.Addr, tc.target, err, tc.wantOK)
		}
		tr.CloseIdleConnections()
		wantLogs[tc.log] = append(wantLogs[tc.log], tc.wantLog...)
	}
	for name, want := range wantLogs {
		if diff := cmp.Diff(want, readLog(t, filepath.Join(dir, name+".log"))); diff != "" {
			t.Errorf("%s SOCKS5 log (-want +got):\n%s", name, diff)
		}
	}
}

func TestNeverAccept(t *testing.T) {
	t.Parallel()
	n, err := NewNeverAccept()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	host, _, err := net.SplitHostPort(n.Addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("NeverAccept.Addr = %q, want 127.0.0.1:PORT", n.Addr)
	}
	for i := range 2 { // the second dial proves the first left the queue full
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", n.Addr)
		cancel()
		if err == nil {
			c.Close()
			t.Fatalf("dial #%d to %s succeeded, want a timeout", i+1, n.Addr)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("dial #%d to %s: err = %v, want a timeout", i+1, n.Addr, err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
