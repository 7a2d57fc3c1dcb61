package testserver

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// ServerConfig configures [StartServer].
type ServerConfig struct {
	// TLS, when set, serves HTTPS with this configuration (its
	// Certificates are required). NextProtos defaults to http/1.1 only, or
	// h2 and http/1.1 with HTTP2.
	TLS *tls.Config
	// HTTP2 offers HTTP/2 over TLS through ALPN; without TLS it accepts
	// HTTP/2 with prior knowledge (h2c) beside HTTP/1.1.
	HTTP2 bool
	// UnixSocket, when set, listens on this Unix socket path instead of
	// 127.0.0.1.
	UnixSocket string
}

// Server is an HTTP server on a loopback listener (127.0.0.1 on an
// ephemeral port, or a Unix socket).
type Server struct {
	// URL is http://127.0.0.1:PORT or https://127.0.0.1:PORT; for a Unix
	// socket, http://localhost.
	URL string
	// Addr is the listener's host:port, or the socket path.
	Addr string
	// Port is the TCP port (0 for a Unix socket).
	Port int

	ts *httptest.Server
}

// StartServer serves h on a new loopback listener. Server errors such as
// failed TLS handshakes, which tests provoke on purpose, are not logged.
func StartServer(h http.Handler, cfg ServerConfig) (*Server, error) {
	network, addr := "tcp", "127.0.0.1:0"
	if cfg.UnixSocket != "" {
		network, addr = "unix", cfg.UnixSocket
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	ts := httptest.NewUnstartedServer(h)
	ts.Listener.Close()
	ts.Listener = l
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	s := &Server{Addr: l.Addr().String(), ts: ts}
	if cfg.TLS != nil {
		ts.TLS = cfg.TLS.Clone()
		if ts.TLS.NextProtos == nil {
			ts.TLS.NextProtos = []string{"http/1.1"}
			if cfg.HTTP2 {
				ts.TLS.NextProtos = []string{"h2", "http/1.1"}
			}
		}
		ts.EnableHTTP2 = cfg.HTTP2
		ts.StartTLS()
	} else {
		if cfg.HTTP2 {
			var p http.Protocols
			p.SetHTTP1(true)
			p.SetUnencryptedHTTP2(true)
			ts.Config.Protocols = &p
		}
		ts.Start()
	}
	s.URL = ts.URL // scheme://127.0.0.1:PORT
	if cfg.UnixSocket != "" {
		s.URL = "http://localhost"
	} else if tcp, ok := l.Addr().(*net.TCPAddr); ok {
		s.Port = tcp.Port
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return s, nil
}

// Close closes the listener and every connection, including those whose
// handler is still running (a stalled response), then waits for the
// handlers to return.
func (s *Server) Close() {
	s.ts.CloseClientConnections()
	s.ts.Close()
}
