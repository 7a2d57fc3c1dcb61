package render

import (
	"bytes"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// shellArgs runs cmdline in sh with curl replaced by a function that
// prints its arguments NUL-separated, so the test sees what a shell makes
// of the quoting.
func shellArgs(t *testing.T, cmdline string) []string {
	t.Helper()
	out, err := exec.Command("sh", "-c", `curl() { printf 'curl\0'; printf '%s\0' "$@"; }; `+cmdline).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", cmdline, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestCurlCommand(t *testing.T) {
	t.Parallel()
	tricky := "it's \"quoted\" $HOME `id` \\ \n\ttab;&|*?~"
	tests := []struct {
		name     string
		method   string
		url      string
		h        http.Header
		body     []byte
		bodyFile string
		want     []string
		wantLine string // the exact command line, when it matters
	}{
		{name: "plain GET", method: "GET", url: "http://localhost:8080/get",
			want: []string{"curl", "http://localhost:8080/get"}, wantLine: "curl http://localhost:8080/get"},
		{name: "POST with JSON body", method: "POST", url: "http://x/a b",
			h:        http.Header{"Content-Type": {"application/json"}},
			body:     []byte(`{"a":1}`),
			want:     []string{"curl", "http://x/a b", "-H", "Content-Type: application/json", "--data-binary", `{"a":1}`},
			wantLine: `curl 'http://x/a b' -H 'Content-Type: application/json' --data-binary '{"a":1}'`},
		{name: "POST without body", method: "POST", url: "http://x/",
			want: []string{"curl", "-X", "POST", "http://x/"}},
		{name: "PUT with a file", method: "PUT", url: "http://x/up", bodyFile: "my file.bin",
			want: []string{"curl", "-X", "PUT", "http://x/up", "--data-binary", "@my file.bin"}},
		{name: "body from stdin", method: "POST", url: "http://x/", bodyFile: "-",
			want: []string{"curl", "http://x/", "--data-binary", "@-"}},
		{name: "GET with body keeps -X", method: "GET", url: "http://x/", body: []byte("q"),
			want: []string{"curl", "-X", "GET", "http://x/", "--data-binary", "q"}},
		{name: "HEAD", method: "HEAD", url: "http://x/",
			want: []string{"curl", "--head", "http://x/"}},
		{name: "custom method", method: "PROPFIND", url: "http://x/dav",
			want: []string{"curl", "-X", "PROPFIND", "http://x/dav"}},
		{name: "tricky values survive the shell", method: "POST", url: "http://x/?q=" + tricky,
			h:    http.Header{"X-Tricky": {tricky}},
			body: []byte(tricky + "'''"),
			want: []string{"curl", "http://x/?q=" + tricky, "-H", "X-Tricky: " + tricky, "--data-binary", tricky + "'''"}},
		{name: "empty body is still a body", method: "POST", url: "http://x/", body: []byte{},
			want: []string{"curl", "http://x/", "--data-binary", ""}},
		{name: "headers sorted, repeated, empty; Host and Content-Length left out", method: "GET", url: "http://x:81/",
			h:    http.Header{"X-B": {"1", "2"}, "Accept": {"*/*"}, "X-Empty": {""}, "Host": {"x:81"}, "Content-Length": {"0"}},
			want: []string{"curl", "http://x:81/", "-H", "Accept: */*", "-H", "X-B: 1", "-H", "X-B: 2", "-H", "X-Empty;"}},
		{name: "a Host unlike the URL's is kept", method: "GET", url: "http://127.0.0.1/",
			h:    http.Header{"Host": {"example.org"}},
			want: []string{"curl", "http://127.0.0.1/", "-H", "Host: example.org"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			line := CurlCommand(tc.method, tc.url, tc.h, tc.body, tc.bodyFile)
			if tc.wantLine != "" && line != tc.wantLine {
				t.Errorf("CurlCommand(%s %s) = %s, want %s", tc.method, tc.url, line, tc.wantLine)
			}
			if diff := cmp.Diff(tc.want, shellArgs(t, line)); diff != "" {
				t.Errorf("CurlCommand(%s %s) = %s; arguments after the shell (-want +got):\n%s", tc.method, tc.url, line, diff)
			}
		})
	}
}

func TestCurlOptions(t *testing.T) {
	t.Parallel()
	c := Curl{
		Method: "GET", URL: "https://x/", Insecure: true, CACert: "/ca dir/ca.pem", Cert: "c.pem", Key: "k.pem",
		Proxy: "socks5h://p:1080", UnixSocket: "/run/d.sock", HTTP11: true, Follow: true, MaxRedirects: 5, PathAsIs: true,
	}
	want := []string{"curl", "https://x/", "-k", "--cacert", "/ca dir/ca.pem", "--cert", "c.pem", "--key", "k.pem",
		"--proxy", "socks5h://p:1080", "--unix-socket", "/run/d.sock", "--path-as-is", "--http1.1", "-L", "--max-redirs", "5"}
	line := c.String()
	if diff := cmp.Diff(want, shellArgs(t, line)); diff != "" {
		t.Errorf("Curl%+v.String() = %s; arguments after the shell (-want +got):\n%s", c, line, diff)
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"http://h:1/p?a=1&b=2", "'http://h:1/p?a=1&b=2'"},
		{"", "''"},
		{"it's", `'it'\''s'`},
		{"=x", "'=x'"},
		{"a=b", "a=b"},
		{"@file", "@file"},
		{"~", "'~'"},
	}
	for _, tc := range tests {
		if got := shellQuote(tc.in); got != tc.want {
			t.Errorf("shellQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestCurlAuthAndRemovedHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    Curl
		want []string
	}{
		{name: "digest credentials become --digest -u",
			c:    Curl{Method: "GET", URL: "http://x/", Digest: true, User: "ann:p w:d"},
			want: []string{"curl", "http://x/", "--digest", "-u", "ann:p w:d"}},
		{name: "a PKCS#12 bundle is typed",
			c:    Curl{Method: "GET", URL: "https://x/", Cert: "c.p12", CertType: "P12", CertPass: "pw"},
			want: []string{"curl", "https://x/", "--cert", "c.p12", "--cert-type", "P12", "--pass", "pw"}},
		{name: "a passphrase without a certificate is left out",
			c:    Curl{Method: "GET", URL: "https://x/", CertPass: "pw"},
			want: []string{"curl", "https://x/"}},
		{name: "aws-sigv4 lets curl sign",
			c:    Curl{Method: "GET", URL: "http://x/", AWSSigV4: "aws:amz:eu-west-1:s3", User: "AK:SK"},
			want: []string{"curl", "http://x/", "--aws-sigv4", "aws:amz:eu-west-1:s3", "-u", "AK:SK"}},
		{name: "a bearer token goes by --oauth2-bearer",
			c:    Curl{Method: "GET", URL: "http://x/", Bearer: "t0k"},
			want: []string{"curl", "http://x/", "--oauth2-bearer", "t0k"}},
		{name: "netrc and cookie files are named",
			c:    Curl{Method: "GET", URL: "http://x/", Netrc: true, NetrcFile: "my netrc", CookieFile: "jar.txt"},
			want: []string{"curl", "http://x/", "--netrc", "--netrc-file", "my netrc", "-b", "jar.txt"}},
		{name: "a complete header set removes curl's own defaults it lacks",
			c:    Curl{Method: "GET", URL: "http://x/", Header: http.Header{"Accept": {"*/*"}}, HeaderComplete: true},
			want: []string{"curl", "http://x/", "-H", "Accept: */*", "-H", "User-Agent:"}},
		{name: "an empty value is sent, not removed",
			c:    Curl{Method: "GET", URL: "http://x/", Header: http.Header{"User-Agent": {""}}, HeaderComplete: true},
			want: []string{"curl", "http://x/", "-H", "User-Agent;", "-H", "Accept:"}},
		{name: "a partial header set leaves curl's defaults alone",
			c:    Curl{Method: "GET", URL: "http://x/", Header: http.Header{"X-A": {"1"}}},
			want: []string{"curl", "http://x/", "-H", "X-A: 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			line := tc.c.String()
			if diff := cmp.Diff(tc.want, shellArgs(t, line)); diff != "" {
				t.Errorf("Curl%+v.String() = %s; arguments after the shell (-want +got):\n%s", tc.c, line, diff)
			}
		})
	}
}

// shellStdin runs cmdline in sh with curl replaced by a function that
// copies its standard input out, so the test sees the bytes a printf
// pipeline hands curl.
func shellStdin(t *testing.T, cmdline string) []byte {
	t.Helper()
	out, err := exec.Command("sh", "-c", `curl() { cat; }; `+cmdline).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", cmdline, err)
	}
	return out
}

func TestCurlBinaryBodies(t *testing.T) {
	t.Parallel()
	all := make([]byte, 0, 256)
	for i := range 256 {
		all = append(all, byte(i))
	}
	tests := []struct {
		name string
		body []byte
	}{
		{"every byte value", all},
		{"NUL bytes", []byte("a\x00b\x00")},
		{"invalid UTF-8", []byte("caf\xe9")},
		{"escape sequences and printf syntax", []byte("\x1b[31m%s %% \\n \\\\ '\"")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			line := Curl{Method: "POST", URL: "http://x/", Body: tc.body}.String()
			if !strings.HasPrefix(line, "printf ") || !strings.HasSuffix(line, "--data-binary @-") {
				t.Fatalf("Curl.String() = %s, want a printf pipeline into --data-binary @-", line)
			}
			if got := shellStdin(t, line); !bytes.Equal(got, tc.body) {
				t.Errorf("printf wrote %q, want %q", got, tc.body)
			}
			if strings.ContainsFunc(line, func(r rune) bool { return r < ' ' || r == 0x7f || r == utf8.RuneError }) {
				t.Errorf("Curl.String() = %q holds raw control or invalid bytes", line)
			}
		})
	}
}

