package httpfile_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile"
)

// sessionSend is the simplest Send: the request on a Session, the whole
// body read.
func sessionSend(sess *httpclient.Session) func(context.Context, *httpfile.Request, *httpclient.Request) (*httpfile.Exchange, error) {
	return func(ctx context.Context, _ *httpfile.Request, built *httpclient.Request) (*httpfile.Exchange, error) {
		prep, err := sess.Prepare(built)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		resp, err := sess.Send(ctx, prep, httpclient.SendOptions{})
		if err != nil {
			return nil, err
		}
		defer resp.Close()
		body, err := io.ReadAll(resp.Body)
		x := &httpfile.Exchange{URL: prep.URL.Redacted(), Status: resp.StatusCode, Reason: resp.Reason, Header: resp.Header, Body: body, Duration: time.Since(start)}
		return x, err
	}
}

// A Go program runs a request file with the engine of `reqs run`: a
// login whose token the next request reads, and assertions on both.
func ExampleRunner() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/login":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"token": "abc"}`)
		case r.Header.Get("Authorization") != "Bearer abc":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			fmt.Fprint(w, `{"user": "ann"}`)
		}
	}))
	defer srv.Close()

	src := `# @name login
POST {{host}}/login

?? jq .token == abc

### me
GET {{host}}/me
Authorization: Bearer {{login.response.body.$.token}}

?? status == 200
?? jq .user == ann
`
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	f, err := httpfile.Parse(filepath.Join(dir, "api.http"), []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	var sess httpclient.Session // the zero Session works
	defer sess.Close()
	run := &httpfile.Runner{
		Send:      sessionSend(&sess),
		Overrides: map[string]string{"host": srv.URL},
		OnOutcome: func(out *httpfile.Outcome, _ *httpfile.Exchange) {
			fmt.Println(out.Method, strings.TrimPrefix(out.URL, srv.URL), out.Status, out.Passed(), len(out.Results))
		},
	}
	if _, err := run.Run(context.Background(), []*httpfile.File{f}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// POST /login 200 true 1
	// GET /me 200 true 2
}

func TestRunnerErrorsAndFailFast(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	dir := t.TempDir()
	src := "GET {{host}}/a\n\n?? status == 200\n\n###\nGET {{host}}/{{nope}}\n\n###\nGET {{host}}/c\n"
	f, err := httpfile.Parse(filepath.Join(dir, "t.http"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var sess httpclient.Session
	defer sess.Close()
	run := &httpfile.Runner{Send: sessionSend(&sess), Overrides: map[string]string{"host": srv.URL}}
	outs, err := run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	got := outs[0].Outcomes
	if len(got) != 3 {
		t.Fatalf("ran %d requests, want 3", len(got))
	}
	if !got[0].Failed() || got[0].Status != http.StatusTeapot {
		t.Errorf("first: failed %v status %d, want a failed assertion on 418", got[0].Failed(), got[0].Status)
	}
	// An undefined variable is a mistake in the file, with its place.
	var fe *httpfile.Error
	if !errors.As(got[1].Err, &fe) || fe.Pos.Line != 6 || got[1].Status != 0 {
		t.Errorf("second: err %v (status %d), want a positioned error on line 6 and nothing sent", got[1].Err, got[1].Status)
	}
	if !got[2].Passed() {
		t.Errorf("third: %+v, want passed (no assertions)", got[2])
	}

	run.FailFast = true
	outs, err = run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(outs[0].Outcomes); n != 1 {
		t.Errorf("with FailFast ran %d requests, want 1", n)
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	src := "# @name login\nPOST http://h/login\n\n###\nGET http://h/other\n\n### me\nGET http://h/me\nX-Token: {{login.response.body.$.t}}\n"
	f, err := httpfile.Parse("s.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	login, other, me := f.Requests[0], f.Requests[1], f.Requests[2]
	for _, tc := range []struct {
		name string
		line int
		want []*httpfile.Request
	}{
		{name: "me", want: []*httpfile.Request{login, me}},
		{name: "login", want: []*httpfile.Request{login}},
		{line: 5, want: []*httpfile.Request{other}},
		{line: 9, want: []*httpfile.Request{login, me}},
	} {
		sel, err := httpfile.Select([]*httpfile.File{f}, tc.name, tc.line)
		if err != nil {
			t.Fatalf("Select(%q, %d): %v", tc.name, tc.line, err)
		}
		if len(sel) != len(tc.want) {
			t.Errorf("Select(%q, %d) chose %d requests, want %d", tc.name, tc.line, len(sel), len(tc.want))
		}
		for _, r := range tc.want {
			if !sel[r] {
				t.Errorf("Select(%q, %d) left out %s", tc.name, tc.line, r.URL)
			}
		}
	}
	if _, err := httpfile.Select([]*httpfile.File{f}, "nobody", 0); err == nil || !strings.Contains(err.Error(), "no request has this title") {
		t.Errorf("Select of an unknown name = %v", err)
	}
}

func TestWriteReportFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outs := []*httpfile.FileOutcome{{Path: "a.http"}}
	path := filepath.Join(dir, "r.json")
	if err := httpfile.WriteReportFile(path, "json", outs); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "a.http") {
		t.Errorf("report = %q, %v", data, err)
	}
	// A report that cannot be placed leaves nothing behind.
	bad := filepath.Join(dir, "missing", "r.xml")
	if err := httpfile.WriteReportFile(bad, "junit", outs); err == nil {
		t.Error("report into a missing directory: no error")
	}
	if err := httpfile.WriteReportFile(filepath.Join(dir, "x"), "yaml", outs); err == nil {
		t.Error("unknown format: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the report", len(entries))
	}
}

// `GET /path` with a Host header goes to that host, as in JetBrains'
// format; without one it is a mistake in the file that says so.
func TestRunOriginForm(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.Host, r.URL.RequestURI())
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	src := "GET /a?b=1\nHost: {{server}}\n\n?? body == \"" + host + " /a?b=1\"\n\n###\nGET /c\nhost: http://{{server}}/\n\n?? body == \"" + host + " /c\"\n\n###\nGET /d\n"
	f, err := httpfile.Parse(filepath.Join(t.TempDir(), "t.http"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var sess httpclient.Session
	defer sess.Close()
	run := &httpfile.Runner{Send: sessionSend(&sess), Overrides: map[string]string{"server": host}}
	outs, err := run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	got := outs[0].Outcomes
	for _, out := range got[:2] {
		if !out.Passed() {
			t.Errorf("%s %s: err %v, results %+v", out.Method, out.URL, out.Err, out.Results)
		}
	}
	var fe *httpfile.Error
	if !errors.As(got[2].Err, &fe) || !strings.Contains(fe.Msg, "add a Host header") || fe.Pos.Line != 13 {
		t.Errorf("without a Host header: err %v, want a positioned error asking for one", got[2].Err)
	}
}

// A multipart body's lines end in CR LF, as RFC 2046 asks (servers may
// refuse bare LF); the files in it, and other bodies, are sent as they
// are.
func TestRunMultipartLineEnds(t *testing.T) {
	t.Parallel()
	bodies := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
	}))
	defer srv.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("file\nline\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "POST {{host}}/up\nContent-Type: Multipart/Form-Data; boundary=b\n\n--b\nContent-Disposition: form-data; name=\"t\"\n\n{{v}}\n--b\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\n\n< ./a.txt\n--b--\n\n###\nPOST {{host}}/text\nContent-Type: text/plain\n\none\ntwo\n"
	f, err := httpfile.Parse(filepath.Join(dir, "t.http"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var sess httpclient.Session
	defer sess.Close()
	run := &httpfile.Runner{Send: sessionSend(&sess), Overrides: map[string]string{"host": srv.URL, "v": "text"}}
	if _, err := run.Run(context.Background(), []*httpfile.File{f}); err != nil {
		t.Fatal(err)
	}
	want := "--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\ntext\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nfile\nline\n\r\n--b--"
	if got := <-bodies; got != want {
		t.Errorf("multipart body = %q, want %q", got, want)
	}
	if got := <-bodies; got != "one\ntwo" {
		t.Errorf("text body = %q, want LF line ends", got)
	}
}

// TestBodyFilesStreamed: a `< path` file among a multipart body's text is
// opened when the request is sent, not read when it is built, so any size
// of file (or /dev/zero) is streamed; `<@ path` reads its file whole and
// so refuses a file past its bound.
func TestBodyFilesStreamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	part := filepath.Join(dir, "part.txt")
	if err := os.WriteFile(part, []byte("before"), 0o600); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(httpfile.MaxSubstitutedFile + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	big.Close()
	src := "POST http://example.invalid/\nContent-Type: multipart/form-data; boundary=B\n\n--B\nContent-Disposition: form-data; name=\"f\"\n\n< part.txt\n--B--\n" +
		"\n###\nPOST http://example.invalid/\n\n<@ big.bin\n"
	f, err := httpfile.Parse(filepath.Join(dir, "t.http"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var built []*httpclient.Request
	run := &httpfile.Runner{
		Send: func(_ context.Context, _ *httpfile.Request, b *httpclient.Request) (*httpfile.Exchange, error) {
			built = append(built, b)
			return &httpfile.Exchange{Status: 200}, nil
		},
	}
	outs, err := run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != 1 {
		t.Fatalf("built %d requests, want 1 (the <@ big.bin one refused)", len(built))
	}
	if e := outs[0].Outcomes[1].Err; e == nil || !strings.Contains(e.Error(), "larger than 16 MiB") {
		t.Errorf("<@ big.bin: error %v, want one saying it is larger than 16 MiB", e)
	}
	// The file changes after the request was built: what is sent is
	// what the file holds then.
	if err := os.WriteFile(part, []byte("after!"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := built[0].Body
	want := "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nafter!\r\n--B--"
	if body.Size() != int64(len(want)) {
		t.Errorf("body size %d, want %d", body.Size(), len(want))
	}
	for range 2 { // each send reads it again
		rc, err := body.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != want {
			t.Errorf("body = %q, %v; want %q", got, err, want)
		}
	}
}

// A Go program's run (no ResolveURL) completes URLs as reqs run does: a
// URL without a scheme is http://, a path alone goes to the host
// variable; a @prompt is asked through Prompt, once.
func TestRunURLsAndPrompts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.URL.RequestURI(), r.Header.Get("X-Otp"))
	}))
	defer srv.Close()
	hostport := strings.TrimPrefix(srv.URL, "http://")
	src := "GET " + hostport + "/plain\n\n?? body == \"/plain \"\n\n###\n# @prompt otp\nGET /path?q=a b\nX-OTP: {{otp}}\n\n?? body == \"/path?q=a%20b 42\"\n\n###\n# @prompt otp\nGET /again\nX-OTP: {{otp}}\n\n?? body == \"/again 42\"\n"
	f, err := httpfile.Parse(filepath.Join(t.TempDir(), "t.http"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var sess httpclient.Session
	defer sess.Close()
	asked := 0
	run := &httpfile.Runner{
		Send:      sessionSend(&sess),
		Overrides: map[string]string{"host": srv.URL},
		Prompt: func(name, _ string) (string, error) {
			asked++
			return "42", nil
		},
	}
	outs, err := run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range outs[0].Outcomes {
		if !out.Passed() {
			t.Errorf("%s %s: err %v, results %+v", out.Method, out.URL, out.Err, out.Results)
		}
	}
	if asked != 1 {
		t.Errorf("Prompt was called %d times, want once", asked)
	}
	// Without Prompt, the request fails with the variable's name.
	run.Prompt = nil
	outs, err = run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	if err := outs[0].Outcomes[1].Err; err == nil || !strings.Contains(err.Error(), "t.http:6:3: @prompt otp: there is no one to ask; give --var otp=VALUE") {
		t.Errorf("without Prompt: %v", err)
	}
}

// BenchmarkRunFile1000 parses and runs a file of 1,000 small requests,
// each with an assertion, against a local server: what one `reqs run`
// of such a file costs besides starting the process (bench/run.sh
// measures the whole command, and httpyac beside it).
func BenchmarkRunFile1000(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"i": %q}`, r.URL.Query().Get("i"))
	}))
	defer srv.Close()
	var src strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&src, "### request %d\nGET {{host}}/get?i=%d\n\n?? status == 200\n?? jq .i == \"%d\"\n\n", i, i, i)
	}
	path := filepath.Join(b.TempDir(), "bench.http")
	var sess httpclient.Session
	defer sess.Close()
	b.ReportAllocs()
	for b.Loop() {
		f, err := httpfile.Parse(path, []byte(src.String()))
		if err != nil {
			b.Fatal(err)
		}
		run := &httpfile.Runner{Send: sessionSend(&sess), Overrides: map[string]string{"host": srv.URL}}
		outs, err := run.Run(context.Background(), []*httpfile.File{f})
		if err != nil {
			b.Fatal(err)
		}
		for _, out := range outs[0].Outcomes {
			if !out.Passed() {
				b.Fatalf("%s: %v %+v", out.URL, out.Err, out.Results)
			}
		}
	}
}
