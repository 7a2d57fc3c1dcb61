package httpclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestWithMaxTime checks that the limit ends each phase of an exchange
// with an ErrTimeout: waiting for the head, reading a body that trickles
// in well within any read timeout, and a retry's backoff.
func TestWithMaxTime(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow-head":
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			case <-done:
			}
		case "/trickle":
			w.Header().Set("Content-Length", "100")
			for i := 0; i < 100; i++ {
				w.Write([]byte{'x'})
				http.NewResponseController(w).Flush()
				select {
				case <-time.After(50 * time.Millisecond):
				case <-r.Context().Done():
					return
				case <-done:
					return
				}
			}
		case "/unavailable":
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	// Cleanups, not defers: the parallel subtests run after this returns.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })

	tests := []struct {
		name  string
		path  string
		retry RetryPolicy
	}{
		{name: "head", path: "/slow-head"},
		{name: "body", path: "/trickle"},
		{name: "retry backoff", path: "/unavailable", retry: RetryPolicy{Retries: 3, Backoff: 5 * time.Second, Statuses: []int{503}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(Options{ReadTimeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.Retry = tc.retry
			ctx, cancel := WithMaxTime(context.Background(), 300*time.Millisecond)
			defer cancel()
			resp, err := s.Do(ctx, &Request{URL: srv.URL + tc.path}, SendOptions{NoRedirects: true})
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Close()
			}
			var re *RequestError
			if !errors.As(err, &re) || re.Kind != ErrTimeout || !IsTimeout(err) {
				t.Fatalf("GET %s under a 300ms maximum time: err = %v, want a Timeout", tc.path, err)
			}
			if errors.Is(err, ErrReadTimeout) || errors.Is(err, ErrConnectTimeout) {
				t.Errorf("GET %s: err = %v, want neither a read nor a connect timeout", tc.path, err)
			}
		})
	}
}

// TestWithMaxTimeInTime checks that an exchange finished within the limit
// is untouched, and that an ordinary cancellation is not a timeout.
func TestWithMaxTimeInTime(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := WithMaxTime(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := s.Do(ctx, &Request{URL: srv.URL}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := resp.Bytes(); err != nil || string(b) != "ok" {
		t.Errorf("body = %q, %v; want ok", b, err)
	}

	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := s.Do(cctx, &Request{URL: srv.URL}, SendOptions{NoRedirects: true}); !errors.Is(err, context.Canceled) || IsTimeout(err) {
		t.Errorf("cancelled request: err = %v, want context.Canceled and no timeout", err)
	}
}
