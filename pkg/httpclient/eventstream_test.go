package httpclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// collectStream runs EventStream over a GET of url, returning the events'
// data and the error that ended it.
func collectStream(t *testing.T, url string, opts httpclient.EventStreamOptions) ([]string, error) {
	t.Helper()
	s := newSession(t, httpclient.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := s.Do(ctx, &httpclient.Request{URL: url}, httpclient.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for ev, err := range s.EventStream(ctx, resp, opts) {
		if err != nil {
			return got, err
		}
		got = append(got, ev.Data)
	}
	return got, nil
}

func TestEventStreamReconnects(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	url := f.Getenv("FAULT") + "/sse/reconnect?n=6&per=2&retry=10"
	var waits []time.Duration
	got, err := collectStream(t, url, httpclient.EventStreamOptions{
		Reconnect: true, MaxReconnects: -1, DefaultRetry: time.Hour,
		OnReconnect: func(n int, wait time.Duration, cause error) { waits = append(waits, wait) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"x": 1, "last": null}`, `{"x": 2, "last": null}`,
		`{"x": 3, "last": "2"}`, `{"x": 4, "last": "2"}`,
		`{"x": 5, "last": "4"}`, `{"x": 6, "last": "4"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant (Last-Event-ID sent on each reconnection, 204 ends it):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(waits) != 3 || waits[0] != 10*time.Millisecond {
		t.Errorf("reconnection waits %v, want three of the server's retry: 10ms", waits)
	}
}

func TestEventStreamReconnectsAtMost(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	got, err := collectStream(t, f.Getenv("FAULT")+"/sse/reconnect?n=6&per=2&retry=10", httpclient.EventStreamOptions{Reconnect: true, MaxReconnects: 1})
	if err != nil || len(got) != 4 {
		t.Errorf("got %d events, %v; want 4 (one reconnection) and no error", len(got), err)
	}
	got, err = collectStream(t, f.Getenv("FAULT")+"/sse/reconnect?n=6&per=2&retry=10", httpclient.EventStreamOptions{})
	if err != nil || len(got) != 2 {
		t.Errorf("without Reconnect: %d events, %v; want 2", len(got), err)
	}
}

func TestEventStreamRefusedReconnection(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) > 1 {
			http.Error(w, "later", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "retry: 1\ndata: a\n\n")
	}))
	defer srv.Close()
	var statuses []int
	got, err := collectStream(t, srv.URL, httpclient.EventStreamOptions{
		Reconnect: true, MaxReconnects: -1,
		OnResponse: func(r *httpclient.Response) error { statuses = append(statuses, r.StatusCode); return nil },
	})
	if len(got) != 1 || err == nil || !strings.Contains(err.Error(), "answered 503") {
		t.Errorf("got %v, %v; want one event, then an error naming the 503", got, err)
	}
	if len(statuses) != 1 || statuses[0] != 503 {
		t.Errorf("OnResponse saw %v, want the 503", statuses)
	}
}

// A connection refused on reconnecting is tried again, up to the bound,
// and the last failure ends the stream.
func TestEventStreamReconnectFailures(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "retry: 1\ndata: a\n\n")
	}))
	s := newSession(t, httpclient.Options{})
	ctx := context.Background()
	resp, err := s.Do(ctx, &httpclient.Request{URL: srv.URL}, httpclient.SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	tries := 0
	var last error
	n := 0
	for _, err := range s.EventStream(ctx, resp, httpclient.EventStreamOptions{Reconnect: true, MaxReconnects: 3, OnReconnect: func(int, time.Duration, error) { tries++ }}) {
		n++
		last = err
	}
	if tries != 3 || last == nil || n != 2 {
		t.Errorf("%d reconnections, %d items, last %v; want 3, an event and the connection error", tries, n, last)
	}
}
