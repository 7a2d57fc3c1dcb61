package httpclient

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	socks5 "github.com/armon/go-socks5"
	"github.com/elazarl/goproxy"
)

func TestProxyFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		explicit map[string]string
		env      map[string]string // nil: TrustEnv off
		url      string
		want     string // empty: direct
	}{
		{name: "scheme key", explicit: map[string]string{"http": "proxy:3128"}, url: "http://example.org/", want: "http://proxy:3128"},
		{name: "scheme key does not serve another scheme", explicit: map[string]string{"http": "proxy:3128"}, url: "https://example.org/"},
		{name: "all key", explicit: map[string]string{"all": "socks5h://s:1080"}, url: "https://example.org/", want: "socks5h://s:1080"},
		{name: "scheme://host beats scheme", explicit: map[string]string{"http": "http://a:1", "http://example.org": "http://b:2"},
			url: "http://EXAMPLE.org:8080/x", want: "http://b:2"},
		{name: "scheme beats all://host", explicit: map[string]string{"http": "http://a:1", "all://example.org": "http://b:2"},
			url: "http://example.org/", want: "http://a:1"},
		{name: "all://host beats all", explicit: map[string]string{"all": "http://a:1", "all://example.org": "http://b:2"},
			url: "https://example.org/", want: "http://b:2"},
		{name: "host key needs the same host", explicit: map[string]string{"http://example.org": "http://b:2"}, url: "http://www.example.org/"},
		{name: "empty explicit URL goes direct despite the environment", explicit: map[string]string{"http": ""},
			env: map[string]string{"http_proxy": "http://envproxy:1"}, url: "http://example.org/"},
		{name: "explicit beats environment", explicit: map[string]string{"all": "http://mine:1"},
			env: map[string]string{"https_proxy": "http://envproxy:1"}, url: "https://example.org/", want: "http://mine:1"},
		{name: "environment when nothing explicit matches", explicit: map[string]string{"http": "http://mine:1"},
			env: map[string]string{"https_proxy": "http://envproxy:1"}, url: "https://example.org/", want: "http://envproxy:1"},
		{name: "environment ignored without trust env", url: "http://example.org/"},
		{name: "loopback is proxied", env: map[string]string{"http_proxy": "http://envproxy:1"}, url: "http://127.0.0.1:8080/", want: "http://envproxy:1"},
		{name: "localhost is proxied", env: map[string]string{"http_proxy": "http://envproxy:1"}, url: "http://localhost/", want: "http://envproxy:1"},
		{name: "all_proxy", env: map[string]string{"all_proxy": "socks5://s:1080"}, url: "https://example.org/", want: "socks5://s:1080"},
		{name: "ALL_PROXY", env: map[string]string{"ALL_PROXY": "socks5://s:1080"}, url: "http://example.org/", want: "socks5://s:1080"},
		{name: "scheme variable beats all_proxy", env: map[string]string{"all_proxy": "http://all:1", "http_proxy": "http://h:1"},
			url: "http://example.org/", want: "http://h:1"},
		{name: "HTTPS_PROXY", env: map[string]string{"HTTPS_PROXY": "http://up:1"}, url: "https://example.org/", want: "http://up:1"},
		{name: "lower case wins", env: map[string]string{"HTTPS_PROXY": "http://up:1", "https_proxy": "http://low:1"},
			url: "https://example.org/", want: "http://low:1"},
		{name: "empty lower case disables upper case", env: map[string]string{"HTTP_PROXY": "http://up:1", "http_proxy": ""},
			url: "http://example.org/"},
		{name: "HTTP_PROXY ignored under CGI", env: map[string]string{"HTTP_PROXY": "http://up:1", "REQUEST_METHOD": "GET"},
			url: "http://example.org/"},
		{name: "no_proxy bypasses the environment", env: map[string]string{"http_proxy": "http://p:1", "no_proxy": "example.org"},
			url: "http://www.example.org/"},
		{name: "NO_PROXY", env: map[string]string{"http_proxy": "http://p:1", "NO_PROXY": "127.0.0.0/8"}, url: "http://127.0.0.1/"},
		{name: "env no_proxy does not touch explicit proxies", explicit: map[string]string{"http": "http://mine:1"},
			env: map[string]string{"no_proxy": "*"}, url: "http://example.org/", want: "http://mine:1"},
		{name: "explicit no_proxy key applies to explicit proxies", explicit: map[string]string{"http": "http://mine:1", "no_proxy": "example.org"},
			url: "http://example.org/"},
		{name: "explicit no_proxy replaces the environment's", explicit: map[string]string{"no_proxy": "other.org"},
			env: map[string]string{"http_proxy": "http://p:1", "no_proxy": "example.org"}, url: "http://example.org/", want: "http://p:1"},
		{name: "proxy URL keeps percent-encoded credentials", explicit: map[string]string{"https": "http://us%20er:p%40ss@p:1"},
			url: "https://example.org/", want: "http://us%20er:p%40ss@p:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ps, err := newProxySelector(tc.explicit)
			if err != nil {
				t.Fatalf("newProxySelector(%v): %v", tc.explicit, err)
			}
			var env *envProxies
			if tc.env != nil {
				env = readEnvProxies(envOf(tc.env))
			}
			u, _ := url.Parse(tc.url)
			got, err := ps.proxyFor(u, env)
			if err != nil {
				t.Fatalf("proxyFor(%s) with %v, env %v: %v", tc.url, tc.explicit, tc.env, err)
			}
			gotS := ""
			if got != nil {
				gotS = got.String()
			}
			if gotS != tc.want {
				t.Errorf("proxyFor(%s) with %v, env %v = %q, want %q", tc.url, tc.explicit, tc.env, gotS, tc.want)
			}
		})
	}
}

func TestProxySelectorErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		explicit map[string]string
		want     string
	}{
		{"unsupported scheme", map[string]string{"http": "ftp://p:21"}, `unsupported scheme "ftp"`},
		{"unknown SOCKS version", map[string]string{"all": "socks6://p:1080"}, `unsupported scheme "socks6"`},
		{"no host", map[string]string{"http": "http://:8080"}, "no host"},
		{"bad key", map[string]string{"://x": "http://p:1"}, "proxy key"},
		{"password is not shown", map[string]string{"http": "gopher://u:secret@p:1"}, "u:xxxxx@p:1"},
		// URLs that do not parse: Go's message would quote the password.
		{"hash in the password", map[string]string{"http": "http://u:secret#1@p:1"}, `"http://u:xxxxx@p:1": the user name or password must be percent-encoded`},
		{"slash in the password", map[string]string{"http": "http://u:secret/1@p:1"}, `"http://u:xxxxx@p:1": the user name or password must be percent-encoded`},
		{"space in the password", map[string]string{"http": "u:secret 1@p:1"}, `"http://u:xxxxx@p:1": the user name or password must be percent-encoded`},
		{"bad escape in the password", map[string]string{"http": "http://u:secret%zz@p:1"}, "must be percent-encoded"},
		{"bad host after credentials", map[string]string{"http": "http://u:secret@p:x"}, `"http://u:xxxxx@p:x": invalid port ":x" after host`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := newProxySelector(tc.explicit)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "net/url") {
				t.Errorf("newProxySelector(%v) error = %v, want one containing %q and no password", tc.explicit, err, tc.want)
			}
		})
	}
}

func TestBadEnvironmentProxyFailsOnlyItsRequests(t *testing.T) {
	t.Parallel()
	ps, err := newProxySelector(nil)
	if err != nil {
		t.Fatal(err)
	}
	env := readEnvProxies(envOf(map[string]string{"https_proxy": "ftp://p:21"}))
	if _, err := ps.proxyFor(&url.URL{Scheme: "http", Host: "example.org"}, env); err != nil {
		t.Errorf("http request with a bad https_proxy: %v", err)
	}
	_, err = ps.proxyFor(&url.URL{Scheme: "https", Host: "example.org"}, env)
	if err == nil || !strings.Contains(err.Error(), "https_proxy") {
		t.Errorf("https request with a bad https_proxy: error %v, want one naming the variable", err)
	}
}

func TestNoProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		noProxy    string
		host, port string
		want       bool
	}{
		{"example.org", "example.org", "80", true},
		{"example.org", "www.example.org", "80", true},
		{"example.org", "notexample.org", "80", false},
		{".example.org", "example.org", "443", true},
		{".example.org", "a.b.example.org", "443", true},
		{"*.example.org", "a.example.org", "443", true},
		{"*", "anything", "1", true},
		{"a.org, b.org", "b.org", "80", true},
		{"a.org b.org", "b.org", "80", true},
		{"example.org:8080", "example.org", "8080", true},
		{"example.org:8080", "example.org", "80", false},
		{"127.0.0.1", "127.0.0.1", "80", true},
		{"127.0.0.1", "127.0.0.2", "80", false},
		{"127.0.0.1:9000", "127.0.0.1", "9000", true},
		{"127.0.0.1:9000", "127.0.0.1", "9001", false},
		{"10.0.0.0/8", "10.1.2.3", "80", true},
		{"10.0.0.0/8", "11.1.2.3", "80", false},
		{"10.0.0.0/8", "ten.example", "80", false},
		{"::1", "::1", "80", true},
		{"[::1]:8080", "::1", "8080", true},
		{"[::1]:8080", "::1", "80", false},
		{"fd00::/8", "fd12::1", "443", true},
		{"localhost", "localhost", "3000", true},
		{"localhost", "127.0.0.1", "3000", false},
		{"EXAMPLE.ORG", "example.org", "80", true},
		{"example.org.", "www.example.org", "80", true},
		{"", "example.org", "80", false},
		{" , ", "example.org", "80", false},
	}
	for _, tc := range tests {
		if got := parseNoProxy(tc.noProxy).bypass(tc.host, tc.port); got != tc.want {
			t.Errorf("no_proxy %q: bypass(%q, %q) = %v, want %v", tc.noProxy, tc.host, tc.port, got, tc.want)
		}
	}
}

