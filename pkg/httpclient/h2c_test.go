package httpclient

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestH2C checks that Options.HTTP2 speaks HTTP/2 with prior knowledge to
// a plain-http server that accepts it, that without it the session stays
// on HTTP/1.1, and that a server without h2c gives an error that says so.
func TestH2C(t *testing.T) {
	t.Parallel()
	proto := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })
	h2c := httptest.NewUnstartedServer(proto)
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	h2c.Config.Protocols = &p
	h2c.Start()
	t.Cleanup(h2c.Close)
	h1 := httptest.NewServer(proto)
	t.Cleanup(h1.Close)

	tests := []struct {
		name    string
		http2   bool
		url     string
		want    string
		wantErr string
	}{
		{name: "h2c", http2: true, url: h2c.URL, want: "HTTP/2.0"},
		{name: "default", http2: false, url: h2c.URL, want: "HTTP/1.1"},
		{name: "no h2c on the server", http2: true, url: h1.URL, wantErr: "does not speak HTTP/2 with prior knowledge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body, err := fetch(t, Options{HTTP2: tc.http2}, tc.url)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrConnection) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("GET %s with HTTP2: err = %v, want a ConnectionError saying %q", tc.url, err, tc.wantErr)
				}
				return
			}
			if err != nil || body != tc.want || resp.Proto != tc.want {
				t.Errorf("GET %s with HTTP2=%v: server saw %q, response %v, err %v; want %s", tc.url, tc.http2, body, resp, err, tc.want)
			}
		})
	}

	if _, err := New(Options{HTTP1: true, HTTP2: true}); err == nil {
		t.Errorf("New with HTTP1 and HTTP2 succeeded, want an error")
	}
}

// TestHTTP2Connections checks that HTTP/2 requests, h2c or over TLS,
// share one connection, and that closing the session closes it.
func TestHTTP2Connections(t *testing.T) {
	t.Parallel()
	for _, overTLS := range []bool{false, true} {
		t.Run(map[bool]string{false: "h2c", true: "tls"}[overTLS], func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) }))
			var mu sync.Mutex
			conns := 0
			closed := make(chan struct{}, 1)
			srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
				switch st {
				case http.StateNew:
					mu.Lock()
					conns++
					mu.Unlock()
				case http.StateClosed:
					closed <- struct{}{}
				}
			}
			opts := Options{HTTP2: true}
			if overTLS {
				srv.EnableHTTP2 = true
				srv.StartTLS()
				opts = Options{InsecureSkipVerify: true}
			} else {
				var p http.Protocols
				p.SetUnencryptedHTTP2(true)
				srv.Config.Protocols = &p
				srv.Start()
			}
			t.Cleanup(srv.Close)
			s, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			for i := range 3 {
				resp, body, err := get(s, srv.URL)
				if err != nil || body != "HTTP/2.0" {
					t.Fatalf("request %d: %q, %v", i, body, err)
				}
				// The metadata names where the request went, as over HTTP/1.
				if resp.RemoteAddr != srv.Listener.Addr().String() {
					t.Errorf("request %d: RemoteAddr = %q, want %q", i, resp.RemoteAddr, srv.Listener.Addr())
				}
			}
			mu.Lock()
			n := conns
			mu.Unlock()
			if n != 1 {
				t.Errorf("3 requests opened %d connections, want 1", n)
			}
			s.Close()
			select {
			case <-closed:
			case <-time.After(30 * time.Second):
				t.Fatal("the connection was still open 30s after the session closed")
			}
		})
	}
}
