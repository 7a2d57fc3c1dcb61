package testserver

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// retryState counts the attempts seen for one route and key.
type retryState struct {
	attempts int
	last     time.Time
}

// attempt records one more request for route and key and returns its
// 1-based number and the time since the previous one (0 for the first).
func (f *Fault) attempt(route, key string) (n int, gap time.Duration) {
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.retries[route+"\x00"+key]
	if st == nil {
		st = &retryState{}
		f.retries[route+"\x00"+key] = st
	}
	st.attempts++
	if st.attempts > 1 {
		gap = now.Sub(st.last)
	}
	st.last = now
	return st.attempts, gap
}

// handleFlaky serves /flaky?fail=2&status=503&key=K: the first `fail`
// requests per key are answered with `status` (default 503) and
// {"attempt": n, "ok": false, "body_bytes": b}; later ones with 200 and
// {"attempt": n, "ok": true, "gap_ms": ms since the previous attempt,
// "body_bytes": b}, where b is the size of the request body it read, so a
// script can check that a retry sent the whole body again. Every answer
// carries X-Attempt: n. Keys are independent, so scripts use their own.
func (f *Fault) handleFlaky(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	fail := k.int("fail", 2, 0, 1000)
	status := k.int("status", http.StatusServiceUnavailable, 100, 599)
	key := k.str("key", "default")
	if !k.ok(w) {
		return
	}
	size, _ := io.Copy(io.Discard, r.Body)
	n, gap := f.attempt("flaky", key)
	w.Header().Set("X-Attempt", strconv.Itoa(n))
	if n <= fail {
		writeJSON(w, status, map[string]any{"attempt": n, "ok": false, "body_bytes": size})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempt": n, "ok": true, "gap_ms": gap.Milliseconds(), "body_bytes": size})
}

// handleRetryAfter serves /retry-after?secs=1&status=429&times=1&key=K:
// the first `times` requests per key get `status` (default 429; 503 is the
// other usual one) with Retry-After: secs, or with date=1 an HTTP-date secs
// seconds ahead (rounded up to the next whole second, since HTTP-dates have
// no fractions). Later ones get 200 with {"attempt": n, "ok": true,
// "gap_ms": ms since the previous attempt}, so a script can check that the
// client waited (gap_ms >= 1000 for secs=1).
func (f *Fault) handleRetryAfter(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	secs := k.int("secs", 1, 0, 3600)
	status := k.int("status", http.StatusTooManyRequests, 100, 599)
	times := k.int("times", 1, 0, 1000)
	asDate := k.bool("date")
	key := k.str("key", "default")
	if !k.ok(w) {
		return
	}
	n, gap := f.attempt("retry-after", key)
	w.Header().Set("X-Attempt", strconv.Itoa(n))
	if n <= times {
		ra := strconv.Itoa(secs)
		if asDate {
			at := time.Now().Add(time.Duration(secs)*time.Second + time.Second - 1).Truncate(time.Second)
			ra = at.UTC().Format(http.TimeFormat)
		}
		w.Header().Set("Retry-After", ra)
		writeJSON(w, status, map[string]any{"attempt": n, "ok": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempt": n, "ok": true, "gap_ms": gap.Milliseconds()})
}
