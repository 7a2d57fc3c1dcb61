package cmd

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/render"
)

// noDeadline is the context of each read and write on a WebSocket: the
// library arms a timer for every frame of a context that can end, so the
// conversation's end closes the connection instead, once.
var noDeadline = context.Background()

// wsBinaryChunk is the largest binary message --binary sends.
const wsBinaryChunk = 64 << 10

// wsCloseWait is how long reqs waits for the server to answer its close
// (the WebSocket library gives its close handshake the same), counted
// from the last message received; wsCloseCap bounds the whole wait for a
// server that keeps sending messages instead.
const (
	wsCloseWait = 5 * time.Second
	wsCloseCap  = 60 * time.Second
)

// conversation is one WebSocket conversation on the command line: what
// standard input says is sent, what the server sends is printed.
type conversation struct {
	conn *httpclient.WebSocket
	// In is standard input: on a terminal each line typed is a text
	// message; otherwise each line is one, or with Binary the input is
	// cut into binary messages of at most wsBinaryChunk bytes.
	In          io.Reader
	Interactive bool
	Binary      bool
	// MaxMessages ends the conversation after that many messages received
	// (0: no limit); once the input has ended, they are waited for at
	// most Timeout (0: no limit).
	MaxMessages int
	Timeout     time.Duration
	// MaxSize bounds a line of input as it bounds a received message.
	MaxSize int64
	// Ping sends a ping this often (0: never).
	Ping time.Duration
	// Printer writes what is received (and, with its Marks, what is
	// sent and the control frames); Raw, when set, gets the received
	// messages' bytes instead: binary ones as they are, text ones as
	// lines.
	Printer *render.StreamPrinter
	Raw     io.Writer
	// Warn reports a message a --jq filter cannot read.
	Warn func(format string, args ...any)

	// Buffered, when set, is the buffer Printer and Raw write into (into
	// a pipe or a file): it is flushed flushDelay after a write, so many
	// messages make one write while each still shows promptly.
	Buffered *bufio.Writer

	mu        sync.Mutex // Printer, Raw and Buffered
	flushing  bool       // a flush is scheduled
	received  int
	stopPings context.CancelFunc
	activity  chan struct{} // a message came
}

// print writes one message or frame, serialised with the other goroutines.
func (c *conversation) print(ctx context.Context, m render.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.scheduleFlush()
	if c.Raw != nil && m.Control == "" && !m.Sent {
		data := m.Data
		if !m.Binary {
			data = append(bytes.Clone(data), '\n')
		}
		_, err := c.Raw.Write(data)
		return err
	}
	err := c.Printer.Message(ctx, m)
	var nj *render.DataNotJSONError
	if errors.As(err, &nj) {
		c.Warn("message %d: %v; --jq skipped it", c.received, err)
		return nil
	}
	return err
}

// flushDelay is how long a buffered message waits for others to share
// its write.
const flushDelay = 2 * time.Millisecond

// scheduleFlush arranges for Buffered to be flushed soon; c.mu is held.
func (c *conversation) scheduleFlush() {
	if c.Buffered == nil || c.flushing || c.Buffered.Buffered() == 0 {
		return
	}
	c.flushing = true
	time.AfterFunc(flushDelay, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.flushing = false
		c.Buffered.Flush()
	})
}

// flush writes what Buffered holds.
func (c *conversation) flush() error {
	if c.Buffered == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Buffered.Flush()
}

// control prints a control frame (shown only with marks).
func (c *conversation) control(sent bool, kind string, payload []byte) {
	c.print(context.Background(), render.Message{Sent: sent, Control: kind, Data: payload})
}

// wsResult is how the reading side ended.
type wsResult struct {
	err    error // nil: --max-messages were received
	closed bool  // the server's close frame came
}

