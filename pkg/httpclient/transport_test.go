package httpclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"golang.org/x/net/http2"
)

func TestResolvePins(t *testing.T) {
	t.Parallel()
	got := resolvePins([]ResolveEntry{
		{Host: "Example.ORG", Port: 80, Addrs: addrs("127.0.0.1", "::1")},
		{Host: "::1", Port: 8080, Addrs: addrs("::ffff:127.0.0.1")},
		{Host: "a", Port: 1, Addrs: addrs("10.0.0.1")},
		{Host: "a", Port: 1, Addrs: addrs("10.0.0.2")},
	})
	want := map[string][]string{
		"example.org:80": {"127.0.0.1", "::1"},
		"[::1]:8080":     {"127.0.0.1"},
		"a:1":            {"10.0.0.1", "10.0.0.2"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resolvePins mismatch (-want +got):\n%s", diff)
	}
}

func TestResolveAndDialing(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	secure := startTLSServer(t, p.server, nil)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.RemoteAddr)
	}))
	t.Cleanup(plain.Close)
	securePort := secure.Listener.Addr().(*net.TCPAddr).Port
	plainPort := plain.Listener.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name     string
		opts     Options
		url      string
		wantBody string // prefix
		wantErr  string
	}{
		{name: "resolve pins a name DNS does not know, TLS checks the name",
			opts: Options{Resolve: []ResolveEntry{{Host: "reqs.test", Port: uint16(securePort), Addrs: addrs("127.0.0.1")}}},
			url:  fmt.Sprintf("https://reqs.test:%d/", securePort), wantBody: fmt.Sprintf("HTTP/2.0 reqs.test:%d", securePort)},
		{name: "resolve pin for another port does not apply",
			opts: Options{Resolve: []ResolveEntry{{Host: "reqs.test", Port: 1, Addrs: addrs("127.0.0.1")}}},
			url:  fmt.Sprintf("https://reqs.test:%d/", securePort), wantErr: "ConnectionError"},
		{name: "the next pinned address is tried when one refuses",
			opts: Options{Resolve: []ResolveEntry{{Host: "REQS.test", Port: uint16(plainPort), Addrs: addrs("127.0.0.2", "127.0.0.1")}}},
			url:  fmt.Sprintf("http://reqs.test:%d/", plainPort), wantBody: "127.0.0.1:"},
		{name: "IPv4 only reaches localhost over IPv4",
			opts: Options{IPv4: true}, url: fmt.Sprintf("http://localhost:%d/", plainPort), wantBody: "127.0.0.1:"},
		{name: "IPv6 only refuses an IPv4 address",
			opts: Options{IPv6: true}, url: plain.URL, wantErr: "127.0.0.1 is not an IPv6 address"},
		{name: "interface address binds the local end",
			opts: Options{Interface: "127.0.0.1"}, url: plain.URL, wantBody: "127.0.0.1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.CABundle = files.caFile
			_, body, err := fetch(t, tc.opts, tc.url)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("GET %s with %+v: error %v, want %q", tc.url, tc.opts, err, tc.wantErr)
				}
				return
			}
			if err != nil || !strings.HasPrefix(body, tc.wantBody) {
				t.Errorf("GET %s with %+v = %q, %v; want body prefix %q", tc.url, tc.opts, body, err, tc.wantBody)
			}
		})
	}
}

func TestUnixSocket(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "reqs-sock") // short: socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.Host, r.URL.Path)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	// A proxy from the environment must not divert a socket request.
	env := map[string]string{"http_proxy": "http://127.0.0.1:1"}
	_, body, err := fetchEnv(t, Options{UnixSocket: sock}, env, "http://api.local/v1/info")
	if err != nil {
		t.Fatal(err)
	}
	if want := "api.local /v1/info"; body != want {
		t.Errorf("GET over %s: body %q, want %q", sock, body, want)
	}
}

