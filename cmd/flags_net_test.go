package cmd

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

func TestNetFlagsApply(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name    string
		args    []string
		want    httpclient.Options
		wantErr string // a usage error containing this
	}{
		{name: "defaults", args: nil, want: httpclient.Options{TrustEnv: true, Verify: "yes"}},
		{name: "everything", args: []string{"--verify=no", "--http1.1", "--proxy", "http=http://p:1", "--proxy", "https:socks5://s:2",
			"--ssl", "tls1.2", "--ciphers", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "--resolve", "a:1:127.0.0.1",
			"--unix-socket", "/tmp/s", "--trust-env=false", "-4", "--interface", "127.0.0.1"},
			want: httpclient.Options{Verify: "no", HTTP1: true, Proxies: map[string]string{"http": "http://p:1", "https": "socks5://s:2"},
				TLSVersion: "tls1.2", Ciphers: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Resolve: []string{"a:1:127.0.0.1"},
				UnixSocket: "/tmp/s", IPv4: true, Interface: "127.0.0.1"}},
		{name: "unreadable CA bundle", args: []string{"--verify", missing}, wantErr: missing},
		{name: "unreadable certificate", args: []string{"--cert", missing}, wantErr: missing},
		{name: "bad TLS version", args: []string{"--ssl", "tls2"}, wantErr: "tls2"},
		{name: "bad cipher", args: []string{"--ciphers", "AES"}, wantErr: `"AES"`},
		{name: "bad proxy scheme", args: []string{"--proxy", "all=ftp://p"}, wantErr: "ftp"},
		{name: "bad proxy flag", args: []string{"--proxy", "p:1"}, wantErr: "KEY=URL"},
		{name: "bad resolve", args: []string{"--resolve", "a:1"}, wantErr: "HOST:PORT:ADDR"},
		{name: "both families", args: []string{"-4", "-6"}, wantErr: "--ipv4 and --ipv6"},
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
			var got httpclient.Options
			err := f.apply(&got)
			if tc.wantErr != "" {
				var usage *usageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("apply(%q) error = %v, want a usage error containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("apply(%q): %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".LookupEnv" }, cmp.Ignore())); diff != "" {
				t.Errorf("apply(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
			if f.trustEnv() != got.TrustEnv {
				t.Errorf("apply(%q): trustEnv() = %v, Options.TrustEnv = %v", tc.args, f.trustEnv(), got.TrustEnv)
			}
		})
	}
}
