package httpclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
)

// closeTracker records whether a body was closed.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestResponseEvents(t *testing.T) {
	t.Parallel()
	body := &closeTracker{Reader: strings.NewReader("id: 1\ndata: a\n\nevent: e\ndata: b\n\ndata: c\n\n")}
	resp := &httpclient.Response{Body: body}
	var got []sse.Event
	for ev, err := range resp.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
		if len(got) == 2 {
			break
		}
	}
	want := []sse.Event{{Type: "message", ID: "1", Data: "a"}, {Type: "e", ID: "1", Data: "b"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Events() = %+v, want %+v", got, want)
	}
	if !body.closed {
		t.Error("the body was not closed when the loop stopped")
	}
}

func TestResponseEventsTooLarge(t *testing.T) {
	t.Parallel()
	resp := &httpclient.Response{Body: io.NopCloser(strings.NewReader("data: " + strings.Repeat("x", sse.DefaultMaxSize) + "\n\n"))}
	var errs []error
	for _, err := range resp.Events() {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], sse.ErrTooLarge) {
		t.Errorf("Events() gave %v, want one TooLargeError", errs)
	}
}

// A session's response iterates the events of a text/event-stream.
func ExampleResponse_Events() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, ": hello\nid: 1\nevent: greeting\ndata: hi\n\nid: 2\ndata: {\"n\": 2}\n\n")
	}))
	defer srv.Close()

	var s httpclient.Session
	resp, err := s.Do(context.Background(), &httpclient.Request{URL: srv.URL}, httpclient.SendOptions{NoRedirects: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for ev, err := range resp.Events() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s %s\n", ev.ID, ev.Type, ev.Data)
	}
	// Output:
	// 1 greeting hi
	// 2 message {"n": 2}
}
