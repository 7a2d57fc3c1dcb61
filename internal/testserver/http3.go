package testserver

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"

	"github.com/quic-go/quic-go/http3"
)

// HTTP3Server is an HTTP/3 (QUIC) server on a UDP port of 127.0.0.1.
type HTTP3Server struct {
	// URL is https://127.0.0.1:PORT.
	URL string
	// Port is the UDP port.
	Port int

	srv  *http3.Server
	conn *net.UDPConn
}

// StartHTTP3 serves h over HTTP/3 with cfg (its Certificates are required;
// ClientAuth and ClientCAs apply as over TCP).
func StartHTTP3(h http.Handler, cfg *tls.Config) (*HTTP3Server, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, fmt.Errorf("listen udp: %w", err)
	}
	srv := &http3.Server{
		Handler:   h,
		TLSConfig: http3.ConfigureTLSConfig(cfg.Clone()),
		// Handshakes that tests make fail on purpose are not logged.
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	go srv.Serve(conn) // returns when the server is closed
	port := conn.LocalAddr().(*net.UDPAddr).Port
	return &HTTP3Server{URL: fmt.Sprintf("https://127.0.0.1:%d", port), Port: port, srv: srv, conn: conn}, nil
}

// Close stops the server and its connections.
func (s *HTTP3Server) Close() {
	s.srv.Close()
	s.conn.Close()
}
