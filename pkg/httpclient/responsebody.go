package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// AcceptEncoding lists the content codings responses are decoded from.
const AcceptEncoding = "gzip, deflate, br, zstd"

// wrapBody returns the body of raw as the caller reads it: decoded from
// its Content-Encoding, with the read timeout applied between reads and a
// short body reported as ErrChunkedEncoding.
//
// Decoders are built on the first Read, so a caller that wants the bytes
// as sent (a download kept compressed) can still ask for them with
// [Response.RawBody] before reading.
func (s *Session) wrapBody(raw *http.Response, p *PreparedRequest) (io.ReadCloser, error) {
	u := RedactURL(p.URL.String())
	src := &shortBodyReader{rc: raw.Body, url: u}
	if raw.Request != nil {
		src.ctx = raw.Request.Context()
	}
	if d := s.opts.ReadTimeout; d > 0 {
		src.timeout = d
		src.timer = time.AfterFunc(d, src.expire)
		src.timer.Stop()
	}
	b := &responseBody{src: src, url: u}
	if hasBody(raw, p.Method) {
		b.codings = contentCodings(raw.Header)
		if !decodable(b.codings) {
			b.codings = nil
		}
	}
	return b, nil
}

// ResponseHasBody reports whether the response to a request with this
// method can carry a body: never for HEAD (RFC 9110 §9.3.2), so there is
// nothing to download.
func ResponseHasBody(method string) bool {
	return method != http.MethodHead
}

// hasBody reports whether a response can carry a body (RFC 9110 §6.4.1),
// so an empty body under Content-Encoding: gzip is not a decoding error.
func hasBody(raw *http.Response, method string) bool {
	if !ResponseHasBody(method) || raw.StatusCode == http.StatusNoContent ||
		raw.StatusCode == http.StatusNotModified || raw.StatusCode/100 == 1 {
		return false
	}
	return raw.ContentLength != 0
}

// responseBody is a response's Body: the network stream with the read
// timeout and short-body checks, decoded from its content codings.
type responseBody struct {
	src     *shortBodyReader
	url     string
	codings []string // applied by the server, in order; nil: read as sent

	started  bool
	r        io.Reader // src, or the decoder chain over it
	closeDec func()
	err      error // sticky error of the decoder chain
}

func (b *responseBody) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		b.r = b.src
		if len(b.codings) > 0 {
			r, closeDec, err := newDecoder(b.src, b.codings)
			if err != nil {
				b.err = b.decodeError(err)
				return 0, b.err
			}
			b.r, b.closeDec = r, closeDec
		}
	}
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && len(b.codings) > 0 {
		err = b.decodeError(err)
		b.err = err
	}
	return n, err
}

// emptyBody reports whether the network stream ended cleanly without a
// single byte. Such a body under a Content-Encoding (a chunked 200 with
// no chunks) is empty, not corrupt: curl and urllib3 read it as empty,
// while a decoder asked to decode nothing reports an unexpected end.
func (b *responseBody) emptyBody() bool {
	return b.src.eof && b.src.n == 0
}

// decodeError keeps errors of the network stream (timeouts, short bodies)
// and calls everything else the decoders report a ContentDecodingError.
func (b *responseBody) decodeError(err error) error {
	var re *RequestError
	if errors.As(err, &re) {
		return err
	}
	if b.emptyBody() {
		return io.EOF
	}
	if b.src.timedOut.Load() {
		return b.src.timeoutError()
	}
	return newError(ErrContentDecoding, b.url, &transportFailure{msg: fmt.Sprintf("the %s body cannot be decoded: %s", strings.Join(b.codings, ", "), plainReason(err)), err: err})
}

