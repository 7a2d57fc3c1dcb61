package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/config"
)

// configFor loads a config from a directory holding config.yaml with
// content (none when empty) and the given environment.
func configFor(t *testing.T, content string, env map[string]string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if content != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := config.Load(dir, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	return c
}

// TestConfigPrecedence is the precedence table for timeout, pretty, verify and
// default-scheme: flag > REQS_<FLAG> > config file > default.
func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	const file = "timeout: 30\npretty: format\nverify: false\ndefault-scheme: https\n"
	tests := []struct {
		name    string
		flag    string
		args    []string
		env     map[string]string
		file    string
		want    string
		wantSrc config.Source
	}{
		{"timeout default", "timeout", nil, nil, "", "", config.SourceDefault},
		{"timeout file", "timeout", nil, nil, file, "30", config.SourceFile},
		{"timeout env beats file", "timeout", nil, map[string]string{"REQS_TIMEOUT": "5"}, file, "5", config.SourceEnv},
		{"timeout flag beats env", "timeout", []string{"--timeout", "1.5"}, map[string]string{"REQS_TIMEOUT": "5"}, file, "1.5", config.SourceFlag},

		{"pretty default", "pretty", nil, nil, "", "", config.SourceDefault},
		{"pretty file", "pretty", nil, nil, file, "format", config.SourceFile},
		{"pretty env beats file", "pretty", nil, map[string]string{"REQS_PRETTY": "colors"}, file, "colors", config.SourceEnv},
		{"pretty flag beats env", "pretty", []string{"--pretty=none"}, map[string]string{"REQS_PRETTY": "colors"}, file, "none", config.SourceFlag},

		{"verify default", "verify", nil, nil, "", "yes", config.SourceDefault},
		{"verify file", "verify", nil, nil, file, "false", config.SourceFile},
		{"verify env beats file", "verify", nil, map[string]string{"REQS_VERIFY": "/ca.pem"}, file, "/ca.pem", config.SourceEnv},
		{"verify flag beats env", "verify", []string{"--verify", "yes"}, map[string]string{"REQS_VERIFY": "no"}, file, "yes", config.SourceFlag},

		{"default-scheme default", "default-scheme", nil, nil, "", "http", config.SourceDefault},
		{"default-scheme file", "default-scheme", nil, nil, file, "https", config.SourceFile},
		{"default-scheme env beats file", "default-scheme", nil, map[string]string{"REQS_DEFAULT_SCHEME": "http"}, file, "http", config.SourceEnv},
		{"default-scheme flag beats file", "default-scheme", []string{"--default-scheme", "http"}, nil, file, "http", config.SourceFlag},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := TestIOStreams()
			c := newRequestCmd(ios, "", nil)
			if err := c.ParseFlags(tc.args); err != nil {
				t.Fatalf("ParseFlags(%q): %v", tc.args, err)
			}
			if err := applyConfigTo(c.Flags(), configFor(t, tc.file, tc.env)); err != nil {
				t.Fatalf("applyConfigTo: %v", err)
			}
			fl := c.Flags().Lookup(tc.flag)
			if got, src := fl.Value.String(), flagSource(fl); got != tc.want || src != tc.wantSrc {
				t.Errorf("args %q, env %v, file %q: --%s = %q from %v, want %q from %v",
					tc.args, tc.env, tc.file, tc.flag, got, src, tc.want, tc.wantSrc)
			}
		})
	}
}

func TestApplyConfigRepeatableAndCount(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	c := newRequestCmd(ios, "", nil)
	if err := c.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	cfg := configFor(t, "verbose: 2\nsort-keys: true\nindent: 2\n", nil)
	if err := applyConfigTo(c.Flags(), cfg); err != nil {
		t.Fatalf("applyConfigTo: %v", err)
	}
	for flag, want := range map[string]string{"verbose": "2", "sort-keys": "true", "indent": "2"} {
		if got := c.Flags().Lookup(flag).Value.String(); got != want {
			t.Errorf("--%s from the config file = %q, want %q", flag, got, want)
		}
	}
}

func TestApplyConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		env  map[string]string
		want []string
	}{
		{"bad file value", "indent: lots\n", nil, []string{"config file", "config.yaml", "--indent", `"lots"`}},
		{"bad env value", "", map[string]string{"REQS_SORT_KEYS": "maybe"}, []string{"REQS_SORT_KEYS", "--sort-keys"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := TestIOStreams()
			c := newRequestCmd(ios, "", nil)
			if err := c.ParseFlags(nil); err != nil {
				t.Fatal(err)
			}
			err := applyConfigTo(c.Flags(), configFor(t, tc.file, tc.env))
			if err == nil {
				t.Fatalf("applyConfigTo with file %q env %v succeeded, want an error", tc.file, tc.env)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("applyConfigTo with file %q env %v: error %q does not contain %q", tc.file, tc.env, err, w)
				}
			}
		})
	}
}

func TestUnknownConfigKeys(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	c := newRequestCmd(ios, "", nil)
	cfg := configFor(t, "timeot: 3\ntimeout: 3\nhelp: true\n", nil)
	got := unknownConfigKeys(cfg, c.Flags())
	if want := []string{"help", "timeot"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("unknownConfigKeys = %q, want %q", got, want)
	}
}

func TestTypedOn(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	c := newRequestCmd(ios, "", nil)
	if err := c.ParseFlags([]string{"--indent", "3"}); err != nil {
		t.Fatal(err)
	}
	if err := applyConfigTo(c.Flags(), configFor(t, "timeout: 9\n", nil)); err != nil {
		t.Fatal(err)
	}
	typed := typedOn(c.Flags())
	tests := []struct {
		flag string
		want bool
	}{
		{"indent", true},
		{"timeout", false},
		{"pretty", false},
		{"no-such-flag", false},
	}
	for _, tc := range tests {
		if got := typed(tc.flag); got != tc.want {
			t.Errorf("typedOn(%q) = %v, want %v (--indent typed, timeout from the file)", tc.flag, got, tc.want)
		}
	}
}

func TestMaskURLPasswords(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"[http:http://u:secret@proxy:3128]", "[http:http://u:****@proxy:3128]"},
		{"[http:http://u:s1@p:1,https:socks5://a:s:2@h:1/x]", "[http:http://u:****@p:1,https:socks5://a:****@h:1/x]"},
		{"[http:http://u@p:1]", "[http:http://u@p:1]"},
		{"http://h/p?u=a:b@c", "http://h/p?u=a:b@c"},
		{"https://token.example/oauth?x=1", "https://token.example/oauth?x=1"},
		{"plain", "plain"},
	}
	for _, tc := range tests {
		if got := maskURLPasswords(tc.in); got != tc.want {
			t.Errorf("maskURLPasswords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