func TestTimeoutPhases(t *testing.T) {
	t.Parallel()
	// A listener that accepts and never speaks: the TLS handshake stalls.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mute.Close() })
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(stall.Close)
	tests := []struct {
		name string
		opts Options
		url  string
		want error
	}{
		{"TLS handshake counts as connecting", Options{ConnectTimeout: 50 * time.Millisecond}, "https://" + mute.Addr().String() + "/", ErrConnectTimeout},
		{"waiting for headers is reading", Options{ReadTimeout: 50 * time.Millisecond}, stall.URL, ErrReadTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := fetch(t, tc.opts, tc.url)
			if !errors.Is(err, tc.want) || !IsTimeout(err) {
				t.Errorf("GET %s with %+v: error %v, want %v", tc.url, tc.opts, err, tc.want)
			}
		})
	}
}

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassifyTransportError(t *testing.T) {
	t.Parallel()
	dialTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
	proxyURL, _ := url.Parse("http://user:secret@proxy:3128")
	leaf := &x509.Certificate{DNSNames: []string{"a.example", "b.example"}}
	tests := []struct {
		name           string
		err            error
		haveClientCert bool
		wantKind       error
		wantMsg        string
	}{
		{name: "dial timeout", err: &roundTripError{err: dialTimeout}, wantKind: ErrConnectTimeout},
		{name: "timeout before a connection", err: &roundTripError{err: readTimeout}, wantKind: ErrConnectTimeout},
		{name: "timeout after a connection", err: &roundTripError{err: readTimeout, connected: true}, wantKind: ErrReadTimeout},
		{name: "dial timeout from a mounted transport", err: dialTimeout, wantKind: ErrConnectTimeout},
		{name: "proxy connect timeout from a mounted transport", err: &net.OpError{Op: "proxyconnect", Err: dialTimeout}, wantKind: ErrConnectTimeout},
		{name: "other timeout from a mounted transport", err: readTimeout, wantKind: ErrReadTimeout},
		{name: "deadline before a connection", err: &roundTripError{err: context.DeadlineExceeded}, wantKind: ErrConnectTimeout},
		{name: "refused tunnel", err: &roundTripError{err: &proxyRefusedError{proxy: "http://proxy:3128", target: "a:443", status: "403 Forbidden"}},
			wantKind: ErrProxy, wantMsg: "proxy http://proxy:3128 refused to open a tunnel to a:443: 403 Forbidden"},
		{name: "proxy unreachable", err: &roundTripError{proxy: proxyURL, err: &net.OpError{Op: "proxyconnect", Net: "tcp",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}},
			wantKind: ErrProxy, wantMsg: "cannot connect to proxy http://user:xxxxx@proxy:3128: connection refused"},
		{name: "bad proxy variable", err: &roundTripError{err: &proxyConfigError{err: errors.New("environment variable https_proxy: bad")}},
			wantKind: ErrProxy, wantMsg: "https_proxy"},
		{name: "socks target refused", err: &socksError{proxy: "socks5://p:1080", target: "a:80", reply: 5, err: errors.New("x")},
			wantKind: ErrConnection, wantMsg: "proxy socks5://p:1080 could not reach a:80: connection refused"},
		{name: "socks ruleset", err: &socksError{proxy: "socks5://p:1080", target: "a:80", reply: 2, err: errors.New("x")},
			wantKind: ErrProxy, wantMsg: "refused the connection to a:80: connection not allowed by ruleset"},
		{name: "socks handshake timeout", err: &roundTripError{err: &socksError{proxy: "socks5h://p:1080", target: "a:80", reply: -1,
			err: &net.OpError{Op: "socks connect", Err: &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}}}},
			wantKind: ErrConnectTimeout, wantMsg: "cannot connect to proxy socks5h://p:1080: timed out"},
		{name: "socks4 proxy dial timeout", err: &roundTripError{err: &socksError{proxy: "socks4://p:1080", target: "a:80", reply: -1, version: 4,
			err: &proxyDialError{err: dialTimeout}}},
			wantKind: ErrConnectTimeout, wantMsg: "cannot connect to proxy socks4://p:1080: timed out"},
		{name: "socks proxy unreachable", err: &socksError{proxy: "socks5://p:1080", target: "a:80", reply: -1,
			err: &net.OpError{Op: "socks connect", Err: &proxyDialError{err: errors.New("connection refused")}}},
			wantKind: ErrProxy, wantMsg: "cannot connect to proxy socks5://p:1080: connection refused"},
		{name: "hostname mismatch", err: &roundTripError{err: &tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: leaf, Host: "c.example"}}},
			wantKind: ErrSSL, wantMsg: "certificate is valid for a.example, b.example, not c.example"},
		{name: "certificate required alert", err: fmt.Errorf("read: %w", tls.AlertError(116)),
			wantKind: ErrSSL, wantMsg: "the server requires a client certificate"},
		{name: "bad certificate alert with a certificate", err: fmt.Errorf("read: %w", tls.AlertError(42)), haveClientCert: true,
			wantKind: ErrSSL, wantMsg: "the server rejected the client certificate"},
		{name: "handshake failed in an unnamed way", err: &roundTripError{err: errors.New("tls: odd"), tlsFailed: true},
			wantKind: ErrSSL, wantMsg: "tls: odd"},
		{name: "server asked for a certificate and hung up", err: &roundTripError{err: errors.New("http2: client conn could not be established"), certRequested: true},
			wantKind: ErrSSL, wantMsg: "the server requires a client certificate"},
		{name: "anything else", err: &roundTripError{err: errors.New("connection reset by peer")}, wantKind: ErrConnection},
		{name: "QUIC server without h3", err: &roundTripError{err: &net.OpError{Op: "dial", Net: "udp", Err: &quic.TransportError{Remote: true, ErrorCode: 0x100 + 120}}, tlsFailed: true},
			wantKind: ErrSSL, wantMsg: "the server does not speak HTTP/3 on this port (alert: no application protocol)"},
		{name: "QUIC certificate required", err: &roundTripError{err: &quic.TransportError{Remote: true, ErrorCode: 0x100 + 116}},
			wantKind: ErrSSL, wantMsg: "the server requires a client certificate (alert: certificate required)"},
		{name: "TLS alert in words", err: &roundTripError{err: &net.OpError{Op: "remote error", Err: tls.AlertError(40)}}, haveClientCert: true,
			wantKind: ErrSSL, wantMsg: `TLS handshake failed: the server sent the alert "handshake failure"`},
		{name: "HTTP/2 stream reset", err: &roundTripError{err: http2.StreamError{StreamID: 1, Code: http2.ErrCodeRefusedStream}, connected: true},
			wantKind: ErrConnection, wantMsg: "the server reset the HTTP/2 stream (REFUSED_STREAM)"},
		{name: "HTTP/2 GOAWAY", err: &roundTripError{err: http2.GoAwayError{ErrCode: http2.ErrCodeEnhanceYourCalm}, connected: true},
			wantKind: ErrConnection, wantMsg: "the server closed the HTTP/2 connection (GOAWAY ENHANCE_YOUR_CALM)"},
		{name: "HTTP/3 error", err: &roundTripError{err: fmt.Errorf("http3: parsing frame failed: %w", &http3.Error{Remote: true, ErrorCode: http3.ErrCodeInternalError}), connected: true},
			wantKind: ErrConnection, wantMsg: "the server ended the HTTP/3 exchange (H3_INTERNAL_ERROR)"},
		{name: "headers too large", err: &roundTripError{err: errors.New("net/http: HTTP/1.x transport connection broken: net/http: server response headers exceeded 10485760 bytes; aborted"), connected: true},
			wantKind: ErrConnection, wantMsg: "the server's response headers are larger than 10 MiB"},
		{name: "net/http's own stream error", err: &roundTripError{err: errors.New("stream error: stream ID 3; CANCEL; received from peer"), connected: true},
			wantKind: ErrConnection, wantMsg: "the server reset the HTTP/2 stream (CANCEL)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			kind, cause := classifyTransportError(tc.err, tc.haveClientCert, 0)
			if kind != tc.wantKind || !strings.Contains(cause.Error(), tc.wantMsg) {
				t.Errorf("classifyTransportError(%v) = %v, %q; want %v containing %q", tc.err, kind, cause, tc.wantKind, tc.wantMsg)
			}
			if strings.Contains(cause.Error(), "secret") {
				t.Errorf("classifyTransportError(%v) cause %q shows the proxy password", tc.err, cause)
			}
		})
	}
}

