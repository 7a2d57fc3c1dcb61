package script

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// code is inline code of t.http starting on line 10, column 5.
func code(src string) Code { return Code{Source: src, File: "t.http", Line: 10, Col: 5} }

func jsonResponse(body string) *Response {
	return &Response{Status: 200, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Two": {"a", "b"}}, Body: []byte(body)}
}

// newEngine makes an engine for a test. Unless the test sets a Grace of
// its own, the engine never gives up a script that it interrupted: on a
// loaded machine an interrupted script may take long to be scheduled
// again, and only the tests of giving up may depend on how long.
func newEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	if opts.Grace == 0 {
		opts.Grace = time.Hour
	}
	e := New(opts)
	t.Cleanup(e.Close)
	return e
}

func run(t *testing.T, e *Engine, src string, req *Request, resp *Response) (*Result, error) {
	t.Helper()
	return e.Run(context.Background(), code(src), req, resp)
}

func TestGlobalsOutliveTheirScript(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	if _, err := run(t, e, `client.global.set("token", response.body.token); client.global.set("n", 3); client.global.set("obj", {a: [1]}); const x = 1`, nil, jsonResponse(`{"token": "abc"}`)); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"token": "abc", "n": "3", "obj": `{"a":[1]}`} {
		if got, ok := e.Global(name); !ok || got != want {
			t.Errorf("Global(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	// A later script sees them, and may declare the same names at its
	// top level.
	res, err := run(t, e, `const x = 2; client.log(client.global.get("token"), client.global.get("n") + 1, client.global.isEmpty()); client.global.clear("n"); client.log(client.global.get("n"))`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"abc 4 false", "null"}, res.Logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
	if _, err := run(t, e, `client.global.clearAll()`, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Global("token"); ok {
		t.Error("clearAll left token")
	}
}

func TestTests(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	src := `client.test("status", function () {
  client.assert(response.status === 200, "status is " + response.status);
});
client.test("token", () => {
  client.assert(response.body.token === "xyz", "wrong token");
});
client.test("throws", () => { response.body.missing.field });
client.log("after")`
	res, err := run(t, e, src, nil, jsonResponse(`{"token": "abc"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tests) != 3 {
		t.Fatalf("tests = %+v", res.Tests)
	}
	// Places are where goja puts them: a call at its parenthesis, a
	// property at its name.
	if tt := res.Tests[0]; tt.Name != "status" || tt.At.String() != "t.http:10:16" || tt.Err != nil {
		t.Errorf("test 0 = %+v", tt)
	}
	if tt := res.Tests[1]; tt.Name != "token" || tt.At.String() != "t.http:13:12" || tt.Err == nil || tt.Err.Msg != "AssertionError: wrong token" || tt.Err.At.String() != "t.http:14:16" {
		t.Errorf("test 1 = %+v (err %v)", tt, tt.Err)
	}
	if tt := res.Tests[2]; tt.Err == nil || !strings.Contains(tt.Err.Msg, "TypeError") || tt.Err.At.String() != "t.http:16:53" {
		t.Errorf("test 2 = %+v (err %v)", tt, tt.Err)
	}
	// The tests run after the script, as JetBrains' client runs them.
	if diff := cmp.Diff([]string{"after"}, res.Logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
}

func TestErrorsNameThePlace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src   string
		where, msg  string
		unsupported bool
		assertion   bool
	}{
		{"thrown", "\nvar a = 1;\n  a.b.c = 2", "t.http:12:", "TypeError: Cannot", false, false},
		{"thrown on the first line", "null.x", "t.http:10:", "TypeError", false, false},
		{"syntax", "\nlet = = 1", "t.http:11:", "SyntaxError", false, false},
		{"unknown name", "frobnicate()", "t.http:10:", "ReferenceError: frobnicate is not defined", false, false},
		{"require", "const fs = require('fs')", "t.http:10:", `require("fs") is not available: scripts in request files cannot read files, reach the network or start processes`, true, false},
		{"fetch", "fetch('http://example.com')", "t.http:10:", "fetch is not available", true, false},
		{"XMLHttpRequest", "new XMLHttpRequest()", "t.http:10:", "XMLHttpRequest is not available", true, false},
		{"process", "\nclient.log(process.env.HOME)", "t.http:11:", "process is not available", true, false},
		{"unknown client method", "client.variables.get('x')", "t.http:10:", "client.variables is not part of reqs' script API (client has global, test, assert, log, exit)", true, false},
		{"unknown response property", "response.cookies()", "t.http:10:5", "response.cookies is not part of reqs' script API", true, false},
		{"unknown crypto hash", "crypto.sha384()", "t.http:10:5", "crypto.sha384 is not part of", true, false},
		{"an assertion outside a test", "client.assert(false, 'no')", "t.http:10:", "AssertionError: no", false, true},
		{"a thrown string", "throw 'bad'", "t.http:10:5", "bad", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, Options{})
			_, err := run(t, e, tc.src, nil, jsonResponse(`{}`))
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Run(%q) = %v, want an *Error", tc.src, err)
			}
			if !strings.HasPrefix(se.At.String(), tc.where) || !strings.Contains(se.Msg, tc.msg) || se.Unsupported != tc.unsupported || se.Assertion != tc.assertion {
				t.Errorf("Run(%q) = %+v, want at %s %q (unsupported %v, assertion %v)", tc.src, se, tc.where, tc.msg, tc.unsupported, tc.assertion)
			}
		})
	}
}

func TestPreRequestScripts(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	body := `{"a": "{{a}}"}`
	req := &Request{
		Method: "POST", URL: "{{host}}/items?x={{unknown}}",
		Header: []Header{{"Content-Type", "application/json"}, {"X-Sig", "{{sig}}"}},
		Body:   &body,
		Substitute: func(s string) string {
			return strings.NewReplacer("{{host}}", "http://h", "{{a}}", "1").Replace(s)
		},
		Environment: func(name string) (string, bool) { return map[string]string{"secret": "k"}[name], name == "secret" },
		Variables:   NewVariables(),
	}
	src := `request.variables.set("sig", crypto.hmac.sha256().withTextSecret(request.environment.get("secret")).updateWithText(request.body.tryGetSubstituted()).digest().toHex());
request.variables.set("count", 2);
client.log(request.method, request.url.getRaw(), request.url.tryGetSubstituted(), request.url());
client.log(request.headers.all().length, request.headers.findByName("x-sig").getRawValue(), request.headers.findByName("nope"));
client.log(request.environment.get("missing"), request.variables.get("count"), request.body.getRaw());`
	res, err := run(t, e, src, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"POST {{host}}/items?x={{unknown}} http://h/items?x={{unknown}} http://h/items?x={{unknown}}",
		"2 {{sig}} null",
		`null 2 {"a": "{{a}}"}`,
	}
	if diff := cmp.Diff(want, res.Logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
	mac := hmac.New(sha256.New, []byte("k"))
	mac.Write([]byte(`{"a": "1"}`))
	if got, want := req.Variables.Lookup("sig"); got != hex.EncodeToString(mac.Sum(nil)) || !want {
		t.Errorf("sig = %q", got)
	}
	if got, _ := req.Variables.Lookup("count"); got != "2" {
		t.Errorf("count = %q", got)
	}
	// response is for response handlers only.
	if _, err := run(t, e, "response.status", req, nil); err == nil || !strings.Contains(err.Error(), "response is only available in response handlers") {
		t.Errorf("response in a pre-request script: %v", err)
	}
}

func TestResponse(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	tests := []struct {
		name string
		resp *Response
		src  string
		want string
	}{
		{"JSON body", jsonResponse(`{"b": [1, 2.5, true, null], "a": {"x": "y"}, "big": 12345678901234567890}`), `client.log(response.body.a.x, response.body.b, typeof response.body.big)`, `y [1,2.5,true,null] number`},
		{"JSON body decoded by the caller", &Response{Status: 200, Header: http.Header{"Content-Type": {"application/problem+json"}}, Body: []byte(`x`), JSON: func() (any, error) { return map[string]any{"k": 1}, nil }}, `client.log(response.body.k)`, `1`},
		{"text body", &Response{Status: 201, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte(`{"a": 1}`)}, `client.log(typeof response.body, response.body, response.status)`, `string {"a": 1} 201`},
		{"JSON type, not JSON", jsonResponse(`not json`), `client.log(response.body)`, `not json`},
		{"headers", jsonResponse(`{}`), `client.log(response.headers.valueOf("x-two"), response.headers.valuesOf("X-Two"), response.headers.valueOf("none"), response.headers.valuesOf("none").length)`, `a ["a","b"] null 0`},
		{"content type", jsonResponse(`{}`), `client.log(response.contentType.mimeType, response.contentType.charset)`, `application/json utf-8`},
		{"console.log and objects", jsonResponse(`{"a": 1}`), `console.log(response.body, [1], "s")`, `{"a":1} [1] s`},
		{"a script changes its copy only", jsonResponse(`{"a": 1}`), `response.body.a = 2; client.log(response.body.a)`, `2`},
	}
	for _, tc := range tests {
		res, err := run(t, e, tc.src, nil, tc.resp)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := strings.Join(res.Logs, "\n"); got != tc.want {
			t.Errorf("%s: logged %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCrypto(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	tests := []struct{ src, want string }{
		{`crypto.sha256().updateWithText("abc").digest().toHex()`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.sha1().updateWithText("a").updateWithText("bc").digest().toHex()`, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{`crypto.md5().updateWithText("abc").digest().toHex()`, "900150983cd24fb0d6963f7d28e17f72"},
		{`crypto.sha512().updateWithHex("616263").digest().toBase64()`, "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="},
		{`crypto.sha256().updateWithBase64("YWJj").digest().toBase64(true)`, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="},
		// RFC 4231 test case 2.
		{`crypto.hmac.sha256().withTextSecret("Jefe").updateWithText("what do ya want for nothing?").digest().toHex()`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{`crypto.hmac.sha1().withHexSecret("4a656665").updateWithText("what do ya want for nothing?").digest().toHex()`, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
		{`crypto.hmac.md5().withBase64Secret("SmVmZQ").updateWithText("what do ya want for nothing?").digest().toHex()`, "750c783e6ab0b503eaa86e310a5db738"},
		{`crypto.md5().updateWithText("é", "ISO-8859-1").digest().toHex()`, fmt.Sprintf("%x", md5.Sum([]byte{0xe9}))},
	}
	for _, tc := range tests {
		res, err := run(t, e, "client.log("+tc.src+")", nil, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if len(res.Logs) != 1 || res.Logs[0] != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, res.Logs, tc.want)
		}
	}
	if _, err := run(t, e, `crypto.sha1().updateWithText("a", "EBCDIC")`, nil, nil); err == nil || !strings.Contains(err.Error(), `the encoding "EBCDIC" is not supported`) {
		t.Errorf("unknown encoding: %v", err)
	}
}

func TestEval(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	tests := []struct {
		expr string
		vars map[string]any
		want string
	}{
		{"1 + 2", nil, "3"},
		{"host + '/x'", map[string]any{"host": "http://h"}, "http://h/x"},
		{"login.token.toUpperCase()", map[string]any{"login": jsonResponse(`{"token": "abc"}`)}, "ABC"},
		{"({a: 1})", nil, `{"a":1}`},
		{"'a b'.split(' ')", nil, `["a","b"]`},
	}
	for _, tc := range tests {
		got, err := e.Eval(context.Background(), Code{Source: tc.expr, File: "t.http", Line: 3, Col: 8}, tc.vars)
		if err != nil || got != tc.want {
			t.Errorf("Eval(%q) = %q, %v; want %q", tc.expr, got, err, tc.want)
		}
	}
	_, err := e.Eval(context.Background(), Code{Source: " nope.x ", File: "t.http", Line: 3, Col: 8}, nil)
	if err == nil || err.Error() != "t.http:3:9: ReferenceError: nope is not defined" {
		t.Errorf("Eval of an undefined name: %v", err)
	}
	_, err = e.Eval(context.Background(), Code{Source: "undefined", File: "t.http", Line: 3, Col: 8}, nil)
	if err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("Eval of undefined: %v", err)
	}
}

func TestBudgets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		opts      Options
		want      string
	}{
		{"an endless loop", "let i = 0;\nwhile (true) { i++ }", Options{Timeout: 50 * time.Millisecond}, "t.http:11:"},
		{"an endless loop in a test", "client.test('t', () => { for (;;) {} })", Options{Timeout: 50 * time.Millisecond}, "the script ran longer than 50ms"},
		{"endless recursion", "function f() { return f() + 1 }\nf()", Options{}, "RangeError"},
		{"repeat", "'abc'.repeat(1e12)", Options{}, "String.prototype.repeat would take more than the script's memory budget of 64 MiB"},
		{"padEnd", "''.padEnd(2 ** 40)", Options{}, "String.prototype.padEnd would take more than"},
		{"typed array", "new Uint8Array(1e12)", Options{}, "new Uint8Array would take more than"},
		{"typed array from an array-like", "Float64Array.from({length: 1e12})", Options{}, "Float64Array.from would take more than"},
		{"array buffer", "new ArrayBuffer(1e12)", Options{}, "new ArrayBuffer would take more than"},
		{"apply", "Math.max.apply(null, {length: 1e12})", Options{}, "Function.prototype.apply would take more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, tc.opts)
			_, err := run(t, e, tc.src, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run(%q) = %v, want %q", tc.src, err, tc.want)
			}
			if errors.Is(err, ErrRunaway) {
				t.Errorf("Run(%q) gave the engine up: %v", tc.src, err)
			}
			// The engine runs on.
			if res, err := run(t, e, "client.log('ok')", nil, nil); err != nil || len(res.Logs) != 1 {
				t.Errorf("after %s: %v", tc.name, err)
			}
		})
	}
	// Typed arrays work as usual within the budget.
	e := newEngine(t, Options{})
	res, err := run(t, e, "const a = new Uint8Array([1, 2]); client.log(a instanceof Uint8Array, Uint8Array.from([3]).length, new ArrayBuffer(8).byteLength, 'ab'.repeat(2), Math.max.apply(null, [1, 5]))", nil, nil)
	if err != nil || strings.Join(res.Logs, "") != "true 1 8 abab 5" {
		t.Errorf("typed arrays: %v %q", err, res.Logs)
	}
}

// The heap is the process's: these run alone, not in parallel with
// other tests.
func TestMemoryBudget(t *testing.T) {
	tests := []struct{ name, src string }{
		{"a growing array", "const a = [];\nfor (;;) { a.push({n: a.length, s: 'x' + a.length}) }"},
		{"growing strings", "const parts = [];\nfor (;;) { parts.push('x'.repeat(1e5) + parts.length) }"},
		{"a growing object", "const o = {};\nfor (let i = 0; ; i++) { o['k' + i] = [i] }"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t, Options{Memory: 16 << 20, Timeout: 2 * time.Minute})
			_, err := run(t, e, tc.src, nil, nil)
			if err == nil || !strings.Contains(err.Error(), "the script used more than 16 MiB and was stopped here") || !strings.HasPrefix(err.Error(), "t.http:11:") {
				t.Errorf("Run(%q) = %v", tc.src, err)
			}
			if res, err := run(t, e, "client.log('ok')", nil, nil); err != nil || len(res.Logs) != 1 {
				t.Errorf("after %s: %v", tc.name, err)
			}
		})
	}
}

