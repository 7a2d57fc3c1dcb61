package httpclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/reqs-cli/reqs/internal/testserver"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

// wsFixtures are the servers of the WebSocket tests, started once.
var wsFixtures = sync.OnceValues(func() (*testserver.Fixtures, error) {
	dir, err := os.MkdirTemp("", "ws-fixtures")
	if err != nil {
		return nil, err
	}
	return testserver.StartFixtures(dir)
})

func fixtures(t *testing.T) *testserver.Fixtures {
	t.Helper()
	f, err := wsFixtures()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// wsURL turns a fixture's http(s) URL into a ws(s) one with path.
func wsURL(base, path string) string {
	return "ws" + strings.TrimPrefix(base, "http") + path
}

// dialInfo opens /ws/info through s and returns its first message.
func dialInfo(t *testing.T, s *httpclient.Session, req *httpclient.Request, opts httpclient.DialOptions) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, resp, err := s.Dial(ctx, req, opts)
	if err != nil {
		t.Fatalf("Dial %s: %v", req.URL, err)
	}
	defer c.CloseNow()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("handshake status %d, want 101", resp.StatusCode)
	}
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read the info message: %v", err)
	}
	var info map[string]any
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatalf("info message %q: %v", b, err)
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Errorf("close: %v", err)
	}
	return info
}

func newSession(t *testing.T, opts httpclient.Options) *httpclient.Session {
	t.Helper()
	s, err := httpclient.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.TrustEnv = false
	t.Cleanup(s.Close)
	return s
}

