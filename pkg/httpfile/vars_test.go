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
		Named:  map[string]int{"login": 1, "failed": 2, "later": 9},
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
		{"{{other.response.body.*}}", `no request is named "other" (name one with # @name other)`},
		{"{{later.response.body.*}}", `request "later" (line 9) runs after this one, so it has no response yet`},
		{"{{failed.response.body.*}}", `request "failed" (line 2) has no response to read: it failed or was not run`},
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
	got, err := loadEnv(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s": "shared", "host": "dev", "user": "secret", "n": "3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loadEnv(dev) (-want +got):\n%s", diff)
	}
	if _, err := loadEnv(dir, "qa"); !errors.Is(err, ErrNoEnvironment) || !strings.Contains(err.Error(), "dev, prod") {
		t.Errorf("loadEnv(qa) = %v, want ErrNoEnvironment listing dev, prod", err)
	}
	if got, err := loadEnv(t.TempDir(), ""); err != nil || len(got) != 0 {
		t.Errorf("LoadEnvironment without files = %v, %v", got, err)
	}
	// The named environment beats "$shared", even the private file's.
	write(PrivateEnvFile, `{"$shared": {"host": "private-shared", "s": "private"}}`)
	got, err = loadEnv(dir, "dev")
	if err != nil || got["host"] != "dev" || got["s"] != "private" {
		t.Errorf("loadEnv(dev) with a private $shared = %v, %v; want host dev, s private", got, err)
	}
	// A byte order mark, as some Windows editors write, is not an error.
	write(PrivateEnvFile, "\ufeff"+`{"dev": {"user": "bom"}, "qa": {}}`)
	if got, err := loadEnv(dir, "dev"); err != nil || got["user"] != "bom" {
		t.Errorf("LoadEnvironment with a BOM = %v, %v", got, err)
	}
	if diff := cmp.Diff([]string{"dev", "prod", "qa"}, FindEnvFiles(dir).Names()); diff != "" {
		t.Errorf("EnvironmentNames with a BOM (-want +got):\n%s", diff)
	}
	write(PrivateEnvFile, `{"dev": ["x"]}`)
	if _, err := loadEnv(dir, "dev"); err == nil || !strings.Contains(err.Error(), "must be an object") {
		t.Errorf("LoadEnvironment with a bad file = %v", err)
	}
}

