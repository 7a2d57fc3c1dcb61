package httpclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// applyCodings applies codings to body in the order given, as a server does
// for "Content-Encoding: a, b".
func applyCodings(t *testing.T, body []byte, codings ...string) []byte {
	t.Helper()
	for _, c := range codings {
		var buf bytes.Buffer
		var w io.WriteCloser
		var err error
		switch c {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		case "deflate-raw":
			w, err = flate.NewWriter(&buf, flate.DefaultCompression)
		case "br":
			w = brotli.NewWriter(&buf)
		case "zstd":
			w, err = zstd.NewWriter(&buf)
		default:
			t.Fatalf("unknown coding %q", c)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
		w.Close()
		body = buf.Bytes()
	}
	return body
}

// getBody sends a GET to url through a session with opts and reads the
// whole body.
func getBody(t *testing.T, opts Options, url string) ([]byte, error) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	resp, err := s.Do(context.Background(), &Request{Method: "GET", URL: url}, SendOptions{NoRedirects: true})
	if err != nil {
		return nil, err
	}
	return resp.Bytes()
}

func TestWrapBodyDecodes(t *testing.T) {
	t.Parallel()
	plain := []byte(strings.Repeat("reqs decodes bodies. ", 200))
	tests := []struct {
		name    string
		header  string   // Content-Encoding sent
		codings []string // applied, in order
	}{
		{"gzip", "gzip", []string{"gzip"}},
		{"x-gzip", "x-gzip", []string{"gzip"}},
		{"deflate zlib", "deflate", []string{"deflate"}},
		{"deflate raw", "deflate", []string{"deflate-raw"}},
		{"brotli", "br", []string{"br"}},
		{"zstd", "zstd", []string{"zstd"}},
		{"stacked gzip then br", "gzip, br", []string{"gzip", "br"}},
		{"stacked on two lines", "deflate\nzstd", []string{"deflate", "zstd"}},
		{"identity ignored", "identity, gzip", []string{"gzip"}},
		{"unknown coding passed through", "compress", nil},
		{"upper case", "GZIP", []string{"gzip"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			encoded := applyCodings(t, plain, tc.codings...)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for _, line := range strings.Split(tc.header, "\n") {
					w.Header().Add("Content-Encoding", line)
				}
				w.Write(encoded)
			}))
			defer srv.Close()
			got, err := getBody(t, Options{}, srv.URL)
			if err != nil {
				t.Fatalf("GET with Content-Encoding %q: %v", tc.header, err)
			}
			want := plain
			if tc.codings == nil {
				want = encoded
			}
			if !bytes.Equal(got, want) {
				t.Errorf("GET with Content-Encoding %q: got %d bytes %.40q, want %d bytes %.40q", tc.header, len(got), got, len(want), want)
			}
		})
	}
}

func TestWrapBodyErrors(t *testing.T) {
	t.Parallel()
	good := applyCodings(t, []byte(strings.Repeat("x", 5000)), "gzip")
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error
	}{
		{"garbage gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, "this is not gzip data\n")
		}, ErrContentDecoding},
		{"truncated gzip stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(good[:len(good)/2])
		}, ErrContentDecoding},
		{"bad crc", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			bad := bytes.Clone(good)
			bad[len(bad)-8] ^= 0xff
			w.Write(bad)
		}, ErrContentDecoding},
		{"garbage zstd", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "zstd")
			io.WriteString(w, "not zstd at all, not at all")
		}, ErrContentDecoding},
		{"short body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, "only ten b")
		}, ErrChunkedEncoding},
		{"short gzip body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(good)))
			w.Write(good[:len(good)/2])
		}, ErrChunkedEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			_, err := getBody(t, Options{}, srv.URL)
			if !errors.Is(err, tc.want) {
				t.Errorf("reading %s: error %v, want %v", tc.name, err, tc.want)
			}
		})
	}
}

// TestWrapBodyEmptyEncodedBody checks that a body with no bytes at all is
// empty whatever its Content-Encoding says, as curl and urllib3 read it:
// a 204, and a 200 whose chunked body has no chunks, where a decoder would
// report an unexpected end.
func TestWrapBodyEmptyEncodedBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		encoding string
		status   int
	}{
		{"204 gzip", "gzip", http.StatusNoContent},
		{"empty chunked gzip", "gzip", http.StatusOK},
		{"empty chunked deflate", "deflate", http.StatusOK},
		{"empty chunked br", "br", http.StatusOK},
		{"empty chunked zstd", "zstd", http.StatusOK},
		{"empty chunked stacked", "gzip, br", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", tc.encoding)
				w.WriteHeader(tc.status)
				// Flushing before the handler returns makes the body chunked,
				// not Content-Length: 0.
				w.(http.Flusher).Flush()
			}))
			defer srv.Close()
			got, err := getBody(t, Options{}, srv.URL)
			if err != nil || len(got) != 0 {
				t.Errorf("%d with Content-Encoding %q and no body bytes: got %q, %v; want an empty body", tc.status, tc.encoding, got, err)
			}
		})
	}
}