// Go code the engine cannot interrupt (a built-in that runs for ever,
// here a response body whose decoding never ends) makes the engine give
// up: it calls OnRunaway while the run is stuck, and refuses every run
// after. The body's decoding ends only once the engine has given up, so
// nothing here depends on how fast the machine is.
func TestRunaway(t *testing.T) {
	t.Parallel()
	gaveUp := make(chan error, 1)
	e := newEngine(t, Options{Timeout: 20 * time.Millisecond, Grace: 50 * time.Millisecond, OnRunaway: func(err error) { gaveUp <- err }})
	release := make(chan struct{})
	stuck := jsonResponse(`{}`)
	stuck.JSON = func() (any, error) {
		<-release
		return map[string]any{}, nil
	}
	ended := make(chan error, 1)
	go func() {
		_, err := e.Run(context.Background(), code("client.log('reading');\nresponse.body"), nil, stuck)
		ended <- err
	}()
	err := <-gaveUp
	if !errors.Is(err, ErrRunaway) || !strings.Contains(err.Error(), "it ran longer than 20ms") {
		t.Fatalf("OnRunaway(%v), want ErrRunaway", err)
	}
	if !errors.Is(e.Err(), ErrRunaway) {
		t.Errorf("Err() = %v", e.Err())
	}
	if _, err := run(t, e, "1", nil, nil); !errors.Is(err, ErrRunaway) {
		t.Errorf("a run after a runaway = %v, want ErrRunaway", err)
	}
	// The stuck run, once it ends after all, says it was given up.
	close(release)
	if err := <-ended; !errors.Is(err, ErrRunaway) {
		t.Errorf("the stuck run ended with %v, want ErrRunaway", err)
	}
}

