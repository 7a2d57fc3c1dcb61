package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quic-go/quic-go"
	"github.com/reqs-cli/reqs/internal/testserver"
)

// goInternals matches what an error line must never show a user: Go
// package prefixes, net.OpError's "dial tcp"-style operations, Go type
// names and stack traces. --debug may show them; the error line may not.
var goInternals = regexp.MustCompile(`strconv\.|jsontext|encoding/json|(^|[ (])(json|x509|tls|yaml|toml|http2|http3|quic|gzip|flate|zlib|zstd|stat|lstat|open|connect|socket): |stream error|stream ID|CRYPTO_ERROR|(^|[ (])(stat|lstat|open) /|(dial|read|write) (tcp|udp|unix)|net/http|pflag|syscall|goroutine |\*[a-z0-9]+\.[A-Z]`)

// TestErrorsSpeakToUsers runs bad inputs through the binary and fails on
// any Go package name in the error, a wrong exit status, or a message
// that does not name what is at fault.
func TestErrorsSpeakToUsers(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	env := f.Getenv
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte("{\"cookies\": [}"), 0o600); err != nil {
		t.Fatal(err)
	}
	// reset answers every request with a TCP reset, as a TLS port of
	// some servers answers plain http.
	reset, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reset.Close() })
	go func() {
		for {
			c, err := reset.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 4096))
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	// silent accepts connections and never answers: over h2c the
	// connection is made, so waiting for an answer is a read timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c)
		}
	}()
	// noH3 speaks QUIC but not HTTP/3 (no "h3" in its ALPN).
	pki, err := testserver.SharedPKI()
	if err != nil {
		t.Fatal(err)
	}
	noH3, err := quic.ListenAddr("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pki.Server}, NextProtos: []string{"not-h3"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { noH3.Close() })
	go func() {
		for {
			if _, err := noH3.Accept(context.Background()); err != nil {
				return
			}
		}
	}()
	sessions := t.TempDir()
	ctlCookie := filepath.Join(sessions, "ctl-cookie.json")
	if err := os.WriteFile(ctlCookie, []byte(`{"headers": [{"name": "X-Ok", "value": "1"}], "cookies": [{"name": "k", "value": "a\u0001b", "domain": "127.0.0.1", "path": "/"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		config string // config.yaml content, if any
		status int
		want   string // a part of the error line
	}{
		{name: "bool flag", args: []string{"--form=maybe", env("HTTPBIN") + "/get"}, status: 64, want: "--form"},
		{name: "int flag", args: []string{"--max-redirects", "many", env("HTTPBIN") + "/get"}, status: 64, want: "--max-redirects"},
		{name: "bad json item", args: []string{"--offline", env("HTTPBIN") + "/post", "n:=tru"}, status: 64, want: `"n:=tru"`},
		{name: "corrupt session", args: []string{"--session", corrupt, env("HTTPBIN") + "/get"}, status: 1, want: "corrupt.json"},
		{name: "corrupt config", args: []string{env("HTTPBIN") + "/get"}, config: "timeout: [1\n", status: 1, want: "config.yaml"},
		{name: "read timeout", args: []string{"--timeout", "3,0.3", env("HTTPBIN") + "/delay/3"}, status: 2, want: "ReadTimeout"},
		{name: "connect timeout", args: []string{"--timeout", "0.3", "http://" + env("NEVER_ACCEPT") + "/"}, status: 2, want: "ConnectTimeout"},
		{name: "https to a plain port", args: []string{"https://" + env("HTTPBIN_HOST") + "/get"}, status: 1, want: "SSLError"},
		{name: "connection reset", args: []string{"http://" + reset.Addr().String() + "/"}, status: 1, want: "ConnectionError"},
		{name: "refused", args: []string{"http://127.0.0.1:1/"}, status: 1, want: "ConnectionError"},
		{name: "dropped connection", args: []string{env("FAULT") + "/drop?times=5&key=e"}, status: 1, want: "ConnectionError"},
		{name: "truncated body", args: []string{env("FAULT") + "/truncated"}, status: 1, want: "ChunkedEncodingError"},
		{name: "bad gzip", args: []string{env("FAULT") + "/badgzip"}, status: 1, want: "ContentDecodingError"},
		{name: "bad proxy port", args: []string{"--proxy", "http=http://127.0.0.1:99999", env("HTTPBIN") + "/get"}, status: 64, want: "proxy URL"},
		{name: "bad url port", args: []string{"http://127.0.0.1:99999/"}, status: 64, want: "99999"},
		{name: "host not UTF-8", args: []string{"--offline", "http://\xff.example/"}, status: 64, want: "not valid UTF-8"},
		{name: "host not IDNA", args: []string{"--offline", "http://xn--a.example/"}, status: 64, want: "punycode"},
		{name: "missing CA bundle", args: []string{"--verify", filepath.Join(dir, "none.pem"), env("HTTPBIN_TLS") + "/get"}, status: 64, want: "CA bundle"},
		{name: "missing client certificate", args: []string{"--cert", filepath.Join(dir, "none.pem"), env("HTTPBIN_TLS") + "/get"}, status: 64, want: "client certificate"},
		{name: "refused by a socks proxy", args: []string{"--proxy", "all=socks5://127.0.0.1:1", env("HTTPBIN") + "/get"}, status: 1, want: "ProxyError"},
		{name: "refused by an http proxy", args: []string{"--proxy", "all=http://127.0.0.1:1", env("HTTPBIN") + "/get"}, status: 1, want: "ProxyError"},
		{name: "missing unix socket", args: []string{"--unix-socket", filepath.Join(dir, "none.sock"), "http://x/"}, status: 1, want: "ConnectionError"},
		{name: "expired certificate", args: []string{"--verify", env("CA_FILE"), env("TLS_EXPIRED") + "/"}, status: 1, want: "SSLError"},
		{name: "unknown authority", args: []string{env("HTTPBIN_TLS") + "/get"}, status: 1, want: "SSLError"},
		{name: "reset during the body", args: []string{env("FAULT") + "/truncated?reset=1"}, status: 1, want: "before the whole body arrived: connection reset by peer"},
		{name: "HTTP/2 stream reset during the body", args: []string{"--http2", env("FAULT") + "/truncated"}, status: 1, want: "the server reset the HTTP/2 stream (INTERNAL_ERROR)"},
		{name: "response headers too large", args: []string{env("FAULT") + "/hostile/bigheaders"}, status: 1, want: "response headers are larger than 10 MiB"},
		{name: "silent h2c server", args: []string{"--http2", "--timeout", "3,0.3", "http://" + silent.Addr().String() + "/"}, status: 2, want: "ReadTimeout"},
		{name: "QUIC server without HTTP/3", args: []string{"--http3", "--verify", env("CA_FILE"), "https://" + noH3.Addr().String() + "/"}, status: 1, want: "does not speak HTTP/3"},
		{name: "HTTP/3 stream ended", args: []string{"--http3", "--verify", env("CA_FILE"), env("FAULT_H3") + "/truncated"}, status: 1, want: "H3_INTERNAL_ERROR"},
		{name: "key of another certificate", args: []string{"--cert", env("CA_FILE"), "--cert-key", env("CLIENT_KEY"), env("HTTPBIN_TLS") + "/get"}, status: 64, want: "is not this certificate's key"},
		{name: "cookie with a control character", args: []string{"--session", ctlCookie, env("HTTPBIN") + "/cookies"}, status: 0, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := reqsCommand(t, tc.args...)
			if tc.config != "" {
				cfgDir := ""
				for _, kv := range cmd.Env {
					if v, ok := strings.CutPrefix(kv, "REQS_CONFIG_DIR="); ok {
						cfgDir = v
					}
				}
				if err := os.MkdirAll(cfgDir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte(tc.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			status := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				status = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			line := strings.TrimSpace(stderr.String())
			if status != tc.status {
				t.Errorf("reqs %q exited %d, want %d; stderr:\n%s", tc.args, status, tc.status, line)
			}
			if !strings.Contains(line, tc.want) {
				t.Errorf("reqs %q stderr does not name %q:\n%s", tc.args, tc.want, line)
			}
			if m := goInternals.FindString(line); m != "" {
				t.Errorf("reqs %q stderr shows Go internals (%q):\n%s", tc.args, m, line)
			}
		})
	}
}