// TestWrapBodyReadTimeout checks that the read timeout is the gap between
// reads: a server that sends a little and then stalls trips it, with the
// ReadTimeout kind.
// TestWrapBodyReadTimeout reads a body that delivers some bytes and then
// stalls for good: the read timeout must end the wait with ErrReadTimeout
// after handing over the bytes that came. The body is a stand-in for the
// connection rather than a server, so the response headers cannot miss
// the (short) timeout on a loaded machine and every run takes the same path.
func TestWrapBodyReadTimeout(t *testing.T) {
	t.Parallel()
	s, err := New(Options{ReadTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	u, _ := url.Parse("http://example.test/stall")
	stalled := &stallingBody{data: strings.NewReader("first bytes"), closed: make(chan struct{})}
	raw := &http.Response{StatusCode: http.StatusOK, ContentLength: 100, Header: http.Header{}, Body: stalled}
	body, err := s.wrapBody(raw, &PreparedRequest{Method: http.MethodGet, URL: u})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	type result struct {
		got []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		got, err := io.ReadAll(body)
		done <- result{got, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute):
		// Only reached when nothing enforces the timeout at all.
		t.Fatal("stalled body: still reading after a minute, want a ReadTimeout after 50ms")
	}
	if !errors.Is(r.err, ErrReadTimeout) || !IsTimeout(r.err) {
		t.Fatalf("stalled body: error %v, want a ReadTimeout", r.err)
	}
	if string(r.got) != "first bytes" {
		t.Errorf("stalled body: read %q before the timeout, want %q", r.got, "first bytes")
	}
}

// stallingBody is a response body that returns data, then blocks until
// closed, as a connection whose server stopped sending does.
type stallingBody struct {
	data   *strings.Reader
	closed chan struct{}
	once   sync.Once
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if b.data.Len() > 0 {
		return b.data.Read(p)
	}
	<-b.closed
	return 0, errors.New("read on closed response body")
}

func (b *stallingBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

func TestRawBodyKeepsEncoding(t *testing.T) {
	t.Parallel()
	encoded := applyCodings(t, []byte("hello, gzip"), "gzip")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(encoded)
	}))
	defer srv.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := s.Do(context.Background(), &Request{URL: srv.URL}, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	raw, err := resp.RawBody()
	if err != nil {
		t.Fatalf("RawBody before reading: %v", err)
	}
	got, _ := io.ReadAll(raw)
	if !bytes.Equal(got, encoded) {
		t.Errorf("RawBody() = %q, want the gzip stream as sent %q", got, encoded)
	}
	if _, err := resp.RawBody(); err == nil {
		t.Errorf("RawBody after reading: no error, want one")
	}
}

func TestIsZlibHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cmf, flg byte
		want     bool
	}{
		{0x78, 0x9c, true},
		{0x78, 0x01, true},
		{0x78, 0xda, true},
		{0x78, 0x9d, false}, // checksum off
		{0xcb, 0x48, false}, // raw deflate of "hello"
		{0x79, 0x9c, false}, // method 9
	}
	for _, tc := range tests {
		if got := isZlibHeader(tc.cmf, tc.flg); got != tc.want {
			t.Errorf("isZlibHeader(%#x, %#x) = %v, want %v", tc.cmf, tc.flg, got, tc.want)
		}
	}
}

func TestContentCodings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    http.Header
		want string
	}{
		{"none", http.Header{}, ""},
		{"one", http.Header{"Content-Encoding": {"gzip"}}, "gzip"},
		{"list", http.Header{"Content-Encoding": {"gzip, BR"}}, "gzip,br"},
		{"lines", http.Header{"Content-Encoding": {"deflate", "zstd"}}, "deflate,zstd"},
		{"identity dropped", http.Header{"Content-Encoding": {"identity"}}, ""},
	}
	for _, tc := range tests {
		if got := strings.Join(contentCodings(tc.h), ","); got != tc.want {
			t.Errorf("contentCodings(%v) = %q, want %q", tc.h, got, tc.want)
		}
	}
}

func TestResponseHasBody(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]bool{"GET": true, "POST": true, "OPTIONS": true, "HEAD": false} {
		if got := ResponseHasBody(method); got != want {
			t.Errorf("ResponseHasBody(%q) = %v, want %v", method, got, want)
		}
	}
}

// TestResponseJSONErrors: a body that is not one JSON value is a
// JSONDecodeError under RequestException, as in Requests.
func TestResponseJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		wantErr    bool
	}{
		{"object", `{"a": 1}`, false},
		{"value and spaces", " [1, 2] \n", false},
		{"empty", "", true},
		{"broken", `{"a": `, true},
		{"not JSON", "<html>", true},
		{"two values", `{"a": 1} {"b": 2}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &Response{Body: io.NopCloser(strings.NewReader(tc.body))}
			var v any
			err := r.JSON(&v)
			if !tc.wantErr {
				if err != nil {
					t.Errorf("JSON(%q) = %v, want nil", tc.body, err)
				}
				return
			}
			if !errors.Is(err, ErrJSONDecode) || !errors.Is(err, ErrRequest) {
				t.Errorf("JSON(%q) = %v, want an ErrJSONDecode under ErrRequest", tc.body, err)
			}
		})
	}
}

// TestBadChunkFraming: a chunked body whose framing breaks is a
// ChunkedEncodingError, as a body cut short is.
func TestBadChunkFraming(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				bufio.NewReader(c).ReadString('\n') // the request line is enough
				io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n")
			}()
		}
	}()
	s := newTestSession(t)
	resp, err := s.Do(context.Background(), &Request{URL: "http://" + l.Addr().String() + "/"}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	_, err = io.ReadAll(resp.Body)
	if !errors.Is(err, ErrChunkedEncoding) {
		t.Errorf("reading a body with a bad chunk size: %v, want ErrChunkedEncoding", err)
	}
}
