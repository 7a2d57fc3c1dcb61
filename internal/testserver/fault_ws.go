package testserver

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// WebSocket routes of Fault. Every route but /ws/hostile/* takes these
// knobs on its handshake:
//
//	auth=basic|bearer|digest  refuse the handshake with 401 (and a challenge)
//	                          unless it carries Basic u:p, Bearer WSToken, or
//	                          a Digest answer for u:p (realm reqs-fault)
//	protocols=a,b             the subprotocols the server accepts, in its order
//	compress=0                refuse permessage-deflate (accepted by default)
//	cookie=NAME=VALUE         set that cookie (Path=/) in the 101 answer
//
// WSToken is the bearer token /ws routes accept with auth=bearer.
const WSToken = "ws-token"

// wsHub is the set of connections of /ws/broadcast.
type wsHub struct {
	mu    sync.Mutex
	conns map[*websocket.Conn]bool
}

func (h *wsHub) add(c *websocket.Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns == nil {
		h.conns = map[*websocket.Conn]bool{}
	}
	h.conns[c] = true
}

func (h *wsHub) remove(c *websocket.Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
}

func (h *wsHub) send(ctx context.Context, typ websocket.MessageType, b []byte) {
	h.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.Write(ctx, typ, b)
	}
}

// wsRoutes are the WebSocket routes, added to Fault's.
func (f *Fault) wsRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/ws/echo":              f.handleWSEcho,
		"/ws/info":              f.handleWSInfo,
		"/ws/broadcast":         f.handleWSBroadcast,
		"/ws/send":              f.handleWSSend,
		"/ws/pings":             f.handleWSPings,
		"/ws/pinger":            f.handleWSPinger,
		"/ws/hostile/big":       handleWSHostileBig,
		"/ws/hostile/fragments": handleWSHostileFragments,
		"/ws/hostile/badclose":  handleWSHostileBadClose,
		"/ws/hostile/noclose":   handleWSHostileNoClose,
	}
}

