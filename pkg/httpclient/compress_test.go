package httpclient

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inflate reads p's body and undoes the zlib coding.
func inflate(t *testing.T, p *PreparedRequest) (sent int64, plain []byte) {
	t.Helper()
	rc, err := p.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("body is not zlib: %v", err)
	}
	plain, err = io.ReadAll(zr)
	if err != nil {
		t.Fatalf("inflate body: %v", err)
	}
	return int64(len(raw)), plain
}

func TestCompressBody(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bigText := strings.Repeat("compressible text, ", 200000) // 3.8 MB, past the in-memory limit
	bigPath := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(bigPath, []byte(bigText), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		body       func() *Body
		force      bool
		wantDone   bool
		wantLength bool // a Content-Length is known
		plain      string
	}{
		{"small text", func() *Body { return BytesBody([]byte(strings.Repeat("a", 1000))) }, false, true, true, strings.Repeat("a", 1000)},
		{"not smaller: left alone", func() *Body { return BytesBody([]byte("ab")) }, false, false, true, "ab"},
		{"not smaller but forced", func() *Body { return BytesBody([]byte("ab")) }, true, true, true, "ab"},
		{"large file measured then streamed", func() *Body { b, _ := FileBody(bigPath); return b }, false, true, true, bigText},
		{"stdin always streamed", func() *Body { return ReaderBody(strings.NewReader(bigText), -1) }, false, true, false, bigText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &Session{Header: DefaultHeaders()}
			p, err := s.Prepare(&Request{Method: "POST", URL: "http://example.com/", Body: tc.body()})
			if err != nil {
				t.Fatal(err)
			}
			done, err := compressBody(p, tc.force)
			if err != nil || done != tc.wantDone {
				t.Fatalf("compressBody(%s, force %v) = %v, %v; want %v", tc.name, tc.force, done, err, tc.wantDone)
			}
			if !done {
				if p.Header.Get("Content-Encoding") != "" {
					t.Errorf("compressBody(%s) left alone but set Content-Encoding", tc.name)
				}
				return
			}
			if got := p.Header.Get("Content-Encoding"); got != "deflate" {
				t.Errorf("compressBody(%s): Content-Encoding %q, want deflate", tc.name, got)
			}
			sent, plain := inflate(t, p)
			if string(plain) != tc.plain {
				t.Errorf("compressBody(%s): inflated body has %d bytes, want the %d bytes given", tc.name, len(plain), len(tc.plain))
			}
			if tc.wantLength && p.ContentLength != sent {
				t.Errorf("compressBody(%s): ContentLength %d, but %d bytes are sent", tc.name, p.ContentLength, sent)
			}
			if !tc.wantLength && p.ContentLength != -1 {
				t.Errorf("compressBody(%s): ContentLength %d, want -1 (chunked)", tc.name, p.ContentLength)
			}
		})
	}
}

func TestCompressBodyLeavesEncodedBodies(t *testing.T) {
	t.Parallel()
	s := &Session{Header: DefaultHeaders()}
	p, err := s.Prepare(&Request{Method: "POST", URL: "http://example.com/", Header: map[string][]string{"Content-Encoding": {"gzip"}}, Body: BytesBody([]byte(strings.Repeat("a", 100)))})
	if err != nil {
		t.Fatal(err)
	}
	if done, err := compressBody(p, true); done || err != nil {
		t.Errorf("compressBody of a body with Content-Encoding gzip = %v, %v; want it left alone", done, err)
	}
}

// failingReader fails every read, as a body source that broke.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("device gone") }

func TestPrepareCompress(t *testing.T) {
	t.Parallel()
	s := &Session{}
	long := strings.Repeat("compressible ", 100)
	for _, tc := range []struct {
		name     string
		compress Compression
		body     string
		want     string // Content-Encoding
	}{
		{"none", CompressNone, long, ""},
		{"if smaller, smaller", CompressIfSmaller, long, "deflate"},
		{"if smaller, larger", CompressIfSmaller, "ab", ""},
		{"always", CompressAlways, "ab", "deflate"},
	} {
		p, err := s.Prepare(&Request{Method: "POST", URL: "http://example.com/", Body: BytesBody([]byte(tc.body)), Compress: tc.compress})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := p.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("%s: Content-Encoding %q, want %q", tc.name, got, tc.want)
		}
		if tc.want != "" {
			if _, plain := inflate(t, p); string(plain) != tc.body {
				t.Errorf("%s: inflated body %q, want %q", tc.name, plain, tc.body)
			}
		}
	}

	// A source that fails is not a request built wrong.
	_, err := s.Prepare(&Request{Method: "POST", URL: "http://example.com/", Body: ReaderBody(failingReader{}, 100), Compress: CompressIfSmaller})
	if err == nil || !strings.Contains(err.Error(), "device gone") {
		t.Fatalf("Prepare with a failing body = %v, want the read's error", err)
	}
	for _, kind := range []error{ErrInvalidURL, ErrInvalidHeader, ErrInvalidBody} {
		if errors.Is(err, kind) {
			t.Errorf("Prepare with a failing body = %v, which is %v", err, kind)
		}
	}
}
