package testserver

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"sync"

	socks5 "github.com/armon/go-socks5"
)

// SOCKS5Config configures [StartSOCKS5].
type SOCKS5Config struct {
	// LogPath, when set, is a file that gets one line per CONNECT request
	// the server accepted, naming the target exactly as the client asked:
	// "localhost:8080" when the client sent a host name (socks5h://, DNS
	// on the proxy) and "127.0.0.1:8080" when it sent an address
	// (socks5://, DNS on the client). Connections that fail
	// authentication are not logged. The file is created (empty) at start.
	LogPath string
	// User and Password, when User is set, require RFC 1929
	// username/password authentication.
	User, Password string
}

// SOCKS5 is a SOCKS5 server (github.com/armon/go-socks5) on 127.0.0.1 that
// connects only to loopback addresses.
type SOCKS5 struct {
	// Addr is its host:port; clients use socks5://Addr or socks5h://Addr.
	Addr string

	l    net.Listener
	logf *lineLog
	wg   sync.WaitGroup
}

// StartSOCKS5 starts a SOCKS5 server.
func StartSOCKS5(cfg SOCKS5Config) (*SOCKS5, error) {
	lg, err := openLineLog(cfg.LogPath)
	if err != nil {
		return nil, err
	}
	conf := &socks5.Config{
		Resolver: loopbackResolver{},
		Rules:    socksRules{log: lg},
		Logger:   log.New(io.Discard, "", 0),
		Dial:     dialLoopback,
	}
	if cfg.User != "" {
		conf.Credentials = socks5.StaticCredentials{cfg.User: cfg.Password}
	}
	srv, err := socks5.New(conf)
	if err != nil {
		lg.Close()
		return nil, fmt.Errorf("socks5: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		lg.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &SOCKS5{Addr: l.Addr().String(), l: l, logf: lg}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		srv.Serve(l) // returns when the listener is closed
	}()
	return s, nil
}

// Close stops accepting connections and closes the log; tunnels already
// open end when either side closes them.
func (s *SOCKS5) Close() {
	s.l.Close()
	s.wg.Wait()
	s.logf.Close()
}

// loopbackResolver resolves names on the proxy side (socks5h) to loopback
// addresses only.
type loopbackResolver struct{}

func (loopbackResolver) Resolve(ctx context.Context, name string) (context.Context, net.IP, error) {
	ip, err := loopbackHost(ctx, name)
	return ctx, ip, err
}

// socksRules logs each CONNECT target as the client sent it and refuses
// targets outside loopback.
type socksRules struct{ log *lineLog }

func (r socksRules) Allow(ctx context.Context, req *socks5.Request) (context.Context, bool) {
	d := req.DestAddr
	host := d.FQDN
	if host == "" {
		host = d.IP.String()
	}
	if req.Command == socks5.ConnectCommand {
		r.log.Printf("%s", net.JoinHostPort(host, strconv.Itoa(d.Port)))
	}
	return ctx, req.Command == socks5.ConnectCommand && d.IP.IsLoopback()
}
