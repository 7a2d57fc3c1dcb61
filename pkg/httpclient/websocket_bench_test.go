package httpclient_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/reqs-cli/reqs/internal/testserver"
	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// BenchmarkWebSocketEcho sends small messages to an echo server while
// reading the echoes, as `reqs ws://… < lines` does, reporting messages
// per second.
func BenchmarkWebSocketEcho(b *testing.B) {
	srv := httptest.NewServer(testserver.NewFault(nil))
	defer srv.Close()
	s, err := httpclient.New(httpclient.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	c, _, err := s.Dial(ctx, &httpclient.Request{URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws/echo"}, httpclient.DialOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseNow()
	msg := []byte(`{"n": 12345, "text": "hello"}`)
	b.ReportAllocs()
	b.ResetTimer()
	done := make(chan error, 1)
	go func() {
		for range b.N {
			if _, _, err := c.Read(ctx); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range b.N {
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