// WriteTo copies the body to w with a large buffer: for a body read as
// sent, fewer and bigger reads reach the network and the file.
func (b *responseBody) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, copyBufferSize)
	var total int64
	for {
		n, err := b.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
			if m < n {
				return total, io.ErrShortWrite
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// copyBufferSize is the buffer responseBody.WriteTo copies with.
const copyBufferSize = 256 << 10

func (b *responseBody) Close() error {
	if b.closeDec != nil {
		b.closeDec()
		b.closeDec = nil
	}
	return b.src.Close()
}

// RawBody returns the body as the server sent it, still in its
// Content-Encoding (for saving a .gz download as it is). It must be called
// before anything was read from Body; the returned reader replaces Body and
// keeps the read timeout and the short-body check.
func (r *Response) RawBody() (io.ReadCloser, error) {
	b, ok := r.Body.(*responseBody)
	if !ok {
		return r.Body, nil
	}
	if b.started {
		return nil, errors.New("raw body requested after the decoded body was read")
	}
	b.codings = nil
	return b, nil
}

// shortBodyReader turns net/http's io.ErrUnexpectedEOF (fewer bytes than
// Content-Length, or broken chunked framing) into ErrChunkedEncoding, and
// enforces the read timeout: a timer armed for each Read closes the body
// when the server sends nothing for that long, and the Read then returns
// ErrReadTimeout.
type shortBodyReader struct {
	rc  io.ReadCloser
	url string
	// ctx is the request's context: when WithMaxTime ends it, a read
	// fails with ErrTimeout whatever the closed connection reported.
	ctx context.Context

	timeout  time.Duration // 0: none
	timer    *time.Timer
	timedOut atomic.Bool

	n   int64 // bytes read so far
	eof bool  // the stream ended cleanly
}

func (r *shortBodyReader) Read(p []byte) (int, error) {
	if r.timer != nil {
		r.timer.Reset(r.timeout)
	}
	n, err := r.rc.Read(p)
	if r.timer != nil {
		r.timer.Stop()
	}
	r.n += int64(n)
	if err == io.EOF {
		r.eof = true
	}
	if err != nil && err != io.EOF {
		switch te := maxTimeExceeded(r.ctx, r.url); {
		case te != nil:
			err = te
		case r.timedOut.Load():
			err = r.timeoutError()
		case errors.Is(err, io.ErrUnexpectedEOF):
			err = newError(ErrChunkedEncoding, r.url, fmt.Errorf("connection closed before the whole body arrived: %w", err))
		case badChunking(err):
			err = newError(ErrChunkedEncoding, r.url, &transportFailure{msg: "the body's chunked framing is broken: " + err.Error(), err: err})
		default:
			// A connection reset or a stream the server ended mid-body
			// is a broken body, as Requests' ChunkedEncodingError
			// ("Connection broken: …") says.
			if why, ok := describeBreak(err); ok {
				err = newError(ErrChunkedEncoding, r.url, &transportFailure{msg: "the connection broke before the whole body arrived: " + why, err: err})
			}
		}
	}
	return n, err
}

// badChunking reports whether err is net/http's complaint about a
// chunked body's framing (a chunk size that is not hex, a line without
// CRLF, data past a chunk). Its errors are unexported, so they are known
// by their text.
func badChunking(err error) bool {
	switch err.Error() {
	case "malformed chunked encoding", "invalid byte in chunk length", "http chunk length too large",
		"empty hex number for chunk length", "chunked line ends with bare LF", "invalid CR in chunked line",
		"chunked encoding contains too much non-data", "header line too long":
		return true
	}
	return false
}

// expire runs when a Read waited longer than the read timeout; closing the
// body makes the blocked Read return.
func (r *shortBodyReader) expire() {
	r.timedOut.Store(true)
	r.rc.Close()
}

func (r *shortBodyReader) timeoutError() error {
	return newError(ErrReadTimeout, r.url, fmt.Errorf("no data received for %v", r.timeout))
}

func (r *shortBodyReader) Close() error {
	if r.timer != nil {
		r.timer.Stop()
	}
	return r.rc.Close()
}

func drain(rc io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(rc, 1<<20))
	rc.Close()
}