func TestCurlForm(t *testing.T) {
	t.Parallel()
	c := Curl{
		Method: "POST", URL: "http://x/up",
		Header: http.Header{"Content-Type": {"multipart/form-data; boundary=abc"}, "X-A": {"1"}},
		Form: []CurlFormPart{
			{Name: "name", Value: "@not-a-file"},
			{Name: "f", File: "dir/a b.bin", Type: "application/octet-stream"},
			{Name: "g", File: "we;ird,\"name\".png", Type: "image/png", Filename: "x.png"},
			{Name: "s", File: "-", Filename: "from-stdin.txt"},
		},
	}
	want := []string{"curl", "http://x/up", "-H", "X-A: 1",
		"--form-string", "name=@not-a-file",
		"-F", "f=@dir/a b.bin;type=application/octet-stream",
		"-F", `g=@"we;ird,\"name\".png";type=image/png;filename=x.png`,
		"-F", "s=@-;filename=from-stdin.txt"}
	line := c.String()
	if diff := cmp.Diff(want, shellArgs(t, line)); diff != "" {
		t.Errorf("Curl.String() = %s; arguments after the shell (-want +got):\n%s", line, diff)
	}
}

func TestCurlTransportSettings(t *testing.T) {
	t.Parallel()
	c := Curl{
		Method: "GET", URL: "http://x/", Proxy: "https://p:3128", Insecure: true, CACert: "ca.pem", Cert: "c.pem",
		CertPass: "s3cret", TLSVersion: "1.2", Resolve: []string{"x:80:127.0.0.1,[::1]"}, IPv4: true,
		Interface: "eth0", HTTP2PriorKnowledge: true,
		ConnectTimeout: 2500 * time.Millisecond, ReadTimeout: 1500 * time.Millisecond, MaxTime: 30 * time.Second,
	}
	want := []string{"curl", "http://x/", "-k", "--cacert", "ca.pem", "--cert", "c.pem", "--proxy", "https://p:3128",
		"--pass", "s3cret", "--proxy-insecure", "--proxy-cacert", "ca.pem", "--tlsv1.2", "--tls-max", "1.2",
		"--resolve", "x:80:127.0.0.1,[::1]", "-4", "--interface", "eth0", "--http2-prior-knowledge",
		"--connect-timeout", "2.5", "--speed-limit", "1", "--speed-time", "2", "-m", "30"}
	line := c.String()
	if diff := cmp.Diff(want, shellArgs(t, line)); diff != "" {
		t.Errorf("Curl.String() = %s; arguments after the shell (-want +got):\n%s", line, diff)
	}
}

