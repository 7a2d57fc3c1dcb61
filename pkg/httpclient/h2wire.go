package httpclient

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// HTTP/2 heads on the wire.
//
// net/http's HTTP/2 client encodes request headers in map order and
// decodes response headers into a map, so neither what -v prints nor
// the response headers shown would be the order on the wire. The
// session's transports therefore hand each HTTP/2 connection to an
// x/net/http2 ClientConn of their own over an h2WireConn: a negotiated
// h2 connection over TLS through TLSNextProto["h2"], and an h2c one
// (prior knowledge over plain TCP) through
// TLSNextProto["unencrypted_http2"], the key under which net/http hands
// over an unencrypted connection, wrapped in a *tls.Conn that only
// carries it, when its Protocols allow unencrypted HTTP/2 alone. The
// h2WireConn reads the frame stream passing through it in both
// directions without changing a byte: it follows frame boundaries,
// joins HEADERS (or PUSH_PROMISE) and CONTINUATION fragments and decodes
// each header block with an HPACK decoder of its own per direction. A
// passive decoder stays in step with the peer's encoder because it sees
// every block in order, dynamic table size updates included. The
// decoded fields are kept per stream until the request's round trip
// claims them. net/http still pools the connection: when the ClientConn
// takes no more requests, its RoundTripper says so with the error
// net/http recognises (IsHTTP2NoCachedConnError) and net/http dials again.
//
// The alternative, encoding the HEADERS frames ourselves, would mean a
// fork of the HTTP/2 client; reading what the client wrote keeps it
// unchanged and shows the truth whatever it does.

// h2Preface is the client connection preface, which precedes the client's
// frames.
const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// h2MaxBlock bounds a header block kept for decoding; a larger one stops
// the recording for the connection (the exchange goes on).
const h2MaxBlock = 16 << 20

// h2MaxKept bounds the blocks kept per connection and direction, for
// streams whose round trip never claims them.
const h2MaxKept = 64

// h2Block is one decoded header block.
type h2Block struct {
	stream uint32
	fields []hpack.HeaderField
}

// h2Parser follows one direction of an HTTP/2 frame stream.
type h2Parser struct {
	preface int // bytes of the client preface still to skip
	hdr     [9]byte
	nhdr    int
	// the frame being read
	typ, flags byte
	stream     uint32
	remain     int    // payload bytes of the frame still to come
	payload    []byte // the payload, for HEADERS, CONTINUATION, PUSH_PROMISE
	keep       bool
	// the header block being assembled
	block      []byte
	blockFrom  uint32 // stream of the block; 0: none under way
	blockFirst byte   // frame type that began it
	dec        *hpack.Decoder
	fields     []hpack.HeaderField
	broken     bool
	done       func(h2Block)
}

func newH2Parser(preface bool, done func(h2Block)) *h2Parser {
	p := &h2Parser{done: done}
	if preface {
		p.preface = len(h2Preface)
	}
	// The table starts at the protocol's 4096 bytes; the encoder
	// announces any other size in the blocks themselves.
	p.dec = hpack.NewDecoder(4096, func(f hpack.HeaderField) { p.fields = append(p.fields, f) })
	p.dec.SetAllowedMaxDynamicTableSize(1 << 24)
	return p
}

// feed follows b, the next bytes of the stream.
func (p *h2Parser) feed(b []byte) {
	for len(b) > 0 && !p.broken {
		if p.preface > 0 {
			n := min(p.preface, len(b))
			p.preface -= n
			b = b[n:]
			continue
		}
		if p.nhdr < 9 {
			n := copy(p.hdr[p.nhdr:], b)
			p.nhdr += n
			b = b[n:]
			if p.nhdr < 9 {
				return
			}
			p.startFrame()
			if p.remain == 0 {
				p.endFrame()
			}
			continue
		}
		n := min(p.remain, len(b))
		if p.keep {
			p.payload = append(p.payload, b[:n]...)
		}
		p.remain -= n
		b = b[n:]
		if p.remain == 0 {
			p.endFrame()
		}
	}
}

const (
	h2Headers      = 0x1
	h2PushPromise  = 0x5
	h2Continuation = 0x9

	h2FlagEndHeaders = 0x4
	h2FlagPadded     = 0x8
	h2FlagPriority   = 0x20
)

