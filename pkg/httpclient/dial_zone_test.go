package httpclient

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/quic-go/quic-go/http3"
)

// loopbackName is the name of the loopback interface ("lo", "lo0").
func loopbackName(t *testing.T) string {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 {
			return i.Name
		}
	}
	t.Fatal("no loopback interface")
	return ""
}

// An IPv6 literal with a zone (RFC 6874: http://[::1%25lo]/) reaches the
// dialer with its zone; net.ParseIP rejects zones, which once made the
// address look like a host name to resolve ("cannot resolve host <nil>").
func TestDialIPv6Zone(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatalf("listen on ::1: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	u := "http://[::1%25" + loopbackName(t) + "]:" + strconv.Itoa(port) + "/"
	resp, err := s.Do(context.Background(), &Request{URL: u}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: status %d, want 200", u, resp.StatusCode)
	}
}

// The same over HTTP/3, whose QUIC dialer takes the address apart itself.
func TestDialIPv6ZoneHTTP3(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	conn, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	if err != nil {
		t.Fatalf("listen on ::1: %v", err)
	}
	srv := &http3.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) }),
		TLSConfig: http3.ConfigureTLSConfig(&tls.Config{Certificates: []tls.Certificate{p.server}}),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	go srv.Serve(conn)
	t.Cleanup(func() { srv.Close(); conn.Close() })
	port := conn.LocalAddr().(*net.UDPAddr).Port
	u := "https://[::1%25" + loopbackName(t) + "]:" + strconv.Itoa(port) + "/"
	_, body, err := fetch(t, Options{HTTP3: true, InsecureSkipVerify: true}, u)
	if err != nil || !strings.HasPrefix(body, "HTTP/3") {
		t.Errorf("GET %s over HTTP/3 = %q, %v; want an HTTP/3 answer", u, body, err)
	}
}
