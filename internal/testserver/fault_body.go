package testserver

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// downloadModTime is the Last-Modified of every /download body, fixed so
// that conditional and If-Range requests behave the same on every run.
var downloadModTime = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// handleTruncated serves /truncated?declared=1000&sent=10&reset=0: a 200
// whose Content-Length is declared but whose body is only the first sent
// pattern bytes, after which the connection is closed — with a TCP reset
// (RST, "connection reset by peer") when reset=1. A client must report an
// incomplete body. Over HTTP/2, where connections cannot be hijacked, the
// stream is reset instead.
func (f *Fault) handleTruncated(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	declared := k.size("declared", 1000)
	sent := k.size("sent", 10)
	reset := k.bool("reset")
	if sent >= declared && k.err == nil {
		k.fail("sent", strconv.FormatInt(sent, 10), fmt.Errorf("must be less than declared=%d", declared))
	}
	if !k.ok(w) {
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(declared, 10))
		w.WriteHeader(http.StatusOK)
		io.Copy(w, NewPatternReader(sent))
		flush(w)
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", declared)
	io.Copy(rw, NewPatternReader(sent))
	rw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		// Let the client read what was sent before the reset discards it.
		time.Sleep(50 * time.Millisecond)
		tc.SetLinger(0)
	}
}

// handleStall serves /stall?bytes=5&for=10s&total=N: a 200 declaring
// Content-Length total (default 2*bytes) that sends the first `bytes` pattern
// bytes, flushes, pauses `for` (at most 60s; the pause ends early when the
// client goes away), then sends the rest. bytes=0 stalls right after the
// headers. A read timeout shorter than `for` must fire.
func handleStall(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	first := k.size("bytes", 5)
	pause := k.duration("for", 10*time.Second, time.Minute)
	total := k.size("total", 2*first)
	if total < first && k.err == nil {
		k.fail("total", strconv.FormatInt(total, 10), fmt.Errorf("must be at least bytes=%d", first))
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(total, 10))
	w.WriteHeader(http.StatusOK)
	body := NewPatternReader(total)
	io.CopyN(w, body, first)
	flush(w)
	if !sleepCtx(r, pause) {
		return
	}
	io.Copy(w, body)
}

// handleTrickle serves /trickle?bytes=100&every=100ms: a 200 declaring
// Content-Length bytes (at most 100000) that sends one pattern byte, flushed,
// every `every` (at most 10s); it stops when the client goes away. The gap
// between bytes stays under any sensible read timeout, so only a limit on
// the whole exchange (--max-time) ends it early.
func handleTrickle(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("bytes", 100, 0, 100000)
	every := k.duration("every", 100*time.Millisecond, 10*time.Second)
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	flush(w)
	body := NewPatternReader(int64(n))
	for i := 0; i < n; i++ {
		if !sleepCtx(r, every) {
			return
		}
		if _, err := io.CopyN(w, body, 1); err != nil {
			return
		}
		flush(w)
	}
}

// handleDrop serves /drop?times=1&key=K: the first `times` requests per key
// are answered by closing the connection without a response (a connection
// error to the client, as a crashed server gives); later ones get 200 and
// {"attempt": n}.
func (f *Fault) handleDrop(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	times := k.int("times", 1, 0, 1000)
	key := k.str("key", "default")
	if !k.ok(w) {
		return
	}
	n, _ := f.attempt("drop", key)
	if n > times {
		writeJSON(w, http.StatusOK, map[string]any{"attempt": n, "ok": true})
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: reset the stream instead.
	}
	conn.Close()
}

