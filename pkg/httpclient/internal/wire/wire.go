// Package wire records and reorders HTTP heads as they pass through a
// connection, byte for byte, for a client built on net/http.
//
// net/http writes request headers sorted by name and parses response
// headers into a map, so neither the order Requests sends (defaults
// first, then the caller's headers in the order given) nor the server's
// own order, case and repetitions survive. The session therefore wraps
// every HTTP/1.x connection in a Conn: when a request is about to be
// written on it, the connection is armed with the order the request's
// headers must go out in; it holds back the head net/http writes until
// its blank line, puts the header lines in that order (a permutation:
// nothing is added, dropped or rewritten) and lets the body through
// untouched, so sendfile, chunked bodies and 100-continue work as before.
// On the read side it keeps the response head as read, up to net/http's
// own header limit, for Response.RawHeader.
//
// The alternatives were a request writer and connection pool of our own
// (keep-alive, proxies, CONNECT, 100-continue, HTTP/2 negotiation and the
// httptrace hooks all to be redone) or a fork of net/http (a second copy
// of net/http's types through the library). Rewriting the head keeps
// net/http in charge of everything else, at the price of dialling TLS
// ourselves: the head must be reordered before encryption, so HTTPS
// connections are dialled by dialTLS, which hands HTTP/2 connections back
// to net/http as *tls.Conn and wraps HTTP/1.1 ones, and HTTPS through an
// HTTP proxy uses a per-proxy transport whose dialTLS opens the CONNECT
// tunnel itself.
package wire

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
)

// Field is one header line: the name as written and its value.
type Field struct {
	Name, Value string
}

// MaxHeadBytes bounds a response head kept for RawHeader; it is
// net/http's default MaxResponseHeaderBytes, past which it fails anyway.
const MaxHeadBytes = 10 << 20

// maxRequestHead bounds how much of a request head is held back for
// reordering; a longer head goes out as net/http wrote it.
const maxRequestHead = 16 << 20

// Conn is an HTTP/1.x connection that reorders request heads and
// records response heads (see the package comment).
type Conn struct {
	net.Conn
	// TLS is the handshake's state; nil over plain TCP.
	TLS *tls.ConnectionState

	wmu   sync.Mutex
	order []string // lower-case header names in send order; nil: not armed
	head  []byte   // request head held back so far

	rmu      sync.Mutex
	capture  bool
	rhead    []byte // response bytes since the last head began
	lastHead []byte // the last complete final (non-1xx) response head
}

// Arm makes the next request head written on c go out in order (lower-case
// names), and starts recording the response head that answers it.
func (c *Conn) Arm(order []string) {
	c.wmu.Lock()
	c.order, c.head = order, c.head[:0]
	c.wmu.Unlock()
	c.rmu.Lock()
	c.capture, c.rhead, c.lastHead = true, nil, nil
	c.rmu.Unlock()
}

// ResponseHead returns the final response head read since arm, or nil.
func (c *Conn) ResponseHead() []byte {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	return c.lastHead
}

func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.order == nil {
		return c.Conn.Write(p)
	}
	c.head = append(c.head, p...)
	end := bytes.Index(c.head, []byte("\r\n\r\n"))
	if end < 0 {
		if len(c.head) > maxRequestHead || !startsLikeRequest(c.head) {
			return c.flushHead(p, c.head)
		}
		return len(p), nil
	}
	out := append(reorderHead(c.head[:end+4], c.order), c.head[end+4:]...)
	return c.flushHead(p, out)
}

