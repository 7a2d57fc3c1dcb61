package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		backoff time.Duration
		attempt int
		want    time.Duration
	}{
		{time.Second, 1, 0}, // urllib3: no sleep before the first retry
		{time.Second, 2, 2 * time.Second},
		{time.Second, 3, 4 * time.Second},
		{500 * time.Millisecond, 4, 4 * time.Second},
		{time.Second, 8, 120 * time.Second}, // 128 s capped
		{time.Second, 200, 120 * time.Second},
		{0, 5, 0},
	}
	for _, tc := range tests {
		pol := RetryPolicy{Backoff: tc.backoff}
		if got := pol.backoff(tc.attempt); got != tc.want {
			t.Errorf("RetryPolicy{Backoff: %v}.backoff(%d) = %v, want %v", tc.backoff, tc.attempt, got, tc.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestRetryDecide(t *testing.T) {
	t.Parallel()
	resp := func(code int, retryAfter string) *Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &Response{StatusCode: code, Reason: http.StatusText(code), Header: h}
	}
	// std is the command line's default policy.
	std := RetryPolicy{Statuses: DefaultRetryStatuses(), MaxRetryAfter: DefaultMaxRetryAfter}
	dialErr := newError(ErrConnection, "http://x/", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	resetErr := newError(ErrConnection, "http://x/", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")})
	tests := []struct {
		name      string
		pol       RetryPolicy
		method    string
		resp      *Response
		err       error
		wantRetry bool
		wantWait  time.Duration
	}{
		{"503 GET", std, "GET", resp(503, ""), nil, true, 0},
		{"404 GET", std, "GET", resp(404, ""), nil, false, 0},
		{"503 POST", std, "POST", resp(503, ""), nil, false, 0},
		{"503 POST allowed", RetryPolicy{Statuses: DefaultRetryStatuses(), Methods: []string{"post"}}, "POST", resp(503, ""), nil, true, 0},
		{"503 POST star", RetryPolicy{Statuses: DefaultRetryStatuses(), Methods: []string{"*"}}, "POST", resp(503, ""), nil, true, 0},
		{"custom statuses", RetryPolicy{Statuses: []int{500}}, "GET", resp(503, ""), nil, false, 0},
		{"no statuses", RetryPolicy{}, "GET", resp(503, ""), nil, false, 0},
		{"retry-after", std, "GET", resp(429, "7"), nil, true, 7 * time.Second},
		{"retry-after capped", RetryPolicy{Statuses: DefaultRetryStatuses(), MaxRetryAfter: 2 * time.Second}, "GET", resp(429, "7"), nil, true, 2 * time.Second},
		{"retry-after not waited for", RetryPolicy{Statuses: DefaultRetryStatuses()}, "GET", resp(429, "7"), nil, true, 0},
		{"dial error POST", std, "POST", nil, dialErr, true, 0},
		{"reset GET", std, "GET", nil, resetErr, true, 0},
		{"reset POST", std, "POST", nil, resetErr, false, 0},
		{"connect timeout", std, "POST", nil, newError(ErrConnectTimeout, "", errors.New("i/o timeout")), true, 0},
		{"read timeout GET", std, "GET", nil, newError(ErrReadTimeout, "", errors.New("i/o timeout")), true, 0},
		{"tls error", std, "GET", nil, newError(ErrSSL, "", errors.New("x509")), false, 0},
		{"invalid url", std, "GET", nil, newError(ErrInvalidURL, "", errors.New("bad")), false, 0},
		{"canceled", std, "GET", nil, context.Canceled, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wait, reason, retry := tc.pol.decide(tc.method, 1, tc.resp, tc.err)
			if retry != tc.wantRetry || wait != tc.wantWait {
				t.Errorf("decide(%s, resp %v, err %v) = %v, %q, %v; want wait %v, retry %v", tc.method, tc.resp != nil, tc.err, wait, reason, retry, tc.wantWait, tc.wantRetry)
			}
			if retry && reason == "" {
				t.Errorf("decide(%s) retries without a reason", tc.method)
			}
		})
	}
}

// A retry note words a dropped connection as the final error does, not
// as Go's bare "EOF".
func TestRetryReasonWordsTheCause(t *testing.T) {
	t.Parallel()
	dropped := newError(ErrConnection, "http://x/", describeConnectError(fmt.Errorf("read: %w", io.EOF)))
	_, reason, retry := RetryPolicy{}.decide("GET", 1, nil, dropped)
	if want := "connection error: the server closed the connection without a response"; !retry || reason != want {
		t.Errorf("decide(GET, %v) = %q, %v; want %q, true", dropped, reason, retry, want)
	}
}

// flakyServer answers the first fail requests with 503, then 200 with the
// request body.
func flakyServer(t *testing.T, fail int32) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if n.Add(1) <= fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "ok %s", body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestSendRetrying(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fail      int32
		retries   int
		method    string
		body      func() *Body
		wantCode  int
		wantCalls int32
		wantWaits []time.Duration
	}{
		{"succeeds after two 503s", 2, 3, "GET", nil, 200, 3, []time.Duration{0, 2 * time.Second}},
		{"runs out and returns the last response", 5, 2, "GET", nil, 503, 3, []time.Duration{0, 2 * time.Second}},
		{"retries off", 1, 0, "GET", nil, 503, 1, nil},
		{"POST not retried", 1, 3, "POST", func() *Body { return BytesBody([]byte("x")) }, 503, 1, nil},
		{"PUT body replayed", 1, 3, "PUT", func() *Body { return BytesBody([]byte("payload")) }, 200, 2, []time.Duration{0}},
		{"stdin within the replay buffer", 1, 3, "PUT", func() *Body { return ReaderBody(strings.NewReader("piped"), -1) }, 200, 2, []time.Duration{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := flakyServer(t, tc.fail)
			s, err := New(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var waits []time.Duration
			var notes []string
			s.Retry = RetryPolicy{
				Retries:  tc.retries,
				Backoff:  time.Second,
				Statuses: DefaultRetryStatuses(),
				OnRetry: func(attempt int, wait time.Duration, reason string) {
					notes = append(notes, fmt.Sprintf("%d %s", attempt, reason))
				},
				sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
			}
			req := &Request{Method: tc.method, URL: srv.URL}
			if tc.body != nil {
				req.Body = tc.body()
			}
			resp, err := s.Do(context.Background(), req, SendOptions{NoRedirects: true})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			body, _ := resp.Bytes()
			if resp.StatusCode != tc.wantCode || calls.Load() != tc.wantCalls {
				t.Errorf("%s: status %d after %d calls, want %d after %d", tc.name, resp.StatusCode, calls.Load(), tc.wantCode, tc.wantCalls)
			}
			if tc.wantCode == 200 && tc.body != nil && !strings.HasPrefix(string(body), "ok ") {
				t.Errorf("%s: body %q, want the replayed request body echoed", tc.name, body)
			}
			if fmt.Sprint(waits) != fmt.Sprint(tc.wantWaits) {
				t.Errorf("%s: waits %v, want %v", tc.name, waits, tc.wantWaits)
			}
			if len(notes) != len(tc.wantWaits) {
				t.Errorf("%s: OnRetry notes %q, want %d", tc.name, notes, len(tc.wantWaits))
			}
			// Each retried try is kept, with its status and timings.
			if len(resp.Attempts) != int(tc.wantCalls)-1 {
				t.Fatalf("%s: %d attempts recorded, want %d", tc.name, len(resp.Attempts), tc.wantCalls-1)
			}
			for i, a := range resp.Attempts {
				if a.StatusCode != 503 || a.Timings.Start.IsZero() || a.Elapsed <= 0 || !a.Timings.Start.Before(resp.Timings.Start) {
					t.Errorf("%s: attempt %d = %+v, want a timed 503 before the final try", tc.name, i+1, a)
				}
			}
		})
	}
}

func TestSendRetryingConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	attempts := 0
	s.Retry = RetryPolicy{
		Retries: 2,
		OnRetry: func(int, time.Duration, string) { attempts++ },
		sleep:   func(context.Context, time.Duration) error { return nil },
	}
	_, err = s.Do(context.Background(), &Request{Method: "POST", URL: "http://" + addr + "/", Body: BytesBody([]byte("x"))}, SendOptions{NoRedirects: true})
	if !errors.Is(err, ErrConnection) {
		t.Fatalf("POST to a closed port: error %v, want a ConnectionError", err)
	}
	if attempts != 2 {
		t.Errorf("POST to a closed port: %d retries, want 2 (nothing was sent, so any method is retried)", attempts)
	}
}

func TestSendRetryingStopsWhenBodyCannotReplay(t *testing.T) {
	t.Parallel()
	srv, calls := flakyServer(t, 1)
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Retry = RetryPolicy{Retries: 3, Statuses: DefaultRetryStatuses(), sleep: func(context.Context, time.Duration) error { return nil }}
	big := strings.NewReader(strings.Repeat("x", ReplayLimit+1))
	resp, err := s.Do(context.Background(), &Request{Method: "PUT", URL: srv.URL, Body: ReaderBody(big, -1)}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.StatusCode != 503 || calls.Load() != 1 {
		t.Errorf("PUT of a one-shot body past the replay buffer: status %d after %d calls, want 503 after 1", resp.StatusCode, calls.Load())
	}
}