// loadEnv reads environment name from the environment files found for a
// request file in dir.
func loadEnv(dir, name string) (map[string]string, error) {
	env, err := FindEnvFiles(dir).Load(name)
	if err != nil {
		return nil, err
	}
	return env.Vars, nil
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

func TestBuiltins(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 2, 29, 13, 4, 5, 678e6, time.UTC)
	v := &Vars{
		Now:         func() time.Time { return now },
		Environment: map[string]string{"envName": "HOME", "dotName": "TOKEN"},
		Getenv:      func(k string) (string, bool) { return map[string]string{"HOME": "/home/ann"}[k], k == "HOME" },
		Dotenv:      func() (map[string]string, error) { return map[string]string{"TOKEN": "t-1"}, nil },
	}
	req := &Request{}
	exact := []struct{ in, want string }{
		{"{{$timestamp}}", "1709211845"},
		{"{{$timestamp -1 d}}", "1709125445"},
		{"{{$isoTimestamp}}", "2024-02-29T13:04:05Z"},
		{"{{$datetime iso8601}}", "2024-02-29T13:04:05.678Z"},
		{"{{$datetime rfc1123}}", "Thu, 29 Feb 2024 13:04:05 GMT"},
		{"{{$datetime iso8601 1 y}}", "2025-03-01T13:04:05.678Z"},
		{"{{$datetime \"YYYY-MM-DD\"}}", "2024-02-29"},
		{"{{$datetime 'DD/MM/YY HH:mm:ss.SSS [at] X' -2 h}}", "29/02/24 11:04:05.678 at 1709204645"},
		{"{{$datetime \"dddd, MMMM D, h:mm A\" 3 M}}", "Wednesday, May 29, 1:04 PM"},
		{"{{$processEnv HOME}}", "/home/ann"},
		{"{{$processEnv %envName}}", "/home/ann"},
		{"{{$dotenv TOKEN}}", "t-1"},
		{"{{$dotenv %dotName}}", "t-1"},
		{"{{$randomInt 7 8}}", "7"},
		{"{{$random.integer(7, 8)}}", "7"},
	}
	for _, tc := range exact {
		got, err := v.Expand(req, tc.in, Pos{})
		if err != nil || got != tc.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	shapes := []struct{ in, re string }{
		{"{{$guid}}", `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"{{$random.uuid}}", `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"{{$random.alphabetic(12)}}", `^[a-zA-Z]{12}$`},
		{"{{$random.alphanumeric(5)}}", `^\w{5}$`},
		{"{{$random.hexadecimal(8)}}", `^[0-9a-f]{8}$`},
		{"{{$random.email}}", `^[a-z]+@[a-z]+\.com$`},
		{"{{$random.float(1.5, 1.75)}}", `^1\.(5|6|7)[0-9]*$`},
		{"{{$random.integer()}}", `^[0-9]{1,3}$`},
		{"{{$localDatetime iso8601}}", `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$`},
	}
	for _, tc := range shapes {
		got, err := v.Expand(req, tc.in, Pos{})
		if err != nil || !regexp.MustCompile(tc.re).MatchString(got) {
			t.Errorf("Expand(%q) = %q, %v; want %s", tc.in, got, err, tc.re)
		}
	}
	errs := []struct{ in, want string }{
		{"{{$nope}}", `unknown built-in variable "$nope" (reqs knows $uuid, $random.uuid, $guid, $timestamp`},
		{"{{$datetime}}", "$datetime takes rfc1123, iso8601 or a quoted format"},
		{"{{$datetime iso8601 1 fortnight}}", `unknown unit "fortnight"`},
		{"{{$datetime 'YYYY}}", "$datetime takes rfc1123"},
		{"{{$random.alphabetic(x)}}", "takes a length from 0 to"},
		{"{{$random.integer(9, 1)}}", "takes MIN MAX with MIN < MAX"},
		{"{{$dotenv NOPE}}", "the .env file beside the request file does not set it"},
		{"{{$guid 1}}", "$guid takes no arguments"},
	}
	for _, tc := range errs {
		_, err := v.Expand(req, tc.in, Pos{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Expand(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
	if _, err := (&Vars{}).Expand(req, "{{$dotenv A}}", Pos{}); err == nil || !strings.Contains(err.Error(), "there is no .env file") {
		t.Errorf("$dotenv without a .env file: %v", err)
	}
}

// httpyac's and REST Client's ways to read a named response, the request
// as sent, and nested environment values; a dotted name is looked up
// whole first, then as a named response, then as a nested value.
func TestExpandDottedNames(t *testing.T) {
	t.Parallel()
	src := "@Shop.Api_HostAddress = http://localhost:5000\n@login.note = whole name first\nGET /x\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	req := f.Requests[0]
	v := &Vars{
		Environment: map[string]string{"api": `{"base":"http://api"}`},
		Nested:      map[string]string{"api.base": "http://api", "login.token": "nested loses"},
		Others:      map[string][]string{"secret": {"local", "staging"}, "only": {"prod"}},
		Named:       map[string]int{"login": 1},
		Responses: map[string]*Response{"login": {
			Header: http.Header{"X-A": {"1"}},
			Body:   []byte(`{"token": "t-1", "user": {"roles": ["a", "b"]}}`),
			Sent:   &Sent{Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"name": "ann"}`)},
		}},
	}
	tests := []struct{ in, want string }{
		{"{{Shop.Api_HostAddress}}", "http://localhost:5000"},
		{"{{login.note}}", "whole name first"},
		{"{{login.token}}", "t-1"},
		{"{{login.user.roles[1]}}", "b"},
		{"{{login.response.body.token}}", "t-1"},
		{"{{login.response.body.user.roles}}", `["a","b"]`},
		{"{{login.request.body.*}}", `{"name": "ann"}`},
		{"{{login.request.body.name}}", "ann"},
		{"{{login.request.headers.Content-Type}}", "application/json"},
		{"{{api.base}}", "http://api"},
		{"{{api}}", `{"base":"http://api"}`},
	}
	for _, tc := range tests {
		got, err := v.Expand(req, tc.in, Pos{})
		if err != nil || got != tc.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	errs := []struct{ in, want string }{
		{"{{secret}}", `undefined variable "secret": defined in environments local, staging: pass --env`},
		{"{{only}}", `undefined variable "only": defined in environment prod: pass --env`},
		{"{{login.missing}}", `$.missing selects nothing in the response of "login"`},
		{"{{nobody.x}}", `undefined variable "nobody.x"`},
	}
	for _, tc := range errs {
		_, err := v.Expand(req, tc.in, Pos{"t.http", 3, 1})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Expand(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}

// Environment files are found beside the request file, else in the
// nearest directory above that has one; they may hold comments and
// trailing commas, and nested objects.
func TestEnvironmentFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	deep := filepath.Join(root, "api", "users")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, EnvFile), `{
  // the local server
  "$schema": "https://example.com/schema.json",
  "local": {
    "host": "http://localhost:8080", /* no TLS */
    "api": {"base": "http://localhost:8080/api", "v": 2,},
    "url": "http://a//b",
  },
  "prod": {"host": "https://example.com", "secret": "x"},
}`)
	write(filepath.Join(root, PrivateEnvFile), `{"local": {"token": "t-1",},}`)
	ef := FindEnvFiles(deep)
	if ef.Public != filepath.Join(root, EnvFile) || ef.Private != filepath.Join(root, PrivateEnvFile) {
		t.Fatalf("FindEnvFiles(%s) = %+v, want the files of %s", deep, ef, root)
	}
	env, err := ef.Load("local")
	if err != nil {
		t.Fatal(err)
	}
	wantVars := map[string]string{"host": "http://localhost:8080", "api": `{"base":"http://localhost:8080/api","v":2}`, "url": "http://a//b", "token": "t-1"}
	if diff := cmp.Diff(wantVars, env.Vars); diff != "" {
		t.Errorf("Vars (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"api.base": "http://localhost:8080/api", "api.v": "2"}, env.Nested); diff != "" {
		t.Errorf("Nested (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"secret": {"prod"}}, env.Others); diff != "" {
		t.Errorf("Others (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"local", "prod"}, ef.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	// Files beside the request file win over those above it.
	write(filepath.Join(deep, PrivateEnvFile), `{}`)
	if ef := FindEnvFiles(deep); ef.Public != "" || ef.Private != filepath.Join(deep, PrivateEnvFile) {
		t.Errorf("FindEnvFiles with a file beside = %+v", ef)
	}
	if ef := FindEnvFiles(t.TempDir()); ef != (EnvFiles{}) {
		t.Errorf("FindEnvFiles without files = %+v", ef)
	}
}

func TestStripJSONC(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`{"a": "//not a comment", "b": "/*nor this*/"}`, `{"a": "//not a comment", "b": "/*nor this*/"}`},
		{"{\"a\": 1, // c\n}", "{\"a\": 1      \n}"},
		{`[1, 2, /* c */ ]`, `[1, 2          ]`},
		{`{"a": "x\",", }`, `{"a": "x\","  }`},
		{`{"a": [1,],}`, `{"a": [1 ] }`},
		{"/* open", "       "},
	}
	for _, tc := range tests {
		if got := string(stripJSONC([]byte(tc.in))); got != tc.want {
			t.Errorf("stripJSONC(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReadDotenv(t *testing.T) {
	t.Parallel()
	got := readDotenv([]byte("# c\nA=1\nexport B = two words # note\nC=\"q\\nx\"\nD='s # x'\nnot a line\n"))
	want := map[string]string{"A": "1", "B": "two words", "C": "q\nx", "D": "s # x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readDotenv (-want +got):\n%s", diff)
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
