package cmd

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/spf13/pflag"
)

func TestParseProxyFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, wantKey, wantURL string
		wantErr              bool
	}{
		{in: "http=http://proxy:3128", wantKey: "http", wantURL: "http://proxy:3128"},
		{in: "HTTPS=socks5h://u:p@s:1080", wantKey: "https", wantURL: "socks5h://u:p@s:1080"},
		{in: "all=proxy:3128", wantKey: "all", wantURL: "proxy:3128"},
		{in: "http://example.org=http://p:1", wantKey: "http://example.org", wantURL: "http://p:1"},
		{in: "all://example.org=socks5://p:1080", wantKey: "all://example.org", wantURL: "socks5://p:1080"},
		{in: "http=", wantKey: "http", wantURL: ""},
		{in: "no_proxy=localhost,10.0.0.0/8", wantKey: "no_proxy", wantURL: "localhost,10.0.0.0/8"},
		{in: "http:http://proxy:3128", wantKey: "http", wantURL: "http://proxy:3128"},
		{in: "https:http://p:1/?a=b", wantKey: "https", wantURL: "http://p:1/?a=b"},
		{in: "http://proxy:3128", wantErr: true},
		{in: "proxy:3128", wantErr: true},
		{in: "ftp", wantErr: true},
	}
	for _, tc := range tests {
		key, u, err := parseProxyFlag(tc.in)
		if tc.wantErr {
			var usage *usageError
			if !errors.As(err, &usage) {
				t.Errorf("parseProxyFlag(%q) = %q, %q, %v; want a usage error", tc.in, key, u, err)
			}
			continue
		}
		if err != nil || key != tc.wantKey || u != tc.wantURL {
			t.Errorf("parseProxyFlag(%q) = %q, %q, %v; want %q, %q", tc.in, key, u, err, tc.wantKey, tc.wantURL)
		}
	}
}