// TestClassifyErrorInvalidHeader: net/http's refusal to send a header,
// which has no error type, is an InvalidHeader that names the header in
// words.
func TestClassifyErrorInvalidHeader(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &PreparedRequest{URL: &url.URL{Scheme: "http", Host: "a"}}
	in := &roundTripError{err: fmt.Errorf("net/http: invalid header field value for %q", "Cookie")}
	got := s.classifyError(in, p)
	if !errors.Is(got, ErrInvalidHeader) || !strings.Contains(got.Error(), "the Cookie header cannot be sent") || strings.Contains(got.Error(), "net/http") {
		t.Errorf("classifyError(%v) = %v, want an InvalidHeader naming Cookie in words", in, got)
	}
}

func TestClassifyErrorKeepsCancel(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &PreparedRequest{URL: &url.URL{Scheme: "http", Host: "a"}}
	in := &roundTripError{err: context.Canceled}
	if got := s.classifyError(in, p); !errors.Is(got, context.Canceled) || errors.Is(got, ErrConnection) {
		t.Errorf("classifyError(%v) = %v, want the cancellation itself", in, got)
	}
}

// namedRT is a RoundTripper told apart by name.
type namedRT struct{ name string }

func (n *namedRT) RoundTrip(*http.Request) (*http.Response, error) { return nil, errors.New(n.name) }