// handleBig serves /big?size=N (default 1M; suffixes k, M, G) as N pattern
// bytes streamed from the generator with Content-Length, or chunked with
// chunked=1; the body is never held in memory.
func handleBig(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	size := k.size("size", 1<<20)
	chunked := k.bool("chunked")
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if !chunked {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	io.CopyBuffer(w, NewPatternReader(size), make([]byte, 256<<10))
}

// uploadSummary is the /upload-sink answer.
type uploadSummary struct {
	Method           string   `json:"method"`
	Bytes            int64    `json:"bytes"`
	SHA256           string   `json:"sha256"`
	ContentType      string   `json:"content_type"`
	ContentLength    int64    `json:"content_length"` // -1 when not declared
	ContentEncoding  string   `json:"content_encoding"`
	TransferEncoding []string `json:"transfer_encoding"`
}

// handleUploadSink serves /upload-sink: it reads the request body to the end
// and answers with its size, SHA-256 (hex), Content-Type, declared
// Content-Length (-1 when none), Content-Encoding and Transfer-Encoding,
// so uploads of any size can be checked without echoing them.
func handleUploadSink(w http.ResponseWriter, r *http.Request) {
	h := sha256.New()
	n, err := io.CopyBuffer(h, r.Body, make([]byte, 256<<10))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	te := r.TransferEncoding
	if te == nil {
		te = []string{}
	}
	writeJSON(w, http.StatusOK, uploadSummary{
		Method:           r.Method,
		Bytes:            n,
		SHA256:           hex.EncodeToString(h.Sum(nil)),
		ContentType:      r.Header.Get("Content-Type"),
		ContentLength:    r.ContentLength,
		ContentEncoding:  r.Header.Get("Content-Encoding"),
		TransferEncoding: te,
	})
}

// handleDownload serves /download?size=N&name=file.bin: N pattern bytes
// (default 1000) as application/octet-stream (type=... overrides) with
// Content-Disposition: attachment; filename="NAME" when name is given, a
// fixed ETag and Last-Modified, and Range support through
// [http.ServeContent] (206, multi-range, 416, If-Range). norange=1 ignores
// Range and always answers 200 with the whole body, as servers without
// range support do.
func handleDownload(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	size := k.size("size", 1000)
	name := k.str("name", "")
	ctype := k.str("type", "application/octet-stream")
	noRange := k.bool("norange")
	if !k.ok(w) {
		return
	}
	if noRange {
		r.Header.Del("Range")
		r.Header.Del("If-Range")
	} else {
		w.Header().Set("ETag", fmt.Sprintf(`"pattern-%d"`, size))
	}
	if name != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, "", downloadModTime, NewPatternReader(size))
}

// evilDispositions are the Content-Disposition values of /download-evil,
// by kind. Each must be sanitised to a plain base name by a client.
var evilDispositions = map[string]string{
	"traversal": `attachment; filename="../../etc/passwd"`,
	"absolute":  `attachment; filename="/etc/passwd"`,
	"utf8":      `attachment; filename*=UTF-8''na%C3%AFve%20file.txt`,
	"both":      `attachment; filename="fallback.txt"; filename*=UTF-8''na%C3%AFve%20file.txt`,
	"hidden":    `attachment; filename=".bashrc"`,
	"control":   `attachment; filename*=UTF-8''a%01b%7Fc%0A.txt`,
	"backslash": `attachment; filename="..\\..\\windows\\evil.txt"`,
	"empty":     `attachment; filename=""`,
}

// handleDownloadEvil serves /download-evil?kind=K: the 5-byte body
// "evil\n" with a hostile or unusual Content-Disposition (evilDispositions):
//
//	traversal  filename="../../etc/passwd" (the default)
//	absolute   filename="/etc/passwd"
//	utf8       filename*=UTF-8''na%C3%AFve%20file.txt, that is "naïve file.txt"
//	both       filename="fallback.txt" and the utf8 filename*, which wins (RFC 6266)
//	hidden     filename=".bashrc"
//	control    filename*=UTF-8''a%01b%7Fc%0A.txt, control characters once
//	           decoded (raw ones would make Go's client reject the response)
//	backslash  filename="..\..\windows\evil.txt"
//	empty      filename=""
func handleDownloadEvil(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = "traversal"
	}
	cd, ok := evilDispositions[kind]
	if !ok {
		http.Error(w, fmt.Sprintf("bad query parameter kind=%q: unknown kind", kind), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Disposition", cd)
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", "5")
	io.WriteString(w, "evil\n")
}