func TestCurlHTTP3(t *testing.T) {
	t.Parallel()
	line := Curl{Method: "GET", URL: "https://x/", HTTP3: true}.String()
	want := []string{"curl", "https://x/", "--http3"}
	if diff := cmp.Diff(want, shellArgs(t, line)); diff != "" {
		t.Errorf("Curl.String() = %s (-want +got):\n%s", line, diff)
	}
}

func TestCurlBodyStartingWithAt(t *testing.T) {
	t.Parallel()
	line := Curl{Method: "POST", URL: "http://x/", Body: []byte("@etc/passwd")}.String()
	want := []string{"curl", "http://x/", "--data-raw", "@etc/passwd"}
	if diff := cmp.Diff(want, shellArgs(t, line)); diff != "" {
		t.Errorf("Curl.String() = %s; a body starting with @ must not name a file (-want +got):\n%s", line, diff)
	}
}

// TestCurlShellVar: a secret given as ShellVar is written as a variable
// the shell fills in, never as its value, and joins the text around it
// into one argument whatever that text holds.
func TestCurlShellVar(t *testing.T) {
	t.Parallel()
	c := Curl{
		Method: "GET", URL: "http://x/",
		Header:   http.Header{"X-Amz-Security-Token": {ShellVar("AWS_SESSION_TOKEN")}},
		AWSSigV4: "aws:amz:r:s", User: ShellVar("AWS_ACCESS_KEY_ID") + ":" + ShellVar("AWS_SECRET_ACCESS_KEY"),
		Proxy: "http://u:" + ShellVar("PROXY_PASSWORD") + "@p:3128",
		Cert:  "c.pem", CertPass: ShellVar("REQS_CERT_KEY_PASS"),
		Bearer: "it's " + ShellVar("T") + " $HOME",
	}
	line := c.String()
	for _, v := range []string{`"${AWS_SESSION_TOKEN}"`, `"${AWS_ACCESS_KEY_ID}":"${AWS_SECRET_ACCESS_KEY}"`, `"${PROXY_PASSWORD}"`, `"${REQS_CERT_KEY_PASS}"`} {
		if !strings.Contains(line, v) {
			t.Errorf("Curl.String() = %s, want %s in it", line, v)
		}
	}
	cmd := exec.Command("sh", "-c", `curl() { printf 'curl\0'; printf '%s\0' "$@"; }; `+line)
	cmd.Env = []string{"AWS_SESSION_TOKEN=tok", "AWS_ACCESS_KEY_ID=AK", "AWS_SECRET_ACCESS_KEY=S K", "PROXY_PASSWORD=p@ss", "REQS_CERT_KEY_PASS=pp", "T=x y", "HOME=/h"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", line, err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	want := []string{"curl", "http://x/", "-H", "X-Amz-Security-Token: tok", "--aws-sigv4", "aws:amz:r:s", "-u", "AK:S K",
		"--oauth2-bearer", "it's x y $HOME", "--cert", "c.pem", "--proxy", "http://u:p@ss@p:3128", "--pass", "pp"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Curl.String() = %s; arguments after the shell (-want +got):\n%s", line, diff)
	}
}