// proxyLog collects what a test proxy saw, one line per request.
type proxyLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *proxyLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *proxyLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startHTTPProxy runs goproxy, logging "METHOD target auth" for each
// request. With user set, it wants Basic credentials and answers 407
// otherwise. With tlsProxy, it is served over TLS with the test server
// certificate.
func startHTTPProxy(t *testing.T, user, pass string, tlsProxy bool) (*url.URL, *proxyLog) {
	t.Helper()
	plog := &proxyLog{}
	want := ""
	if user != "" {
		want = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	p := goproxy.NewProxyHttpServer()
	p.Logger = quietLog()
	p.Tr = &http.Transport{} // no proxy of its own
	deny := func(r *http.Request) *http.Response {
		return goproxy.NewResponse(r, "text/plain", http.StatusProxyAuthRequired, "proxy auth required")
	}
	p.OnRequest().HandleConnectFunc(func(host string, ctx *goproxy.ProxyCtx) (*goproxy.ConnectAction, string) {
		got := ctx.Req.Header.Get("Proxy-Authorization")
		plog.add("CONNECT %s %s", host, got)
		if got != want {
			ctx.Resp = deny(ctx.Req)
			return goproxy.RejectConnect, host
		}
		return goproxy.OkConnect, host
	})
	p.OnRequest().DoFunc(func(r *http.Request, ctx *goproxy.ProxyCtx) (*http.Request, *http.Response) {
		got := r.Header.Get("Proxy-Authorization")
		plog.add("%s %s %s", r.Method, r.URL, got)
		if got != want {
			return r, deny(r)
		}
		return r, nil
	})
	srv := httptest.NewUnstartedServer(p)
	srv.Config.ErrorLog = quietLog()
	if tlsProxy {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{loadTestPKI(t).server}}
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	return u, plog
}

// startSOCKSProxy runs go-socks5, logging the address each CONNECT asked
// for (a name for socks5h, an address for socks5). Names in hosts resolve
// to 127.0.0.1 on the proxy side.
func startSOCKSProxy(t *testing.T, user, pass string, hosts ...string) (*url.URL, *proxyLog) {
	t.Helper()
	plog := &proxyLog{}
	conf := &socks5.Config{
		Logger:   log.New(io.Discard, "", 0),
		Resolver: fakeResolver(hosts),
		Rewriter: logRewriter{plog},
	}
	if user != "" {
		conf.Credentials = socks5.StaticCredentials{user: pass}
	}
	srv, err := socks5.New(conf)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { ln.Close() })
	u := &url.URL{Scheme: "socks5", Host: ln.Addr().String()}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	return u, plog
}

type fakeResolver []string

func (r fakeResolver) Resolve(ctx context.Context, name string) (context.Context, net.IP, error) {
	for _, h := range r {
		if h == name {
			return ctx, net.IPv4(127, 0, 0, 1), nil
		}
	}
	if ip := net.ParseIP(name); ip != nil {
		return ctx, ip, nil
	}
	return ctx, nil, fmt.Errorf("no such host %s", name)
}

type logRewriter struct{ plog *proxyLog }

func (l logRewriter) Rewrite(ctx context.Context, req *socks5.Request) (context.Context, *socks5.AddrSpec) {
	l.plog.add("CONNECT %s", req.DestAddr.String())
	return ctx, req.DestAddr
}

func withScheme(u *url.URL, scheme string) string {
	c := *u
	c.Scheme = scheme
	return c.String()
}