func TestDialEcho(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	s := newSession(t, httpclient.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, resp, err := s.Dial(ctx, &httpclient.Request{URL: wsURL(f.Getenv("FAULT"), "/ws/echo")}, httpclient.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if got := resp.Header.Get("Upgrade"); !strings.EqualFold(got, "websocket") {
		t.Errorf("101 answer's Upgrade = %q", got)
	}
	if len(resp.RawHeader) == 0 || !strings.EqualFold(resp.RawHeader[0].Name, "Upgrade") && !strings.EqualFold(resp.RawHeader[0].Name, "Connection") {
		t.Errorf("RawHeader = %v, want the 101 head as sent", resp.RawHeader)
	}
	for _, msg := range []string{"hello", `{"a": 1}`, strings.Repeat("z", 100<<10)} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		typ, got, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ != websocket.MessageText || string(got) != msg {
			t.Errorf("echo of %.20q = %v %.20q", msg, typ, got)
		}
	}
	if err := c.Close(websocket.StatusNormalClosure, "bye"); err != nil {
		t.Errorf("close: %v", err)
	}
}

// The handshake is the session's request: its headers, cookies, auth and
// the offer of subprotocols and compression.
func TestDialHandshakeIsTheSessionsRequest(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	base := f.Getenv("FAULT")
	tests := []struct {
		name  string
		path  string
		setup func(s *httpclient.Session, req *httpclient.Request, opts *httpclient.DialOptions)
		check func(t *testing.T, info map[string]any)
	}{
		{"session and request headers", "/ws/info", func(s *httpclient.Session, req *httpclient.Request, _ *httpclient.DialOptions) {
			s.Header.Set("X-Session", "s")
			req.Header = http.Header{"X-Item": {"i"}}
		}, func(t *testing.T, info map[string]any) {
			h := info["headers"].(map[string]any)
			if h["X-Session"] == nil || h["X-Item"] == nil {
				t.Errorf("headers %v lack X-Session or X-Item", h)
			}
		}},
		{"jar cookies", "/ws/info", func(s *httpclient.Session, req *httpclient.Request, _ *httpclient.DialOptions) {
			u, _ := url.Parse(base)
			s.Jar.SetCookies(u, []*http.Cookie{{Name: "sid", Value: "42"}})
		}, func(t *testing.T, info map[string]any) {
			if got := info["cookies"].(map[string]any)["sid"]; got != "42" {
				t.Errorf("cookie sid = %v, want 42", got)
			}
		}},
		{"basic auth", "/ws/info?auth=basic", func(s *httpclient.Session, req *httpclient.Request, _ *httpclient.DialOptions) {
			req.Auth = &httpclient.BasicAuth{Username: testserver.DigestUser, Password: testserver.DigestPassword}
		}, nil},
		{"bearer auth", "/ws/info?auth=bearer", func(s *httpclient.Session, req *httpclient.Request, _ *httpclient.DialOptions) {
			req.Auth = &httpclient.BearerAuth{Token: testserver.WSToken}
		}, nil},
		{"digest auth answers the challenge", "/ws/info?auth=digest", func(s *httpclient.Session, req *httpclient.Request, _ *httpclient.DialOptions) {
			req.Auth = &digest.Auth{Username: testserver.DigestUser, Password: testserver.DigestPassword}
		}, nil},
		{"subprotocol chosen by the server", "/ws/info?protocols=b,a", func(s *httpclient.Session, req *httpclient.Request, opts *httpclient.DialOptions) {
			opts.Subprotocols = []string{"a", "b"}
		}, func(t *testing.T, info map[string]any) {
			if info["subprotocol"] != "b" {
				t.Errorf("subprotocol %v, want b (the server's first choice)", info["subprotocol"])
			}
		}},
		{"compression offered", "/ws/info", nil, func(t *testing.T, info map[string]any) {
			if info["compression"] != true {
				t.Errorf("permessage-deflate not offered: %v", info["headers"])
			}
		}},
		{"compression not offered when off", "/ws/info", func(s *httpclient.Session, req *httpclient.Request, opts *httpclient.DialOptions) {
			opts.NoCompression = true
		}, func(t *testing.T, info map[string]any) {
			if info["compression"] != false {
				t.Errorf("permessage-deflate offered: %v", info["headers"])
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, httpclient.Options{})
			req := &httpclient.Request{URL: wsURL(base, tc.path)}
			var opts httpclient.DialOptions
			if tc.setup != nil {
				tc.setup(s, req, &opts)
			}
			info := dialInfo(t, s, req, opts)
			if tc.check != nil {
				tc.check(t, info)
			}
		})
	}
}

// TLS settings, client certificates, --resolve pins and proxies apply to
// the handshake; it goes over HTTP/1.1 even to a server offering h2.
func TestDialTransport(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	tlsURL, _ := url.Parse(f.Getenv("FAULT_TLS"))
	port := tlsURL.Port()
	var portNum uint16
	for _, c := range port {
		portNum = portNum*10 + uint16(c-'0')
	}
	tests := []struct {
		name  string
		url   string
		opts  httpclient.Options
		check func(t *testing.T, info map[string]any)
	}{
		{"wss with a CA bundle, over HTTP/1.1", wsURL(f.Getenv("FAULT_TLS"), "/ws/info"), httpclient.Options{CABundle: f.Getenv("CA_FILE")}, func(t *testing.T, info map[string]any) {
			if info["tls"] != true || info["proto"] != "HTTP/1.1" {
				t.Errorf("info %v, want TLS over HTTP/1.1", info)
			}
		}},
		{"client certificate", wsURL(f.Getenv("TLS_MTLS"), "/ws/info"), httpclient.Options{CABundle: f.Getenv("CA_FILE"), Cert: f.Getenv("CLIENT_CERT"), CertKey: f.Getenv("CLIENT_KEY")}, func(t *testing.T, info map[string]any) {
			if info["client_cert"] == "" {
				t.Errorf("no client certificate seen: %v", info)
			}
		}},
		{"resolve pin", "wss://reqs.test:" + port + "/ws/info", httpclient.Options{CABundle: f.Getenv("CA_FILE"), Resolve: []httpclient.ResolveEntry{{Host: "reqs.test", Port: portNum, Addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}}}, nil},
		{"HTTP proxy tunnels ws", wsURL(f.Getenv("FAULT"), "/ws/info"), httpclient.Options{Proxies: map[string]string{"all": f.Getenv("PROXY")}}, nil},
		{"HTTP proxy tunnels wss", wsURL(f.Getenv("FAULT_TLS"), "/ws/info"), httpclient.Options{CABundle: f.Getenv("CA_FILE"), Proxies: map[string]string{"all": f.Getenv("PROXY")}}, nil},
		{"SOCKS proxy", wsURL(f.Getenv("FAULT"), "/ws/info"), httpclient.Options{Proxies: map[string]string{"all": f.Getenv("SOCKS")}}, nil},
		{"h2c session still upgrades over HTTP/1.1", wsURL(f.Getenv("FAULT"), "/ws/info"), httpclient.Options{HTTP2: true}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, tc.opts)
			info := dialInfo(t, s, &httpclient.Request{URL: tc.url}, httpclient.DialOptions{})
			if tc.check != nil {
				tc.check(t, info)
			}
		})
	}
}