// run holds the conversation until it ends: the server closes, the
// connection drops, --max-messages are received, or the input ends (then
// reqs closes normally and waits for the server's close). It returns nil
// for a normal close (1000) from either side.
func (c *conversation) run(ctx context.Context) (err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer func() {
		if ferr := c.flush(); err == nil {
			err = ferr
		}
	}()
	defer context.AfterFunc(ctx, func() { c.conn.CloseNow() })()
	read := make(chan wsResult, 1)
	enough := make(chan struct{})
	c.activity = make(chan struct{}, 1)
	go c.readLoop(ctx, read, enough)
	inputDone := make(chan error, 1)
	go func() { inputDone <- c.send(ctx) }()
	if c.Ping > 0 {
		pctx, stop := context.WithCancel(ctx)
		c.stopPings = stop
		go c.pinger(pctx)
	} else {
		c.stopPings = func() {}
	}

	for {
		select {
		case r := <-read:
			return c.readEnded(r)
		case <-enough:
			return c.closeNormally(read, true)
		case err := <-inputDone:
			inputDone = nil
			if err != nil && !errors.Is(err, net.ErrClosed) && ctx.Err() == nil {
				c.conn.CloseNow()
				return err
			}
			if c.MaxMessages > 0 {
				if r, waited := c.awaitMessages(ctx, read, enough); !waited {
					return c.readEnded(r)
				}
			}
			return c.closeNormally(read, c.MaxMessages > 0)
		case <-ctx.Done():
			c.conn.CloseNow()
			return ctx.Err()
		}
	}
}

// awaitMessages waits, after the input ended, for --max-messages within
// Timeout; waited is false when the reading side ended first (r says how).
func (c *conversation) awaitMessages(ctx context.Context, read chan wsResult, enough chan struct{}) (r wsResult, waited bool) {
	var timeout <-chan time.Time
	if c.Timeout > 0 {
		t := time.NewTimer(c.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-read:
		return r, false
	case <-enough:
	case <-timeout:
		c.Warn("%d %s received of the %d --max-messages asked for within --timeout %v; closing", c.count(), plural(c.count(), "message"), c.MaxMessages, c.Timeout)
	case <-ctx.Done():
	}
	return wsResult{}, true
}

func (c *conversation) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.received
}

// closeNormally sends a normal close and waits wsCloseWait for the
// server's, printing the messages that arrive meanwhile. Once
// --max-messages were received (satisfied), an unanswered close is a
// warning, not a failure.
func (c *conversation) closeNormally(read chan wsResult, satisfied bool) error {
	c.stopPings()
	c.control(true, "close", []byte("1000"))
	if err := c.conn.CloseWrite(websocket.StatusNormalClosure, ""); err != nil {
		// The connection is gone: most often the server closed it
		// first, which the reading side is about to tell.
		select {
		case r := <-read:
			if satisfied && (r.closed || r.err == nil) {
				c.conn.CloseNow()
				return nil
			}
			return c.readEnded(r)
		case <-time.After(time.Second):
		}
		c.conn.CloseNow()
		if satisfied {
			return nil
		}
		return fmt.Errorf("the WebSocket close could not be sent: %s", wsReason(err))
	}
	// Messages sent before the server saw the close still come: each
	// one gives it wsCloseWait more, up to wsCloseCap in all.
	t := time.NewTimer(wsCloseWait)
	defer t.Stop()
	limit := time.NewTimer(wsCloseCap)
	defer limit.Stop()
wait:
	for {
		select {
		case <-limit.C:
			break wait
		case r := <-read:
			if satisfied && (r.closed || r.err == nil) {
				c.conn.CloseNow()
				return nil
			}
			return c.readEnded(r)
		case <-c.activity:
			t.Reset(wsCloseWait)
		case <-t.C:
			break wait
		}
	}
	c.conn.CloseNow()
	if satisfied {
		c.Warn("the server did not answer the close within %v", wsCloseWait)
		return nil
	}
	return fmt.Errorf("the server did not answer the WebSocket close within %v", wsCloseWait)
}

// readEnded turns the end of the reading side into the conversation's
// result.
func (c *conversation) readEnded(r wsResult) error {
	c.conn.CloseNow()
	return wsEnd(r.err, c.MaxSize)
}

