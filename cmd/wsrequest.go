package cmd

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/coder/websocket"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/render"
)

// webSocketFlags checks the flags of a ws:// or wss:// request: -o FILE
// saves the messages received, and a download is not a WebSocket's.
func webSocketFlags(env *requestEnv) error {
	o := env.Opts
	switch {
	case o.Transfer.Download:
		return usageErrorf("--download does not apply to a WebSocket; -o FILE saves the messages received")
	case o.Transfer.Continue:
		return usageErrorf("--continue does not apply to a WebSocket")
	case o.Transfer.Paginate:
		return usageErrorf("--paginate does not apply to a WebSocket")
	}
	if o.Transfer.Output != "-" {
		env.MessagesFile = o.Transfer.Output
	}
	o.Transfer.Output = ""
	return nil
}

// webSocketRequest makes req a WebSocket handshake: a GET without a
// body, the body the items gave being the first message.
func webSocketRequest(env *requestEnv, req *httpclient.Request) error {
	switch {
	case env.Opts.Method != "" && env.Opts.Method != http.MethodGet:
		return usageErrorf("a WebSocket opens with a GET, not %s", env.Opts.Method)
	case len(req.Form) > 0 || len(req.Files) > 0 || req.Multipart:
		return usageErrorf("a WebSocket message cannot be a form; send JSON items, --raw or @FILE")
	}
	switch {
	case req.JSON != nil:
		env.FirstMessage = httpclient.BytesBody(req.JSON)
	case req.Body != nil:
		env.FirstMessage = req.Body
	}
	req.Method, req.JSON, req.Body = http.MethodGet, nil, nil
	req.Header.Del("Content-Type")
	return nil
}

// runWebSocket opens the WebSocket of prep (a handshake printed as any
// request and response are) and holds the conversation: standard input
// is sent, what arrives is printed. A refused handshake is printed as a
// response; it exits 3, 4 or 5 under --check-status, else 1.
func runWebSocket(ctx context.Context, env *requestEnv, prep *httpclient.PreparedRequest) error {
	o := env.Opts
	keepHeapSmall()
	ctx, cancel := o.Transfer.withMaxTime(ctx)
	defer cancel()
	out := outputUntil(ctx, env.IO.Out)
	var buffered *bufio.Writer
	msgOut := out
	if !env.IO.StdoutTTY && env.MessagesFile == "" {
		// Into a pipe, messages that come together share a write.
		buffered = bufio.NewWriterSize(out, 64<<10)
		msgOut = struct{ io.Writer }{buffered}
	}
	printer := render.NewStreamPrinter(msgOut, env.Render)
	printer.Filter = env.Filter
	printer.Marks = o.Verbose > 0
	conv := &conversation{
		Binary:      o.Stream.Binary,
		MaxMessages: o.Stream.MaxMessages,
		MaxSize:     o.Stream.maxSize(),
		Ping:        o.Stream.pingInterval(),
		Printer:     printer,
		Buffered:    buffered,
		Warn:        env.Warn,
	}
	if env.IO.StdinTTY || env.IO.StdinReadable && !o.IgnoreStdin {
		conv.In, conv.Interactive = env.IO.In, env.IO.StdinTTY
	}
	if !env.Print.ResponseBody {
		conv.Printer = render.NewStreamPrinter(io.Discard, env.Render)
	}
	if env.MessagesFile != "" {
		f, err := os.OpenFile(env.MessagesFile, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return usageErrorf("-o %s: %v", env.MessagesFile, httpclient.Reason(err))
		}
		defer f.Close()
		conv.Buffered = bufio.NewWriterSize(f, 64<<10)
		conv.Raw = conv.Buffered
	}

	head := newHeadPrinter(env)
	opts := o.Stream.dialOptions()
	opts.Send.OnConnect = head.print
	opts.OnPing = func(b []byte) { conv.control(false, "ping", b) }
	opts.OnPong = func(b []byte) { conv.control(false, "pong", b) }
	conn, resp, err := env.X.Dial(ctx, prep, opts)
	head.print(prep, "HTTP/1.1") // no connection was made, or a mounted transport sent it
	if head.err != nil {
		if conn != nil {
			conn.CloseNow()
		}
		return head.err
	}
	var sep bool
	if resp != nil || err == nil {
		var bodyErr error
		if sep, bodyErr = head.finish(prep, resp); bodyErr != nil {
			if conn != nil {
				conn.CloseNow()
			}
			return bodyErr
		}
	}
	if errors.Is(err, httpclient.ErrNotUpgraded) && resp != nil {
		defer resp.Close()
		if perr := printExchange(ctx, env, resp, sep); perr != nil {
			return perr
		}
		if o.CheckStatus && resp.StatusCode >= 300 && resp.StatusCode < 600 {
			if resp.StatusCode >= 400 {
				env.Warn("HTTP %d %s", resp.StatusCode, resp.Reason)
			}
			return &statusError{Code: resp.StatusCode, Reason: resp.Reason}
		}
		return err
	}
	if err != nil {
		return err
	}
	defer conn.CloseNow()
	if sep && env.Print.ResponseHead {
		io.WriteString(out, "\n")
	}
	if err := printResponseHead(env, env.Print, out, resp); err != nil {
		return err
	}
	// The handshake's cookies are the session's now, whatever the
	// conversation does.
	if err := closeExchange(env, env.X); err != nil {
		return err
	}
	if env.FirstMessage != nil {
		if err := sendFirst(ctx, conv, conn, env.FirstMessage); err != nil {
			return err
		}
	}
	conv.conn = conn
	conv.Timeout = env.Session.TransportOptions().ReadTimeout
	return conv.run(ctx)
}

// sendFirst sends the body the items gave as one message: binary with
// --binary, else text.
func sendFirst(ctx context.Context, conv *conversation, conn *httpclient.WebSocket, body *httpclient.Body) error {
	rc, err := body.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, conv.MaxSize+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > conv.MaxSize {
		return usageErrorf("the message the items give is larger than --max-message-size, the largest message reqs sends")
	}
	typ := websocket.MessageText
	if conv.Binary {
		typ = websocket.MessageBinary
	}
	conv.conn = conn
	return conv.write(ctx, typ, data)
}