// The proxy was asked for a tunnel, not sent the handshake in absolute
// form (which a forward proxy does not upgrade).
func TestDialThroughProxyUsesConnect(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "proxy.log")
	px, err := testserver.StartHTTPProxy(testserver.ProxyConfig{LogPath: log})
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	f := fixtures(t)
	s := newSession(t, httpclient.Options{Proxies: map[string]string{"http": px.URL}})
	dialInfo(t, s, &httpclient.Request{URL: wsURL(f.Getenv("FAULT"), "/ws/info")}, httpclient.DialOptions{})
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if host := strings.TrimPrefix(f.Getenv("FAULT"), "http://"); string(b) != "CONNECT "+host+"\n" {
		t.Errorf("proxy log %q, want one CONNECT to %s", b, host)
	}
}

func TestDialRefused(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	s := newSession(t, httpclient.Options{})
	ctx := context.Background()
	c, resp, err := s.Dial(ctx, &httpclient.Request{URL: wsURL(f.Getenv("FAULT"), "/ws/info?auth=basic")}, httpclient.DialOptions{})
	if c != nil || !errors.Is(err, httpclient.ErrNotUpgraded) || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("Dial without credentials = %v, %v, %v; want a 401 Response and ErrNotUpgraded", c, resp, err)
	}
	body, _ := resp.Bytes()
	if !strings.Contains(string(body), "credentials") {
		t.Errorf("401 body %q not readable whole", body)
	}

	_, _, err = s.Dial(ctx, &httpclient.Request{URL: "ws://127.0.0.1:1/"}, httpclient.DialOptions{})
	if !errors.Is(err, httpclient.ErrConnection) {
		t.Errorf("Dial to a closed port: %v, want a ConnectionError", err)
	}
}

// Hostile servers: the read ends with 1009 within the limit's reach.
func TestDialBoundedReads(t *testing.T) {
	t.Parallel()
	f := fixtures(t)
	tests := []struct {
		name  string
		path  string
		limit int64
	}{
		{"100 MiB message", "/ws/hostile/big", 0},
		{"endless 1-byte fragments", "/ws/hostile/fragments?size=1", 64 << 10},
		{"endless empty fragments", "/ws/hostile/fragments?size=0", 64 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, httpclient.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, _, err := s.Dial(ctx, &httpclient.Request{URL: wsURL(f.Getenv("FAULT"), tc.path)}, httpclient.DialOptions{MaxMessageSize: tc.limit})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			_, _, err = c.Read(ctx)
			if !errors.Is(err, websocket.ErrMessageTooBig) {
				t.Errorf("Read = %v, want a message too big", err)
			}
		})
	}
}

// A session dials a WebSocket with its cookies, headers and credentials.
func ExampleSession_Dial() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		typ, b, err := c.Read(r.Context())
		if err != nil {
			return
		}
		c.Write(r.Context(), typ, append([]byte("echo: "), b...))
		c.Close(websocket.StatusNormalClosure, "")
	}))
	defer srv.Close()

	s, _ := httpclient.New(httpclient.Options{})
	s.Auth = &httpclient.BasicAuth{Username: "gopher", Password: "secret"}
	ctx := context.Background()
	c, _, err := s.Dial(ctx, &httpclient.Request{URL: "ws" + strings.TrimPrefix(srv.URL, "http")}, httpclient.DialOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte("hi"))
	_, b, _ := c.Read(ctx)
	fmt.Println(string(b))
	_, _, err = c.Read(ctx)
	fmt.Println(websocket.CloseStatus(err))
	// Output:
	// echo: hi
	// StatusNormalClosure
}
