package httpfile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile"
)

// echoServer answers every request with JSON describing it: its method,
// path, query, Authorization header and body.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		body.ReadFrom(r.Body)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
			"auth": r.Header.Get("Authorization"), "sig": r.Header.Get("X-Sig"), "body": body.String(),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// runFiles runs request files (name → text, in a fresh directory, with
// the extra files given) against srv as {{host}}.
func runFiles(t *testing.T, srv *httptest.Server, opts func(*httpfile.Runner), files ...[2]string) []*httpfile.FileOutcome {
	t.Helper()
	dir := t.TempDir()
	var parsed []*httpfile.File
	for _, file := range files {
		path := filepath.Join(dir, file[0])
		if err := os.WriteFile(path, []byte(file[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(path, ".http") {
			continue
		}
		f, err := httpfile.Parse(path, []byte(file[1]))
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	sess := &httpclient.Session{}
	t.Cleanup(sess.Close)
	run := &httpfile.Runner{Send: sessionSend(sess), Overrides: map[string]string{"host": srv.URL}}
	if opts != nil {
		opts(run)
	}
	outs, err := run.Run(context.Background(), parsed)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// A handler's client.global variables are {{name}} in the requests
// after it, in its file and in the files after it.
func TestHandlerGlobalsReachLaterRequests(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	login := `### login
POST {{host}}/login

{"token": "t-1"}

> {% client.global.set("token", JSON.parse(response.body.body).token) %}

### me
GET {{host}}/me
Authorization: Bearer {{token}}

?? jq .auth == "Bearer t-1"
`
	other := "GET {{host}}/other?t={{token}}\n\n?? jq .query == \"t=t-1\"\n"
	outs := runFiles(t, srv, nil, [2]string{"login.http", login}, [2]string{"other.http", other})
	for _, fo := range outs {
		for _, out := range fo.Outcomes {
			if !out.Passed() {
				t.Errorf("%s: %+v (err %v)", out.Request.DisplayName(), out.Results, out.Err)
			}
		}
	}
}

// client.test results are results of their request: they fail it (exit
// status 7 for the run), and reports list them.
func TestHandlerTestsAreResults(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	src := `### check
GET {{host}}/a

> {%
client.test("method", () => client.assert(response.body.method === "GET"));
client.test("path", () => {
  client.assert(response.body.path === "/b", "path is " + response.body.path);
});
client.log("checked", response.status);
%}
?? status == 200
`
	outs := runFiles(t, srv, nil, [2]string{"t.http", src})
	out := outs[0].Outcomes[0]
	if out.Err != nil || !out.Failed() || out.Errored() {
		t.Fatalf("outcome: err %v, failed %v; want a failed check", out.Err, out.Failed())
	}
	var got []string
	for _, r := range out.Results {
		got = append(got, fmt.Sprintf("%s|%s|%v|%d|%s", r.Test, r.Text, r.Passed, r.Pos.Line, r.Actual))
	}
	want := []string{"method|method|true|5|", "path|path|false|7|AssertionError: path is /a", "|status == 200|true|11|200"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"checked 200"}, out.Logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}

	var junit, js bytes.Buffer
	if err := httpfile.WriteJUnit(&junit, outs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`tests="3" failures="1" errors="0"`,
		`<testcase name="check (line 2)" classname="`,
		`<testcase name="check (line 2): method" classname="`,
		`<testcase name="check (line 2): path" classname="`,
		`<failure message="AssertionError: path is /a" type="test">`,
	} {
		if !strings.Contains(junit.String(), want) {
			t.Errorf("JUnit report lacks %s:\n%s", want, junit.String())
		}
	}
	if err := httpfile.WriteJSON(&js, outs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"test": "path"`, `"actual": "AssertionError: path is /a"`, `"logs": [`, `"result": "fail"`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("JSON report lacks %s:\n%s", want, js.String())
		}
	}
}

// A script that throws fails its request with the script's file and
// line; the requests after it run.
func TestHandlerErrorsNameFileAndLine(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	src := `GET {{host}}/a

> {%
  const b = response.body;
  b.missing.field = 1;
%}

###
GET {{host}}/b

> ./check.js

###
GET {{host}}/c

> ./missing.js

###
GET {{host}}/d
`
	outs := runFiles(t, srv, nil, [2]string{"t.http", src}, [2]string{"check.js", "// checks\nthrow new Error('no ' + response.body.path)\n"})
	got := outs[0].Outcomes
	if len(got) != 4 {
		t.Fatalf("%d outcomes", len(got))
	}
	dir := filepath.Dir(outs[0].Path)
	for i, want := range []string{
		filepath.Join(dir, "t.http") + ":5:",
		filepath.Join(dir, "check.js") + ":2:7: Error: no /b",
		filepath.Join(dir, "t.http") + ":16:1: script file " + filepath.Join(dir, "missing.js") + ": no such file or directory",
	} {
		if got[i].Err == nil || !strings.HasPrefix(got[i].Err.Error(), want) {
			t.Errorf("request %d: error %v, want %s…", i, got[i].Err, want)
		}
	}
	if !strings.Contains(got[0].Err.Error(), "TypeError") {
		t.Errorf("request 0: error %v, want a TypeError", got[0].Err)
	}
	if !got[3].Passed() {
		t.Errorf("request 3 did not run on: %+v", got[3])
	}
}

// An endless loop ends when the script's time is up, with an error that
// names the script and the line it was stopped at; the run goes on.
func TestHandlerEndlessLoopIsStopped(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	src := "GET {{host}}/a\n\n> {%\n  let n = 0;\n  for (;;) { n++ }\n%}\n\n###\nGET {{host}}/b\n"
	outs := runFiles(t, srv, func(r *httpfile.Runner) {
		r.ScriptTimeout = 50 * time.Millisecond
		httpfile.NeverGiveUpScripts(r)
	}, [2]string{"t.http", src})
	got := outs[0].Outcomes
	if err := got[0].Err; err == nil || !strings.Contains(err.Error(), "t.http:5:") || !strings.Contains(err.Error(), "the script ran longer than 50ms and was stopped here") {
		t.Errorf("error %v, want the loop's line and the time budget", err)
	}
	if len(got) != 2 || !got[1].Passed() {
		t.Errorf("the run did not go on: %+v", got)
	}
}

// Scripts cannot reach files, the network or processes: such calls fail
// naming what was refused, as a mistake in the file.
func TestHandlerRefusesFilesNetworkAndProcesses(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	tests := []struct{ code, want string }{
		{"require('fs').readFileSync('/etc/passwd')", `require("fs") is not available`},
		{"require('child_process').execSync('id')", `require("child_process") is not available`},
		{"fetch('http://127.0.0.1/')", "fetch is not available"},
		{"new XMLHttpRequest().open('GET', '/')", "XMLHttpRequest is not available"},
		{"process.exit(1)", "process is not available"},
		{"client.global.headers.set('X', '1')", "client.global.headers is not part of reqs' script API"},
	}
	for _, tc := range tests {
		src := "GET {{host}}/a\n\n> {% " + tc.code + " %}\n"
		outs := runFiles(t, srv, nil, [2]string{"t.http", src})
		err := outs[0].Outcomes[0].Err
		var fe *httpfile.Error
		if !errors.As(err, &fe) || fe.Pos.Line != 3 || !strings.Contains(fe.Msg, tc.want) {
			t.Errorf("%s: error %v, want a mistake in the file on line 3 saying %q", tc.code, err, tc.want)
		}
	}
}

// Pre-request scripts set variables for their own request only, and
// read the request and the environment.
func TestPreRequestScriptsSetVariables(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	src := `< {%
  const sig = crypto.hmac.sha256().withTextSecret("k").updateWithText(request.body.tryGetSubstituted()).digest().toHex();
  request.variables.set("sig", sig);
  request.variables.set("page", 2);
  client.log(request.method, request.url.getRaw(), request.headers.findByName("x-sig").getRawValue());
%}
POST {{host}}/a?page={{page}}
X-Sig: {{sig}}

{"user": "{{user}}"}

###
GET {{host}}/b?page={{page}}
`
	outs := runFiles(t, srv, func(r *httpfile.Runner) { r.Overrides["user"] = "ann" }, [2]string{"t.http", src})
	first, second := outs[0].Outcomes[0], outs[0].Outcomes[1]
	if first.Err != nil || !strings.HasSuffix(first.URL, "/a?page=2") {
		t.Fatalf("first: %v %s", first.Err, first.URL)
	}
	if diff := cmp.Diff([]string{"POST {{host}}/a?page={{page}} {{sig}}"}, first.Logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
	var fe *httpfile.Error
	if !errors.As(second.Err, &fe) || !strings.Contains(fe.Msg, `undefined variable "page"`) {
		t.Errorf("second: %v, want page undefined (request variables are the request's own)", second.Err)
	}
}

// {{ expression }} that is no variable name is JavaScript, with the
// variables it names in scope and named responses as their bodies.
func TestExpressions(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	src := `@user = ann
# @name first
GET {{host}}/first

###
GET {{host}}/x?u={{ user.toUpperCase() }}&p={{ first.path.slice(1) }}&n={{ 6 * 7 }}

?? jq .query == "u=ANN&p=first&n=42"

###
GET {{host}}/y?v={{ nope + 1 }}
`
	outs := runFiles(t, srv, nil, [2]string{"t.http", src})
	got := outs[0].Outcomes
	if !got[1].Passed() {
		t.Errorf("second: %v %+v", got[1].Err, got[1].Results)
	}
	var fe *httpfile.Error
	if !errors.As(got[2].Err, &fe) || !strings.Contains(fe.Error(), "t.http:11:") || !strings.Contains(fe.Msg, "ReferenceError: nope is not defined") {
		t.Errorf("third: %v, want the undefined name with its line", got[2].Err)
	}
}
