package httpclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/internal/testserver"
)

func TestParseNetrc(t *testing.T) {
	t.Parallel()
	const text = `# credentials
machine api.example.com login alice password s3cret
machine other.example.com
	account acct
	password p2
machine API.example.com login shadowed password no
default login anon password guest
`
	a, err := ParseNetrc(text)
	if err != nil {
		t.Fatalf("ParseNetrc: %v", err)
	}
	tests := []struct {
		host            string
		wantLogin, want string
		wantOK          bool
	}{
		{host: "api.example.com", wantLogin: "alice", want: "s3cret", wantOK: true},
		{host: "API.EXAMPLE.COM", wantLogin: "alice", want: "s3cret", wantOK: true},
		{host: "other.example.com", wantLogin: "acct", want: "p2", wantOK: true},
		{host: "unknown.example.com", wantLogin: "anon", want: "guest", wantOK: true},
	}
	for _, tc := range tests {
		login, password, ok := a.Credentials(tc.host)
		if login != tc.wantLogin || password != tc.want || ok != tc.wantOK {
			t.Errorf("Credentials(%q) = %q, %q, %v; want %q, %q, %v", tc.host, login, password, ok, tc.wantLogin, tc.want, tc.wantOK)
		}
	}

	noDefault, err := ParseNetrc("machine a.test login u password p\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := noDefault.Credentials("b.test"); ok {
		t.Errorf("Credentials(b.test) found an entry in a file without one or a default")
	}
}

// What Python's netrc module (Requests' reader) makes of comments,
// quoting and macros: a "#" where a value is expected is part of the
// value, not a comment, so a password starting with "#" neither breaks
// the file nor shifts the tokens after it into the wrong fields.
func TestParseNetrcLikePython(t *testing.T) {
	t.Parallel()
	const text = `# comment line
machine hash.test login u password #s3cret # a comment after it
machine quoted.test login "us er" password "p\"w d" # trailing comment
machine port.test:8080 login p password p
macdef init
machine macro.test login bad password bad

machine after.test
	# a comment inside an entry
	login a password #
default login dl password dp
`
	a, err := ParseNetrc(text)
	if err != nil {
		t.Fatalf("ParseNetrc: %v", err)
	}
	tests := []struct{ host, login, password string }{
		{"hash.test", "u", "#s3cret"},
		{"quoted.test", "us er", `p"w d`},
		{"port.test", "dl", "dp"},
		{"macro.test", "dl", "dp"},
		{"after.test", "a", "#"},
		{"other.test", "dl", "dp"},
	}
	for _, tc := range tests {
		login, password, ok := a.Credentials(tc.host)
		if !ok || login != tc.login || password != tc.password {
			t.Errorf("Credentials(%q) = %q, %q, %v; want %q, %q", tc.host, login, password, ok, tc.login, tc.password)
		}
	}
}

func TestParseNetrcMalformed(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"machine", "login u machine", "machine x login u password p\nmachine"} {
		if _, err := ParseNetrc(text); err == nil {
			t.Errorf("ParseNetrc(%q) = nil error, want one", text)
		}
	}
}

