package config

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// envMap is a getenv over a fixed map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"REQS_CONFIG_DIR wins", map[string]string{"REQS_CONFIG_DIR": "/c", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/c"},
		{"XDG_CONFIG_HOME", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/reqs"},
		{"HOME", map[string]string{"HOME": "/h"}, "/h/.config/reqs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Dir(envMap(tc.env))
			if err != nil || got != tc.want {
				t.Errorf("Dir(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	tests := []struct{ flag, want string }{
		{"timeout", "REQS_TIMEOUT"},
		{"default-scheme", "REQS_DEFAULT_SCHEME"},
		{"http1.1", "REQS_HTTP1_1"},
	}
	for _, tc := range tests {
		if got := EnvName(tc.flag); got != tc.want {
			t.Errorf("EnvName(%q) = %q, want %q", tc.flag, got, tc.want)
		}
	}
}

// writeConfig writes a config file named name in a new directory.
func writeConfig(t *testing.T, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	if name != "" {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lookup is one expected Lookup result.
type lookup struct {
	flag   string
	values []string
	src    Source
	ok     bool
}

func TestLoadFormats(t *testing.T) {
	t.Parallel()
	want := []lookup{
		{"timeout", []string{"30"}, SourceFile, true},
		{"pretty", []string{"none"}, SourceFile, true},
		{"verify", []string{"false"}, SourceFile, true},
		{"default-scheme", []string{"https"}, SourceFile, true},
		{"http1.1", []string{"true"}, SourceFile, true},
		{"proxy", []string{"http=http://p:1", "https=http://p:2"}, SourceFile, true},
		{"retry-status", []string{"502", "503"}, SourceFile, true},
		{"style", nil, SourceDefault, false},
	}
	tests := []struct {
		name, file, content string
	}{
		{"yaml", "config.yaml", `
timeout: 30
pretty: none
verify: false
default-scheme: https
http1.1: true
proxy:
  http: http://p:1
  https: http://p:2
retry-status: [502, 503]
`},
		{"yml", "config.yml", `
timeout: 30
pretty: none
verify: false
Default-Scheme: https
http1.1: true
proxy: {http: "http://p:1", https: "http://p:2"}
retry-status: [502, 503]
`},
		{"toml", "config.toml", `
timeout = 30
pretty = "none"
verify = false
default-scheme = "https"
"http1.1" = true
retry-status = [502, 503]
[proxy]
http = "http://p:1"
https = "http://p:2"
`},
		{"json", "config.json", `{"timeout": 30, "pretty": "none", "verify": false, "default-scheme": "https",
"http1.1": true, "proxy": {"http": "http://p:1", "https": "http://p:2"}, "retry-status": [502, 503]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, tc.file, tc.content)
			c, err := Load(dir, envMap(nil))
			if err != nil {
				t.Fatalf("Load(%s): %v", tc.file, err)
			}
			if got, want := c.Path(), filepath.Join(dir, tc.file); got != want {
				t.Errorf("Path() = %q, want %q", got, want)
			}
			for _, w := range want {
				values, src, ok, err := c.Lookup(w.flag)
				if err != nil {
					t.Errorf("%s: Lookup(%q): %v", tc.file, w.flag, err)
				}
				got := lookup{w.flag, values, src, ok}
				if diff := cmp.Diff(w, got, cmp.AllowUnexported(lookup{})); diff != "" {
					t.Errorf("%s: Lookup(%q) (-want +got):\n%s", tc.file, w.flag, diff)
				}
			}
		})
	}
}

// TestPrecedence is the precedence table: env beats file beats default (flags
// beat both in cmd, which never asks when a flag was given).
func TestPrecedence(t *testing.T) {
	t.Parallel()
	file := "timeout: 30\npretty: format\nverify: \"no\"\ndefault-scheme: https\n"
	tests := []struct {
		flag    string
		env     map[string]string
		noFile  bool
		want    []string
		wantSrc Source
	}{
		{"timeout", nil, false, []string{"30"}, SourceFile},
		{"timeout", map[string]string{"REQS_TIMEOUT": "5"}, false, []string{"5"}, SourceEnv},
		{"timeout", map[string]string{"REQS_TIMEOUT": ""}, false, []string{"30"}, SourceFile},
		{"timeout", nil, true, nil, SourceDefault},
		{"pretty", nil, false, []string{"format"}, SourceFile},
		{"pretty", map[string]string{"REQS_PRETTY": "colors"}, false, []string{"colors"}, SourceEnv},
		{"verify", nil, false, []string{"no"}, SourceFile},
		{"verify", map[string]string{"REQS_VERIFY": "/ca.pem"}, false, []string{"/ca.pem"}, SourceEnv},
		{"verify", map[string]string{"REQS_VERIFY": "yes"}, true, []string{"yes"}, SourceEnv},
		{"default-scheme", nil, false, []string{"https"}, SourceFile},
		{"default-scheme", map[string]string{"REQS_DEFAULT_SCHEME": "http"}, false, []string{"http"}, SourceEnv},
		{"default-scheme", nil, true, nil, SourceDefault},
	}
	for _, tc := range tests {
		name := tc.flag + "/" + tc.wantSrc.String()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, "config.yaml", file)
			if tc.noFile {
				dir = t.TempDir()
			}
			c, err := Load(dir, envMap(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			values, src, ok, err := c.Lookup(tc.flag)
			if err != nil || src != tc.wantSrc || ok != (tc.wantSrc != SourceDefault) || !cmp.Equal(values, tc.want) {
				t.Errorf("env %v, file %v: Lookup(%q) = %q, %v, %v, %v; want %q from %v",
					tc.env, !tc.noFile, tc.flag, values, src, ok, err, tc.want, tc.wantSrc)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"yaml", "config.yaml", "timeout: 30\npretty: [none\n", []string{"config.yaml", "line"}},
		{"toml", "config.toml", "timeout = 30\npretty = \n", []string{"config.toml", "line 2, column"}},
		{"json", "config.json", "{\"timeout\": 30,\n \"pretty\" \"none\"}", []string{"config.json", "line 2, column 11"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, tc.file, tc.content)
			_, err := Load(dir, envMap(nil))
			if err == nil {
				t.Fatalf("Load of %s %q succeeded, want an error", tc.file, tc.content)
			}
			for _, w := range append(tc.want, dir) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load of %s %q: error %q does not contain %q", tc.file, tc.content, err, w)
				}
			}
		})
	}
}

func TestLoadSeveralFiles(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, "config.yaml", "timeout: 1\n")
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir, envMap(nil))
	if err == nil || !strings.Contains(err.Error(), "config.yaml, config.json") {
		t.Errorf("Load with config.yaml and config.json = %v, want an error naming both", err)
	}
}

func TestLoadNoFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := Load(dir, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "" || c.Path() != filepath.Join(dir, "config.yaml") || c.FileKeys() != nil {
		t.Errorf("Load(empty dir): File %q, Path %q, FileKeys %v; want none, %s/config.yaml, none", c.File, c.Path(), c.FileKeys(), dir)
	}
}

func TestLookupNested(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, "config.yaml", "proxy:\n  http:\n    deep: 1\n")
	c, err := Load(dir, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := c.Lookup("proxy"); err == nil || !strings.Contains(err.Error(), `"proxy"`) {
		t.Errorf("Lookup of a nested map = %v, want an error naming the key", err)
	}
}

func TestSessionPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value, hostDir string
		want           string
		wantErr        bool
	}{
		{"work", "example.com", "/cfg/sessions/example.com/work.json", false},
		{"a.b_c-d", "localhost_8080", "/cfg/sessions/localhost_8080/a.b_c-d.json", false},
		{"./s.json", "example.com", "./s.json", false},
		{"/tmp/x", "example.com", "/tmp/x", false},
		{"x.json", "", "x.json", false},
		{"..", "example.com", "", true},
		{"a b", "example.com", "", true},
		{"", "example.com", "", true},
		{"work", "", "", true},
	}
	for _, tc := range tests {
		got, err := SessionPath("/cfg", tc.value, tc.hostDir)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("SessionPath(/cfg, %q, %q) = %q, %v; want %q, error %v", tc.value, tc.hostDir, got, err, tc.want, tc.wantErr)
		}
	}
	if _, err := SessionPath("/cfg", "a b", "h"); !errors.Is(err, ErrSessionName) {
		t.Errorf("SessionPath of a bad name = %v, want ErrSessionName", err)
	}
}

func TestHostDir(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"http://Example.com/x", "example.com"},
		{"http://example.com:80/", "example.com"},
		{"https://example.com:443/", "example.com"},
		{"http://example.com:443/", "example.com_443"},
		{"https://example.com:80/", "example.com_80"},
		{"http://127.0.0.1:8080/", "127.0.0.1_8080"},
		{"http://[::1]:8080/", "[__1]_8080"},
		{"http://[::1]/", "[__1]"},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		got := HostDir(u)
		if got != tc.want {
			t.Errorf("HostDir(%s) = %q, want %q", tc.url, got, tc.want)
		}
		// The listing's host, given back as --host, names the same directory.
		if back, _ := HostFlagDir(HostFromDir(got)); back != got {
			t.Errorf("HostFlagDir(HostFromDir(%q)) = %q, want %q", got, back, got)
		}
	}
}

func TestHostFlagDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"example.com", "example.com", false},
		{"Example.com:8080", "example.com_8080", false},
		{"127.0.0.1:3000", "127.0.0.1_3000", false},
		{"[::1]:8080", "[__1]_8080", false},
		{"::1", "[__1]", false},
		{"", "", true},
		{"../etc", "", true},
	}
	for _, tc := range tests {
		got, err := HostFlagDir(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("HostFlagDir(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestHostFromDir(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"example.com", "example.com"},
		{"example.com_8080", "example.com:8080"},
		{"my_host", "my_host"},
		{"[__1]_8080", "[::1]:8080"},
		{"[__1]", "[::1]"},
	}
	for _, tc := range tests {
		if got := HostFromDir(tc.in); got != tc.want {
			t.Errorf("HostFromDir(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsSessionHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"X-API-Key", true},
		{"Authorization", true},
		{"User-Agent", true},
		{"Content-Type", false},
		{"content-length", false},
		{"If-None-Match", false},
		{"Cookie", false},
	}
	for _, tc := range tests {
		if got := IsSessionHeader(tc.name); got != tc.want {
			t.Errorf("IsSessionHeader(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSetHeader(t *testing.T) {
	t.Parallel()
	s := &Session{Headers: []Header{{"X-A", "1"}, {"X-B", "2"}, {"x-a", "3"}}}
	s.SetHeader("X-A", "4", "5")
	want := []Header{{"X-B", "2"}, {"X-A", "4"}, {"X-A", "5"}}
	if diff := cmp.Diff(want, s.Headers); diff != "" {
		t.Errorf("SetHeader(X-A, 4, 5) (-want +got):\n%s", diff)
	}
}

// FuzzEnvName checks EnvName against its definition: REQS_ and the name
// upper-cased with dashes and dots as underscores.
func FuzzEnvName(f *testing.F) {
	for _, s := range []string{"", "timeout", "default-scheme", "http1.1", "ünïcode-flag", "A.b-C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, flag string) {
		want := "REQS_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(flag))
		if got := EnvName(flag); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", flag, got, want)
		}
	})
}

// FuzzSessionName checks isSessionName against HTTPie's rule.
func FuzzSessionName(f *testing.F) {
	for _, s := range []string{"", "api", "my.session-1_x", "a/b", "sé", ".."} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isSessionName(s), re.MatchString(s); got != want {
			t.Errorf("isSessionName(%q) = %v, the rule says %v", s, got, want)
		}
	})
}