// wsAccept checks the handshake's knobs and credentials and accepts it;
// it answers the failure itself and returns nil.
func (f *Fault) wsAccept(w http.ResponseWriter, r *http.Request, opts *websocket.AcceptOptions) *websocket.Conn {
	k := newKnobs(r)
	auth := k.str("auth", "")
	protocols := k.str("protocols", "")
	noCompress := r.URL.Query().Get("compress") == "0"
	cookie := k.str("cookie", "")
	if !k.ok(w) {
		return nil
	}
	switch auth {
	case "":
	case "basic":
		if u, p, ok := r.BasicAuth(); !ok || u != DigestUser || p != DigestPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="reqs-ws"`)
			http.Error(w, "basic credentials u:p wanted", http.StatusUnauthorized)
			return nil
		}
	case "bearer":
		if r.Header.Get("Authorization") != "Bearer "+WSToken {
			w.Header().Set("WWW-Authenticate", `Bearer realm="reqs-ws"`)
			http.Error(w, "bearer token wanted", http.StatusUnauthorized)
			return nil
		}
	case "digest":
		params, err := parseDigestAuthorization(r.Header.Get("Authorization"))
		if err == nil {
			err = checkDigest(params, r, "MD5")
		}
		if err != nil {
			f.digestChallenge(w, "MD5", nonceFresh, false, err.Error())
			return nil
		}
	default:
		http.Error(w, fmt.Sprintf("bad query parameter auth=%q: basic, bearer or digest", auth), http.StatusBadRequest)
		return nil
	}
	if opts == nil {
		opts = &websocket.AcceptOptions{}
	}
	if protocols != "" {
		opts.Subprotocols = strings.Split(protocols, ",")
	}
	opts.CompressionMode = websocket.CompressionContextTakeover
	if noCompress {
		opts.CompressionMode = websocket.CompressionDisabled
	}
	opts.InsecureSkipVerify = true // any Origin
	if name, value, ok := strings.Cut(cookie, "="); ok {
		http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/"})
	}
	c, err := websocket.Accept(w, r, opts)
	if err != nil {
		return nil
	}
	c.SetReadLimit(64 << 20)
	return c
}

// handleWSEcho serves /ws/echo: every message is sent back as it came
// (text or binary). A text message "close CODE [REASON]" makes the server
// close the connection with that status instead.
func (f *Fault) handleWSEcho(w http.ResponseWriter, r *http.Request) {
	c := f.wsAccept(w, r, nil)
	if c == nil {
		return
	}
	defer c.CloseNow()
	wsEcho(r.Context(), c)
}

// wsEcho echoes until the connection ends. Its reads and writes take a
// context that never ends (the library arms a timer per frame for one
// that can), and ctx ending closes the connection instead, so that the
// server costs little beside the client a benchmark measures.
func wsEcho(ctx context.Context, c *websocket.Conn) {
	defer context.AfterFunc(ctx, func() { c.CloseNow() })()
	ctx = context.WithoutCancel(ctx)
	for {
		typ, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		if typ == websocket.MessageText && strings.HasPrefix(string(b), "close ") {
			fields := strings.SplitN(string(b), " ", 3)
			code, _ := strconv.Atoi(fields[1])
			reason := ""
			if len(fields) == 3 {
				reason = fields[2]
			}
			c.Close(websocket.StatusCode(code), reason)
			return
		}
		if err := c.Write(ctx, typ, b); err != nil {
			return
		}
	}
}

// handleWSInfo serves /ws/info: first a JSON text message about the
// handshake, {"headers": {Name: [values]}, "cookies": {name: value},
// "subprotocol", "compression": bool, "tls": bool, "client_cert": CN or
// "", "proto"}, then it echoes as /ws/echo does.
func (f *Fault) handleWSInfo(w http.ResponseWriter, r *http.Request) {
	c := f.wsAccept(w, r, nil)
	if c == nil {
		return
	}
	defer c.CloseNow()
	cookies := map[string]string{}
	for _, ck := range r.Cookies() {
		cookies[ck.Name] = ck.Value
	}
	info := map[string]any{
		"headers":     r.Header,
		"cookies":     cookies,
		"subprotocol": c.Subprotocol(),
		"compression": strings.Contains(r.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") && r.URL.Query().Get("compress") != "0",
		"tls":         r.TLS != nil,
		"client_cert": "",
		"proto":       r.Proto,
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		info["client_cert"] = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	b, _ := json.Marshal(info)
	if err := c.Write(r.Context(), websocket.MessageText, b); err != nil {
		return
	}
	wsEcho(r.Context(), c)
}

// handleWSBroadcast serves /ws/broadcast: every message received on any
// connection of the route is sent to all of them, the sender included.
func (f *Fault) handleWSBroadcast(w http.ResponseWriter, r *http.Request) {
	c := f.wsAccept(w, r, nil)
	if c == nil {
		return
	}
	defer c.CloseNow()
	f.hub.add(c)
	defer f.hub.remove(c)
	for {
		typ, b, err := c.Read(r.Context())
		if err != nil {
			return
		}
		f.hub.send(r.Context(), typ, b)
	}
}

// handleWSSend serves /ws/send?n=3&size=0&binary=0&delay=0&close=1000&reason=:
// n messages, the i-th {"n": i} (or with size, size bytes of the pattern
// /big sends), as text (binary=1: binary), delay apart, then a close with
// status close (1000) and reason. Messages the client sends are read and
// dropped.
func (f *Fault) handleWSSend(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 3, 0, 10_000_000)
	size := k.size("size", 0)
	binary := k.bool("binary")
	delay := k.duration("delay", 0, 10*time.Second)
	code := k.int("close", 1000, 1000, 4999)
	reason := k.str("reason", "")
	if !k.ok(w) {
		return
	}
	c := f.wsAccept(w, r, nil)
	if c == nil {
		return
	}
	defer c.CloseNow()
	ctx := c.CloseRead(r.Context())
	typ := websocket.MessageText
	if binary {
		typ = websocket.MessageBinary
	}
	var msg []byte
	for i := 1; i <= n; i++ {
		if i > 1 && delay > 0 && !sleepCtx(r, delay) {
			return
		}
		if size > 0 {
			if msg == nil {
				msg, _ = io.ReadAll(NewPatternReader(size))
			}
		} else {
			msg = fmt.Appendf(msg[:0], `{"n": %d}`, i)
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return
		}
	}
	c.Close(websocket.StatusCode(code), reason)
}

// handleWSPings serves /ws/pings: each ping the client sends is answered
// with a pong and then a text message "ping N" (N counting from 1).
// Messages the client sends are echoed.
func (f *Fault) handleWSPings(w http.ResponseWriter, r *http.Request) {
	var mu sync.Mutex
	pings := 0
	var c *websocket.Conn
	ready := make(chan struct{})
	opts := &websocket.AcceptOptions{OnPingReceived: func(ctx context.Context, _ []byte) bool {
		<-ready
		mu.Lock()
		pings++
		n := pings
		mu.Unlock()
		go c.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, "ping %d", n))
		return true
	}}
	c = f.wsAccept(w, r, opts)
	close(ready)
	if c == nil {
		return
	}
	defer c.CloseNow()
	wsEcho(r.Context(), c)
}

// handleWSPinger serves /ws/pinger: the server pings the client, sends a
// text message "pong" once the client has answered, and closes with 1000.
func (f *Fault) handleWSPinger(w http.ResponseWriter, r *http.Request) {
	c := f.wsAccept(w, r, nil)
	if c == nil {
		return
	}
	defer c.CloseNow()
	ctx := c.CloseRead(r.Context())
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Ping(pctx); err != nil {
		c.Close(websocket.StatusInternalError, "no pong")
		return
	}
	c.Write(ctx, websocket.MessageText, []byte("pong"))
	c.Close(websocket.StatusNormalClosure, "")
}

// The hostile routes speak the protocol by hand over the hijacked
// connection, to send what a well-behaved library never would.

// rawWSAccept completes a handshake by hand and returns the connection.
func rawWSAccept(w http.ResponseWriter, r *http.Request) (net.Conn, *bufio.ReadWriter, bool) {
	key := r.Header.Get("Sec-WebSocket-Key")
	if key == "" || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		http.Error(w, "a WebSocket handshake is expected", http.StatusBadRequest)
		return nil, nil, false
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, false
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	fmt.Fprintf(brw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(sum[:]))
	if err := brw.Flush(); err != nil {
		conn.Close()
		return nil, nil, false
	}
	return conn, brw, true
}

// frameHeader returns an unmasked frame header (server to client).
func frameHeader(fin bool, opcode byte, length int64) []byte {
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	switch {
	case length < 126:
		return []byte{b0, byte(length)}
	case length <= 0xffff:
		h := []byte{b0, 126, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(length))
		return h
	}
	h := []byte{b0, 127, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(h[2:], uint64(length))
	return h
}

// handleWSHostileBig serves /ws/hostile/big?size=100M: one binary message
// of size bytes (in one frame), streamed; then the connection is closed.
func handleWSHostileBig(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	size := k.size("size", 100<<20)
	if !k.ok(w) {
		return
	}
	conn, brw, ok := rawWSAccept(w, r)
	if !ok {
		return
	}
	defer conn.Close()
	go io.Copy(io.Discard, brw) // the client's close frame
	brw.Write(frameHeader(true, 2, size))
	io.CopyBuffer(brw, NewPatternReader(size), make([]byte, 64<<10))
	brw.Flush()
}

// handleWSHostileFragments serves /ws/hostile/fragments?size=1: a text
// message that never ends, in fragments of size bytes (0: empty ones),
// until the client goes away.
func handleWSHostileFragments(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	size := k.int("size", 1, 0, 1<<20)
	if !k.ok(w) {
		return
	}
	conn, brw, ok := rawWSAccept(w, r)
	if !ok {
		return
	}
	defer conn.Close()
	go io.Copy(io.Discard, brw)
	payload := []byte(strings.Repeat("x", size))
	frame := append(frameHeader(false, 1, int64(size)), payload...)
	cont := append(frameHeader(false, 0, int64(size)), payload...)
	var batch []byte
	for range 1 << 12 {
		batch = append(batch, cont...)
	}
	if _, err := brw.Write(frame); err != nil {
		return
	}
	for {
		if _, err := brw.Write(batch); err != nil {
			return
		}
	}
}

// handleWSHostileBadClose serves /ws/hostile/badclose?code=999&text=hi:
// a text message text (when given), then a close frame with status code
// code, which may be one RFC 6455 forbids on the wire, then the
// connection is closed.
func handleWSHostileBadClose(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	code := k.int("code", 999, 0, 65535)
	text := k.str("text", "")
	if !k.ok(w) {
		return
	}
	conn, brw, ok := rawWSAccept(w, r)
	if !ok {
		return
	}
	defer conn.Close()
	if text != "" {
		brw.Write(frameHeader(true, 1, int64(len(text))))
		brw.WriteString(text)
	}
	payload := binary.BigEndian.AppendUint16(nil, uint16(code))
	payload = append(payload, "bad"...)
	brw.Write(frameHeader(true, 8, int64(len(payload))))
	brw.Write(payload)
	brw.Flush()
	// Give the client time to read before the connection goes.
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, brw)
}

// handleWSHostileNoClose serves /ws/hostile/noclose: after the handshake
// the server reads whatever comes and never answers a close, nor closes,
// until the client drops the connection.
func handleWSHostileNoClose(w http.ResponseWriter, r *http.Request) {
	conn, brw, ok := rawWSAccept(w, r)
	if !ok {
		return
	}
	defer conn.Close()
	io.Copy(io.Discard, brw)
}