func TestNetFlagsOptions(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name    string
		args    []string
		want    httpclient.Options
		wantErr string // a usage error containing this
	}{
		{name: "defaults", args: nil, want: httpclient.Options{}},
		{name: "everything", args: []string{"--verify=no", "--http1.1", "--proxy", "http=http://p:1", "--proxy", "https:socks5://s:2",
			"--ssl", "tls1.2", "--ciphers", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "--resolve", "a:1:127.0.0.1",
			"--unix-socket", "/tmp/s", "--trust-env=false", "-4", "--interface", "127.0.0.1"},
			want: httpclient.Options{InsecureSkipVerify: true, HTTP1: true, Proxies: map[string]string{"http": "http://p:1", "https": "socks5://s:2"},
				TLSVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
				Resolve:    []httpclient.ResolveEntry{{Host: "a", Port: 1, Addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}},
				UnixSocket: "/tmp/s", IPv4: true, Interface: "127.0.0.1"}},
		// Files are read once, when the session is built.
		{name: "CA bundle path", args: []string{"--verify", missing}, want: httpclient.Options{CABundle: missing}},
		{name: "key without certificate", args: []string{"--cert-key", missing}, wantErr: "without a certificate"},
		{name: "bad TLS version", args: []string{"--ssl", "tls2"}, wantErr: "tls2"},
		{name: "bad cipher", args: []string{"--ciphers", "AES"}, wantErr: `"AES"`},
		{name: "bad proxy scheme", args: []string{"--proxy", "all=ftp://p"}, wantErr: "ftp"},
		{name: "bad proxy flag", args: []string{"--proxy", "p:1"}, wantErr: "KEY=URL"},
		{name: "bad resolve", args: []string{"--resolve", "a:1"}, wantErr: "HOST:PORT:ADDR"},
		{name: "both families", args: []string{"-4", "-6"}, wantErr: "--ipv4 and --ipv6 cannot be used together"},
		{name: "HTTP/3 and HTTP/2", args: []string{"--http3", "--http2"}, wantErr: "--http3 cannot be used with --http1.1 or --http2"},
		{name: "HTTP/3 and TLS 1.2", args: []string{"--http3", "--ssl", "tls1.2"}, wantErr: "--http3 cannot be used with --ssl: HTTP/3 needs TLS 1.3"},
		{name: "HTTP/3 and a proxy", args: []string{"--http3", "--proxy", "all=http://p:1"}, wantErr: "--http3 cannot be used with --proxy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var f netFlags
			fs := pflag.NewFlagSet("reqs", pflag.ContinueOnError)
			f.register(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatalf("parse %q: %v", tc.args, err)
			}
			got, err := f.options()
			if tc.wantErr != "" {
				var usage *usageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("options(%q) error = %v, want a usage error containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("options(%q): %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("options(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestParseTLSVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    uint16
		wantErr bool
	}{
		{"tls1.2", tls.VersionTLS12, false}, {"TLS1.3", tls.VersionTLS13, false}, {"tls1", tls.VersionTLS10, false},
		{"tls1.1", tls.VersionTLS11, false}, {"ssl2.3", 0, false}, {"ssl3", 0, true}, {"1.2", 0, true},
	}
	for _, tc := range tests {
		got, err := parseTLSVersion(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("parseTLSVersion(%q) = %#x, %v; want %#x, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      []string
		want    []httpclient.ResolveEntry
		wantErr string
	}{
		{in: []string{"example.org:443:127.0.0.1"}, want: []httpclient.ResolveEntry{{Host: "example.org", Port: 443, Addrs: addrs("127.0.0.1")}}},
		{in: []string{"Example.ORG:80:127.0.0.1,::1"}, want: []httpclient.ResolveEntry{{Host: "Example.ORG", Port: 80, Addrs: addrs("127.0.0.1", "::1")}}},
		{in: []string{"example.org:80:[::1]"}, want: []httpclient.ResolveEntry{{Host: "example.org", Port: 80, Addrs: addrs("::1")}}},
		{in: []string{"[::1]:8080:127.0.0.1"}, want: []httpclient.ResolveEntry{{Host: "::1", Port: 8080, Addrs: addrs("127.0.0.1")}}},
		{in: []string{"a:1:10.0.0.1", "a:1:10.0.0.2"}, want: []httpclient.ResolveEntry{{Host: "a", Port: 1, Addrs: addrs("10.0.0.1")}, {Host: "a", Port: 1, Addrs: addrs("10.0.0.2")}}},
		{in: []string{"example.org:0:127.0.0.1"}, wantErr: "bad port"},
		{in: []string{"example.org:443"}, wantErr: "want HOST:PORT:ADDR"},
		{in: []string{"example.org"}, wantErr: "want HOST:PORT:ADDR"},
		{in: []string{":443:127.0.0.1"}, wantErr: "want HOST:PORT:ADDR"},
		{in: []string{"example.org:https:127.0.0.1"}, wantErr: "bad port"},
		{in: []string{"example.org:70000:127.0.0.1"}, wantErr: "bad port"},
		{in: []string{"example.org:443:other.example"}, wantErr: "not an IP address"},
	}
	for _, tc := range tests {
		got, err := parseResolve(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseResolve(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseResolve(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Errorf("parseResolve(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParseCipherSuites(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []uint16
		wantErr string
	}{
		{in: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", want: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}},
		{in: "tls_ecdhe_rsa_with_aes_256_gcm_sha384:TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			want: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}},
		{in: "TLS_RSA_WITH_RC4_128_SHA, TLS_AES_128_GCM_SHA256", want: []uint16{tls.TLS_RSA_WITH_RC4_128_SHA, tls.TLS_AES_128_GCM_SHA256}},
		// OpenSSL's names, as HTTPie's docs and curl take them.
		{in: "ECDHE-RSA-AES128-GCM-SHA256", want: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}},
		{in: "ECDHE-ECDSA-CHACHA20-POLY1305:aes256-gcm-sha384", want: []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}},
		{in: "DHE-RSA-AES256-GCM-SHA384", wantErr: `unknown or unsupported cipher suite "DHE-RSA-AES256-GCM-SHA384"`},
		{in: "ECDHE+AESGCM:!aNULL", wantErr: `"ECDHE+AESGCM" is an OpenSSL selection keyword`},
		{in: "HIGH", wantErr: `"HIGH" is an OpenSSL selection keyword`},
		{in: " , ", wantErr: "names no suite"},
	}
	for _, tc := range tests {
		got, err := parseCipherSuites(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseCipherSuites(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("parseCipherSuites(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
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
