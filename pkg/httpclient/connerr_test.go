package httpclient

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestDescribeConnectError(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dns not found", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "nope.invalid", Err: "no such host", IsNotFound: true}}, "cannot resolve host nope.invalid: no such host"},
		{"dns failure", &net.DNSError{Name: "x.test", Err: "server misbehaving"}, "cannot resolve host x.test: server misbehaving"},
		{"refused", refused, "cannot connect to 127.0.0.1:1: connection refused"},
		{"other", errors.New("boom"), "boom"},
	}
	for _, tc := range tests {
		got := describeConnectError(tc.err)
		if got.Error() != tc.want {
			t.Errorf("%s: describeConnectError(%v) = %q, want %q", tc.name, tc.err, got, tc.want)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("%s: the cause is lost: errors.Is(%v, %v) is false", tc.name, got, tc.err)
		}
	}
	if !errors.Is(describeConnectError(refused), syscall.ECONNREFUSED) {
		t.Errorf("errors.Is(refused, ECONNREFUSED) is false after describing")
	}
}

func TestDescribeConnectErrorHidesOperations(t *testing.T) {
	t.Parallel()
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8443}
	timeout := &net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: os.ErrDeadlineExceeded}
	reset := &net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dial timeout", timeout, "cannot connect to 127.0.0.1:8443: timed out"},
		{"reset", reset, "the connection to 127.0.0.1:8443 broke: connection reset by peer"},
		{"closed without a response", fmt.Errorf("wrapped: %w", io.EOF), "the server closed the connection without a response"},
	}
	for _, tc := range tests {
		got := describeConnectError(tc.err)
		if got.Error() != tc.want {
			t.Errorf("%s: describeConnectError(%v) = %q, want %q", tc.name, tc.err, got, tc.want)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("%s: the cause is lost", tc.name)
		}
	}
}

// rawReplier listens on loopback and answers every connection, once it
// has read a request head, with reply (nothing when empty), then hangs up.
func rawReplier(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				head := make([]byte, 0, 1024)
				buf := make([]byte, 1024)
				for !strings.Contains(string(head), "\r\n\r\n") {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					head = append(head, buf[:n]...)
				}
				io.WriteString(c, reply)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestBrokenExchangesAreWorded(t *testing.T) {
	t.Parallel()
	garbage := rawReplier(t, "garbage\r\n\r\n")
	badStatus := rawReplier(t, "HTTP/1.1 abc OK\r\n\r\n")
	hangUp := rawReplier(t, "")
	tests := []struct {
		name string
		opts Options
		url  string
		kind error
		want string
	}{
		{"not HTTP", Options{}, "http://" + garbage + "/", ErrConnection, `the server's response is not valid HTTP: malformed HTTP response "garbage"`},
		{"bad status code", Options{}, "http://" + badStatus + "/", ErrConnection, `the server's response is not valid HTTP: malformed HTTP status code "abc"`},
		{"proxy hangs up on CONNECT", Options{Proxies: map[string]string{"all": "http://" + hangUp}}, "https://example.test/", ErrProxy,
			"cannot connect to proxy http://" + hangUp + ": it closed the connection without answering the CONNECT request"},
		{"proxy answers CONNECT with garbage", Options{Proxies: map[string]string{"all": "http://" + garbage}}, "https://example.test/", ErrProxy,
			`cannot connect to proxy http://` + garbage + `: malformed HTTP response "garbage"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := fetch(t, tc.opts, tc.url)
			if !errors.Is(err, tc.kind) || err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Errorf("GET %s: error %v, want %v ending in %q", tc.url, err, tc.kind, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "net/http") {
				t.Errorf("GET %s: error %q names Go's package", tc.url, err)
			}
		})
	}
}