func TestNetrcPath(t *testing.T) {
	t.Parallel()
	withDot := t.TempDir()
	os.WriteFile(filepath.Join(withDot, ".netrc"), nil, 0o600)
	os.WriteFile(filepath.Join(withDot, "_netrc"), nil, 0o600)
	underscore := t.TempDir()
	os.WriteFile(filepath.Join(underscore, "_netrc"), nil, 0o600)
	empty := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{name: "NETRC wins even when missing", env: map[string]string{"NETRC": "/nowhere/netrc", "HOME": withDot}, want: "/nowhere/netrc"},
		{name: "NETRC with tilde", env: map[string]string{"NETRC": "~/my.netrc", "HOME": empty}, want: filepath.Join(empty, "my.netrc")},
		{name: ".netrc first", env: map[string]string{"HOME": withDot}, want: filepath.Join(withDot, ".netrc")},
		{name: "_netrc next", env: map[string]string{"HOME": underscore}, want: filepath.Join(underscore, "_netrc")},
		{name: "none", env: map[string]string{"HOME": empty}, want: ""},
		{name: "no home", env: map[string]string{}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := netrcPath(func(k string) string { return tc.env[k] })
			if got != tc.want {
				t.Errorf("netrcPath(%v) = %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}

func TestNetrcFromEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("machine a.test login u password p\n"), 0o600)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("machine"), 0o600)
	tests := []struct {
		name    string
		netrc   string
		wantNil bool
		wantErr bool
	}{
		{name: "parsed", netrc: good},
		{name: "missing file is no netrc", netrc: filepath.Join(dir, "missing"), wantNil: true},
		{name: "unparsable is an error", netrc: bad, wantNil: true, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := NetrcFromEnv(func(k string) string {
				if k == "NETRC" {
					return tc.netrc
				}
				return ""
			})
			if (err != nil) != tc.wantErr || (a == nil) != tc.wantNil {
				t.Errorf("NetrcFromEnv(NETRC=%s) = %v, %v; want nil=%v err=%v", tc.netrc, a, err, tc.wantNil, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.netrc) {
				t.Errorf("NetrcFromEnv error %q does not name the file %s", err, tc.netrc)
			}
		})
	}
}

func TestNetrcAuthApply(t *testing.T) {
	t.Parallel()
	a, err := ParseNetrc("machine a.test login u password p\nmachine t.test login tok\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, scheme, url, typed string
		want                     string
	}{
		{name: "basic for its host", url: "http://a.test:8080/x", want: "Basic dTpw"},
		{name: "overrides a typed header", url: "http://a.test/x", typed: "Bearer typed", want: "Basic dTpw"},
		{name: "other host untouched", url: "http://b.test/x", typed: "Bearer typed", want: "Bearer typed"},
		{name: "other host gets nothing", url: "http://b.test/x", want: ""},
		{name: "bearer uses the password", scheme: AuthBearer, url: "http://a.test/x", want: "Bearer p"},
		{name: "bearer without a password uses the login", scheme: AuthBearer, url: "http://t.test/x", want: "Bearer tok"},
		{name: "digest waits for a challenge", scheme: AuthDigest, url: "http://a.test/x", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			auth := &NetrcAuth{Scheme: tc.scheme, machines: a.machines}
			req, _ := http.NewRequest("GET", tc.url, nil)
			if tc.typed != "" {
				req.Header.Set("Authorization", tc.typed)
			}
			if err := auth.Apply(req); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != tc.want {
				t.Errorf("NetrcAuth{%s}.Apply(%s, typed %q): Authorization %q, want %q", tc.scheme, tc.url, tc.typed, got, tc.want)
			}
		})
	}
}

func TestNetrcAcrossRedirects(t *testing.T) {
	t.Parallel()
	srv := redirectServer(t)
	u, _ := url.Parse(srv.URL)
	alt := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	tests := []struct {
		name, netrc string
		want        string
	}{
		{
			name:  "the first host's entry does not follow to another host",
			netrc: "machine 127.0.0.1 login u password p\n",
			want:  `auth=""`,
		},
		{
			name:  "the new host's own entry is used",
			netrc: "machine 127.0.0.1 login u password p\nmachine localhost login other password q\n",
			want:  `auth="Basic b3RoZXI6cQ=="`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			auth, err := ParseNetrc(tc.netrc)
			if err != nil {
				t.Fatal(err)
			}
			s := newTestSession(t)
			s.Auth = auth
			target := srv.URL + "/to?url=" + url.QueryEscape(alt+"/echo")
			resp, err := s.Do(context.Background(), &Request{URL: target}, SendOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := resp.Bytes()
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("redirect %s -> localhost with netrc %q: server saw %s, want %s", u.Host, tc.netrc, b, tc.want)
			}
		})
	}
}

func TestNetrcDigest(t *testing.T) {
	t.Parallel()
	ds := &testserver.Digest{User: "u", Password: "p", Algorithm: "SHA-256", QOP: "auth"}
	srv := httptest.NewServer(ds)
	t.Cleanup(srv.Close)
	auth, err := ParseNetrc("machine 127.0.0.1 login u password p\n")
	if err != nil {
		t.Fatal(err)
	}
	digest := auth.WithScheme(AuthDigest)
	if _, ok := digest.(ChallengeAuth); !ok {
		t.Fatalf("WithScheme(digest) = %T, not a ChallengeAuth", digest)
	}
	if _, ok := auth.WithScheme(AuthBasic).(ChallengeAuth); ok {
		t.Errorf("WithScheme(basic) answers challenges; it should not")
	}
	s := newTestSession(t)
	for i, want := range []string{"200 ok nc=00000001", "200 ok nc=00000002"} {
		status, body := sendDigest(t, s, digest, "GET", srv.URL+"/x", nil)
		if got := fmt.Sprintf("%d %s", status, body); got != want {
			t.Errorf("request %d with netrc digest: %s, want %s", i+1, got, want)
		}
	}
}
