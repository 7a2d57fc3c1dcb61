package testserver

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/elazarl/goproxy"
)

// ProxyConfig configures [StartHTTPProxy].
type ProxyConfig struct {
	// LogPath, when set, is a file that gets one line per request the
	// proxy accepted: "METHOD TARGET" with the request target exactly as
	// the client sent it, so "GET http://127.0.0.1:8080/get" for a plain
	// HTTP request in absolute form and "CONNECT 127.0.0.1:8443" for a
	// tunnel. Requests refused for want of credentials are not logged.
	// The file is created (empty) at start and appended to.
	LogPath string
	// User and Password, when User is set, make the proxy demand Basic
	// proxy credentials: 407 with Proxy-Authenticate otherwise, for plain
	// requests and CONNECT alike.
	User, Password string
	// TLS, when set, makes it an https:// proxy: clients speak TLS to the
	// proxy itself (HTTP/1.1 only).
	TLS *tls.Config
}

// Proxy is a forward proxy started by [StartHTTPProxy] (github.com/elazarl/goproxy
// for plain requests and CONNECT tunnels) on 127.0.0.1. It connects only to
// loopback addresses.
type Proxy struct {
	// URL is the proxy's URL without credentials: http://127.0.0.1:PORT,
	// or https://127.0.0.1:PORT with ProxyConfig.TLS.
	URL string
	// Addr is its host:port.
	Addr string

	srv  *Server
	logf *lineLog
}

// StartHTTPProxy starts an HTTP forward proxy.
func StartHTTPProxy(cfg ProxyConfig) (*Proxy, error) {
	lg, err := openLineLog(cfg.LogPath)
	if err != nil {
		return nil, err
	}
	gp := goproxy.NewProxyHttpServer()
	gp.Logger = log.New(io.Discard, "", 0)
	gp.KeepAcceptEncoding = true // pass the client's codings through untouched
	gp.Tr = &http.Transport{
		Proxy:              nil, // never chain to the host's proxy
		DialContext:        dialLoopback,
		TLSClientConfig:    &tls.Config{InsecureSkipVerify: true}, // absolute-form https targets only; tunnels are opaque
		DisableCompression: true,
	}
	gp.ConnectDial = func(network, addr string) (net.Conn, error) {
		return dialLoopback(context.Background(), network, addr)
	}
	h := &proxyHandler{gp: gp, log: lg}
	if cfg.User != "" {
		h.wantAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.User+":"+cfg.Password))
	}
	srv, err := StartServer(h, ServerConfig{TLS: cfg.TLS})
	if err != nil {
		lg.Close()
		return nil, err
	}
	return &Proxy{URL: srv.URL, Addr: srv.Addr, srv: srv, logf: lg}, nil
}

// Close stops the proxy and closes its log.
func (p *Proxy) Close() {
	p.srv.Close()
	p.logf.Close()
}

type proxyHandler struct {
	gp       *goproxy.ProxyHttpServer
	wantAuth string // the exact Proxy-Authorization value required, if any
	log      *lineLog
}

func (h *proxyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.wantAuth != "" {
		got := r.Header.Get("Proxy-Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte(h.wantAuth)) != 1 {
			w.Header().Set("Proxy-Authenticate", `Basic realm="reqs test proxy"`)
			http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
			return
		}
	}
	if r.Method != http.MethodConnect && !r.URL.IsAbs() {
		http.Error(w, "this is a proxy: send requests in absolute form or CONNECT", http.StatusBadRequest)
		return
	}
	h.log.Printf("%s %s", r.Method, r.RequestURI)
	h.gp.ServeHTTP(w, r)
}

// lineLog appends lines to a file, each written at once so a test reading
// the file after the client finished sees every line. A nil *lineLog
// discards.
type lineLog struct {
	mu sync.Mutex
	f  *os.File
}

func openLineLog(path string) (*lineLog, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open proxy log: %w", err)
	}
	return &lineLog{f: f}, nil
}

func (l *lineLog) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	line = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(line) + "\n"
	l.mu.Lock()
	defer l.mu.Unlock()
	l.f.WriteString(line)
}

func (l *lineLog) Close() {
	if l != nil {
		l.f.Close()
	}
}