// wsEnd words how a WebSocket's reading side ended: nil for a normal
// close (or --max-messages), else what happened; maxSize is the message
// size limit a too large message passed.
func wsEnd(err error, maxSize int64) error {
	switch code := websocket.CloseStatus(err); {
	case err == nil:
		return nil
	case code == websocket.StatusNormalClosure:
		return nil
	case code != -1:
		var ce websocket.CloseError
		errors.As(err, &ce)
		return &wsCloseError{Code: int(ce.Code), Reason: ce.Reason}
	case errors.Is(err, websocket.ErrMessageTooBig):
		return fmt.Errorf("a message was larger than the limit of %s (--max-message-size); the connection was closed with 1009 (message too big)", sse.FormatSize(maxSize))
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed):
		return errors.New("the WebSocket connection was dropped without a close (1006)")
	case strings.Contains(err.Error(), "invalid close payload"):
		code := closeCode(err.Error()[strings.LastIndex(err.Error(), " ")+1:])
		return fmt.Errorf("the server's close frame had status %s, which RFC 6455 does not allow; reqs closed with 1002 (protocol error)", code)
	}
	return fmt.Errorf("the WebSocket connection failed: %s", wsReason(err))
}

// closeCode turns the library's name of a close status
// ("StatusNoStatusRcvd", "StatusCode(999)") back into its number.
func closeCode(name string) string {
	if n, ok := strings.CutPrefix(name, "StatusCode("); ok {
		return strings.TrimSuffix(n, ")")
	}
	for c := websocket.StatusCode(1000); c <= 1015; c++ {
		if c.String() == name {
			return strconv.Itoa(int(c))
		}
	}
	return name
}

// wsReason is a WebSocket library error without the library's "failed
// to ...: " prefixes, which name its functions rather than what happened.
func wsReason(err error) string {
	msg := err.Error()
	for strings.HasPrefix(msg, "failed to ") {
		_, rest, ok := strings.Cut(msg, ": ")
		if !ok {
			break
		}
		msg = rest
	}
	return msg
}

// wsCloseError is a close from the server with a status other than 1000.
type wsCloseError struct {
	Code   int
	Reason string
}

func (e *wsCloseError) Error() string {
	msg := fmt.Sprintf("the server closed the WebSocket with %d", e.Code)
	if name := closeName(e.Code); name != "" {
		msg += " (" + name + ")"
	}
	if e.Reason != "" {
		msg += ": " + render.EscapeControls(e.Reason)
	}
	return msg
}

// closeName names the RFC 6455 close codes.
func closeName(code int) string {
	switch code {
	case 1001:
		return "going away"
	case 1002:
		return "protocol error"
	case 1003:
		return "unsupported data"
	case 1007:
		return "invalid data"
	case 1008:
		return "policy violation"
	case 1009:
		return "message too big"
	case 1010:
		return "extension required"
	case 1011:
		return "internal error"
	case 1012:
		return "service restart"
	case 1013:
		return "try again later"
	case 1014:
		return "bad gateway"
	}
	return ""
}

// readLoop prints what the server sends until the connection ends,
// telling enough once --max-messages were received.
func (c *conversation) readLoop(ctx context.Context, done chan<- wsResult, enough chan<- struct{}) {
	var buf []byte // one message at a time, printed before the next
	for {
		typ, data, err := c.readInto(&buf)
		if err != nil {
			code := websocket.CloseStatus(err)
			if code != -1 {
				c.control(false, "close", closePayload(err))
			}
			done <- wsResult{err: err, closed: code != -1}
			return
		}
		c.mu.Lock()
		c.received++
		n := c.received
		c.mu.Unlock()
		select {
		case c.activity <- struct{}{}:
		default:
		}
		if err := c.print(ctx, render.Message{Binary: typ == websocket.MessageBinary, Data: data}); err != nil {
			done <- wsResult{err: err}
			return
		}
		if c.MaxMessages > 0 && n == c.MaxMessages {
			close(enough)
			// Keep reading, what comes now unkept: the close handshake
			// needs a reader.
			for {
				_, r, err := c.conn.Reader(noDeadline)
				if err == nil {
					_, err = io.Copy(io.Discard, r)
				}
				if err != nil {
					if code := websocket.CloseStatus(err); code != -1 {
						c.control(false, "close", closePayload(err))
					}
					done <- wsResult{err: err, closed: websocket.CloseStatus(err) != -1}
					return
				}
			}
		}
	}
}

