package httpfile

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile/script"
)

// fakeSend answers every request with 200 and a small JSON body.
func fakeSend(context.Context, *Request, *httpclient.Request) (*Exchange, error) {
	return &Exchange{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"ok": true}`)}, nil
}

// countEngines makes engines as script.New does, counting them.
func countEngines(n *int) func(script.Options) *script.Engine {
	return func(o script.Options) *script.Engine {
		*n++
		return script.New(o)
	}
}

// A run whose files have no scripts and no JavaScript expressions never
// makes a script engine: scripts cost nothing to the runs without them.
func TestNoEngineWithoutScripts(t *testing.T) {
	t.Parallel()
	src := "@host = http://h\n@id = {{$randomInt 1 9}}\n# @name a\nGET {{host}}/a/{{id}}\nX: {{ host }}\n\n?? status == 200\n?? jq .ok == true\n\n###\nGET {{host}}/b?x={{a.response.body.$.ok}}\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	engines := 0
	r := &Runner{Send: fakeSend, newEngine: countEngines(&engines)}
	outs, err := r.Run(context.Background(), []*File{f})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range outs[0].Outcomes {
		if !out.Passed() {
			t.Errorf("%s: %v %+v", out.URL, out.Err, out.Results)
		}
	}
	if engines != 0 {
		t.Errorf("made %d script engines for a file without scripts", engines)
	}
}

// A run with scripts makes one engine, however many scripts and files.
func TestOneEnginePerRun(t *testing.T) {
	t.Parallel()
	src := "GET http://h/a\n\n> {% client.global.set('n', 1) %}\n\n###\nGET http://h/b?n={{n}}&m={{ n * 2 }}\n\n> {% client.test('t', () => {}) %}\n"
	a, err := Parse("a.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("b.http", []byte("GET http://h/c?n={{n}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	engines := 0
	r := &Runner{Send: fakeSend, newEngine: countEngines(&engines)}
	outs, err := r.Run(context.Background(), []*File{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if got := outs[0].Outcomes[1].URL; got != "http://h/b?n=1&m=2" {
		t.Errorf("URL %q", got)
	}
	if got := outs[1].Outcomes[0].URL; got != "http://h/c?n=1" {
		t.Errorf("URL %q", got)
	}
	if engines != 1 {
		t.Errorf("made %d engines, want 1", engines)
	}
}

// A script that cannot be stopped ends the run: the request under way
// fails with script.ErrRunaway, and the requests after it do not run.
// The script is stuck in Go code the engine cannot interrupt (here
// reading the process environment for a substitution), which returns
// only once the run has ended, so nothing depends on the machine's
// speed.
func TestRunawayScriptEndsTheRun(t *testing.T) {
	t.Parallel()
	src := "< {% request.url.tryGetSubstituted() %}\nGET http://h/a?v={{$processEnv STUCK}}\n\n###\nGET http://h/b\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	var sent []string
	r := &Runner{
		Send: func(ctx context.Context, req *Request, built *httpclient.Request) (*Exchange, error) {
			sent = append(sent, built.URL)
			return fakeSend(ctx, req, built)
		},
		Getenv: func(string) (string, bool) {
			<-release
			return "", false
		},
		ScriptTimeout: 10 * time.Millisecond,
		newEngine: func(o script.Options) *script.Engine {
			o.Grace = 20 * time.Millisecond
			return script.New(o)
		},
	}
	outs, err := r.Run(context.Background(), []*File{f})
	if err != nil {
		t.Fatal(err)
	}
	got := outs[0].Outcomes
	if len(got) != 1 || !errors.Is(got[0].Err, script.ErrRunaway) || !strings.HasPrefix(got[0].Err.Error(), "t.http:1:5: the script could not be stopped") {
		t.Errorf("outcomes %d, first error %v; want one, ErrRunaway at the script", len(got), got[0].Err)
	}
	if len(sent) != 0 {
		t.Errorf("sent %q after a runaway script", sent)
	}
}

// Ctrl-C while a script runs ends it where it is: its request fails
// with the script's place, the requests after it do not run, and the
// run ends with the context's error.
func TestInterruptedScriptNamesItsPlace(t *testing.T) {
	t.Parallel()
	src := "< {%\n  let n = request.url.tryGetSubstituted();\n  for (;;) { n += 1 }\n%}\nGET http://h/a?v={{$processEnv X}}\n\n###\nGET http://h/b\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sent []string
	r := &Runner{
		Send: func(ctx context.Context, req *Request, built *httpclient.Request) (*Exchange, error) {
			sent = append(sent, built.URL)
			return fakeSend(ctx, req, built)
		},
		Getenv: func(string) (string, bool) {
			cancel() // the script is running: Ctrl-C now
			return "1", true
		},
		// However slow the machine, the script is stopped, not given up.
		newEngine: func(o script.Options) *script.Engine {
			o.Grace = time.Hour
			return script.New(o)
		},
	}
	outs, err := r.Run(ctx, []*File{f})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	got := outs[0].Outcomes
	if len(got) != 1 || !errors.Is(got[0].Err, context.Canceled) || got[0].Err.Error() != "t.http:3:14: the run was interrupted, and the script was stopped here" {
		t.Errorf("outcomes %d, first error %v; want one, interrupted in the loop", len(got), got[0].Err)
	}
	if len(sent) != 0 {
		t.Errorf("sent %q after an interrupted script", sent)
	}
}
