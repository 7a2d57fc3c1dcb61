package httpfile

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExpand(t *testing.T) {
	t.Parallel()
	src := "@host = http://h\n@base = {{host}}/api\n@self = {{self}}\nGET {{base}}/x\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	req := f.Requests[0]
	v := &Vars{
		Environment: map[string]string{"host": "http://env", "token": "from-env", "nested": "{{token}}!"},
		Responses: map[string]*Response{"login": {
			Header: http.Header{"X-Token": {"h-1"}},
			Body:   []byte(`{"a": {"b": [10, 20, {"c": "deep"}]}, "id": 12345678901234567890}`),
		}},
		Getenv: func(k string) (string, bool) { return map[string]string{"HOME": "/home/ann"}[k], k == "HOME" },
		Now:    func() time.Time { return time.Unix(1700000000, 0) },
	}
	tests := []struct{ in, want string }{
		{"{{base}}", "http://h/api"},
		{"{{ token }}", "from-env"},
		{"{{nested}}", "from-env!"},
		{"{{$timestamp}}", "1700000000"},
		{"{{$isoTimestamp}}", "2023-11-14T22:13:20Z"},
		{"{{$processEnv HOME}}", "/home/ann"},
		{"{{$env.HOME}}", "/home/ann"},
		{"{{login.response.headers.x-token}}", "h-1"},
		{"{{login.response.body.$.a.b[1]}}", "20"},
		{"{{login.response.body.$.a.b[-1].c}}", "deep"},
		{"{{login.response.body.$.a.b[*]}}", `[10,20,{"c":"deep"}]`},
		{"{{login.response.body.$.id}}", "12345678901234567890"},
		{"{{login.response.body.$['a'].b[0]}}", "10"},
		{"{{login.response.body.*}}", `{"a": {"b": [10, 20, {"c": "deep"}]}, "id": 12345678901234567890}`},
		{"no refs", "no refs"},
	}
	for _, tc := range tests {
		got, err := v.Expand(req, tc.in, Pos{})
		if err != nil || got != tc.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	v.Overrides = map[string]string{"host": "http://cli"}
	if got, _ := v.Expand(req, "{{base}}", Pos{}); got != "http://cli/api" {
		t.Errorf("--var does not override file variables: got %q", got)
	}
	if got, _ := v.Expand(req, "{{$uuid}}", Pos{}); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(got) {
		t.Errorf("$uuid = %q", got)
	}

	errs := []struct{ in, want string }{
		{"a\nb {{missing}}", `t.http:5:3: undefined variable "missing"`},
		{"{{self}}", `refers to itself`},
		{"{{other.response.body.*}}", `request "other" has not run`},
		{"{{login.response.headers.X-None}}", `has no header X-None`},
		{"{{login.response.body.$.zz}}", `selects nothing`},
		{"{{login.response.status}}", `cannot read "status"`},
		{"{{$processEnv NOPE}}", `environment variable NOPE is not set`},
		{"{{$nope}}", `unknown built-in variable`},
		{"{{x", `unclosed {{`},
	}
	for _, tc := range errs {
		_, err := v.Expand(req, tc.in, Pos{"t.http", 4, 1})
		var perr *Error
		if !errors.As(err, &perr) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Expand(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestDependencies(t *testing.T) {
	t.Parallel()
	src := "@tok = {{login.response.body.$.t}}\nGET /x\nA: {{tok}}\nB: {{other.response.headers.X}}\n\n?? body contains {{third.response.body.*}}\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := Dependencies(f.Requests[0])
	if diff := cmp.Diff([]string{"login", "other", "third"}, got); diff != "" {
		t.Errorf("Dependencies (-want +got):\n%s", diff)
	}
}

func TestLoadEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(EnvFile, `{"$shared": {"s": "shared"}, "dev": {"host": "dev", "user": "ann", "n": 3}, "prod": {"host": "prod"}}`)
	write(PrivateEnvFile, `{"dev": {"user": "secret"}}`)
	got, err := LoadEnvironment(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s": "shared", "host": "dev", "user": "secret", "n": "3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadEnvironment(dev) (-want +got):\n%s", diff)
	}
	if _, err := LoadEnvironment(dir, "qa"); !errors.Is(err, ErrNoEnvironment) || !strings.Contains(err.Error(), "dev, prod") {
		t.Errorf("LoadEnvironment(qa) = %v, want ErrNoEnvironment listing dev, prod", err)
	}
	if got, err := LoadEnvironment(t.TempDir(), ""); err != nil || len(got) != 0 {
		t.Errorf("LoadEnvironment without files = %v, %v", got, err)
	}
	// The named environment beats "$shared", even the private file's.
	write(PrivateEnvFile, `{"$shared": {"host": "private-shared", "s": "private"}}`)
	got, err = LoadEnvironment(dir, "dev")
	if err != nil || got["host"] != "dev" || got["s"] != "private" {
		t.Errorf("LoadEnvironment(dev) with a private $shared = %v, %v; want host dev, s private", got, err)
	}
	// A byte order mark, as some Windows editors write, is not an error.
	write(PrivateEnvFile, "\ufeff"+`{"dev": {"user": "bom"}, "qa": {}}`)
	if got, err := LoadEnvironment(dir, "dev"); err != nil || got["user"] != "bom" {
		t.Errorf("LoadEnvironment with a BOM = %v, %v", got, err)
	}
	if diff := cmp.Diff([]string{"dev", "prod", "qa"}, EnvironmentNames(dir)); diff != "" {
		t.Errorf("EnvironmentNames with a BOM (-want +got):\n%s", diff)
	}
	write(PrivateEnvFile, `{"dev": ["x"]}`)
	if _, err := LoadEnvironment(dir, "dev"); err == nil || !strings.Contains(err.Error(), "must be an object") {
		t.Errorf("LoadEnvironment with a bad file = %v", err)
	}
}

func TestJSONPathErrors(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{"a.b", "$..a", "$.", "$[x]", "$[0", "$x"} {
		if _, err := ParseJSONPath(expr); err == nil {
			t.Errorf("ParseJSONPath(%q) succeeded, want an error", expr)
		}
	}
}

func TestExpandIsBounded(t *testing.T) {
	t.Parallel()
	var src strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&src, "@v%d = {{v%d}}{{v%d}}\n", i, i+1, i+1)
	}
	src.WriteString("@v20 = x\nGET /{{v0}}\n")
	f, err := Parse("t.http", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	r := f.Requests[0]
	_, err = (&Vars{}).Expand(r, r.URL, r.URLPos)
	if err == nil || !strings.Contains(err.Error(), "too many times") {
		t.Errorf("Expand of a doubling chain = %v, want a bound error", err)
	}
}

// $randomInt takes any MIN < MAX in int64, the widest range too, whose
// span does not fit in int64.
func TestRandomIntRange(t *testing.T) {
	t.Parallel()
	v := &Vars{}
	req := &Request{}
	tests := []struct {
		in     string
		lo, hi int64
	}{
		{"{{$randomInt -9223372036854775808 9223372036854775807}}", -1 << 63, 1<<63 - 1},
		{"{{$randomInt -5 9223372036854775807}}", -5, 1<<63 - 1},
		{"{{$randomInt 3 4}}", 3, 3},
		{"{{$randomInt}}", 0, 999},
	}
	for _, tc := range tests {
		got, err := v.Expand(req, tc.in, Pos{})
		if err != nil {
			t.Errorf("Expand(%q): %v", tc.in, err)
			continue
		}
		n, err := strconv.ParseInt(got, 10, 64)
		if err != nil || n < tc.lo || n > tc.hi {
			t.Errorf("Expand(%q) = %q, want a number in [%d, %d]", tc.in, got, tc.lo, tc.hi)
		}
	}
}

// TestExpandNestingAndCycles: a chain deeper than the bound is named as
// too deep, not as a variable referring to itself, and a cycle through
// other variables is named as one.
func TestExpandNestingAndCycles(t *testing.T) {
	t.Parallel()
	var src strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&src, "@a%d = {{a%d}}\n", i, i+1)
	}
	src.WriteString("@a40 = end\n@x = {{y}}\n@y = {{z}}\n@z = {{x}}\n@ok = {{a10}}\nGET /\n")
	f, err := Parse("t.http", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	req := f.Requests[0]
	tests := []struct{ in, want string }{
		{"{{a0}}", "more than 32 levels deep"},
		{"{{x}}", `variable "x" refers to itself`},
	}
	for _, tc := range tests {
		_, err := (&Vars{}).Expand(req, tc.in, Pos{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Expand(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
	v := &Vars{}
	if got, err := v.Expand(req, "{{ok}} {{ok}}", Pos{}); err != nil || got != "end end" {
		t.Errorf("Expand(30 levels, twice) = %q, %v; want %q", got, err, "end end")
	}
}