// readInto reads one message into buf, reused from message to message.
// The buffer grows by doubling, but to the limit rather than past it: a
// message at the limit costs one buffer of the limit's size, not the
// twice that plain doubling could reach.
func (c *conversation) readInto(buf *[]byte) (websocket.MessageType, []byte, error) {
	typ, r, err := c.conn.Reader(noDeadline)
	if err != nil {
		return typ, nil, err
	}
	b := (*buf)[:0]
	if cap(b) > 1<<20 {
		b = nil // a big message does not pin its memory
	}
	// The library reads one byte past the limit before it refuses the
	// message: room for that, and for the read that finds the refusal.
	limit := int(min(c.MaxSize+2, math.MaxInt32))
	for {
		if len(b) == cap(b) {
			n := max(2*cap(b), 4096)
			if n > limit && cap(b) < limit {
				n = limit
			}
			nb := make([]byte, len(b), n)
			copy(nb, b)
			b = nb
			if n >= 4<<20 {
				// The buffer just outgrown is collected now, not after
				// the next ones: a message near the limit holds about
				// one buffer's worth.
				runtime.GC()
			}
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			*buf = b
			return typ, b, nil
		}
		if err != nil {
			return typ, nil, err
		}
	}
}

// closePayload is a received close frame's status and reason as text.
func closePayload(err error) []byte {
	var ce websocket.CloseError
	if !errors.As(err, &ce) {
		return nil
	}
	s := strconv.Itoa(int(ce.Code))
	if ce.Reason != "" {
		s += " " + ce.Reason
	}
	return []byte(s)
}

// send sends what standard input holds, until it ends.
func (c *conversation) send(ctx context.Context) error {
	if c.In == nil {
		return nil
	}
	if c.Binary {
		buf := make([]byte, wsBinaryChunk)
		for {
			n, err := io.ReadFull(c.In, buf)
			if n > 0 {
				if werr := c.write(ctx, websocket.MessageBinary, buf[:n]); werr != nil {
					return werr
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read standard input: %w", err)
			}
		}
	}
	br := bufio.NewReaderSize(c.In, 64<<10)
	var line []byte
	defer c.conn.Release()
	for {
		// Lines already read go out together; before waiting for more
		// input, what was held goes out.
		if br.Buffered() == 0 {
			if err := c.conn.Release(); err != nil {
				return err
			}
		} else {
			c.conn.Hold()
		}
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			if int64(len(line)) > c.MaxSize {
				return fmt.Errorf("a line of standard input is larger than the limit of %s (--max-message-size)", sse.FormatSize(c.MaxSize))
			}
			continue
		}
		if len(line) > 0 {
			msg := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if werr := c.write(ctx, websocket.MessageText, msg); werr != nil {
				return werr
			}
		}
		line = line[:0]
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read standard input: %w", err)
		}
	}
}

// write shows one message (with marks) and sends it. It is shown first:
// the server's answer can arrive and be printed before the write returns,
// and "> hi" must come before the "< hi" it caused.
func (c *conversation) write(ctx context.Context, typ websocket.MessageType, data []byte) error {
	if err := c.print(ctx, render.Message{Sent: true, Binary: typ == websocket.MessageBinary, Data: data}); err != nil {
		return err
	}
	return c.conn.Write(noDeadline, typ, data)
}

// pinger pings the server every Ping until the conversation ends.
func (c *conversation) pinger(ctx context.Context) {
	t := time.NewTicker(c.Ping)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if ctx.Err() != nil {
				return
			}
			c.control(true, "ping", nil)
			// The ping is written and its pong awaited without a context
			// that can end: the library closes the connection when a
			// write's context ends mid-write, and stopping the pings
			// must not do that. An unanswered ping holds the next ones
			// back; the connection's end ends the wait.
			if err := c.conn.Ping(noDeadline); err != nil {
				return
			}
		}
	}
}
