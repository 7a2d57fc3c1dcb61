package cmd

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func TestRunFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantErr string
		check   func(t *testing.T, o *runOptions)
	}{
		{args: []string{"a.http", "b.http", "--env", "dev", "--var", "x=1", "--var", "y=a=b", "--fail-fast", "-v", "--timeout", "3"}, check: func(t *testing.T, o *runOptions) {
			if len(o.Files) != 2 || o.Env != "dev" || len(o.Vars) != 2 || !o.FailFast || o.Request.Verbose != 1 || o.Request.Transfer.Timeout != "3" {
				t.Errorf("options = %+v", o)
			}
		}},
		{args: []string{"a.http", "--report", "junit=j.xml", "--report", "json=r.json", "--name", "login"}, check: func(t *testing.T, o *runOptions) {
			if len(o.Reports) != 2 || o.Name != "login" {
				t.Errorf("options = %+v", o)
			}
		}},
		{args: []string{"a.http", "--report", "xml=x"}, wantErr: `invalid --report "xml=x"`},
		{args: []string{"a.http", "--var", "x"}, wantErr: `invalid --var "x"`},
		{args: []string{"a.http", "--line", "0"}, wantErr: "invalid --line 0"},
		{args: []string{"a.http", "--line", "3", "--name", "x"}, wantErr: "exclude each other"},
		{args: []string{"a.http", "--form"}, wantErr: "unknown flag: --form"},
		{args: nil, wantErr: "run needs at least one .http FILE"},
	}
	for _, tc := range tests {
		ios, _, _, _ := TestIOStreams()
		var got *runOptions
		c := newRunCmd(ios, func(_ context.Context, o *runOptions) error { got = o; return nil })
		c.SetArgs(tc.args)
		c.SetOut(new(strings.Builder))
		c.SetErr(new(strings.Builder))
		err := c.Execute()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("run %q: error %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("run %q: %v", tc.args, err)
			continue
		}
		tc.check(t, got)
	}
}

// TestRunFilesJUnit runs a file against a test server and reads the
// JUnit report back as a CI server would.
func TestRunFilesJUnit(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"token": "abc"}`))
			return
		}
		if r.Header.Get("Authorization") != "Bearer abc" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "api.http")
	src := "# @name login\nPOST {{host}}/login\n\n?? jq .token == abc\n\n### use\nGET {{host}}/me\nAuthorization: Bearer {{login.response.body.$.token}}\n\n?? status == 200\n\n### wrong\nGET {{host}}/me\n\n?? status == 200\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "junit.xml")
	ios, _, out, _ := TestIOStreams()
	ios.ReadFile = os.ReadFile
	c := newRunCmd(ios, nil)
	c.SetArgs([]string{file, "--var", "host=" + srv.URL, "--report", "junit=" + report})
	err := c.Execute()
	var rf *runFailure
	if !errors.As(err, &rf) || exitCode(err) != exitAssertion {
		t.Fatalf("run = %v (exit %d), want an assertion failure (exit 7)\n%s", err, exitCode(err), out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("junit report: %v\n%s", err, data)
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Tests != 3 || doc.Suites[0].Failures != 1 {
		t.Fatalf("junit report: %+v\n%s", doc, data)
	}
	cases := doc.Suites[0].Cases
	if cases[0].Name != "login (line 2)" || cases[1].Failure != nil || cases[2].Failure == nil {
		t.Errorf("testcases = %+v", cases)
	}
	if !strings.Contains(out.String(), "3 requests, 2 passed, 1 failed") {
		t.Errorf("output:\n%s", out)
	}
}

// TestRunFilesPrepareOnce checks that every request of a file goes
// through the one prepare step: --auth without a password is asked for
// once and sent with each request, and --compress deflates each body.
func TestRunFilesPrepareOnce(t *testing.T) {
	t.Parallel()
	type seen struct{ auth, encoding string }
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{r.Header.Get("Authorization"), r.Header.Get("Content-Encoding")})
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "api.http")
	body := strings.Repeat("compressible ", 200)
	src := "POST {{host}}/one\n\n" + body + "\n\n###\nPOST {{host}}/two\n\n" + body + "\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, in, out, errOut := TestIOStreams()
	ios.ReadFile = os.ReadFile
	ios.StdinTTY = true // an injected terminal answers one prompt
	in.WriteString("pw\n")
	c := newRunCmd(ios, nil)
	c.SetArgs([]string{file, "--var", "host=" + srv.URL, "-a", "ann", "-x"})
	if err := c.Execute(); err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	if n := strings.Count(errOut.String(), "password for ann@"); n != 1 {
		t.Errorf("asked for the password %d times, want once; stderr:\n%s", n, errOut)
	}
	want := seen{"Basic YW5uOnB3", "deflate"} // ann:pw
	if len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("requests carried %+v, want two of %+v", got, want)
	}
}

// The .http example of `reqs run --help` (and reqs-run(1)) runs as
// printed: every assertion passes against httpbin.
func TestRunHelpExampleRuns(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	ios, _, out, errOut := TestIOStreams()
	ios.ReadFile = os.ReadFile
	long := newRunCmd(ios, nil).Long
	_, rest, ok := strings.Cut(long, "A file such as api.http:\n")
	example, _, ok2 := strings.Cut(rest, "\nruns with: reqs run api.http")
	if !ok || !ok2 {
		t.Fatalf("reqs run --help has no api.http example:\n%s", long)
	}
	var lines []string
	for _, l := range strings.Split(example, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "  "))
	}
	src := strings.ReplaceAll(strings.Join(lines, "\n"), "http://localhost:8080", srv.URL)
	file := filepath.Join(t.TempDir(), "api.http")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newRunCmd(ios, nil)
	c.SetArgs([]string{file})
	if err := c.Execute(); err != nil {
		t.Fatalf("the help's example fails: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out.String(), "2 requests, 2 passed, 0 failed") {
		t.Errorf("the help's example ran as:\n%s", out)
	}
}
