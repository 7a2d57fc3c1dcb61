package httpclient

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
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