func TestMountLongestPrefix(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	site, api, other := &namedRT{"site"}, &namedRT{"api"}, &namedRT{"other"}
	s.Mount("https://api.example/v2/", api)
	s.Mount("https://api.example/", site)
	s.Mount("HTTP://Other.Example", other)
	s.Mount("https://api.example/", site) // mounting again replaces, never duplicates
	tests := []struct {
		url  string
		want string // "" means the session's own transport
	}{
		{"https://api.example/v2/users", "api"},
		{"https://api.example/v1/users", "site"},
		{"https://api.example/v2", "site"},
		{"http://other.example/x", "other"},
		{"http://other.example.net/", "other"}, // a plain prefix, as in Requests
		{"https://elsewhere.example/", ""},
		{"http://api.example/v2/", ""},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.url)
		got, _ := s.transportFor(u)
		name := ""
		if n, ok := got.(*namedRT); ok {
			name = n.name
		} else if got != s.transport {
			t.Errorf("transportFor(%s) = %T, want a mounted one or the session's", tc.url, got)
		}
		if name != tc.want {
			t.Errorf("transportFor(%s) = %q, want %q", tc.url, name, tc.want)
		}
	}
}

// addrs parses IP addresses for resolve entries.
func addrs(ips ...string) []netip.Addr {
	var out []netip.Addr
	for _, ip := range ips {
		out = append(out, netip.MustParseAddr(ip))
	}
	return out
}

