package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
)

// EventStreamOptions configure Session.EventStream.
type EventStreamOptions struct {
	// MaxSize bounds a line and the data of an event; zero means
	// sse.DefaultMaxSize.
	MaxSize int64
	// Reconnect sends the request again when the stream ends or breaks,
	// as an EventSource does (WHATWG HTML, "server-sent events"): after
	// the reconnection time (the server's last "retry" field, else
	// DefaultRetry), with Last-Event-ID set to the last event ID when
	// there is one. A 204 No Content answer ends the stream; any other
	// answer but a 200 text/event-stream ends it with an error.
	Reconnect bool
	// MaxReconnects bounds how many times the stream reconnects; a
	// negative value sets no bound.
	MaxReconnects int
	// DefaultRetry is the reconnection time until the server sets one;
	// zero means DefaultEventRetry.
	DefaultRetry time.Duration
	// Raw, when set, receives each response's body as it is read, byte
	// for byte (see sse.Decoder.Raw).
	Raw io.Writer
	// Send are the options of the reconnections' requests.
	Send SendOptions
	// OnReconnect, when set, is told before each reconnection waits: its
	// number (from 1), the wait, and why the stream ended (nil when it
	// ended normally).
	OnReconnect func(n int, wait time.Duration, cause error)
	// OnResponse, when set, is called with the response to each
	// reconnection before its events are read; an error ends the stream
	// with that error.
	OnResponse func(*Response) error
}

// DefaultEventRetry is the reconnection time of an event stream whose
// server sets none (browsers use 3 to 5 s).
const DefaultEventRetry = 3 * time.Second

// EventStream iterates the server-sent events of resp, and with
// opts.Reconnect those of the reconnections after it, as they arrive.
// The iteration ends at the end of the stream, or with one non-nil
// error: a read error, an *sse.TooLargeError (never reconnected), the
// last failure once the reconnections run out, or a refused
// reconnection. Responses are closed when they are done with, and when
// the loop stops early.
//
// Reconnections send the first request of resp's exchange (before any
// redirect) again, its body replayed.
func (s *Session) EventStream(ctx context.Context, resp *Response, opts EventStreamOptions) iter.Seq2[sse.Event, error] {
	return func(yield func(sse.Event, error) bool) {
		cur := resp
		defer func() { cur.Close() }()
		d := sse.NewDecoder(resp.Body)
		if opts.MaxSize > 0 {
			d.SetMaxSize(opts.MaxSize)
		}
		d.Raw = opts.Raw
		reconnects := 0
		for {
			ev, err := d.Next()
			if err == nil {
				if !yield(ev, nil) {
					return
				}
				continue
			}
			if err == io.EOF {
				err = nil
			}
			if !opts.Reconnect || errors.Is(err, sse.ErrTooLarge) || ctx.Err() != nil {
				if err != nil {
					yield(sse.Event{}, err)
				}
				return
			}
			cur.Close()
			next, err := s.reconnectEvents(ctx, resp, d, err, &reconnects, opts)
			if err != nil {
				yield(sse.Event{}, err)
				return
			}
			if next == nil {
				return
			}
			cur = next
			d.Reset(next.Body)
		}
	}
}

// reconnectEvents reconnects the stream of first until a reconnection
// gives an event stream, or the reconnections run out (the last
// failure, or nil when the stream had ended normally). It returns nil,
// nil when the server says there is nothing more (204).
func (s *Session) reconnectEvents(ctx context.Context, first *Response, d *sse.Decoder, cause error, count *int, opts EventStreamOptions) (*Response, error) {
	for {
		if opts.MaxReconnects >= 0 && *count >= opts.MaxReconnects {
			return nil, cause
		}
		*count++
		wait, ok := d.Retry()
		if !ok {
			wait = opts.DefaultRetry
			if wait <= 0 {
				wait = DefaultEventRetry
			}
		}
		if opts.OnReconnect != nil {
			opts.OnReconnect(*count, wait, cause)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, err
		}
		p := reconnectRequest(first, d.LastEventID())
		resp, err := s.Send(ctx, p, opts.Send)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			cause = err
			continue
		}
		if opts.OnResponse != nil {
			if err := opts.OnResponse(resp); err != nil {
				resp.Close()
				return nil, err
			}
		}
		switch {
		case resp.StatusCode == http.StatusNoContent:
			resp.Close()
			return nil, nil
		case resp.StatusCode != http.StatusOK || sse.KindOf(resp.Header.Get("Content-Type")) != sse.EventStream:
			resp.Close()
			return nil, fmt.Errorf("the event stream's reconnection was answered %d %s, %s", resp.StatusCode, resp.Reason, describeType(resp.Header.Get("Content-Type")))
		}
		return resp, nil
	}
}

// describeType names a Content-Type in an error message.
func describeType(ct string) string {
	if ct == "" {
		return "without a Content-Type"
	}
	return "of type " + ct
}

// reconnectRequest is the request that reconnects the stream first
// answered: its exchange's first request, with Last-Event-ID.
func reconnectRequest(first *Response, lastID string) *PreparedRequest {
	orig := first.Request
	if len(first.History) > 0 {
		orig = first.History[0].Request
	}
	p := orig.Clone()
	p.Header.Del("Last-Event-Id")
	if lastID != "" {
		p.Header.Set("Last-Event-Id", lastID)
		if !containsFold(p.HeaderOrder, "Last-Event-Id") {
			p.HeaderOrder = append(p.HeaderOrder, "Last-Event-ID")
		}
	}
	return p
}