func TestExit(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	res, err := run(t, e, "client.test('before', () => {}); client.log('a'); client.exit(); client.log('b')", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, res.Logs); diff != "" || len(res.Tests) != 1 {
		t.Errorf("logs (-want +got):\n%s; tests %+v", diff, res.Tests)
	}
	// The engine is not left interrupted.
	if res, err := run(t, e, "client.log('c')", nil, nil); err != nil || len(res.Logs) != 1 {
		t.Errorf("after exit: %v", err)
	}
}

// A script under way when its context ends (Ctrl-C) stops where it is,
// and says so.
func TestContextEndsTheScript(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp := jsonResponse(`{}`)
	resp.JSON = func() (any, error) {
		cancel() // the script is running: Ctrl-C now
		return map[string]any{}, nil
	}
	_, err := e.Run(ctx, code("let n = 0; response.body;\nfor (;;) { n++ }"), nil, resp)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "t.http:11:") || !strings.HasSuffix(err.Error(), ": the run was interrupted, and the script was stopped here") {
		t.Errorf("Run = %v, want context.Canceled at line 11", err)
	}
	// The engine runs on.
	if res, err := run(t, e, "client.log('ok')", nil, nil); err != nil || len(res.Logs) != 1 {
		t.Errorf("after an interrupted run: %v", err)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want []string
	}{
		{"host + '/x'", []string{"host"}},
		{"login.token.toUpperCase()", []string{"login"}},
		{`a ? b : "c d" + 'e'`, []string{"a", "b"}},
		{"new Date().getTime() + 1.5e3 + x.y + x", []string{"Date", "x"}},
		{"typeof this === 'undefined' && $id", []string{"$id"}},
		{"obj?.prop + obj . other", []string{"obj"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, Names(tc.expr)); diff != "" {
			t.Errorf("Names(%q) (-want +got):\n%s", tc.expr, diff)
		}
	}
}
