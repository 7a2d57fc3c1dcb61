package testserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// RawServer is an HTTP/1.1 server written on raw sockets, for tests of
// what goes on the wire: it sees a request head byte for byte (header
// order, name case, method and target as sent), which net/http's server
// parses into a map, and it answers with header blocks net/http would
// never write (mixed case, repeated fields, its own order).
//
// Routes, by the path of the request target:
//
//	/mixed     200 with a fixed raw header block (lower/upper/mixed case,
//	           repeated Set-Cookie and X-Dup, chunked body "hello\n")
//	/redirect  302 to /echo on the same connection
//	/overlong  200 with Content-Length: 6 and "hello\n", then stray bytes
//	           beyond it on the same connection (a broken server)
//	/status/N  status N, then as /echo
//	anything else (/echo, /...)
//	           200 text/plain whose body is the request head as received
//	           with CRLF shown as LF, then "body: N bytes" for the body
//	           read. With "Expect: 100-continue" it answers 100 Continue
//	           first. X-Conn says "C/R": the connection's and the
//	           request's serial numbers (keep-alive shows as 1/2).
type RawServer struct {
	// URL is http://127.0.0.1:PORT, or https:// with TLS.
	URL string

	conns atomic.Int64
	connServer
}

// connServer accepts connections on l and serves each in a goroutine
// until Close, which also closes the connections still open.
type connServer struct {
	l    net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	open map[net.Conn]bool
}

// start accepts connections on l and hands each to serve, which returns
// when it is done with the connection; start closes it then.
func (s *connServer) start(l net.Listener, serve func(net.Conn)) {
	s.l = l
	s.open = map[net.Conn]bool{}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.open[c] = true
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() {
					s.mu.Lock()
					delete(s.open, c)
					s.mu.Unlock()
					c.Close()
				}()
				serve(c)
			}()
		}
	}()
}

// Close stops the listener and closes every connection.
func (s *connServer) Close() {
	s.l.Close()
	s.mu.Lock()
	for c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// StartRawServer listens on 127.0.0.1; with cfg non-nil it serves TLS
// (HTTP/1.1 only, the only protocol it speaks).
func StartRawServer(cfg *tls.Config) (*RawServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &RawServer{URL: "http://" + l.Addr().String()}
	if cfg != nil {
		cfg = cfg.Clone()
		cfg.NextProtos = []string{"http/1.1"}
		s.URL = "https://" + l.Addr().String()
		l = tls.NewListener(l, cfg)
	}
	s.start(l, func(c net.Conn) { s.serve(c, s.conns.Add(1)) })
	return s, nil
}

// serve answers requests on c until it closes or sends something that
// is not a request.
func (s *RawServer) serve(c net.Conn, connID int64) {
	br := bufio.NewReader(c)
	for n := 1; ; n++ {
		head, err := readRawHead(br)
		if err != nil {
			return
		}
		lines := strings.Split(strings.TrimSuffix(string(head), "\r\n\r\n"), "\r\n")
		parts := strings.Fields(lines[0])
		if len(parts) != 3 {
			return
		}
		target := parts[1]
		if i := strings.Index(target, "://"); i >= 0 {
			// absolute-form, through a plain proxy
			rest := target[i+3:]
			target = "/"
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				target = rest[j:]
			}
		}
		path, _, _ := strings.Cut(target, "?")
		var length int64
		chunked, expect := false, false
		for _, line := range lines[1:] {
			name, value, _ := strings.Cut(line, ":")
			value = strings.TrimSpace(value)
			switch strings.ToLower(name) {
			case "content-length":
				length, _ = strconv.ParseInt(value, 10, 64)
			case "transfer-encoding":
				chunked = strings.EqualFold(value, "chunked")
			case "expect":
				expect = strings.EqualFold(value, "100-continue")
			}
		}
		if expect {
			io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		}
		var body io.Reader = io.LimitReader(br, length)
		if chunked {
			body = httputil.NewChunkedReader(br)
		}
		read, err := io.Copy(io.Discard, body)
		if err != nil {
			return
		}
		conn := fmt.Sprintf("%d/%d", connID, n)
		var resp string
		switch {
		case path == "/mixed":
			resp = "HTTP/1.1 200 OK\r\n" +
				"x-lower: one\r\n" +
				"Set-Cookie: a=1; Path=/\r\n" +
				"CONTENT-TYPE: text/plain\r\n" +
				"X-Dup: first\r\n" +
				"Set-Cookie: b=2; Path=/\r\n" +
				"X-Dup: second\r\n" +
				"X-Conn: " + conn + "\r\n" +
				"Transfer-Encoding: chunked\r\n" +
				"\r\n" +
				"6\r\nhello\n\r\n0\r\n\r\n"
		case path == "/overlong":
			resp = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\nSTRAY BYTES\r\n"
		case path == "/redirect":
			resp = "HTTP/1.1 302 Found\r\nLocation: /echo\r\nX-Conn: " + conn + "\r\nContent-Length: 0\r\n\r\n"
		default:
			status := 200
			if code, ok := strings.CutPrefix(path, "/status/"); ok {
				if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 600 {
					status = n
				}
			}
			b := bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n"))
			b = fmt.Appendf(b, "body: %d bytes\n", read)
			resp = fmt.Sprintf("HTTP/1.1 %d Status\r\nContent-Type: text/plain\r\nX-Conn: %s\r\nContent-Length: %d\r\n\r\n%s", status, conn, len(b), b)
		}
		if _, err := io.WriteString(c, resp); err != nil {
			return
		}
	}
}

// readRawHead reads a request head, up to and including its blank line,
// refusing one over 1 MiB.
func readRawHead(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		line, err := br.ReadBytes('\n')
		head = append(head, line...)
		if err != nil {
			return nil, err
		}
		if len(head) > 1<<20 {
			return nil, fmt.Errorf("request head over 1 MiB")
		}
		if bytes.HasSuffix(head, []byte("\r\n\r\n")) {
			return head, nil
		}
	}
}
