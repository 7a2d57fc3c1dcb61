package httpclient

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
)

// DialOptions are the per-call options of Dial.
type DialOptions struct {
	// Subprotocols are offered in Sec-WebSocket-Protocol, in order; the
	// server picks one (Conn.Subprotocol) or none.
	Subprotocols []string
	// NoCompression leaves permessage-deflate (RFC 7692) out of the offer;
	// by default it is offered, and used when the server accepts it.
	NoCompression bool
	// MaxMessageSize bounds a received message; past it the connection is
	// closed with status 1009 (message too big) and the read fails. Zero
	// means DefaultMaxMessageSize.
	MaxMessageSize int64
	// Send are the options of the handshake's Send: redirects, retries,
	// cookies, OnConnect. The zero value follows redirects, as Send does.
	Send SendOptions
	// OnPing and OnPong, when set, are told of each ping and pong frame
	// received, with its payload; pings are answered either way.
	OnPing, OnPong func(payload []byte)
}

// DefaultMaxMessageSize bounds a received WebSocket message unless
// DialOptions say otherwise: 16 MiB.
const DefaultMaxMessageSize = 16 << 20

// ErrNotUpgraded is matched (errors.Is) by the error Dial returns when the
// server answered the handshake with something other than 101 Switching
// Protocols; the answer is the Response returned with it.
var ErrNotUpgraded = errors.New("the server did not switch to the WebSocket protocol")

// WebSocketURL returns the http or https URL a ws or wss URL's handshake
// is sent to; other URLs are returned as they are. The scheme is matched
// without regard to case.
func WebSocketURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	switch strings.ToLower(scheme) {
	case "ws":
		return "http://" + rest
	case "wss":
		return "https://" + rest
	}
	return raw
}

// IsWebSocketURL reports whether raw is a ws:// or wss:// URL.
func IsWebSocketURL(raw string) bool {
	scheme, _, ok := strings.Cut(raw, "://")
	return ok && (strings.EqualFold(scheme, "ws") || strings.EqualFold(scheme, "wss"))
}

// Dial opens a WebSocket (RFC 6455) to req.URL (ws://, wss://, or the
// http:// or https:// URL of the handshake). The handshake is a request
// of this session like any other: the session's and req's headers, its
// cookies (and the cookies the answer sets), its auth (challenges such as
// Digest included), the netrc file, proxies (an HTTP proxy is asked for a
// CONNECT tunnel, for ws:// too, as browsers and curl do; SOCKS proxies as
// usual), TLS settings and hooks all apply; it always goes over HTTP/1.1.
//
// On success the Response is the 101 answer, with an empty Body. When the
// server answers otherwise, Dial returns that Response, its body unread
// (the caller closes it), with an error matching ErrNotUpgraded; failures
// to reach the server are the errors Send returns.
func (s *Session) Dial(ctx context.Context, req *Request, opts DialOptions) (*WebSocket, *Response, error) {
	r := *req
	r.URL = WebSocketURL(req.URL)
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	p, err := s.Prepare(&r)
	if err != nil {
		return nil, nil, err
	}
	return s.DialPrepared(ctx, p, opts)
}

