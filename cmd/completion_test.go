package cmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/cobra"
)

// completionTestRoot is reqs' tree with the completion command and the
// completion functions, however addExtraCommands wires them.
func completionTestRoot(t *testing.T) (*cobra.Command, *bytes.Buffer) {
	t.Helper()
	ios, _, out, _ := TestIOStreams()
	root := newRootCmd(ios)
	if c, _, err := root.Find([]string{"completion"}); err != nil || c == root {
		root.AddCommand(newCompletionCmd(ios))
	}
	registerCompletions(root)
	return root, out
}

// complete runs cobra's hidden completion request, as the shell scripts
// do, and returns the candidates and the directive.
func complete(t *testing.T, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	root, _ := completionTestRoot(t)
	return runComplete(t, root, args...)
}

func runComplete(t *testing.T, root *cobra.Command, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{cobra.ShellCompNoDescRequestCmd}, args...))
	if err := root.Execute(); err != nil {
		t.Fatalf("reqs __completeNoDesc %q: %v", args, err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, ":") {
		t.Fatalf("reqs __completeNoDesc %q printed no directive:\n%s", args, out.String())
	}
	var d int
	for _, r := range last[1:] {
		d = d*10 + int(r-'0')
	}
	return lines[:len(lines)-1], cobra.ShellCompDirective(d)
}

func TestCompletionValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		args          []string
		want          []string
		wantDirective cobra.ShellCompDirective
	}{
		{
			name: "pretty on the root", args: []string{"--pretty", ""},
			want: []string{"all", "colors", "format", "none"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "pretty on a verb", args: []string{"post", ":8080/post", "--pretty", "f"},
			want: []string{"format"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "history-print letters", args: []string{"--history-print", "H"},
			want: []string{"H", "HB", "Hh", "Hb", "Hm"}, wantDirective: cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveKeepOrder,
		},
		{
			name: "format options", args: []string{"--format-options", "json.s"},
			want: []string{"json.sort_keys:true", "json.sort_keys:false"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "style", args: []string{"get", "--style", "drac"},
			want: []string{"dracula"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "print adds a letter", args: []string{"get", "--print", "Hb"},
			want:          []string{"Hb", "HbB", "Hbh", "Hbm"},
			wantDirective: cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveKeepOrder,
		},
		{
			name: "print shorthand", args: []string{"-p", ""},
			want:          []string{"H", "B", "h", "b", "m"},
			wantDirective: cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveKeepOrder,
		},
		{
			name: "print rejects an unknown letter", args: []string{"--print", "Hx"},
			want: []string{}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "verify words", args: []string{"head", "--verify", ""},
			want: []string{"yes", "no"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "verify path", args: []string{"head", "--verify", "./"},
			want: []string{}, wantDirective: cobra.ShellCompDirectiveDefault,
		},
		{
			name: "default scheme", args: []string{"--default-scheme", "h"},
			want: []string{"http", "https"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
		{
			name: "request method", args: []string{"request", "prop"},
			want:          []string{"PROPFIND", "PROPPATCH"},
			wantDirective: cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder,
		},
		{
			name: "request url is a file or anything", args: []string{"request", "GET", ""},
			want: []string{}, wantDirective: cobra.ShellCompDirectiveDefault,
		},
		{
			name: "root method once upper case is typed", args: []string{"PU"},
			want:          []string{"PUT", "PURGE"},
			wantDirective: cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder,
		},
		{
			name: "shells", args: []string{"completion", ""},
			want: []string{"bash", "zsh", "fish", "powershell"}, wantDirective: cobra.ShellCompDirectiveNoFileComp,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, directive := complete(t, tc.args...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("complete %q (-want +got):\n%s", tc.args, diff)
			}
			if directive != tc.wantDirective {
				t.Errorf("complete %q: directive %d, want %d", tc.args, directive, tc.wantDirective)
			}
		})
	}
}

// TestCompletionFuncs covers the table's fixed choices, including those of
// flags that only some builds define.
func TestCompletionFuncs(t *testing.T) {
	t.Parallel()
	funcs := flagValueCompletions()
	tests := []struct {
		flag, typed string
		want        []string
	}{
		{"auth-type", "", []string{"basic\tHTTP Basic (the default)", "digest\tHTTP Digest", "bearer\tAuthorization: Bearer TOKEN", "aws-sigv4\tAWS Signature Version 4 (--aws-sigv4)", "oauth2\tOAuth 2 client credentials (--oauth2-token-url)", "exec\theaders from a credential helper (--auth-helper)"}},
		{"auth-type", "d", []string{"digest\tHTTP Digest"}},
		{"ssl", "tls1.", []string{"tls1.2\tTLS 1.2 only", "tls1.3\tTLS 1.3 only", "tls1.1\tTLS 1.1 only (deprecated, RFC 8996)"}},
		{"ssl", "ssl", nil},
		{"style", "", render.Styles()},
		{"style", "zzz", nil},
	}
	for _, tc := range tests {
		fn, ok := funcs[tc.flag]
		if !ok {
			t.Errorf("no completion function for --%s", tc.flag)
			continue
		}
		got, _ := fn(nil, nil, tc.typed)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("--%s %q (-want +got):\n%s", tc.flag, tc.typed, diff)
		}
	}
}

// TestCompletionsOnEveryCommand checks that each command defining one of
// the table's flags completes its value, since each verb registers its own
// copy of the flags.
func TestCompletionsOnEveryCommand(t *testing.T) {
	t.Parallel()
	root, _ := completionTestRoot(t)
	// A second registration must neither fail nor panic.
	registerCompletions(root)
	for _, c := range allCommands(root) {
		for name := range flagValueCompletions() {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				t.Errorf("%q: --%s has no completion function", c.CommandPath(), name)
			}
		}
	}
	for _, path := range [][]string{{}, {"request"}} {
		c, _, err := root.Find(path)
		if err != nil || c.ValidArgsFunction == nil {
			t.Errorf("reqs %v: no completion of the METHOD argument (%v)", path, err)
		}
	}
}

func TestCompletionCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bash"}, "__reqs_get_completion_results"},
		{[]string{"bash", "--no-descriptions"}, "__completeNoDesc"},
		{[]string{"zsh"}, "#compdef reqs"},
		{[]string{"fish"}, "complete -c reqs"},
		{[]string{"powershell"}, "Register-ArgumentCompleter"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			root, out := completionTestRoot(t)
			root.SetArgs(append([]string{"completion"}, tc.args...))
			if err := root.Execute(); err != nil {
				t.Fatalf("reqs completion %q: %v", tc.args, err)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("reqs completion %q: output lacks %q", tc.args, tc.want)
			}
		})
	}
}

func TestCompletionCmdUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"tcsh"}, {"bash", "zsh"}} {
		root, out := completionTestRoot(t)
		root.SetArgs(append([]string{"completion"}, args...))
		err := root.Execute()
		var usage *usageError
		if !errors.As(err, &usage) {
			t.Errorf("reqs completion %q: error %v, want a usage error", args, err)
		}
		if out.Len() > 0 {
			t.Errorf("reqs completion %q wrote %q", args, out.String())
		}
	}
}

func TestSessionHostDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		args   []string
		scheme string
		want   string
	}{
		{"", []string{"example.org"}, "http", "example.org"},
		{"", []string{":8080/get"}, "http", "localhost_8080"},
		{"", []string{"GET", "https://Example.org:8443/x", "a=1"}, "http", "example.org_8443"},
		{"", []string{"https://example.org:443/"}, "http", "example.org"},
		{"", []string{"example.org:443"}, "https", "example.org"},
		{"", []string{"example.org:443"}, "http", "example.org_443"},
		{"GET", []string{"localhost:8080"}, "http", "localhost_8080"},
		{"*", []string{"PROPFIND", "example.org/dav"}, "http", "example.org"},
		{"*", []string{"PROPFIND"}, "http", ""},
		{"", nil, "http", ""},
	}
	for _, tc := range tests {
		if got := sessionHostDir(tc.method, tc.args, tc.scheme); got != tc.want {
			t.Errorf("sessionHostDir(%q, %q, %q) = %q, want %q", tc.method, tc.args, tc.scheme, got, tc.want)
		}
	}
}

