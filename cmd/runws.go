package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile"
)

// converse runs a request file's WEBSOCKET request (the runner's
// Converse): the handshake is printed as any request's, the turns are
// played in order, and then, unless the last turn waited, reqs listens
// until the server closes, --max-events messages came or the request's
// @timeout passed (which ends the listening normally). The exchange's
// body is the JSON array of the messages received. A refused handshake
// is an exchange like any response, for the assertions to judge.
func (r *runner) converse(ctx context.Context, req *httpfile.Request, hreq *httpclient.Request, turns []httpfile.Turn) (*httpfile.Exchange, error) {
	wsURL := hreq.URL
	h := *hreq
	h.URL, h.Method = httpclient.WebSocketURL(hreq.URL), http.MethodGet
	env, prep, err := r.prepare(req, &h)
	if err != nil {
		return nil, err
	}
	x := &httpfile.Exchange{URL: httpclient.RedactURL(wsURL)}
	var timeout context.Context
	if req.Directives.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Directives.Timeout)
		defer cancel()
		timeout = ctx
	}
	ctx, cancel := r.o.Request.Transfer.withMaxTime(ctx)
	defer cancel()

	head := newHeadPrinter(env)
	opts := r.o.Request.Stream.dialOptions()
	opts.Send = r.sendOptions(env, req)
	opts.Send.OnConnect = head.print
	start := time.Now()
	conn, resp, err := env.X.Dial(ctx, prep, opts)
	head.print(prep, "HTTP/1.1")
	if err == nil && head.err != nil {
		conn.CloseNow()
		err = head.err
	}
	sep := false
	if resp != nil {
		sep, _ = head.finish(prep, resp)
	}
	x.Duration = time.Since(start)
	if errors.Is(err, httpclient.ErrNotUpgraded) && resp != nil {
		defer resp.Close()
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxRunBody+1))
		x.Status, x.Reason, x.Header, x.Body = resp.StatusCode, resp.Reason, resp.Header, body
		if rerr != nil {
			return x, rerr
		}
		if len(body) > maxRunBody {
			return x, fmt.Errorf("%s: the response body is larger than %d MiB, more than a request file's run keeps", req.Pos, maxRunBody>>20)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return x, r.printStream(ctx, env, resp, sep)
	}
	if err != nil {
		return x, err
	}
	defer conn.CloseNow()
	msgs, err := playTurns(ctx, conn, turns, r.o.Request.Stream.MaxEvents, r.o.Request.Stream.maxSize())
	conn.CloseWrite(websocket.StatusNormalClosure, "") // when @timeout cut the listening short
	if err != nil && timeout != nil && timeout.Err() != nil && ctx.Err() == timeout.Err() {
		err = nil // the request's @timeout ends the listening
	}
	x.Duration = time.Since(start)
	x.Status, x.Reason, x.Header = resp.StatusCode, resp.Reason, resp.Header
	x.Body, x.Stream = httpfile.MessagesBody(msgs), httpfile.MessageStream
	if err != nil {
		return x, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(x.Body))
	env.Collected = true
	return x, r.printStream(ctx, env, resp, sep)
}

// printStream prints the exchange of a stream the run collected, then
// the blank line that keeps it apart from the result line.
func (r *runner) printStream(ctx context.Context, env *requestEnv, resp *httpclient.Response, sep bool) error {
	if err := printExchange(ctx, env, resp, sep); err != nil {
		return err
	}
	if env.Print != (printSpec{}) {
		io.WriteString(env.IO.Out, "\n")
	}
	return nil
}

// playTurns plays turns on conn: messages are sent, waits wait for one
// message. Then it listens until the server closes (or max messages came,
// 0 for no limit) unless the last turn waited, and closes normally. It
// returns the messages received; ctx ending ends it with ctx's error.
func playTurns(ctx context.Context, conn *httpclient.WebSocket, turns []httpfile.Turn, max int, maxSize int64) ([]httpfile.Message, error) {
	type result struct {
		msg httpfile.Message
		err error
	}
	incoming := make(chan result, 16)
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	defer context.AfterFunc(rctx, func() { conn.CloseNow() })()
	go func() {
		for {
			typ, data, err := conn.Read(noDeadline)
			select {
			case incoming <- result{httpfile.Message{Binary: typ == websocket.MessageBinary, Data: data}, err}:
			case <-rctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var msgs []httpfile.Message
	// receive waits for the next message; closed is true when the
	// server closed normally instead.
	receive := func() (closed bool, err error) {
		select {
		case r := <-incoming:
			if r.err != nil {
				if websocket.CloseStatus(r.err) == websocket.StatusNormalClosure {
					return true, nil
				}
				return false, wsEnd(r.err, maxSize)
			}
			msgs = append(msgs, r.msg)
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	enough := func() bool { return max > 0 && len(msgs) >= max }
	waited := false
	for _, t := range turns {
		waited = t.Wait
		if t.Wait {
			closed, err := receive()
			if err != nil || closed {
				return msgs, err
			}
			continue
		}
		if err := conn.Write(noDeadline, websocket.MessageText, t.Message); err != nil {
			// A server that closed meanwhile says why.
			select {
			case r := <-incoming:
				if r.err != nil && websocket.CloseStatus(r.err) == websocket.StatusNormalClosure {
					return msgs, nil
				}
				if r.err != nil {
					return msgs, wsEnd(r.err, maxSize)
				}
			case <-time.After(time.Second):
			}
			return msgs, fmt.Errorf("the WebSocket message could not be sent: %s", wsReason(err))
		}
	}
	if !waited {
		for !enough() {
			closed, err := receive()
			if err != nil || closed {
				return msgs, err
			}
		}
	}
	// Close normally, keeping what still comes until the server's close.
	if err := conn.CloseWrite(websocket.StatusNormalClosure, ""); err != nil {
		return msgs, nil
	}
	t := time.NewTimer(wsCloseWait)
	defer t.Stop()
	for {
		select {
		case r := <-incoming:
			if r.err != nil {
				return msgs, nil
			}
			msgs = append(msgs, r.msg)
		case <-t.C:
			return msgs, nil
		case <-ctx.Done():
			return msgs, nil
		}
	}
}
