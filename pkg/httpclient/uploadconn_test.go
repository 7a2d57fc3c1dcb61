package httpclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestUploadConnReadFrom checks that both paths of uploadConn.ReadFrom
// (a file, sent by the kernel, and any other reader, copied in large
// pieces) deliver every byte in order.
func TestUploadConnReadFrom(t *testing.T) {
	t.Parallel()
	payload := bytes.Repeat([]byte("0123456789abcdef"), 100_000) // 1.6 MB, several copy pieces
	path := filepath.Join(t.TempDir(), "body.bin")
	if err := os.WriteFile(path, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  func() io.Reader
		want []byte
	}{
		{"multi reader", func() io.Reader {
			return io.MultiReader(strings.NewReader("head-"), bytes.NewReader(payload), strings.NewReader("-tail"))
		}, append(append([]byte("head-"), payload...), "-tail"...)},
		{"limited file", func() io.Reader {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return io.LimitReader(f, 1000)
		}, payload[:1000]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			got := make(chan []byte, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					got <- nil
					return
				}
				b, _ := io.ReadAll(c)
				c.Close()
				got <- b
			}()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			uc := &uploadConn{TCPConn: c.(*net.TCPConn)}
			n, err := uc.ReadFrom(tc.src())
			uc.Close()
			if err != nil || n != int64(len(tc.want)) {
				t.Fatalf("ReadFrom = %d, %v; want %d bytes", n, err, len(tc.want))
			}
			if b := <-got; !bytes.Equal(b, tc.want) {
				t.Errorf("the server received %d bytes that differ from the %d sent", len(b), len(tc.want))
			}
		})
	}
}

// TestOpenFileBody checks that a body over an open file starts at the
// file's offset, knows its length, and hands the transport an *os.File on
// every send, which is what lets uploadConn use sendfile.
func TestOpenFileBody(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "body.bin")
	if err := os.WriteFile(path, []byte("skip:the rest"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(int64(len("skip:")), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	b, err := OpenFileBody(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Size(), int64(len("the rest")); got != want {
		t.Errorf("Size() = %d, want %d", got, want)
	}
	for i := range 2 { // a redirect or retry opens it again
		rc, err := b.Open()
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if _, ok := rc.(*os.File); !ok {
			t.Errorf("open #%d gave a %T, want an *os.File for sendfile", i+1, rc)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != "the rest" {
			t.Errorf("open #%d read %q, %v; want %q", i+1, got, err, "the rest")
		}
	}

	if _, err := OpenFileBody(os.NewFile(^uintptr(0), "bad")); err == nil {
		t.Errorf("OpenFileBody of a bad descriptor succeeded")
	}
}

// TestOnUpload checks that SendOptions.OnUpload learns of every byte of a
// body, a file (sent by the kernel in pieces) or not, and that the server
// still gets the whole body.
func TestOnUpload(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, n)
	}))
	t.Cleanup(srv.Close)
	payload := bytes.Repeat([]byte("0123456789abcdef"), 200_000) // 3.2 MB: several pieces
	path := filepath.Join(t.TempDir(), "body.bin")
	if err := os.WriteFile(path, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	fileBody, err := FileBody(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		body      *Body
		minCalls  int
		wantTotal int64
	}{
		{name: "file", body: fileBody, minCalls: 3, wantTotal: int64(len(payload))},
		{name: "bytes", body: BytesBody(payload), minCalls: 1, wantTotal: int64(len(payload))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// The transport calls OnUpload from its own goroutine.
			var total, calls atomic.Int64
			resp, err := s.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: tc.body},
				SendOptions{
					NoRedirects: true, OnUpload: func(n int64) {
						if n > 0 {
							calls.Add(1)
						}
						total.Add(n)
					}})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := resp.Text()
			if got != fmt.Sprint(tc.wantTotal) || total.Load() != tc.wantTotal || calls.Load() < int64(tc.minCalls) {
				t.Errorf("server got %s bytes; OnUpload counted %d in %d calls; want %d in at least %d calls", got, total.Load(), calls.Load(), tc.wantTotal, tc.minCalls)
			}
		})
	}
}