func (p *h2Parser) startFrame() {
	length := int(p.hdr[0])<<16 | int(p.hdr[1])<<8 | int(p.hdr[2])
	p.typ, p.flags = p.hdr[3], p.hdr[4]
	p.stream = binary.BigEndian.Uint32(p.hdr[5:9]) & (1<<31 - 1)
	p.remain = length
	p.keep = p.typ == h2Headers || p.typ == h2PushPromise || p.typ == h2Continuation
	p.payload = p.payload[:0]
	if p.keep && length > h2MaxBlock {
		p.broken = true
	}
}

// endFrame takes a whole frame's payload.
func (p *h2Parser) endFrame() {
	p.nhdr = 0
	if !p.keep {
		return
	}
	frag := p.payload
	switch p.typ {
	case h2Headers, h2PushPromise:
		if p.blockFrom != 0 {
			p.broken = true
			return
		}
		pad := 0
		if p.flags&h2FlagPadded != 0 {
			if len(frag) < 1 {
				p.broken = true
				return
			}
			pad = int(frag[0])
			frag = frag[1:]
		}
		skip := 0
		if p.typ == h2Headers && p.flags&h2FlagPriority != 0 {
			skip = 5
		}
		if p.typ == h2PushPromise {
			skip = 4
		}
		if len(frag) < skip+pad {
			p.broken = true
			return
		}
		frag = frag[skip : len(frag)-pad]
		p.blockFrom, p.blockFirst = p.stream, p.typ
		p.block = append(p.block[:0], frag...)
	case h2Continuation:
		if p.blockFrom == 0 || p.stream != p.blockFrom {
			p.broken = true
			return
		}
		p.block = append(p.block, frag...)
	}
	if len(p.block) > h2MaxBlock {
		p.broken = true
		return
	}
	if p.flags&h2FlagEndHeaders == 0 {
		return
	}
	p.fields = nil
	if _, err := p.dec.Write(p.block); err != nil {
		p.broken = true
		return
	}
	if err := p.dec.Close(); err != nil {
		p.broken = true
		return
	}
	stream, first := p.blockFrom, p.blockFirst
	p.blockFrom, p.block = 0, p.block[:0]
	if first == h2Headers {
		p.done(h2Block{stream: stream, fields: p.fields})
	}
}

// h2WireConn is an HTTP/2 connection whose header blocks are recorded
// (see the comment above). Over TLS it is an h2WireTLSConn, so that the
// ClientConn finds the handshake's state (Response.TLS); over h2c it
// has none.
type h2WireConn struct {
	net.Conn
	wmu    sync.Mutex // serialises writes, for wp
	wp, rp *h2Parser  // rp is fed by the ClientConn's one reading goroutine

	mu   sync.Mutex
	sent []h2Block // request blocks not yet claimed
	got  []h2Block // first final response block of each stream, not yet claimed
	seen map[uint32]bool
}

// h2WireTLSConn is an h2WireConn over TLS.
type h2WireTLSConn struct {
	*h2WireConn
	tc *tls.Conn
}

func (c h2WireTLSConn) ConnectionState() tls.ConnectionState { return c.tc.ConnectionState() }

func newH2WireConn(c net.Conn) *h2WireConn {
	w := &h2WireConn{Conn: c, seen: map[uint32]bool{}}
	w.wp = newH2Parser(true, func(b h2Block) { w.keep(&w.sent, b) })
	w.rp = newH2Parser(false, func(b h2Block) {
		if st := h2Status(b.fields); len(st) == 3 && st[0] != '1' {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.seen[b.stream] { // trailers
				return
			}
			w.seen[b.stream] = true
			w.got = appendKept(w.got, b)
		}
	})
	return w
}

func (w *h2WireConn) keep(list *[]h2Block, b h2Block) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = appendKept(*list, b)
}

func appendKept(list []h2Block, b h2Block) []h2Block {
	if len(list) >= h2MaxKept {
		list = append(list[:0], list[1:]...)
	}
	return append(list, b)
}

