package httpfile_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile"
)

// A WEBSOCKET request's messages are substituted and handed to Converse
// in order with its waits; the received messages are its body.
func TestRunnerConverse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.json"), []byte(`{"raw": "{{x}}"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "t.txt"), []byte(`sub {{x}}`), 0o644)
	src := "@x = 42\n\nWEBSOCKET ws://h/ws?v={{x}}\nX-Tag: {{x}}\n\n{\"v\": {{x}}}\n=== wait-for-server\n< ./m.json\n===\n<@ ./t.txt\n\n?? jq .[0].got == 42\n"
	f, err := httpfile.Parse(filepath.Join(dir, "ws.http"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var gotURL, gotTag string
	var gotTurns []string
	run := &httpfile.Runner{
		Send: func(context.Context, *httpfile.Request, *httpclient.Request) (*httpfile.Exchange, error) {
			t.Error("Send called for a WEBSOCKET request")
			return nil, nil
		},
		Converse: func(_ context.Context, req *httpfile.Request, built *httpclient.Request, turns []httpfile.Turn) (*httpfile.Exchange, error) {
			gotURL, gotTag = built.URL, built.Header.Get("X-Tag")
			for _, tu := range turns {
				if tu.Wait {
					gotTurns = append(gotTurns, "wait")
				} else {
					gotTurns = append(gotTurns, string(tu.Message))
				}
			}
			return &httpfile.Exchange{Status: 101, Body: []byte(`[{"got": 42}]`)}, nil
		},
	}
	outs, err := run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	out := outs[0].Outcomes[0]
	if out.Err != nil || !out.Passed() {
		t.Errorf("outcome %+v: %v", out, out.Err)
	}
	if gotURL != "ws://h/ws?v=42" || gotTag != "42" {
		t.Errorf("handshake %s with X-Tag %q", gotURL, gotTag)
	}
	want := []string{`{"v": 42}`, "wait", `{"raw": "{{x}}"}`, "sub 42"}
	if strings.Join(gotTurns, "|") != strings.Join(want, "|") {
		t.Errorf("turns %q, want %q", gotTurns, want)
	}
}

// Without Converse, a WEBSOCKET request fails by itself.
func TestRunnerWithoutConverse(t *testing.T) {
	t.Parallel()
	f, err := httpfile.Parse("ws.http", []byte("WEBSOCKET ws://h/ws\n"))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := (&httpfile.Runner{}).Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	if e := outs[0].Outcomes[0].Err; e == nil || !strings.Contains(e.Error(), "WEBSOCKET requests are not supported here") {
		t.Errorf("error %v", e)
	}
}

// Handlers read a WebSocket's messages with onEachMessage.
func TestRunnerConverseHandlers(t *testing.T) {
	t.Parallel()
	src := "WEBSOCKET ws://h/ws\n\nhello\n=== wait-for-server\n\n> {%\n  response.body.onEachMessage((m, unsubscribe) => {\n    client.test(\"echo \" + m.n, () => client.assert(m.n > 0))\n  })\n%}\n\n?? jq length == 2\n"
	f, err := httpfile.Parse("ws.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Requests[0]; r.Err != nil || len(r.Messages) != 2 {
		t.Fatalf("parsed %+v (%v)", r.Messages, r.Err)
	}
	run := &httpfile.Runner{
		Converse: func(context.Context, *httpfile.Request, *httpclient.Request, []httpfile.Turn) (*httpfile.Exchange, error) {
			return &httpfile.Exchange{Status: 101, Body: []byte(`[{"n": 1}, {"n": 2}]`), Stream: httpfile.MessageStream}, nil
		},
	}
	outs, err := run.Run(context.Background(), []*httpfile.File{f})
	if err != nil {
		t.Fatal(err)
	}
	out := outs[0].Outcomes[0]
	if out.Err != nil || !out.Passed() || len(out.Results) != 3 {
		t.Errorf("outcome %+v, err %v: want two handler tests and the assertion, passed", out.Results, out.Err)
	}
}
