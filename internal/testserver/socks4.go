package testserver

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// SOCKS4 reply codes (the CD field of a reply).
const (
	SOCKS4Granted        = 90 // request granted
	SOCKS4Rejected       = 91 // request rejected or failed
	SOCKS4UserIDMismatch = 93 // the user ID does not match
)

// SOCKS4Config configures [StartSOCKS4].
type SOCKS4Config struct {
	// LogPath, when set, is a file that gets one line per CONNECT request
	// the server granted, naming the target as the client asked:
	// "localhost:8080" when the client sent a host name (SOCKS4a) and
	// "127.0.0.1:8080" when it sent an address (SOCKS4). The file is
	// created (empty) at start.
	LogPath string
	// UserID, when set, is the only user ID the server accepts; others
	// get reply 93.
	UserID string
}

// SOCKS4 is a SOCKS4 and SOCKS4a server on 127.0.0.1 that connects only to
// loopback addresses. x/net/proxy, like most Go libraries, has no SOCKS4,
// so this small one speaks the protocol as its specification
// (openssh.com/txt/socks4.protocol, socks4a.protocol) describes it.
type SOCKS4 struct {
	// Addr is its host:port; clients use socks4://Addr or socks4a://Addr.
	Addr string

	cfg  SOCKS4Config
	l    net.Listener
	logf *lineLog
	wg   sync.WaitGroup
}

// StartSOCKS4 starts a SOCKS4/4a server.
func StartSOCKS4(cfg SOCKS4Config) (*SOCKS4, error) {
	lg, err := openLineLog(cfg.LogPath)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		lg.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &SOCKS4{Addr: l.Addr().String(), cfg: cfg, l: l, logf: lg}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return // the listener was closed
			}
			go s.serve(c)
		}
	}()
	return s, nil
}

// Close stops accepting connections and closes the log; tunnels already
// open end when either side closes them.
func (s *SOCKS4) Close() {
	s.l.Close()
	s.wg.Wait()
	s.logf.Close()
}

// socks4Request is a parsed CONNECT or BIND request.
type socks4Request struct {
	command byte
	port    uint16
	ip      net.IP
	userID  string
	host    string // SOCKS4a: the name sent after the user ID
}

// target is the destination as the client gave it.
func (r *socks4Request) target() string {
	host := r.host
	if host == "" {
		host = r.ip.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(int(r.port)))
}

// readSOCKS4Request reads VN CD DSTPORT DSTIP USERID NUL, and for SOCKS4a
// (DSTIP 0.0.0.x, x not 0) the host name and its NUL.
func readSOCKS4Request(br *bufio.Reader) (*socks4Request, error) {
	var head [8]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, err
	}
	if head[0] != 4 {
		return nil, fmt.Errorf("version %d, want 4", head[0])
	}
	r := &socks4Request{command: head[1], port: binary.BigEndian.Uint16(head[2:4]), ip: net.IP(head[4:8])}
	var err error
	if r.userID, err = readNulString(br); err != nil {
		return nil, err
	}
	if head[4] == 0 && head[5] == 0 && head[6] == 0 && head[7] != 0 {
		if r.host, err = readNulString(br); err != nil {
			return nil, err
		}
		if r.host == "" {
			return nil, errors.New("empty SOCKS4a host name")
		}
	}
	return r, nil
}

// readNulString reads a NUL-terminated string of at most 255 bytes.
func readNulString(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		c, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		if c == 0 {
			return string(b), nil
		}
		if len(b) == 255 {
			return "", errors.New("string longer than 255 bytes")
		}
		b = append(b, c)
	}
}

func (s *SOCKS4) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	req, err := readSOCKS4Request(br)
	if err != nil {
		return
	}
	reply := func(code byte) error {
		_, err := c.Write([]byte{0, code, 0, 0, 0, 0, 0, 0})
		return err
	}
	switch {
	case req.command != 1: // only CONNECT
		reply(SOCKS4Rejected)
		return
	case s.cfg.UserID != "" && req.userID != s.cfg.UserID:
		reply(SOCKS4UserIDMismatch)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	up, err := dialLoopback(ctx, "tcp", req.target())
	if err != nil {
		reply(SOCKS4Rejected)
		return
	}
	defer up.Close()
	s.logf.Printf("%s", req.target())
	if err := reply(SOCKS4Granted); err != nil {
		return
	}
	c.SetDeadline(time.Time{})
	done := make(chan struct{})
	go func() {
		io.Copy(up, br) // bytes the client sent right after the request too
		if tc, ok := up.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		close(done)
	}()
	io.Copy(c, up)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	<-done
}
