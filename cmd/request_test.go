package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/reqs-cli/reqs/pkg/httpclient"
)

func TestExpandURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, scheme, want string }{
		{":3000/x", "http", "http://localhost:3000/x"},
		{":/x", "http", "http://localhost/x"},
		{":", "http", "http://localhost"},
		{"example.org", "http", "http://example.org"},
		{"example.org/a", "https", "https://example.org/a"},
		{"localhost:8080", "http", "http://localhost:8080"},
		{"https://example.org", "http", "https://example.org"},
		{"//example.org/x", "http", "http://example.org/x"},
		// The shorthand takes --default-scheme, as in HTTPie.
		{":8443/x", "https", "https://localhost:8443/x"},
		{":/x", "https", "https://localhost/x"},
		// HTTPie's paste shortcut: `reqs ://example.org` is example.org,
		// not the path //example.org on localhost.
		{"://example.org/p", "http", "http://example.org/p"},
		{"://example.org", "https", "https://example.org"},
	}
	for _, tc := range tests {
		got, err := expandURL(tc.in, tc.scheme)
		if err != nil || got != tc.want {
			t.Errorf("expandURL(%q, %q) = %q, %v; want %q", tc.in, tc.scheme, got, err, tc.want)
		}
	}
}

func TestTakeArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		args       []string
		wantMethod string
		wantURL    string
		wantItems  []string
		wantErr    bool
	}{
		{name: "url only", args: []string{"example.org"}, wantURL: "example.org"},
		{name: "method", args: []string{"MKCOL", "example.org", "a=1"}, wantMethod: "MKCOL", wantURL: "example.org", wantItems: []string{"a=1"}},
		{name: "lowercase before an item is a url", args: []string{"get", "x"}, wantURL: "get", wantItems: []string{"x"}},
		{name: "lowercase before a port shorthand", args: []string{"propfind", ":8080/x"}, wantMethod: "PROPFIND", wantURL: ":8080/x"},
		{name: "lowercase before a host", args: []string{"purge", "example.org/x", "a=b"}, wantMethod: "PURGE", wantURL: "example.org/x", wantItems: []string{"a=b"}},
		{name: "lowercase before a scheme", args: []string{"mkcol", "https://h/x"}, wantMethod: "MKCOL", wantURL: "https://h/x"},
		{name: "lowercase before localhost", args: []string{"report", "localhost:8080"}, wantMethod: "REPORT", wantURL: "localhost:8080"},
		{name: "lowercase before a header item", args: []string{"example.org", "Host:x.y"}, wantURL: "example.org", wantItems: []string{"Host:x.y"}},
		{name: "url before a dotted data item", args: []string{"api", "a.b=c"}, wantURL: "api", wantItems: []string{"a.b=c"}},
		{name: "url before a dotted header item", args: []string{"api", "X.Y:z"}, wantURL: "api", wantItems: []string{"X.Y:z"}},
		{name: "url before a file item", args: []string{"api", "f@x.txt"}, wantURL: "api", wantItems: []string{"f@x.txt"}},
		{name: "localhost before a url", args: []string{"localhost", "example.org"}, wantURL: "localhost", wantItems: []string{"example.org"}},
		{name: "request method upper-cased", method: "*", args: []string{"purge", "x"}, wantMethod: "PURGE", wantURL: "x"},
		{name: "request method not a token", method: "*", args: []string{"GE T", "x"}, wantErr: true},
		{name: "single upper arg is the url", args: []string{"LOCALHOST"}, wantURL: "LOCALHOST"},
		{name: "verb", method: "PUT", args: []string{"x", "a=1"}, wantMethod: "PUT", wantURL: "x", wantItems: []string{"a=1"}},
		{name: "request", method: "*", args: []string{"PROPFIND", "x"}, wantMethod: "PROPFIND", wantURL: "x"},
		{name: "request without url", method: "*", args: []string{"PROPFIND"}, wantErr: true},
		{name: "nothing", args: nil, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := &requestOptions{}
			err := o.takeArgs(tc.method, tc.args)
			if tc.wantErr {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Fatalf("takeArgs(%q, %q) error = %v, want a usage error", tc.method, tc.args, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Method != tc.wantMethod || o.URL != tc.wantURL || !cmp.Equal(o.Items, tc.wantItems, cmpopts.EquateEmpty()) {
				t.Errorf("takeArgs(%q, %q) = %q %q %q, want %q %q %q", tc.method, tc.args, o.Method, o.URL, o.Items, tc.wantMethod, tc.wantURL, tc.wantItems)
			}
		})
	}
}

