package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/internal/testserver"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/jq"
	"github.com/reqs-cli/reqs/pkg/render"
)

// wsServer is one Fault server for the conversation tests.
var wsServer = sync.OnceValue(func() *httptest.Server {
	return httptest.NewServer(testserver.NewFault(nil))
})

// lockedBuffer is a bytes.Buffer safe for the conversation's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// converseWith dials path on the test server and runs a conversation set
// up by setup, returning stdout, the warnings and the result.
func converseWith(t *testing.T, path, input string, setup func(c *conversation)) (string, string, error) {
	t.Helper()
	s, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.TrustEnv = false
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(wsServer().URL, "http") + path
	conn, _, err := s.Dial(ctx, &httpclient.Request{URL: url}, httpclient.DialOptions{MaxMessageSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var out, warn lockedBuffer
	c := &conversation{
		conn:    conn,
		In:      strings.NewReader(input),
		MaxSize: 1 << 20,
		Printer: render.NewStreamPrinter(&out, render.Options{}),
		Warn:    func(format string, args ...any) { fmt.Fprintf(&warn, format+"\n", args...) },
	}
	if setup != nil {
		setup(c)
	}
	err = c.run(ctx)
	return out.String(), warn.String(), err
}

func TestConversation(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("b", 150<<10)
	tests := []struct {
		name    string
		path    string
		input   string
		setup   func(c *conversation)
		want    string // stdout
		wantErr string // "" for a normal close
	}{
		{"lines are messages, echoes printed one a line", "/ws/echo", "a\n{\"j\": 1}\r\nlast", nil, "a\n{\"j\": 1}\nlast\n", ""},
		{"--binary cuts the input in 64 KiB messages, base64 into a pipe", "/ws/echo", big, func(c *conversation) { c.Binary = true },
			base64.StdEncoding.EncodeToString([]byte(big[:64<<10])) + "\n" + base64.StdEncoding.EncodeToString([]byte(big[64<<10:128<<10])) + "\n" + base64.StdEncoding.EncodeToString([]byte(big[128<<10:])) + "\n", ""},
		{"--max-messages waits for them after the input", "/ws/send?n=5&delay=20ms", "", func(c *conversation) { c.MaxMessages = 3 }, "{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n", ""},
		{"the server's normal close", "/ws/send?n=2", "", func(c *conversation) { c.MaxMessages = 10 }, "{\"n\": 1}\n{\"n\": 2}\n", ""},
		{"--jq per message", "/ws/send?n=2", "", func(c *conversation) {
			q, _ := jq.Compile(".n")
			c.Printer.Filter = &render.Filter{Query: q}
			c.MaxMessages = 2
		}, "1\n2\n", ""},
		{"marks and control frames", "/ws/echo", "hi\n", func(c *conversation) { c.Printer.Marks = true }, "> hi\n< hi\n> close 1000\n< close 1000\n", ""}, // our close may cross the echo: compared as sorted lines
		{"a close with another status is an error", "/ws/echo", "close 1011 boom\n", nil, "", "the server closed the WebSocket with 1011 (internal error): boom"},
		{"a message too big closes with 1009", "/ws/hostile/big?size=2M", "", func(c *conversation) { c.MaxMessages = 1 }, "", "a message was larger than the limit of 1 MiB (--max-message-size); the connection was closed with 1009"},
		{"empty fragments without end close with 1009", "/ws/hostile/fragments?size=0", "", func(c *conversation) { c.MaxMessages = 1 }, "", "larger than the limit of 1 MiB"},
		{"a bad close status", "/ws/hostile/badclose?code=999&text=x", "", func(c *conversation) { c.MaxMessages = 5 }, "x\n", "the server's close frame had status 999, which RFC 6455 does not allow; reqs closed with 1002"},
		{"a dropped connection", "/ws/hostile/big?size=10", "", func(c *conversation) { c.MaxMessages = 5 }, "AQIDBAUGBwgJCg==\n", "dropped without a close (1006)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := converseWith(t, tc.path, tc.input, tc.setup)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error %v, want a normal close", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			}
			if strings.HasPrefix(tc.name, "marks") {
				lines := strings.SplitAfter(out, "\n")
				slices.Sort(lines)
				want := strings.SplitAfter(tc.want, "\n")
				slices.Sort(want)
				out, tc.want = strings.Join(lines, ""), strings.Join(want, "")
			}
			if tc.name != "a dropped connection" && out != tc.want {
				t.Errorf("stdout %.200q, want %.200q", out, tc.want)
			}
		})
	}
}

