package cmd

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// TestMaxRedirectsPrecedence: --max-redirects typed on the command line
// beats a stored session's limit, which beats the config file's and the
// default; 0 allows none.
func TestMaxRedirectsPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		config bool // --max-redirects set from the config file
		stored int
		want   int
	}{
		{name: "stored beats the default", stored: 5, want: 5},
		{name: "stored beats the config file", args: []string{"--max-redirects", "9"}, config: true, stored: 5, want: 5},
		{name: "typed beats stored", args: []string{"--max-redirects", "2"}, stored: 5, want: 2},
		{name: "typed 30 beats stored", args: []string{"--max-redirects", "30"}, stored: 5, want: 30},
		{name: "typed 0 allows none", args: []string{"--max-redirects", "0"}, stored: 30, want: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "s.json")
			n := tc.stored
			if err := sessionfile.Create(path, &sessionfile.Session{Settings: sessionfile.Settings{MaxRedirects: &n}}); err != nil {
				t.Fatal(err)
			}
			r := newSessionRun(t, dir, "http://x.test/", nil, append([]string{"--session-read-only", path}, tc.args...)...)
			if tc.config {
				r.opts.Typed = func(string) bool { return false }
			}
			if err := r.open(t); err != nil {
				t.Fatal(err)
			}
			if got := r.env.Session.MaxRedirects; got != tc.want {
				t.Errorf("%q over a session's %d: session MaxRedirects %d, want %d", tc.args, tc.stored, got, tc.want)
			}
		})
	}
	r := newSessionRun(t, t.TempDir(), "http://x.test/", nil, "--max-redirects", "-1")
	var usage *usageError
	if err := r.open(t); !errors.As(err, &usage) {
		t.Errorf("--max-redirects -1: error = %v, want a usage error", err)
	}
}

func TestRedirectFlagsFollows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flags  redirectFlags
		method string
		want   bool
	}{
		{redirectFlags{}, "GET", true},
		{redirectFlags{}, "POST", true},
		{redirectFlags{}, "HEAD", false},
		{redirectFlags{Follow: true}, "HEAD", true},
		{redirectFlags{NoFollow: true}, "GET", false},
		{redirectFlags{NoFollow: true, Follow: true}, "HEAD", false},
	}
	for _, tc := range tests {
		if got := tc.flags.follows(tc.method); got != tc.want {
			t.Errorf("follows(%s) with %+v = %v, want %v", tc.method, tc.flags, got, tc.want)
		}
	}
}