// TestNewReadsFiles checks that New reports what Validate leaves to it:
// CA bundles and certificates that cannot be read; and CheckEnvironment
// a bundle the environment names that is not there.
func TestNewReadsFiles(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for _, opts := range []Options{{CABundle: missing}, {Cert: missing}} {
		if _, err := New(opts); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("New(%+v) = %v, want an error naming %s", opts, err, missing)
		}
	}
	s := &Session{TrustEnv: true, LookupEnv: envOf(map[string]string{"REQUESTS_CA_BUNDLE": missing})}
	if err := s.CheckEnvironment(); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("CheckEnvironment with REQUESTS_CA_BUNDLE=%s = %v, want an error naming it", missing, err)
	}
	s.TrustEnv = false
	if err := s.CheckEnvironment(); err != nil {
		t.Errorf("CheckEnvironment without TrustEnv = %v, want nil", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name string
		opts Options
		want string // empty: valid
	}{
		{name: "zero value", opts: Options{}},
		{name: "everything valid", opts: Options{InsecureSkipVerify: true, TLSVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
			Proxies: map[string]string{"https": "socks5h://127.0.0.1:1080", "no_proxy": "localhost"}, Resolve: []ResolveEntry{{Host: "a", Port: 1, Addrs: addrs("127.0.0.1")}}, IPv4: true}},
		// Files are New's to read, once: Validate reads none.
		{name: "missing CA bundle is not read", opts: Options{CABundle: missing}},
		{name: "missing client certificate is not read", opts: Options{Cert: missing}},
		{name: "key without certificate", opts: Options{CertKey: missing}, want: "without a certificate"},
		{name: "bad TLS version", opts: Options{TLSVersion: 0x9999}, want: "TLS version 0x9999"},
		{name: "bad cipher", opts: Options{CipherSuites: []uint16{0xffff}}, want: "unknown cipher suite 0xffff"},
		{name: "empty cipher list", opts: Options{CipherSuites: []uint16{}}, want: "empty"},
		{name: "bad proxy", opts: Options{Proxies: map[string]string{"http": "ftp://x"}}, want: "unsupported scheme"},
		{name: "resolve entry without address", opts: Options{Resolve: []ResolveEntry{{Host: "x", Port: 80}}}, want: "want a host, a port and an address"},
		{name: "both families", opts: Options{IPv4: true, IPv6: true}, want: "IPv4 cannot be used with IPv6"},
		{name: "unknown interface", opts: Options{Interface: "nosuchif0"}, want: `interface "nosuchif0"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.opts.Validate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("Validate(%+v) = %v, want nil", tc.opts, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate(%+v) = %v, want an error containing %q", tc.opts, err, tc.want)
			}
		})
	}
}

func TestSetTransportOptions(t *testing.T) {
	t.Parallel()
	target := httptest.NewServer(protoHandler)
	t.Cleanup(target.Close)
	proxyURL, plog := startHTTPProxy(t, "", "", false)
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	opts := s.TransportOptions()
	opts.Proxies = map[string]string{"http": proxyURL.String()}
	if err := s.setTransportOptions(opts); err != nil {
		t.Fatal(err)
	}
	resp, err := s.Do(context.Background(), &Request{Method: "GET", URL: target.URL + "/later"}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if !strings.Contains(plog.String(), "/later") {
		t.Errorf("proxy set after New was not used; proxy log %q", plog)
	}
	if err := s.setTransportOptions(Options{TLSVersion: 0x9999}); err == nil {
		t.Errorf("setTransportOptions with a bad TLS version succeeded")
	}
}

// TestEnvironmentCABundleIsLoadedOnFirstTLSUse checks that a CA bundle
// named by REQUESTS_CA_BUNDLE costs nothing to plain-http requests (it is
// not parsed until a TLS connection needs it) and still governs TLS.
func TestEnvironmentCABundleIsLoadedOnFirstTLSUse(t *testing.T) {
	t.Parallel()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer secure.Close()
	garbage := filepath.Join(t.TempDir(), "bundle.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Session{TrustEnv: true, LookupEnv: envOf(map[string]string{"REQUESTS_CA_BUNDLE": garbage})}
	resp, err := s.Do(context.Background(), &Request{URL: plain.URL}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatalf("plain http with an unparsable environment bundle: %v", err)
	}
	resp.Close()
	_, err = s.Do(context.Background(), &Request{URL: secure.URL}, SendOptions{NoRedirects: true})
	if !errors.Is(err, ErrSSL) || !strings.Contains(err.Error(), "no PEM certificates") {
		t.Fatalf("https with an unparsable environment bundle: err = %v, want an SSLError naming the bundle", err)
	}
}

// A server that stops reading the request body is a read timeout, as a
// socket timeout in Requests bounds every send, not a hang: from memory,
// from a file (sendfile) and chunked.
func TestUploadStallIsReadTimeout(t *testing.T) {
	t.Parallel()
	deaf, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deaf.Close() })
	go func() {
		for {
			c, err := deaf.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	const size = 64 << 20 // far more than loopback socket buffers hold
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	fileBody, err := FileBody(path)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]*Body{
		"bytes":   BytesBody(make([]byte, size)),
		"file":    fileBody,
		"chunked": ReaderBody(io.LimitReader(zeros{}, size), -1),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := New(Options{ReadTimeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			// The deadline only keeps a regression from hanging the suite.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err = s.Do(ctx, &Request{Method: "POST", URL: "http://" + deaf.Addr().String() + "/", Body: body}, SendOptions{NoRedirects: true})
			if !errors.Is(err, ErrReadTimeout) || !strings.Contains(err.Error(), "stopped taking the request") {
				t.Errorf("POST %s body to a server that does not read: error %v, want a ReadTimeout saying so", name, err)
			}
		})
	}
}