func TestParsePrint(t *testing.T) {
	t.Parallel()
	got, err := parsePrint("print", "Hbm")
	if err != nil {
		t.Fatal(err)
	}
	if want := (printSpec{RequestHead: true, ResponseBody: true, Meta: true}); got != want {
		t.Errorf("parsePrint(Hbm) = %+v, want %+v", got, want)
	}
	if _, err := parsePrint("print", "Hx"); err == nil {
		t.Errorf("parsePrint(Hx) accepted an unknown letter")
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{usageErrorf("bad"), 64},
		{&itemError{Item: "x", Reason: "y"}, 64},
		{&statusError{Code: 404}, 4},
		{&statusError{Code: 503}, 5},
		{&statusError{Code: 302}, 3},
		{&httpclient.RequestError{Kind: httpclient.ErrTooManyRedirects}, 6},
		{&httpclient.RequestError{Kind: httpclient.ErrConnectTimeout}, 2},
		{&httpclient.RequestError{Kind: httpclient.ErrReadTimeout}, 2},
		{&httpclient.RequestError{Kind: httpclient.ErrProxy}, 1},
		{fmt.Errorf("wrapped: %w", context.Canceled), 130},
		{errors.New("other"), 1},
	}
	for _, tc := range tests {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestColorFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		tty  bool
		want bool
	}{
		{nil, true, true},
		{nil, false, false},
		{map[string]string{"NO_COLOR": "1"}, true, false},
		{map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, true, false},
		{map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{map[string]string{"TERM": "dumb"}, true, false},
	}
	for _, tc := range tests {
		got := colorFromEnv(func(k string) string { return tc.env[k] }, tc.tty)
		if got != tc.want {
			t.Errorf("colorFromEnv(%v, tty=%v) = %v, want %v", tc.env, tc.tty, got, tc.want)
		}
	}
}

// TestRequestFlagsReachOptions runs the cobra tree with a runF that
// captures the options, so flag wiring is tested without sending.
func TestRequestFlagsReachOptions(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	var got *requestOptions
	c := newRequestCmd(ios, "", func(_ context.Context, o *requestOptions) error { got = o; return nil })
	c.SetArgs([]string{"-v", "--form", "PATCH", ":8080/x", "a=1", "--check-status", "-qq"})
	c.SetOut(&bytes.Buffer{})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Method != "PATCH" || got.URL != ":8080/x" || strings.Join(got.Items, " ") != "a=1" || !got.Form || !got.CheckStatus || got.Verbose != 1 || got.Quiet != 2 {
		t.Errorf("options = %+v", got)
	}
}

// Of --json, --form and --multipart the last given wins, as in HTTPie.
func TestFormAndJSONLastWins(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args                      []string
		wantJSON, form, multipart bool
	}{
		{[]string{"--form", "--json", "x"}, true, false, false},
		{[]string{"--json", "--form", "x"}, false, true, false},
		{[]string{"-jf", "x"}, false, true, false},
		{[]string{"-f", "-j", "-f", "x"}, false, true, false},
		{[]string{"--form", "--json=false", "x"}, false, true, false},
		{[]string{"--multipart", "--json", "x"}, true, false, false},
		{[]string{"--json", "--multipart", "x"}, false, false, true},
		{[]string{"--multipart", "--form", "x"}, false, true, false},
		{[]string{"--form", "--multipart", "x"}, false, false, true},
		{[]string{"x"}, false, false, false},
	} {
		ios, _, _, _ := TestIOStreams()
		var got *requestOptions
		c := newRequestCmd(ios, "", func(_ context.Context, o *requestOptions) error { got = o; return nil })
		c.SetArgs(tc.args)
		if err := c.Execute(); err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if got.JSON != tc.wantJSON || got.Form != tc.form || got.Multipart != tc.multipart {
			t.Errorf("%q: JSON %v, Form %v, Multipart %v; want %v, %v, %v", tc.args, got.JSON, got.Form, got.Multipart, tc.wantJSON, tc.form, tc.multipart)
		}
	}
}

// FuzzTokenMatchers checks the byte-loop matchers against the regular
// expressions they stand for.
func FuzzTokenMatchers(f *testing.F) {
	for _, s := range []string{"", "GET", "get", "PROP-FIND_2", "2GET", "M\n", "http://x", "h+t.t-p://x", "://x", "1h://", "8080", "80a", "a!#$%&'*+.^_`|~-", "GÉT", "localhost"} {
		f.Add(s)
	}
	cases := []struct {
		name string
		re   *regexp.Regexp
		fn   func(string) bool
	}{
		{"upper method", regexp.MustCompile(`^[A-Z][A-Z0-9_-]*$`), isUpperMethod},
		{"method word", regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]*$`), isMethodWord},
		{"method token", regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"), isMethodToken},
		{"port", regexp.MustCompile(`^[0-9]+$`), isPort},
		{"scheme", regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://`), httpclient.HasScheme},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range cases {
			if got, want := c.fn(s), c.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the pattern says %v", c.name, s, got, want)
			}
		}
	})
}

// A file's type is guessed from its name without claiming a charset its
// bytes were never checked for.
func TestGuessFileType(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"page.html":   "text/html",
		"style.css":   "text/css",
		"logo.png":    "image/png",
		"data.json":   "application/json",
		"x.nosuchext": "",
	} {
		if got := guessFileType(name); got != want {
			t.Errorf("guessFileType(%q) = %q, want %q", name, got, want)
		}
	}
}

// Of --color and --no-color the last typed wins; =false asks for nothing.
func TestColorFlagsLastWins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args           []string
		color, noColor bool
	}{
		{nil, false, false},
		{[]string{"--color"}, true, false},
		{[]string{"--no-color"}, false, true},
		{[]string{"--color", "--no-color"}, false, true},
		{[]string{"--no-color", "--color"}, true, false},
		{[]string{"--no-color", "--color", "--no-color"}, false, true},
		{[]string{"--color", "--no-color=false"}, true, false},
		{[]string{"--color=false"}, false, false},
	}
	for _, tc := range tests {
		ios, _, _, _ := TestIOStreams()
		var got *requestOptions
		c := newRequestCmd(ios, "GET", func(_ context.Context, o *requestOptions) error { got = o; return nil })
		c.SetArgs(append(tc.args, "example.org"))
		if err := c.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.Color != tc.color || got.NoColor != tc.noColor {
			t.Errorf("%v: Color, NoColor = %v, %v; want %v, %v", tc.args, got.Color, got.NoColor, tc.color, tc.noColor)
		}
	}
}