func (w *h2WireConn) Write(p []byte) (int, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	// Recorded before the bytes go out: once they are out the server can
	// answer and the round trip end, claiming the block, before this
	// goroutine runs again. A write that fails part way breaks the
	// connection, so recording bytes that never left does no harm.
	w.wp.feed(p)
	return w.Conn.Write(p)
}

func (w *h2WireConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.rp.feed(p[:n])
	return n, err
}

// claim takes the request block that req went out with (the first
// unclaimed one with its method: requests on a connection are claimed in
// the order they end, which for sequential ones is the order sent) and the response
// block of the same stream; either is nil when not recorded.
func (w *h2WireConn) claim(req *http.Request) (sent, got []hpack.HeaderField) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, b := range w.sent {
		if pseudo(b.fields, ":method") != req.Method {
			continue
		}
		w.sent = append(w.sent[:i], w.sent[i+1:]...)
		for j, r := range w.got {
			if r.stream == b.stream {
				w.got = append(w.got[:j], w.got[j+1:]...)
				delete(w.seen, b.stream)
				return b.fields, r.fields
			}
		}
		return b.fields, nil
	}
	return nil, nil
}

// sameHeader reports whether the regular fields of a response block are
// those of h, the header the client parsed from it.
func sameHeader(fields []hpack.HeaderField, h http.Header) bool {
	n := 0
	seen := map[string]int{}
	for _, f := range fields {
		if strings.HasPrefix(f.Name, ":") {
			continue
		}
		key := http.CanonicalHeaderKey(f.Name)
		vs := h[key]
		i := seen[key]
		if i >= len(vs) || vs[i] != f.Value {
			return false
		}
		seen[key] = i + 1
		n++
	}
	total := 0
	for _, vs := range h {
		total += len(vs)
	}
	return n == total
}