// DialPrepared is Dial for a prepared request (its URL http or https, its
// method GET), whose header gets the handshake's fields.
func (s *Session) DialPrepared(ctx context.Context, p *PreparedRequest, opts DialOptions) (*WebSocket, *Response, error) {
	limit := opts.MaxMessageSize
	if limit <= 0 {
		limit = DefaultMaxMessageSize
	}
	var (
		got     *Response
		sendErr error
		wire    *wireBudget
	)
	// The handshake fields websocket.Dial puts on its request are copied
	// onto p, and p goes out through the session.
	rt := roundTripperFunc(func(hreq *http.Request) (*http.Response, error) {
		for _, name := range handshakeFields {
			if v := hreq.Header.Values(name); len(v) > 0 {
				p.Header[http.CanonicalHeaderKey(name)] = v
				if !containsFold(p.HeaderOrder, name) {
					p.HeaderOrder = append(p.HeaderOrder, name)
				}
			}
		}
		ctx := context.WithValue(hreq.Context(), upgradeKey{}, true)
		resp, err := s.Send(ctx, p, opts.Send)
		if err != nil {
			sendErr = err
			return nil, err
		}
		got = resp
		if resp.StatusCode != http.StatusSwitchingProtocols || resp.raw == nil {
			// websocket.Dial reads and closes the body it gets: it gets
			// none, and the caller gets the whole answer.
			return &http.Response{StatusCode: resp.StatusCode, Status: resp.Reason, Header: resp.Header, Body: http.NoBody, Request: hreq}, nil
		}
		rwc, ok := resp.raw.Body.(io.ReadWriteCloser)
		if !ok {
			return resp.raw, nil
		}
		wire = &wireBudget{rwc: rwc}
		raw := *resp.raw
		raw.Body = wire
		return &raw, nil
	})
	client := &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	mode := websocket.CompressionContextTakeover
	if opts.NoCompression {
		mode = websocket.CompressionDisabled
	}
	wsOpts := &websocket.DialOptions{
		HTTPClient:      client,
		Subprotocols:    opts.Subprotocols,
		CompressionMode: mode,
	}
	if f := opts.OnPing; f != nil {
		wsOpts.OnPingReceived = func(_ context.Context, b []byte) bool { f(b); return true }
	}
	if f := opts.OnPong; f != nil {
		wsOpts.OnPongReceived = func(_ context.Context, b []byte) { f(b) }
	}
	conn, _, err := websocket.Dial(ctx, p.URL.String(), wsOpts)
	switch {
	case sendErr != nil:
		return nil, nil, sendErr
	case got == nil && err != nil:
		return nil, nil, newError(ErrConnection, p.URL.String(), err)
	case got != nil && got.StatusCode != http.StatusSwitchingProtocols:
		if conn != nil {
			conn.CloseNow()
		}
		return nil, got, fmt.Errorf("%w: it answered %d %s", ErrNotUpgraded, got.StatusCode, got.Reason)
	case err != nil:
		got.raw.Body.Close()
		got.Body = http.NoBody
		return nil, got, newError(ErrConnection, got.URL.String(), fmt.Errorf("the WebSocket handshake failed: %s", handshakeReason(err)))
	}
	got.Body = http.NoBody
	conn.SetReadLimit(limit)
	return &WebSocket{Conn: conn, wire: wire}, got, nil
}

// WebSocket is an open WebSocket connection: a [websocket.Conn] whose
// reads are bounded twice. The message size limit bounds a message's
// bytes (decompressed). And the bytes received for one message, frame
// headers and control frames included, may be at most 4 times its data
// so far plus 256 KiB, so that a flood of empty fragments, which never
// grows the message, ends too (between messages, 16 MiB of control
// frames). Past either bound the connection is closed with status 1009
// (message too big) and the read fails with an error matching
// websocket.ErrMessageTooBig.
type WebSocket struct {
	*websocket.Conn
	wire *wireBudget // nil over a mounted transport's connection
}

// Reader is websocket.Conn.Reader with the budget renewed for the message.
func (w *WebSocket) Reader(ctx context.Context) (websocket.MessageType, io.Reader, error) {
	w.wire.renew(false)
	typ, r, err := w.Conn.Reader(ctx)
	if err != nil {
		return typ, nil, w.wire.check(w.Conn, err)
	}
	w.wire.renew(true)
	return typ, &budgetReader{r: r, w: w}, nil
}

// Read reads one whole message, as websocket.Conn.Read does.
func (w *WebSocket) Read(ctx context.Context) (websocket.MessageType, []byte, error) {
	typ, r, err := w.Reader(ctx)
	if err != nil {
		return typ, nil, err
	}
	b, err := io.ReadAll(r)
	return typ, b, err
}

// budgetReader counts a message's data for the budget, and reports an
// exhausted budget as a message too big.
type budgetReader struct {
	r io.Reader
	w *WebSocket
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if w := b.w.wire; w != nil {
		w.data.Add(int64(n))
	}
	if err != nil && err != io.EOF {
		err = b.w.wire.check(b.w.Conn, err)
	}
	return n, err
}

// Budgets of bytes received (see WebSocket).
const (
	// wireBetween bounds the control frames between two messages.
	wireBetween = 16 << 20
	// wireSlack and wirePerData bound a message's frames: its data times
	// wirePerData, plus wireSlack.
	wireSlack   = 256 << 10
	wirePerData = 4
)

// wireBudget is the handshake's connection, counting the bytes read
// since the budget was last renewed and failing reads past it.
type wireBudget struct {
	rwc   io.ReadWriteCloser
	used  atomic.Int64 // bytes read since renewed
	data  atomic.Int64 // the message's data delivered so far
	inMsg atomic.Bool  // a message is being read
	spent atomic.Bool

	// wmu makes each write whole: the library writes a small frame (a
	// pong) in one Write, and CloseWrite writes its frame between them.
	wmu       sync.Mutex
	closeSent bool
	held      bool   // Hold: writes wait in pending
	pending   []byte // what waits
}

// errBudget is the wire read error past the budget.
var errBudget = errors.New("frames past the message size budget")

