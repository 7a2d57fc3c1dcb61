package config

import (
	"os"
	"path/filepath"
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