// writeTestSessions stores empty sessions under dir, by host directory.
func writeTestSessions(t *testing.T, dir string, sessions map[string][]string) {
	t.Helper()
	for hostDir, names := range sessions {
		for _, n := range names {
			if err := sessionfile.Create(filepath.Join(dir, "sessions", hostDir, n+".json"), &sessionfile.Session{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestSessionCandidates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTestSessions(t, dir, map[string][]string{
		"example.org":    {"me", "work"},
		"localhost_8080": {"me", "dev"},
	})
	tests := []struct {
		hostDir, prefix string
		want            []string
	}{
		{"example.org", "", []string{"me\texample.org", "work\texample.org"}},
		{"localhost_8080", "d", []string{"dev\tlocalhost:8080"}},
		{"", "", []string{"dev\tlocalhost:8080", "me\texample.org, localhost:8080", "work\texample.org"}},
		{"nowhere", "", []string{}},
	}
	for _, tc := range tests {
		got := sessionCandidates(dir, tc.hostDir, tc.prefix)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("sessionCandidates(%q, %q) (-want +got):\n%s", tc.hostDir, tc.prefix, diff)
		}
	}
}

// TestSessionCompletion goes through cobra and the config directory from
// the environment, so it cannot run in parallel.
func TestSessionCompletion(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(config.DirEnv, dir)
	writeTestSessions(t, dir, map[string][]string{
		"example.org":    {"me"},
		"localhost_8080": {"dev", "me"},
	})
	tree := func() *cobra.Command {
		root := &cobra.Command{Use: "reqs", Args: cobra.ArbitraryArgs, Run: func(*cobra.Command, []string) {}}
		for _, c := range []*cobra.Command{root, {Use: "get", Run: func(*cobra.Command, []string) {}}} {
			c.Flags().String("session", "", "")
			c.Flags().String("default-scheme", "http", "")
			if c != root {
				root.AddCommand(c)
			}
		}
		registerCompletions(root)
		return root
	}
	tests := []struct {
		name          string
		args          []string
		want          []string
		wantDirective cobra.ShellCompDirective
	}{
		{"host of the url", []string{"get", ":8080/cookies", "--session", ""}, []string{"dev", "me"}, cobra.ShellCompDirectiveNoFileComp},
		{"root command", []string{"GET", "example.org", "--session", ""}, []string{"me"}, cobra.ShellCompDirectiveNoFileComp},
		{"prefix", []string{"get", "localhost:8080", "--session", "d"}, []string{"dev"}, cobra.ShellCompDirectiveNoFileComp},
		{"no url yet", []string{"--session", ""}, []string{"dev", "me"}, cobra.ShellCompDirectiveNoFileComp},
		{"no session for the host", []string{"get", "other.test", "--session", ""}, []string{}, cobra.ShellCompDirectiveDefault},
		{"a path", []string{"get", "example.org", "--session", "./s"}, []string{}, cobra.ShellCompDirectiveDefault},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, directive := runComplete(t, tree(), tc.args...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("complete %q (-want +got):\n%s", tc.args, diff)
			}
			if directive != tc.wantDirective {
				t.Errorf("complete %q: directive %d, want %d", tc.args, directive, tc.wantDirective)
			}
		})
	}
}

// TestSessionArgCompletion completes the NAME of reqs session show|rm|path
// and their --host from the sessions on disk, so it cannot run in
// parallel.
func TestSessionArgCompletion(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(config.DirEnv, dir)
	writeTestSessions(t, dir, map[string][]string{
		"example.org":    {"me"},
		"localhost_8080": {"dev", "me"},
	})
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"rm, every host", []string{"session", "rm", ""}, []string{"dev", "me"}},
		{"show, a prefix", []string{"session", "show", "d"}, []string{"dev"}},
		{"path, one host", []string{"session", "path", "--host", "example.org", ""}, []string{"me"}},
		{"rm, only one name", []string{"session", "rm", "dev", ""}, []string{}},
		{"--host of the name typed", []string{"session", "rm", "dev", "--host", ""}, []string{"localhost:8080"}},
		{"--host of every session", []string{"session", "show", "--host", ""}, []string{"example.org", "localhost:8080"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, directive := complete(t, tc.args...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("complete %q (-want +got):\n%s", tc.args, diff)
			}
			if directive != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("complete %q: directive %d, want no file completion", tc.args, directive)
			}
		})
	}
}

// reqs run FILE --name completes the names and titles of FILE's requests.
func TestRunNameCompletion(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "api.http")
	src := "### Log in\n# @name login\nPOST http://h/login\n\n### list\nGET http://h/items\n\n### Delete all\nDELETE http://h/items\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, directive := complete(t, "run", file, "--name", "")
	if diff := cmp.Diff([]string{"login", "list", "Delete all"}, got); diff != "" {
		t.Errorf("run --name (-want +got):\n%s", diff)
	}
	if directive&cobra.ShellCompDirectiveNoFileComp == 0 {
		t.Errorf("run --name: directive %d offers files", directive)
	}
	got, _ = complete(t, "run", file, "--name", "l")
	if diff := cmp.Diff([]string{"login", "list"}, got); diff != "" {
		t.Errorf("run --name l (-want +got):\n%s", diff)
	}
	_, directive = complete(t, "run", "")
	if directive != cobra.ShellCompDirectiveFilterFileExt {
		t.Errorf("run FILE: directive %d, want request files by extension", directive)
	}
}

// The shells show a flag's help as its description: without the
// backquotes that name its placeholder in --help.
func TestCompletionDescriptionsHaveNoBackquotes(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	args := []string{cobra.ShellCompRequestCmd, "get", "--"}
	root := newCommandTree(ios, args)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "--print\twhat to print: WHAT letters") {
		t.Errorf("no --print candidate with its description:\n%s", out.String())
	}
	if strings.Contains(out.String(), "`") {
		t.Errorf("descriptions hold backquotes:\n%s", out.String())
	}
}