func pseudo(fields []hpack.HeaderField, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

func h2Status(fields []hpack.HeaderField) string { return pseudo(fields, ":status") }

// regularFields returns the fields that are not pseudo-headers; the
// request's :authority is shown as the host field it stands for.
func regularFields(fields []hpack.HeaderField) []HeaderField {
	var out []HeaderField
	for _, f := range fields {
		if f.Name == ":authority" {
			out = append(out, HeaderField{Name: "host", Value: f.Value})
		}
		if !strings.HasPrefix(f.Name, ":") {
			out = append(out, HeaderField{Name: f.Name, Value: f.Value})
		}
	}
	return out
}

// h2SentKey carries, to the HTTP/2 round trip, the function that takes
// the request's header fields as sent (nil when they were not
// recorded).
type h2SentKey struct{}

// h2GotKey carries, to the HTTP/2 round trip, the function that takes
// the response's header fields in the order received.
type h2GotKey struct{}

// h2RoundTripper sends requests on one recorded HTTP/2 connection.
type h2RoundTripper struct {
	cc   *http2.ClientConn
	conn *h2WireConn
}

// h2NoCachedConn tells net/http that the connection takes no new
// requests, so that it drops it and dials again.
type h2NoCachedConn struct{}

func (h2NoCachedConn) IsHTTP2NoCachedConnError() {}
func (h2NoCachedConn) Error() string             { return "http2: no cached connection was available" }

func (rt *h2RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if !rt.cc.ReserveNewRequest() {
		return nil, h2NoCachedConn{}
	}
	resp, err := rt.cc.RoundTrip(req)
	sent, got := rt.conn.claim(req)
	if err != nil && h2Unprocessed(err) {
		// The server did not take the request (the connection went
		// away first): net/http sends it again on a new connection, as
		// its own HTTP/2 client retries these.
		return nil, h2NoCachedConn{}
	}
	if f, ok := req.Context().Value(h2SentKey{}).(func([]HeaderField)); ok {
		var fields []HeaderField
		if sent != nil {
			fields = regularFields(sent)
		}
		f(fields)
	}
	if err != nil {
		return nil, err
	}
	if got != nil && h2Status(got) == strconv.Itoa(resp.StatusCode) && sameHeader(got, resp.Header) {
		if set, ok := req.Context().Value(h2GotKey{}).(func([]HeaderField)); ok {
			set(regularFields(got))
		}
	}
	return resp, nil
}

// h2Unprocessed reports whether err says that the server never processed
// the request, as x/net/http2's canRetryError does: the connection was
// unusable or went away under a GOAWAY before the stream, or the stream
// was refused. Its sentinel errors are unexported, so they are known by
// their text.
func h2Unprocessed(err error) bool {
	switch err.Error() {
	case "http2: client conn not usable", "http2: Transport received Server's graceful shutdown GOAWAY":
		return true
	}
	var se http2.StreamError
	return errors.As(err, &se) && se.Code == http2.ErrCodeRefusedStream
}

// h2NextProto returns the TLSNextProto entries of a transport with
// settings' configuration: "h2" for HTTP/2 negotiated over TLS and
// "unencrypted_http2" for h2c, each a ClientConn of x/net/http2 over a
// recorded connection, configured from settings (timeouts, compression,
// header limits) as net/http's own would be. net/http uses the second
// only when its Protocols allow unencrypted HTTP/2 and not HTTP/1
// (newH2CTransport); with an "h2" entry present it installs no HTTP/2
// client of its own that would replace either.
// Each ClientConn joins conns, for CloseIdleConnections.
func h2NextProto(settings *http.Transport, conns *h2Conns) (map[string]func(string, *tls.Conn) http.RoundTripper, error) {
	t2, err := http2.ConfigureTransports(settings)
	if err != nil {
		return nil, err
	}
	open := func(c net.Conn, wc *h2WireConn, tconn net.Conn) http.RoundTripper {
		cc, err := t2.NewClientConn(tconn)
		if err != nil {
			go c.Close()
			return erringRoundTripper{err}
		}
		conns.add(cc)
		return &h2RoundTripper{cc: cc, conn: wc}
	}
	return map[string]func(string, *tls.Conn) http.RoundTripper{
		"h2": func(_ string, c *tls.Conn) http.RoundTripper {
			wc := newH2WireConn(c)
			return open(c, wc, h2WireTLSConn{h2WireConn: wc, tc: c})
		},
		"unencrypted_http2": func(_ string, c *tls.Conn) http.RoundTripper {
			// The *tls.Conn only carries the plain connection; it has
			// never shaken hands and must not be used.
			inner, ok := c.NetConn().(interface{ UnencryptedNetConn() net.Conn })
			if !ok {
				go c.Close()
				return erringRoundTripper{errors.New("http2: TLS conn unexpectedly found in unencrypted handoff")}
			}
			nc := inner.UnencryptedNetConn()
			wc := newH2WireConn(nc)
			return open(nc, wc, wc)
		},
	}, nil
}

// h2Conns are the ClientConns of a session's transports. net/http's
// CloseIdleConnections closes the HTTP/1 connections it holds and tells
// its own HTTP/2 client to close its idle ones, but leaves alone a
// connection handed to a TLSNextProto function: closeIdle closes these.
type h2Conns struct {
	mu    sync.Mutex
	conns map[*http2.ClientConn]bool
}

func (p *h2Conns) add(cc *http2.ClientConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		p.conns = map[*http2.ClientConn]bool{}
	}
	for c := range p.conns {
		if c.State().Closed {
			delete(p.conns, c)
		}
	}
	p.conns[cc] = true
}

// closeIdle closes the connections that carry no request, as net/http's
// own HTTP/2 client does. Shutdown lets a request that takes one
// meanwhile finish first.
func (p *h2Conns) closeIdle() {
	var idle []*http2.ClientConn
	p.mu.Lock()
	for cc := range p.conns {
		st := cc.State()
		if st.Closed || st.StreamsActive+st.StreamsReserved+st.StreamsPending == 0 {
			delete(p.conns, cc)
			if !st.Closed {
				idle = append(idle, cc)
			}
		}
	}
	p.mu.Unlock()
	for _, cc := range idle {
		cc.Shutdown(context.Background())
	}
}

type erringRoundTripper struct{ err error }

func (e erringRoundTripper) RoundTrip(*http.Request) (*http.Response, error) { return nil, e.err }

// h2ConnOf reports whether conn is a recorded HTTP/2 connection.
func h2ConnOf(conn net.Conn) bool {
	switch conn.(type) {
	case *h2WireConn, h2WireTLSConn:
		return true
	}
	return false
}
