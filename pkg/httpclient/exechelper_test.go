package httpclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/internal/testserver"
)

func TestSplitCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "helper", want: []string{"helper"}},
		{in: "  sh  token.sh --x=1 ", want: []string{"sh", "token.sh", "--x=1"}},
		{in: `get-token 'a b' "c \"d\" \\e" f\ g`, want: []string{"get-token", "a b", `c "d" \e`, "f g"}},
		{in: `say '' x`, want: []string{"say", "", "x"}},
		{in: `$HOME/bin/x`, want: []string{"$HOME/bin/x"}},
		{in: `a 'b`, wantErr: "unterminated single quote"},
		{in: `a "b`, wantErr: "unterminated double quote"},
		{in: "   ", wantErr: "empty command"},
	}
	for _, tc := range tests {
		got, err := SplitCommand(tc.in)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("SplitCommand(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestLastLine(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                         "",
		"one\ntwo\n\n":             "two",
		"a\n  \x1b[31mred\x1b[0m ": "[31mred[0m",
	}
	for in, want := range tests {
		if got := lastLine(in); got != want {
			t.Errorf("lastLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// writeHelper writes a shell helper that counts its runs in DIR/runs.
func writeHelper(t *testing.T, answer string) (args []string, runs func() int) {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "helper.sh")
	body := "cat > /dev/null\necho run >> " + filepath.Join(dir, "runs") + "\necho '" + answer + "'\n"
	if err := os.WriteFile(script, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"sh", script}, func() int {
		b, _ := os.ReadFile(filepath.Join(dir, "runs"))
		return strings.Count(string(b), "run")
	}
}

// TestExecAuthCaching: an answer with expires_in serves later requests to
// the same host; another host or an answer without it runs the helper.
func TestExecAuthCaching(t *testing.T) {
	t.Parallel()
	args, runs := writeHelper(t, `{"headers": {"X-Token": "t1"}, "expires_in": 60}`)
	a := &ExecAuth{Args: args}
	for _, u := range []string{"http://a.test/1", "http://a.test/2", "http://b.test/", "http://b.test/again"} {
		req, _ := http.NewRequest("GET", u, nil)
		if err := a.Apply(req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("X-Token"); got != "t1" {
			t.Errorf("%s: X-Token = %q, want t1", u, got)
		}
	}
	if n := runs(); n != 2 {
		t.Errorf("helper ran %d times for two hosts, want 2", n)
	}
	if ans := a.CurrentAnswer(); ans == nil || ans.Host != "b.test" || time.Until(ans.Expiry) < 50*time.Second {
		t.Errorf("CurrentAnswer = %+v, want b.test's, a minute away", ans)
	}

	args, runs = writeHelper(t, `{"headers": {"X-Token": "t2"}}`)
	once := &ExecAuth{Args: args}
	for range 2 {
		req, _ := http.NewRequest("GET", "http://a.test/", nil)
		if err := once.Apply(req); err != nil {
			t.Fatal(err)
		}
	}
	if n := runs(); n != 2 {
		t.Errorf("a helper without expires_in ran %d times for two requests, want 2", n)
	}
	if ans := once.CurrentAnswer(); ans != nil {
		t.Errorf("CurrentAnswer without expires_in = %+v, want nil (nothing to keep)", ans)
	}
}

func TestHostHelpers(t *testing.T) {
	t.Parallel()
	args, _ := writeHelper(t, `{"headers": {"X-Token": "port"}}`)
	argsAny, _ := writeHelper(t, `{"headers": {"X-Token": "any-port"}}`)
	h := &HostHelpers{
		Helpers:  map[string]*ExecAuth{"api.test:8443": {Args: args}, "api.test": {Args: argsAny}},
		Fallback: &BearerAuth{Token: "fallback"},
	}
	tests := []struct{ url, header, want string }{
		{"https://api.test:8443/", "X-Token", "port"},
		{"https://API.test/", "X-Token", "any-port"},
		{"https://other.test/", "Authorization", "Bearer fallback"},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest("GET", tc.url, nil)
		if err := h.Apply(req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get(tc.header); got != tc.want {
			t.Errorf("%s: %s = %q, want %q", tc.url, tc.header, got, tc.want)
		}
	}
}

// TestHostHelpersNetrcDigest: with helpers for some hosts, netrc still
// answers the Digest challenges of the others (-A digest and netrc).
func TestHostHelpersNetrcDigest(t *testing.T) {
	t.Parallel()
	ds := &testserver.Digest{User: "u", Password: "p", Algorithm: "SHA-256", QOP: "auth"}
	srv := httptest.NewServer(ds)
	t.Cleanup(srv.Close)
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine 127.0.0.1 login u password p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args, runs := writeHelper(t, `{"headers": {"Authorization": "Bearer other"}}`)
	s := newTestSession(t)
	s.TrustEnv, s.LookupEnv = true, envOf(map[string]string{"NETRC": netrc})
	s.CredentialScheme = AuthDigest
	s.HostHelpers = map[string]*ExecAuth{"other.test": {Args: args}}
	resp, err := s.Do(context.Background(), &Request{URL: srv.URL + "/x"}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := resp.Bytes()
	if got := fmt.Sprintf("%d %s", resp.StatusCode, b); got != "200 ok nc=00000001" {
		t.Errorf("netrc digest beside a helper for another host: %s, want 200 ok nc=00000001", got)
	}
	if n := runs(); n != 0 {
		t.Errorf("the helper for other.test ran %d times for 127.0.0.1", n)
	}
}

// TestExecAuthWithholdsCredentials: a helper gets the method, the URL
// without its password and the request's headers, but neither cookies
// nor other credentials.
func TestExecAuthWithholdsCredentials(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	got := filepath.Join(dir, "stdin.json")
	script := filepath.Join(dir, "helper.sh")
	if err := os.WriteFile(script, []byte("cat > "+got+"\necho '{\"headers\": {\"X-Token\": \"t\"}}'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "http://u:pw@a.test/x", nil)
	req.Header.Set("Cookie", "session=httponly-secret")
	req.Header.Set("Authorization", "Basic c2VjcmV0")
	req.Header.Set("Proxy-Authorization", "Basic cHJveHk=")
	req.Header.Set("X-Request-Id", "42")
	if err := (&ExecAuth{Args: []string{"sh", script}}).Apply(req); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"method":"POST","url":"http://u:xxxxx@a.test/x","headers":{"X-Request-Id":"42"}}`
	if string(b) != want {
		t.Errorf("helper read %s, want %s", b, want)
	}
}
