package httpclient

import (
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quic-go/quic-go/http3"
)

// startHTTP3Server serves h over HTTP/3 on a UDP port of 127.0.0.1 with
// the test PKI's server certificate and returns the port.
func startHTTP3Server(t *testing.T, h http.Handler) int {
	t.Helper()
	p := loadTestPKI(t)
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http3.Server{
		Handler:   h,
		TLSConfig: http3.ConfigureTLSConfig(&tls.Config{Certificates: []tls.Certificate{p.server}}),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	go srv.Serve(conn)
	t.Cleanup(func() { srv.Close(); conn.Close() })
	return conn.LocalAddr().(*net.UDPAddr).Port
}

// TestHTTP3 sends requests over HTTP/3 with the session's TLS settings
// and --resolve pins, and checks what HTTP/3 refuses.
func TestHTTP3(t *testing.T) {
	t.Parallel()
	files := writePKIFiles(t, loadTestPKI(t))
	port := startHTTP3Server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}
		io.WriteString(w, r.Proto+" "+r.Host)
	}))
	hostPort := "reqs.test:" + strconv.Itoa(port)
	pin := []ResolveEntry{{Host: "reqs.test", Port: uint16(port), Addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}}

	tests := []struct {
		name     string
		opts     Options
		url      string
		wantBody string
		wantKind error
		wantMsg  string
	}{
		{name: "verified, pinned name", opts: Options{HTTP3: true, CABundle: files.caFile, Resolve: pin}, url: "https://" + hostPort + "/", wantBody: "HTTP/3.0 " + hostPort},
		{name: "unknown authority", opts: Options{HTTP3: true, Resolve: pin}, url: "https://" + hostPort + "/", wantKind: ErrSSL, wantMsg: "unknown authority"},
		{name: "verification off", opts: Options{HTTP3: true, InsecureSkipVerify: true}, url: "https://127.0.0.1:" + strconv.Itoa(port) + "/", wantBody: "HTTP/3.0 127.0.0.1"},
		{name: "read timeout on the head", opts: Options{HTTP3: true, CABundle: files.caFile, Resolve: pin, ReadTimeout: 200 * time.Millisecond}, url: "https://" + hostPort + "/slow", wantKind: ErrReadTimeout},
		{name: "proxies cannot carry it", opts: Options{HTTP3: true, CABundle: files.caFile, Resolve: pin, Proxies: map[string]string{"all": "http://127.0.0.1:1"}}, url: "https://" + hostPort + "/", wantKind: ErrProxy, wantMsg: "HTTP/3 cannot go through a proxy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body, err := fetch(t, tc.opts, tc.url)
			if tc.wantKind != nil {
				if !errors.Is(err, tc.wantKind) || !strings.Contains(err.Error(), tc.wantMsg) {
					t.Errorf("GET %s: err = %v, want %v containing %q", tc.url, err, tc.wantKind, tc.wantMsg)
				}
				return
			}
			if err != nil || !strings.HasPrefix(body, tc.wantBody) || resp.ProtoMajor() != 3 {
				t.Errorf("GET %s = %q, %v; want body %q over HTTP/3", tc.url, body, err, tc.wantBody)
			}
		})
	}
}

func TestHTTP3OptionsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "with HTTP1", opts: Options{HTTP3: true, HTTP1: true}, want: "HTTP3 cannot be used with HTTP1 or HTTP2"},
		{name: "with h2c", opts: Options{HTTP3: true, HTTP2: true}, want: "HTTP3 cannot be used with HTTP1 or HTTP2"},
		{name: "Unix socket", opts: Options{HTTP3: true, UnixSocket: "/tmp/s"}, want: "not a Unix socket"},
		{name: "TLS 1.2", opts: Options{HTTP3: true, TLSVersion: tls.VersionTLS12}, want: "TLS 1.3"},
	}
	for _, tc := range tests {
		if err := tc.opts.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := (Options{HTTP3: true, TLSVersion: tls.VersionTLS13}).Validate(); err != nil {
		t.Errorf("HTTP3 with TLS 1.3 pinned: Validate() = %v, want nil", err)
	}
}

// TestHTTP3SocketsClosedOnReplace checks that replacing a session's
// transport closes the UDP sockets of the HTTP/3 route it had.
func TestHTTP3SocketsClosedOnReplace(t *testing.T) {
	t.Parallel()
	port := startHTTP3Server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	}))
	s, err := New(Options{HTTP3: true, InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := s.Do(t.Context(), &Request{URL: "https://127.0.0.1:" + strconv.Itoa(port) + "/"}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	q := s.transport.(*sessionTransport).quic
	q.mu.Lock()
	opened := len(q.transports)
	var sock *net.UDPConn
	for _, tr := range q.transports {
		sock = tr.Conn.(*net.UDPConn)
	}
	q.mu.Unlock()
	if opened != 1 {
		t.Fatalf("after one HTTP/3 request: %d UDP sockets, want 1", opened)
	}
	if err := s.setTransportOptions(Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := sock.WriteToUDP([]byte("x"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}); !errors.Is(err, net.ErrClosed) {
		t.Errorf("writing on the replaced transport's UDP socket: err = %v, want it closed", err)
	}
}
