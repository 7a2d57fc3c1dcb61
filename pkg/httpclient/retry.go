package httpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says when a failed exchange is sent again: urllib3's Retry as
// Requests users configure it. The zero value never retries.
type RetryPolicy struct {
	// Retries is how many times a request may be sent again; 0 disables
	// retries.
	Retries int
	// Backoff is urllib3's backoff_factor: before the n-th retry the
	// session sleeps Backoff * 2^(n-1), except before the first, which is
	// immediate (urllib3's Retry.get_backoff_time). Sleeps are capped at
	// MaxBackoff.
	Backoff time.Duration
	// MaxBackoff caps one backoff sleep; 0 means DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Statuses are the status codes that are retried; none when empty.
	// DefaultRetryStatuses returns the usual ones.
	Statuses []int
	// Methods are retried on top of DefaultRetryMethods (the idempotent
	// ones); "*" allows every method.
	Methods []string
	// MaxRetryAfter caps the wait a Retry-After header asks for, so 0
	// retries at once whatever the header says; DefaultMaxRetryAfter is
	// the cap the command line uses.
	MaxRetryAfter time.Duration
	// OnRetry, when set, is told about each retry before its wait: the
	// retry's number (from 1), the wait and why.
	OnRetry func(attempt int, wait time.Duration, reason string)

	// sleep waits d unless ctx ends first; nil uses a timer (tests replace it).
	sleep func(ctx context.Context, d time.Duration) error
}

// DefaultRetryStatuses returns urllib3's RETRY_AFTER_STATUS_CODES plus
// the gateway errors, the statuses a later attempt can cure.
func DefaultRetryStatuses() []int { return []int{429, 502, 503, 504} }

// DefaultRetryMethods returns urllib3's DEFAULT_ALLOWED_METHODS: the
// idempotent methods, safe to send twice, which every policy retries.
func DefaultRetryMethods() []string { return slices.Clone(defaultRetryMethods) }

var defaultRetryMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"}

// DefaultMaxBackoff is urllib3's Retry.DEFAULT_BACKOFF_MAX.
const DefaultMaxBackoff = 120 * time.Second

// DefaultMaxRetryAfter caps a Retry-After wait.
const DefaultMaxRetryAfter = 120 * time.Second

// sendWithRetries sends p, retrying as the call's retry policy allows.
func (s *Session) sendWithRetries(ctx context.Context, p *PreparedRequest) (*Response, error) {
	return s.sendRetrying(ctx, p, s.call(ctx).retry)
}

// sendRetrying is the retry loop. A retried response's body is drained so
// its connection is reused. Retries that run out return the last response,
// or the last error when the last attempt got none, as Requests does with
// raise_on_status=False.
func (s *Session) sendRetrying(ctx context.Context, p *PreparedRequest, pol RetryPolicy) (*Response, error) {
	var tries []Attempt
	for attempt := 1; ; attempt++ {
		start := time.Now()
		resp, err := s.sendOnce(ctx, p)
		if resp != nil {
			resp.Attempts = tries
		}
		if attempt > pol.Retries {
			return resp, err
		}
		wait, reason, retry := pol.decide(p.Method, attempt, resp, err)
		if !retry || !replayable(p) {
			return resp, err
		}
		try := Attempt{Timings: Timings{Start: start}, Elapsed: time.Since(start), Err: err}
		if resp != nil {
			try = Attempt{Timings: resp.Timings, Elapsed: resp.Elapsed, StatusCode: resp.StatusCode}
			drain(resp.Body)
		}
		tries = append(tries, try)
		if pol.OnRetry != nil {
			pol.OnRetry(attempt, wait, reason)
		}
		sleep := pol.sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// decide reports whether the attempt-th result is retried, after how long
// and why.
func (pol RetryPolicy) decide(method string, attempt int, resp *Response, err error) (time.Duration, string, bool) {
	if err != nil {
		reason, ok := pol.retryableError(method, err)
		if !ok {
			return 0, "", false
		}
		return pol.backoff(attempt), reason, true
	}
	if !slices.Contains(pol.Statuses, resp.StatusCode) || !pol.methodAllowed(method) {
		return 0, "", false
	}
	reason := fmt.Sprintf("status %d %s", resp.StatusCode, resp.Reason)
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		return min(ra, max(pol.MaxRetryAfter, 0)), reason + " (Retry-After)", true
	}
	return pol.backoff(attempt), reason, true
}

// retryableError says whether a failed exchange may be tried again.
// Failures to connect are, whatever the method: nothing reached the
// server. Anything later (a read timeout, a reset) is only for methods
// that are safe to repeat. Certificate and proxy refusals and invalid
// requests never cure themselves.
func (pol RetryPolicy) retryableError(method string, err error) (string, bool) {
	var re *RequestError
	if !errors.As(err, &re) {
		return "", false
	}
	switch {
	case errors.Is(err, ErrConnectTimeout):
		return "connect timeout", true
	case errors.Is(err, ErrSSL), errors.Is(err, ErrProxy), !errors.Is(err, ErrConnection) && !errors.Is(err, ErrReadTimeout):
		return "", false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "cannot connect: " + shortCause(op), true
	}
	if !pol.methodAllowed(method) {
		return "", false
	}
	if errors.Is(err, ErrReadTimeout) {
		return "read timeout", true
	}
	var worded *transportFailure
	if errors.As(re.Err, &worded) {
		// Say it as the final error would ("the server closed the
		// connection without a response"), not Go's bare "EOF".
		return "connection error: " + worded.msg, true
	}
	return "connection error: " + shortCause(re.Err), true
}

// shortCause is the innermost message of err, for one-line retry notes.
func shortCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

func (pol RetryPolicy) methodAllowed(method string) bool {
	m := strings.ToUpper(method)
	return slices.Contains(defaultRetryMethods, m) || slices.ContainsFunc(pol.Methods, func(x string) bool {
		return x == "*" || strings.EqualFold(x, m)
	})
}

// backoff is urllib3's Retry.get_backoff_time for the attempt-th
// consecutive failure: 0 after the first, then Backoff * 2^(attempt-1),
// capped at MaxBackoff.
func (pol RetryPolicy) backoff(attempt int) time.Duration {
	if attempt <= 1 || pol.Backoff <= 0 {
		return 0
	}
	limit := pol.MaxBackoff
	if limit <= 0 {
		limit = DefaultMaxBackoff
	}
	d := pol.Backoff
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= limit || d <= 0 {
			return limit
		}
	}
	return min(d, limit)
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP-date
// (RFC 9110 §10.2.3). A date in the past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// replayable reports whether p's body can be sent again: bytes and files
// can, standard input only while it fits in the replay buffer.
func replayable(p *PreparedRequest) bool {
	if !p.HasBody() {
		return true
	}
	rc, err := p.GetBody()
	if err != nil {
		return false
	}
	rc.Close()
	return true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