func (b *wireBudget) Read(p []byte) (int, error) {
	limit := int64(wireBetween)
	if b.inMsg.Load() {
		limit = wirePerData*b.data.Load() + wireSlack
	}
	if b.used.Load() > limit {
		b.spent.Store(true)
		return 0, errBudget
	}
	n, err := b.rwc.Read(p)
	b.used.Add(int64(n))
	return n, err
}

func (b *wireBudget) Write(p []byte) (int, error) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.closeSent {
		return len(p), nil // nothing goes after our close frame
	}
	if b.held {
		if len(b.pending)+len(p) <= maxHeld {
			b.pending = append(b.pending, p...)
			return len(p), nil
		}
		if err := b.writePending(); err != nil {
			return 0, err
		}
	}
	return b.rwc.Write(p)
}

// maxHeld bounds the bytes Hold keeps back.
const maxHeld = 64 << 10

// writePending writes what Hold kept back; b.wmu is held.
func (b *wireBudget) writePending() error {
	if len(b.pending) == 0 {
		return nil
	}
	_, err := b.rwc.Write(b.pending)
	b.pending = b.pending[:0]
	return err
}

// Hold makes the frames written from now on wait in a buffer of up to
// 64 KiB until Release (or until the buffer is full), so that a burst of
// small messages goes out in few writes. Frames the library writes on
// its own meanwhile (the answer to a ping) wait too: a caller releases
// before it waits for anything.
func (w *WebSocket) Hold() {
	if b := w.wire; b != nil {
		b.wmu.Lock()
		b.held = true
		b.wmu.Unlock()
	}
}

// Release writes what Hold kept back, and writes go out at once again.
func (w *WebSocket) Release() error {
	b := w.wire
	if b == nil {
		return nil
	}
	b.wmu.Lock()
	defer b.wmu.Unlock()
	b.held = false
	return b.writePending()
}

// CloseWrite sends a close frame with code and reason, and nothing after
// it, while reading goes on: the messages the server sent before it
// answers are still read, and the read that meets its close frame
// returns the websocket.CloseError. The caller waits for that, and calls
// CloseNow when it does not come. (Close instead discards what arrives
// until the server's close, and waits at most 5 s.) A reason is cut to
// the 123 bytes a close frame has room for.
func (w *WebSocket) CloseWrite(code websocket.StatusCode, reason string) error {
	if w.wire == nil {
		return w.Conn.Close(code, reason)
	}
	if len(reason) > 123 {
		reason = reason[:123]
	}
	payload := binary.BigEndian.AppendUint16(nil, uint16(code))
	payload = append(payload, reason...)
	var key [4]byte
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	frame := append([]byte{0x88, 0x80 | byte(len(payload))}, key[:]...)
	for i, c := range payload {
		frame = append(frame, c^key[i%4])
	}
	b := w.wire
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.closeSent {
		return nil
	}
	b.closeSent = true
	b.held = false
	if err := b.writePending(); err != nil {
		return err
	}
	_, err := b.rwc.Write(frame)
	return err
}

func (b *wireBudget) Close() error { return b.rwc.Close() }

// renew starts counting afresh, for a message (inMsg) or the wait for
// one.
func (b *wireBudget) renew(inMsg bool) {
	if b != nil {
		b.used.Store(0)
		b.data.Store(0)
		b.inMsg.Store(inMsg)
	}
}

// check turns a read failure caused by the spent budget into a message
// too big, closing the connection with 1009 as the size limit does.
func (b *wireBudget) check(c *websocket.Conn, err error) error {
	if b == nil || !b.spent.Load() {
		return err
	}
	c.Close(websocket.StatusMessageTooBig, "message too big")
	return fmt.Errorf("%w: %d bytes of frames for %d bytes of message", websocket.ErrMessageTooBig, b.used.Load(), b.data.Load())
}

// handshakeFields are the fields websocket.Dial sets on its handshake,
// spelt as RFC 6455 spells them (they go out so).
var handshakeFields = []string{"Connection", "Upgrade", "Sec-WebSocket-Version", "Sec-WebSocket-Key", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"}

// handshakeReason is the last part of a websocket.Dial error, without the
// library's "failed to WebSocket dial: " prefixes.
func handshakeReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "failed to WebSocket dial: "); i >= 0 {
		msg = msg[i+len("failed to WebSocket dial: "):]
	}
	return msg
}

func containsFold(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// upgradeKey marks a request that asks to switch protocols: it goes over
// HTTP/1.1 (no HTTP/2 offer in TLS, no h2c, no HTTP/3), and through an
// HTTP proxy by a CONNECT tunnel even for http://.
type upgradeKey struct{}

// isUpgrade reports whether ctx carries upgradeKey.
func isUpgrade(ctx context.Context) bool {
	_, ok := ctx.Value(upgradeKey{}).(bool)
	return ok
}