// flushHead writes out (the held-back head and what follows it) and
// disarms the writer; p is the caller's current buffer.
func (c *Conn) flushHead(p, out []byte) (int, error) {
	c.order, c.head = nil, c.head[:0]
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// startsLikeRequest reports whether b can be the start of an HTTP/1.x
// request line (a method token and a space); an HTTP/2 preface or frame
// is let through at once.
func startsLikeRequest(b []byte) bool {
	for i, ch := range b {
		switch {
		case ch == ' ':
			return i > 0
		case ch < '!' || ch > '~':
			return false
		}
	}
	return true
}

// ReadFrom keeps the zero-copy path for bodies: once the head is out,
// the underlying connection's ReadFrom (sendfile, large copies) sends it.
func (c *Conn) ReadFrom(r io.Reader) (int64, error) {
	c.wmu.Lock()
	armed := c.order != nil
	c.wmu.Unlock()
	if rf, ok := c.Conn.(io.ReaderFrom); ok && !armed {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c}, struct{ io.Reader }{r})
}

func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.rmu.Lock()
		if c.capture {
			c.record(p[:n])
		}
		c.rmu.Unlock()
	}
	return n, err
}

// record adds response bytes to the head being captured; it stops at the
// end of the final (non-1xx) head, or when the bytes are not an HTTP/1.x
// head at all or exceed MaxHeadBytes.
func (c *Conn) record(b []byte) {
	for len(b) > 0 && c.capture {
		start := len(c.rhead)
		c.rhead = append(c.rhead, b...)
		if len(c.rhead) >= 5 && !bytes.HasPrefix(c.rhead, []byte("HTTP/")) || len(c.rhead) > MaxHeadBytes {
			c.capture, c.rhead = false, nil
			return
		}
		// The end may straddle the previous read.
		from := max(start-3, 0)
		i := bytes.Index(c.rhead[from:], []byte("\r\n\r\n"))
		if i < 0 {
			return
		}
		end := from + i + 4
		head := c.rhead[:end]
		rest := len(c.rhead) - end
		b = b[len(b)-rest:]
		if informational(head) {
			c.rhead = nil
			continue
		}
		c.lastHead = bytes.Clone(head)
		c.capture, c.rhead = false, nil
	}
}

// informational reports whether a response head is a 1xx (100 Continue,
// 103 Early Hints), after which the final response follows; 101 Switching
// Protocols is final.
func informational(head []byte) bool {
	_, rest, ok := bytes.Cut(head, []byte(" "))
	return ok && len(rest) > 0 && rest[0] == '1' && !bytes.HasPrefix(rest, []byte("101"))
}

// reorderHead puts the header lines of an HTTP/1.x request head in order:
// the names in order first (compared without regard to case, and
// written as order spells them), then the lines it does not name, as
// net/http wrote them. Lines of one name keep their relative order.
// Anything that is not an HTTP/1.x request head is returned unchanged.
func reorderHead(head []byte, order []string) []byte {
	lines := strings.Split(strings.TrimSuffix(string(head), "\r\n\r\n"), "\r\n")
	if !strings.HasSuffix(lines[0], " HTTP/1.1") && !strings.HasSuffix(lines[0], " HTTP/1.0") {
		return head
	}
	rank := make(map[string]int, len(order))
	spelling := make(map[string]string, len(order))
	for i, name := range order {
		l := strings.ToLower(name)
		if _, ok := rank[l]; !ok {
			rank[l], spelling[l] = i, name
		}
	}
	type field struct {
		line string
		rank int
	}
	fields := make([]field, 0, len(lines)-1)
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		r, known := rank[strings.ToLower(name)]
		if !known {
			r = len(order)
		} else if ok {
			line = spelling[strings.ToLower(name)] + ":" + value
		}
		fields = append(fields, field{line, r})
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].rank < fields[j].rank })
	var b bytes.Buffer
	b.Grow(len(head))
	b.WriteString(lines[0])
	b.WriteString("\r\n")
	for _, f := range fields {
		b.WriteString(f.line)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// ParseHead returns the header lines of a raw HTTP/1.x head as
// written: names in their case, values trimmed, repeated fields
// repeated. An obsolete folded line continues the previous value.
func ParseHead(head []byte) []Field {
	lines := strings.Split(strings.TrimRight(string(head), "\r\n"), "\n")
	var out []Field
	for _, line := range lines[1:] {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			out[len(out)-1].Value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		out = append(out, Field{Name: name, Value: strings.Trim(value, " \t")})
	}
	return out
}
