package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/jq"
	"github.com/reqs-cli/reqs/pkg/render"
)

// streamFrom GETs path from the test server and prints it with s.
func streamFrom(t *testing.T, path string, s *streamOutput) (string, string, error) {
	t.Helper()
	sess, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sess.TrustEnv = false
	defer sess.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp, err := sess.Do(ctx, &httpclient.Request{URL: wsServer().URL + path}, httpclient.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out, warn bytes.Buffer
	s.Out, s.Session = &out, sess
	s.Warn = func(format string, args ...any) { fmt.Fprintf(&warn, format+"\n", args...) }
	switch sse.KindOf(resp.Header.Get("Content-Type")) {
	case sse.EventStream:
		err = s.events(ctx, resp)
	default:
		err = s.lines(ctx, resp, sse.KindOf(resp.Header.Get("Content-Type")) == sse.JSONSeq)
	}
	return out.String(), warn.String(), err
}

func filterOf(t *testing.T, expr string) *render.Filter {
	q, err := jq.Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	return &render.Filter{Query: q}
}

func TestStreamOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		path    string
		s       streamOutput
		want    string
		wantErr string
	}{
		{"raw bytes pass through", "/sse/events?n=2&ids=1&end=crlf", streamOutput{Raw: true},
			"id: 1\r\ndata: {\"x\": 1}\r\n\r\nid: 2\r\ndata: {\"x\": 2}\r\n\r\n", ""},
		{"raw bytes stop after --max-events", "/sse/events?n=5&comments=1", streamOutput{Raw: true, MaxEvents: 2},
			": keep-alive\ndata: {\"x\": 1}\n\n: keep-alive\ndata: {\"x\": 2}\n\n", ""},
		{"formatted events", "/sse/events?n=2&type=tick&ids=1", streamOutput{Render: render.Options{Format: true}},
			"event: tick · id: 1\n{\n    \"x\": 1\n}\nevent: tick · id: 2\n{\n    \"x\": 2\n}\n", ""},
		{"--jq per event", "/sse/events?n=3&multiline=1", streamOutput{},
			"1\n2\n3\n", ""},
		{"a line over the limit names it", "/sse/hostile/longline?chunk=64K", streamOutput{Raw: true, MaxSize: 1 << 20},
			"", "line larger than the limit of 1 MiB (--max-message-size)"},
		{"an event over the limit names it", "/sse/hostile/big?size=2M", streamOutput{MaxSize: 1 << 20},
			"", "event larger than the limit of 1 MiB (--max-message-size)"},
		{"NDJSON lines formatted", "/ndjson/lines?n=2", streamOutput{Render: render.Options{Format: true}},
			"{\n    \"x\": 1\n}\n{\n    \"x\": 2\n}\n", ""},
		{"NDJSON --jq and --max-events", "/ndjson/lines?n=5", streamOutput{MaxEvents: 2},
			"1\n2\n", ""},
		{"json-seq records", "/ndjson/lines?n=2&type=application/json-seq", streamOutput{},
			"1\n2\n", ""},
		{"json-seq raw", "/ndjson/lines?n=1&type=application/json-seq", streamOutput{Raw: true},
			"\x1e{\"x\": 1}\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.s
			if strings.Contains(tc.name, "--jq") || strings.HasPrefix(tc.name, "json-seq records") {
				s.Filter = filterOf(t, ".x")
			}
			if strings.HasPrefix(tc.name, "an event over") {
				s.Filter = filterOf(t, ".")
			}
			got, _, err := streamFrom(t, tc.path, &s)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && got != tc.want {
				t.Errorf("output %.300q, want %.300q", got, tc.want)
			}
		})
	}
}

// --reconnect follows the stream across reconnections, saying so.
func TestStreamOutputReconnects(t *testing.T) {
	t.Parallel()
	s := streamOutput{Reconnect: true, Retries: -1, Filter: filterOf(t, ".x")}
	got, warn, err := streamFrom(t, "/sse/reconnect?n=4&per=2&retry=10", &s)
	if err != nil || got != "1\n2\n3\n4\n" {
		t.Errorf("got %q, %v; want the four events over two connections", got, err)
	}
	if !strings.Contains(warn, "the stream ended; reconnecting in 10ms (reconnection 1)") {
		t.Errorf("warnings %q", warn)
	}
}

// Data --jq cannot read is skipped with a warning naming the event.
func TestStreamOutputSkipsNonJSON(t *testing.T) {
	t.Parallel()
	s := streamOutput{Filter: filterOf(t, ".")}
	got, warn, err := streamFrom(t, "/sse/events?n=2&text=1", &s)
	if err != nil || got != "" || !strings.Contains(warn, `event 2: data is not json (starting "event 2"); --jq skipped it`) {
		t.Errorf("got %q, warnings %q, %v", got, warn, err)
	}
}

// BenchmarkStreamOutputJQ is `reqs --jq .x URL | …` over an event stream
// held in memory: decoding, filtering and writing, without the network.
func BenchmarkStreamOutputJQ(b *testing.B) {
	var body bytes.Buffer
	const n = 100000
	for i := range n {
		fmt.Fprintf(&body, "data: {\"x\": %d}\n\n", i)
	}
	q, err := jq.Compile(".x")
	if err != nil {
		b.Fatal(err)
	}
	sess := &httpclient.Session{}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s := streamOutput{Out: io.Discard, Filter: &render.Filter{Query: q}, Session: sess, Warn: func(string, ...any) {}}
		resp := &httpclient.Response{Body: io.NopCloser(bytes.NewReader(body.Bytes()))}
		if err := s.events(ctx, resp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