// Without --max-messages satisfied in time, reqs closes after --timeout
// and says so.
func TestConversationMaxMessagesTimeout(t *testing.T) {
	t.Parallel()
	out, warn, err := converseWith(t, "/ws/echo", "one\n", func(c *conversation) {
		c.MaxMessages = 2
		c.Timeout = 100 * time.Millisecond
	})
	if err != nil || out != "one\n" || !strings.Contains(warn, "1 message received of the 2 --max-messages") {
		t.Errorf("got %q, warnings %q, %v; want the one echo, a warning and a normal close", out, warn, err)
	}
}

// A server that never answers the close is given wsCloseWait.
func TestConversationCloseNotAnswered(t *testing.T) {
	t.Parallel()
	_, _, err := converseWith(t, "/ws/hostile/noclose", "x\n", nil)
	if err == nil || !strings.Contains(err.Error(), "did not answer the WebSocket close within 5s") {
		t.Errorf("error %v, want the unanswered close", err)
	}
}

// Messages --jq cannot read are skipped with a warning.
func TestConversationFilterSkipsNonJSON(t *testing.T) {
	t.Parallel()
	out, warn, err := converseWith(t, "/ws/echo", "{\"n\": 1}\n[DONE]\n{\"n\": 2}\n", func(c *conversation) {
		q, _ := jq.Compile(".n")
		c.Printer.Filter = &render.Filter{Query: q}
	})
	if err != nil || out != "1\n2\n" || !strings.Contains(warn, `message 2: data is not json (starting "[DONE]")`) {
		t.Errorf("got %q, warnings %q, %v", out, warn, err)
	}
}

// -o FILE gets the received messages' bytes: binary as they are.
func TestConversationRaw(t *testing.T) {
	t.Parallel()
	var raw bytes.Buffer
	out, _, err := converseWith(t, "/ws/echo", "\x00\x01", func(c *conversation) {
		c.Binary = true
		c.Raw = &raw
	})
	if err != nil || out != "" || raw.String() != "\x00\x01" {
		t.Errorf("stdout %q, file %q, %v; want the bytes in the file", out, raw.String(), err)
	}
}

// TestConversationPingsStop: --max-messages reached while a ping is on
// its way ends in a normal close, never in a connection the stopped
// pings dropped. /ws/pings answers each ping with a message, so the
// last message often arrives while the ping that caused it is still
// being written.
func TestConversationPingsStop(t *testing.T) {
	t.Parallel()
	for i := range 30 {
		out, _, err := converseWith(t, "/ws/pings", "", func(c *conversation) {
			c.In = nil
			c.Ping = time.Millisecond
			c.MaxMessages = 2
		})
		if err != nil {
			t.Fatalf("conversation %d: %v (printed %q), want a normal close", i, err, out)
		}
	}
}

// BenchmarkConversationEcho is `reqs ws://…/ws/echo < lines > out`: lines
// sent as messages, the echoes printed into a pipe.
func BenchmarkConversationEcho(b *testing.B) {
	const n = 20000
	var in bytes.Buffer
	for i := range n {
		fmt.Fprintf(&in, "{\"n\": %d}\n", i)
	}
	s, err := httpclient.New(httpclient.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.TrustEnv = false
	defer s.Close()
	url := "ws" + strings.TrimPrefix(wsServer().URL, "http") + "/ws/echo"
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		conn, _, err := s.Dial(ctx, &httpclient.Request{URL: url}, httpclient.DialOptions{})
		if err != nil {
			b.Fatal(err)
		}
		var out countingWriter
		bw := bufio.NewWriterSize(&out, 64<<10)
		c := &conversation{
			conn: conn, In: bytes.NewReader(in.Bytes()), MaxSize: 1 << 20, MaxMessages: n,
			Printer:  render.NewStreamPrinter(struct{ io.Writer }{bw}, render.Options{}),
			Buffered: bw,
			Warn:     func(string, ...any) {},
		}
		if err := c.run(ctx); err != nil {
			b.Fatal(err)
		}
		if out.lines != n {
			b.Fatalf("%d lines printed, want %d", out.lines, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

type countingWriter struct{ lines int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}