func TestProxiesEndToEnd(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	plain := httptest.NewServer(protoHandler)
	t.Cleanup(plain.Close)
	secure := startTLSServer(t, p.server, nil)
	plainPort := plain.Listener.Addr().(*net.TCPAddr).Port
	securePort := secure.Listener.Addr().(*net.TCPAddr).Port

	httpProxy, httpLog := startHTTPProxy(t, "", "", false)
	authProxy, authLog := startHTTPProxy(t, "proxy user", "p@ss:w/rd", false)
	tlsProxy, tlsLog := startHTTPProxy(t, "", "", true)
	socksProxy, socksLog := startSOCKSProxy(t, "socksuser", "sockspass", "reqs.test")
	badAuth := *authProxy
	badAuth.User = url.UserPassword("proxy user", "wrong")
	badSocks := *socksProxy
	badSocks.User = url.UserPassword("socksuser", "wrong")
	// Nothing listens on port 1, and being privileged it is never handed
	// out as an ephemeral port: a port freed by closing a listener could
	// be taken by a server of a parallel test.
	downURL := "http://127.0.0.1:1"

	tests := []struct {
		name       string
		proxies    map[string]string
		env        map[string]string
		resolve    []ResolveEntry
		url        string
		wantBody   string // prefix of the body
		wantStatus int
		log        *proxyLog
		wantLog    string // in the proxy's log
		wantKind   error
		wantMsg    string
	}{
		{name: "http proxy, http target", proxies: map[string]string{"http": httpProxy.String()}, url: plain.URL + "/a",
			wantBody: "HTTP/1.1", log: httpLog, wantLog: "GET " + plain.URL + "/a"},
		{name: "http proxy, https target tunnels", proxies: map[string]string{"https": httpProxy.String()}, url: secure.URL + "/b",
			wantBody: "HTTP/2.0", log: httpLog, wantLog: fmt.Sprintf("CONNECT 127.0.0.1:%d", securePort)},
		{name: "proxy credentials are percent-decoded", proxies: map[string]string{"all": authProxy.String()}, url: secure.URL + "/c",
			wantBody: "HTTP/2.0", log: authLog, wantLog: "Basic " + base64.StdEncoding.EncodeToString([]byte("proxy user:p@ss:w/rd"))},
		{name: "proxy credentials on an absolute-form request", proxies: map[string]string{"all": authProxy.String()}, url: plain.URL + "/d",
			wantBody: "HTTP/1.1", log: authLog, wantLog: "GET " + plain.URL + "/d Basic"},
		{name: "refused CONNECT is a proxy error", proxies: map[string]string{"all": badAuth.String()}, url: secure.URL + "/e",
			wantKind: ErrProxy, wantMsg: "407 Proxy Authentication Required"},
		{name: "407 to a plain request is a response", proxies: map[string]string{"all": badAuth.String()}, url: plain.URL + "/f",
			wantStatus: http.StatusProxyAuthRequired},
		{name: "https proxy, http target", proxies: map[string]string{"all": tlsProxy.String()}, url: plain.URL + "/g",
			wantBody: "HTTP/1.1", log: tlsLog, wantLog: "GET " + plain.URL + "/g"},
		{name: "https proxy, https target", proxies: map[string]string{"all": tlsProxy.String()}, url: secure.URL + "/h",
			wantBody: "HTTP/2.0", log: tlsLog, wantLog: fmt.Sprintf("CONNECT 127.0.0.1:%d", securePort)},
		{name: "socks5 resolves locally", proxies: map[string]string{"all": socksProxy.String()},
			resolve: []ResolveEntry{{Host: "reqs.test", Port: uint16(securePort), Addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}},
			url:     fmt.Sprintf("https://reqs.test:%d/i", securePort), wantBody: "HTTP/2.0 reqs.test",
			log: socksLog, wantLog: fmt.Sprintf("CONNECT 127.0.0.1:%d", securePort)},
		{name: "socks5h lets the proxy resolve", proxies: map[string]string{"all": withScheme(socksProxy, "socks5h")},
			url: fmt.Sprintf("http://reqs.test:%d/j", plainPort), wantBody: "HTTP/1.1 reqs.test",
			log: socksLog, wantLog: fmt.Sprintf("CONNECT reqs.test (127.0.0.1):%d", plainPort)},
		{name: "socks5h with a name the proxy cannot resolve", proxies: map[string]string{"all": withScheme(socksProxy, "socks5h")},
			url: "http://nowhere.test/", wantKind: ErrConnection, wantMsg: "could not reach nowhere.test:80: host unreachable"},
		{name: "socks target refused is a connection error", proxies: map[string]string{"all": socksProxy.String()},
			url: downURL, wantKind: ErrConnection, wantMsg: "connection refused"},
		{name: "socks credentials rejected", proxies: map[string]string{"all": badSocks.String()}, url: plain.URL,
			wantKind: ErrProxy, wantMsg: "authentication failed"},
		{name: "http proxy down", proxies: map[string]string{"all": downURL}, url: plain.URL,
			wantKind: ErrProxy, wantMsg: "cannot connect to proxy " + downURL},
		{name: "socks proxy down", proxies: map[string]string{"all": strings.Replace(downURL, "http", "socks5", 1)}, url: plain.URL,
			wantKind: ErrProxy, wantMsg: "cannot connect to proxy socks5://"},
		{name: "https proxy with an untrusted certificate", proxies: map[string]string{"all": tlsProxy.String()}, url: plain.URL,
			wantKind: ErrProxy, wantMsg: "unknown authority"},
		{name: "environment proxy for loopback", env: map[string]string{"http_proxy": httpProxy.String()}, url: plain.URL + "/k",
			wantBody: "HTTP/1.1", log: httpLog, wantLog: "GET " + plain.URL + "/k"},
		{name: "bad environment proxy", env: map[string]string{"HTTP_PROXY": "ftp://x"}, url: plain.URL,
			wantKind: ErrProxy, wantMsg: "HTTP_PROXY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Proxies: tc.proxies, Resolve: tc.resolve, CABundle: files.caFile}
			if tc.name == "https proxy with an untrusted certificate" {
				opts.CABundle = files.otherCAFile
			}
			resp, body, err := fetchEnv(t, opts, tc.env, tc.url)
			if tc.wantKind != nil {
				if !errors.Is(err, tc.wantKind) || !strings.Contains(err.Error(), tc.wantMsg) {
					t.Fatalf("GET %s via %v: error %v, want %v containing %q", tc.url, tc.proxies, err, tc.wantKind, tc.wantMsg)
				}
				if strings.Contains(err.Error(), "wrong") || strings.Contains(err.Error(), "p@ss") {
					t.Errorf("GET %s via %v: error %v shows the proxy password", tc.url, tc.proxies, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s via %v: %v", tc.url, tc.proxies, err)
			}
			if tc.wantStatus != 0 && resp.StatusCode != tc.wantStatus {
				t.Errorf("GET %s via %v: status %d, want %d", tc.url, tc.proxies, resp.StatusCode, tc.wantStatus)
			}
			if !strings.HasPrefix(body, tc.wantBody) {
				t.Errorf("GET %s via %v: body %q, want prefix %q", tc.url, tc.proxies, body, tc.wantBody)
			}
			if tc.log != nil && !strings.Contains(tc.log.String(), tc.wantLog) {
				t.Errorf("GET %s via %v: proxy log\n%s\nlacks %q", tc.url, tc.proxies, tc.log, tc.wantLog)
			}
		})
	}
}

// TestProxyChosenPerRequest sends two requests through one session: the
// proxy is picked for each URL, as it must be for every redirect hop.
func TestProxyChosenPerRequest(t *testing.T) {
	t.Parallel()
	target := httptest.NewServer(protoHandler)
	t.Cleanup(target.Close)
	proxyURL, plog := startHTTPProxy(t, "", "", false)
	s, err := New(Options{Proxies: map[string]string{"http://localhost": proxyURL.String()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	viaLocalhost := strings.Replace(target.URL, "127.0.0.1", "localhost", 1) + "/proxied"
	for _, u := range []string{target.URL + "/direct", viaLocalhost} {
		resp, err := s.Do(context.Background(), &Request{Method: "GET", URL: u}, SendOptions{NoRedirects: true})
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Close()
	}
	got := plog.String()
	if !strings.Contains(got, "GET "+viaLocalhost) || strings.Contains(got, "/direct") {
		t.Errorf("proxy log\n%s\nwant only %s", got, viaLocalhost)
	}
}

// TestProxyVariable: the session names the environment variable a proxy
// came from (the lower-case one wins), and none for an explicit proxy or
// a direct connection.
func TestProxyVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HTTP_PROXY": "http://upper:3128", "https_proxy": "u:p@lower:3128", "HTTPS_PROXY": "http://ignored:1", "no_proxy": "direct.test"}
	s, err := New(Options{Proxies: map[string]string{"http://explicit.test": "http://p:1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.TrustEnv = true
	s.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for u, want := range map[string]string{
		"http://a.test/":        "HTTP_PROXY",
		"https://a.test/":       "https_proxy",
		"http://explicit.test/": "",
		"http://direct.test/":   "",
	} {
		pu, _ := url.Parse(u)
		if got := s.ProxyVariable(pu); got != want {
			t.Errorf("ProxyVariable(%s) = %q, want %q", u, got, want)
		}
	}
}
