package httpclient_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/internal/testserver"
	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// rawH2Session starts a RawH2Server and a session that trusts it; both
// close when the test ends.
func rawH2Session(t *testing.T) (*testserver.RawH2Server, *httpclient.Session) {
	t.Helper()
	pki, err := testserver.SharedPKI()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := testserver.StartRawH2Server(&tls.Config{Certificates: []tls.Certificate{pki.Server}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	files, err := pki.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := httpclient.New(httpclient.Options{CABundle: files.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return srv, s
}

// rawH2CSession starts a RawH2Server speaking h2c and a session that
// speaks HTTP/2 to it with prior knowledge; both close when the test ends.
func rawH2CSession(t *testing.T) (*testserver.RawH2Server, *httpclient.Session) {
	return rawH2CSessionVia(t, false)
}

// rawH2CSOCKSSession is rawH2CSession with the session going through a
// SOCKS5 proxy.
func rawH2CSOCKSSession(t *testing.T) (*testserver.RawH2Server, *httpclient.Session) {
	return rawH2CSessionVia(t, true)
}

func rawH2CSessionVia(t *testing.T, socks bool) (*testserver.RawH2Server, *httpclient.Session) {
	t.Helper()
	srv, err := testserver.StartRawH2Server(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	opts := httpclient.Options{HTTP2: true}
	if socks {
		proxy, err := testserver.StartSOCKS5(testserver.SOCKS5Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(proxy.Close)
		opts.Proxies = map[string]string{"all": "socks5://" + proxy.Addr}
	}
	s, err := httpclient.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return srv, s
}

// TestHTTP2WireOrder checks, against an HTTP/2 server whose header order
// is fixed (and not sorted), that a response's RawHeader is the server's
// block in its order with repeated fields repeated, and that the head
// OnConnect reports over HTTP/2 (what -v prints) is the block the server
// decoded, field for field and in order; over two requests on one
// connection, so the decoders' dynamic tables must stay in step. Over
// TLS and over h2c alike, directly or through a SOCKS proxy.
func TestHTTP2WireOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start func(*testing.T) (*testserver.RawH2Server, *httpclient.Session)
	}{{"tls", rawH2Session}, {"h2c", rawH2CSession}, {"h2c via SOCKS", rawH2CSOCKSSession}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, s := tc.start(t)
			checkHTTP2WireOrder(t, srv, s)
		})
	}
}

func checkHTTP2WireOrder(t *testing.T, srv *testserver.RawH2Server, s *httpclient.Session) {
	var want strings.Builder
	for _, f := range testserver.H2Fields {
		fmt.Fprintf(&want, "%s: %s\n", f[0], f[1])
	}
	for i, item := range []string{"X-One", "X-Two"} {
		req := &httpclient.Request{Method: "POST", URL: srv.URL + "/p?q=1", JSON: []byte(`{"a":1}`)}
		req.Header = map[string][]string{item: {"v"}, "X-Zed": {"z"}, "X-Abc": {"a"}}
		p, err := s.Prepare(req)
		if err != nil {
			t.Fatal(err)
		}
		var printed strings.Builder
		var proto string
		resp, err := s.Send(context.Background(), p, httpclient.SendOptions{
			NoRedirects: true, OnConnect: func(p *httpclient.PreparedRequest, pr string) {
				proto = pr
				head := s.Head(p, pr)
				fmt.Fprintf(&printed, ":method: %s\n:path: %s\n", head.Method, head.Target)
				for _, f := range head.Header {
					fmt.Fprintf(&printed, "%s: %s\n", f.Name, f.Value)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Close()
		if err != nil {
			t.Fatal(err)
		}
		if proto != "HTTP/2" {
			t.Fatalf("request %d: OnConnect proto %q, want HTTP/2", i, proto)
		}
		var got strings.Builder
		for _, f := range resp.RawHeader {
			fmt.Fprintf(&got, "%s: %s\n", f.Name, f.Value)
		}
		if got.String() != want.String() {
			t.Errorf("request %d: RawHeader\n%s\nwant\n%s", i, got.String(), want.String())
		}
		// The server's view, with :authority as the host field -v shows
		// and the pseudo-headers -v shows in the request line.
		var decoded strings.Builder
		var method, path string
		for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
			name, value, _ := strings.Cut(line, ": ")
			switch name {
			case ":method":
				method = value
			case ":path":
				path = value
			case ":scheme":
			case ":authority":
				fmt.Fprintf(&decoded, "host: %s\n", value)
			default:
				decoded.WriteString(line + "\n")
			}
		}
		serverView := fmt.Sprintf(":method: %s\n:path: %s\n", method, path) + decoded.String()
		if printed.String() != serverView {
			t.Errorf("request %d: head reported\n%s\nserver decoded\n%s", i, printed.String(), body)
		}
		if !strings.Contains(printed.String(), strings.ToLower(item)+": v\n") {
			t.Errorf("request %d: head reported lacks %s:\n%s", i, item, printed.String())
		}
	}
}

// TestHTTP2WireReconnect checks that when the server ends a recorded
// HTTP/2 connection with GOAWAY, the next request goes out on a new
// connection (net/http is told the old one takes no more requests, or
// that the request was not processed on it) and its response head is
// still recorded in order; over TLS and h2c.
func TestHTTP2WireReconnect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start func(*testing.T) (*testserver.RawH2Server, *httpclient.Session)
	}{{"tls", rawH2Session}, {"h2c", rawH2CSession}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, s := tc.start(t)
			for i, path := range []string{"/goaway", "/after"} {
				resp, err := s.Do(context.Background(), &httpclient.Request{Method: "GET", URL: srv.URL + path}, httpclient.SendOptions{NoRedirects: true})
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Close()
				if len(resp.RawHeader) != len(testserver.H2Fields) || resp.RawHeader[0].Name != testserver.H2Fields[0][0] {
					t.Errorf("request %d: RawHeader %v", i, resp.RawHeader)
				}
			}
		})
	}
}
