package wire

import (
	"crypto/tls"
	"encoding/binary"
	"net"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/net/http2/hpack"
)

// HTTP/2 heads on the wire.
//
// net/http's HTTP/2 client encodes request headers in map order and
// decodes response headers into a map, so neither what -v prints nor
// the response headers shown would be the order on the wire. The
// session's transports therefore hand each HTTP/2 connection to an
// x/net/http2 ClientConn of their own over an H2Conn: a negotiated
// h2 connection over TLS through TLSNextProto["h2"], and an h2c one
// (prior knowledge over plain TCP) through
// TLSNextProto["unencrypted_http2"], the key under which net/http hands
// over an unencrypted connection, wrapped in a *tls.Conn that only
// carries it, when its Protocols allow unencrypted HTTP/2 alone. The
// H2Conn reads the frame stream passing through it in both
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

// H2Conn is an HTTP/2 connection whose header blocks are recorded
// (see the comment above). Over TLS it is an H2TLSConn, so that the
// ClientConn finds the handshake's state (Response.TLS); over h2c it
// has none.
type H2Conn struct {
	net.Conn
	wmu    sync.Mutex // serialises writes, for wp
	wp, rp *h2Parser  // rp is fed by the ClientConn's one reading goroutine

	mu   sync.Mutex
	sent []h2Block // request blocks not yet claimed
	got  []h2Block // first final response block of each stream, not yet claimed
	seen map[uint32]bool
}

// H2TLSConn is an H2Conn over TLS.
type H2TLSConn struct {
	*H2Conn
	TC *tls.Conn
}

// ConnectionState is the TLS state of the connection under the recording.
func (c H2TLSConn) ConnectionState() tls.ConnectionState { return c.TC.ConnectionState() }

// NewH2Conn records the HTTP/2 frames that pass through c.
func NewH2Conn(c net.Conn) *H2Conn {
	w := &H2Conn{Conn: c, seen: map[uint32]bool{}}
	w.wp = newH2Parser(true, func(b h2Block) { w.keep(&w.sent, b) })
	w.rp = newH2Parser(false, func(b h2Block) {
		if st := H2Status(b.fields); len(st) == 3 && st[0] != '1' {
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

// keep adds a block to a list of unclaimed ones.
func (w *H2Conn) keep(list *[]h2Block, b h2Block) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = appendKept(*list, b)
}

// appendKept appends b, dropping the oldest block past h2MaxKept.
func appendKept(list []h2Block, b h2Block) []h2Block {
	if len(list) >= h2MaxKept {
		list = append(list[:0], list[1:]...)
	}
	return append(list, b)
}

func (w *H2Conn) Write(p []byte) (int, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	// Recorded before the bytes go out: once they are out the server can
	// answer and the round trip end, claiming the block, before this
	// goroutine runs again. A write that fails part way breaks the
	// connection, so recording bytes that never left does no harm.
	w.wp.feed(p)
	return w.Conn.Write(p)
}

func (w *H2Conn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.rp.feed(p[:n])
	return n, err
}

// Claim takes the request block that req went out with (the first
// unclaimed one with its method: requests on a connection are claimed in
// the order they end, which for sequential ones is the order sent) and the response
// block of the same stream; either is nil when not recorded.
func (w *H2Conn) Claim(req *http.Request) (sent, got []hpack.HeaderField) {
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

// SameHeader reports whether the regular fields of a response block are
// those of h, the header the client parsed from it.
func SameHeader(fields []hpack.HeaderField, h http.Header) bool {
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

// pseudo returns the value of a pseudo-header field.
func pseudo(fields []hpack.HeaderField, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// H2Status is the :status of a response block.
func H2Status(fields []hpack.HeaderField) string { return pseudo(fields, ":status") }

// RegularFields returns the fields that are not pseudo-headers; the
// request's :authority is shown as the host field it stands for.
func RegularFields(fields []hpack.HeaderField) []Field {
	var out []Field
	for _, f := range fields {
		if f.Name == ":authority" {
			out = append(out, Field{Name: "host", Value: f.Value})
		}
		if !strings.HasPrefix(f.Name, ":") {
			out = append(out, Field{Name: f.Name, Value: f.Value})
		}
	}
	return out
}

// IsH2 reports whether conn is a recorded HTTP/2 connection.
func IsH2(conn net.Conn) bool {
	switch conn.(type) {
	case *H2Conn, H2TLSConn:
		return true
	}
	return false
}
