package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/render"
)

// streamOutput prints a body of server-sent events or JSON lines as it
// arrives, event by event (record by record): formatted with a
// StreamPrinter, filtered by --jq, or (Raw) byte for byte.
type streamOutput struct {
	Out    io.Writer
	Render render.Options
	Filter *render.Filter
	// Raw copies the bytes as they come (into a pipe without --pretty),
	// still counting events for MaxEvents.
	Raw bool
	// MaxEvents stops after that many events or records (0: no limit).
	MaxEvents int
	MaxSize   int64
	// Reconnect follows the event-stream rules when the stream ends, at
	// most Retries times (negative: no bound).
	Reconnect bool
	Retries   int
	Session   *httpclient.Session
	Send      httpclient.SendOptions
	// OnResponse shows a reconnection's response (its head under -v).
	OnResponse func(*httpclient.Response) error
	Warn       func(format string, args ...any)
}

// flushingReader flushes the output before each read of the body, so
// what was printed shows before reqs waits for more, and output is
// written in large pieces while the body arrives faster than it is
// printed.
type flushingReader struct {
	r  io.Reader
	bw *bufio.Writer
}

func (f *flushingReader) Read(p []byte) (int, error) {
	if f.bw.Buffered() > 0 {
		if err := f.bw.Flush(); err != nil {
			return 0, err
		}
	}
	return f.r.Read(p)
}

// flushOnRead returns a buffered writer over w and a reader of r that
// flushes it before each read.
func flushOnRead(w io.Writer, r io.Reader) (*bufio.Writer, io.Reader) {
	bw := bufio.NewWriterSize(w, 64<<10)
	return bw, &flushingReader{r: r, bw: bw}
}

// printer returns the StreamPrinter writing to w (which it never
// flushes: flushingReader does).
func (s *streamOutput) printer(w io.Writer) *render.StreamPrinter {
	p := render.NewStreamPrinter(struct{ io.Writer }{w}, s.Render)
	p.Filter = s.Filter
	return p
}

// limitError names --max-message-size in a too-large error.
func limitError(err error) error {
	if errors.Is(err, sse.ErrTooLarge) {
		return fmt.Errorf("%w (--max-message-size)", err)
	}
	return err
}

// events prints resp's server-sent events.
func (s *streamOutput) events(ctx context.Context, resp *httpclient.Response) (err error) {
	bw, body := flushOnRead(s.Out, resp.Body)
	defer func() {
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
	}()
	resp.Body = readCloser{body, resp.Body}
	opts := httpclient.EventStreamOptions{
		MaxSize: s.MaxSize, Reconnect: s.Reconnect, MaxReconnects: s.Retries,
		Send: s.Send,
		OnResponse: func(next *httpclient.Response) error {
			if s.OnResponse != nil {
				if err := s.OnResponse(next); err != nil {
					return err
				}
			}
			next.Body = readCloser{&flushingReader{r: next.Body, bw: bw}, next.Body}
			return nil
		},
		OnReconnect: func(n int, wait time.Duration, cause error) {
			bw.Flush()
			why := "the stream ended"
			if cause != nil {
				why = "the stream broke: " + cause.Error()
			}
			s.Warn("%s; reconnecting in %v (reconnection %d)", why, wait.Round(time.Millisecond), n)
		},
	}
	if s.Raw {
		opts.Raw = bw
	}
	p := s.printer(bw)
	n := 0
	for ev, err := range s.Session.EventStream(ctx, resp, opts) {
		if err != nil {
			return limitError(err)
		}
		n++
		if !s.Raw {
			if err := p.Event(ctx, ev); err != nil {
				if !s.skip(n, "event", err) {
					return err
				}
			}
		}
		if s.MaxEvents > 0 && n >= s.MaxEvents {
			return nil
		}
	}
	return nil
}

// skip warns about a piece --jq cannot read and reports whether the
// error was that; any other error ends the stream.
func (s *streamOutput) skip(n int, what string, err error) bool {
	var nj *render.DataNotJSONError
	if !errors.As(err, &nj) {
		return false
	}
	s.Warn("%s %d: %v; --jq skipped it", what, n, err)
	return true
}

// lines prints resp's JSON lines (seq: a JSON text sequence).
func (s *streamOutput) lines(ctx context.Context, resp *httpclient.Response, seq bool) (err error) {
	defer resp.Close()
	bw, body := flushOnRead(s.Out, resp.Body)
	defer func() {
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
	}()
	l := sse.NewLines(body, seq)
	if s.MaxSize > 0 {
		l.SetMaxSize(s.MaxSize)
	}
	if s.Raw {
		l.Raw = bw
	}
	p := s.printer(bw)
	for n := 1; ; n++ {
		rec, err := l.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return limitError(err)
		}
		if !s.Raw {
			if err := p.Record(ctx, rec); err != nil && !s.skip(n, "line", err) {
				return err
			}
		}
		if s.MaxEvents > 0 && n >= s.MaxEvents {
			return nil
		}
	}
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// streamBody prints an event stream or JSON lines response as it
// arrives: into a pipe byte for byte unless --pretty says otherwise,
// else event by event; --jq filters each event's data (each line), and
// --max-events, --reconnect and --max-message-size apply.
func streamBody(ctx context.Context, env *requestEnv, resp *httpclient.Response) error {
	o := env.Opts
	keepHeapSmall()
	retries := -1
	if o.Changed("retries") {
		retries = o.Transfer.Retries
	}
	s := &streamOutput{
		Out:       outputUntil(ctx, env.IO.Out),
		Render:    env.Render,
		Filter:    env.Filter,
		Raw:       env.Filter == nil && !env.Render.Terminal && !env.Render.Format && !env.Render.Color,
		MaxEvents: o.Stream.MaxEvents,
		MaxSize:   o.Stream.maxSize(),
		Reconnect: o.Stream.Reconnect,
		Retries:   retries,
		Session:   env.Session,
		Send:      env.X.Options(resp.Request.Method),
		Warn:      env.Warn,
		OnResponse: func(r *httpclient.Response) error {
			return printResponseHead(env, env.Print, env.IO.Out, r)
		},
	}
	switch sse.KindOf(resp.Header.Get("Content-Type")) {
	case sse.EventStream:
		return s.events(ctx, resp)
	case sse.JSONSeq:
		return s.lines(ctx, resp, true)
	}
	return s.lines(ctx, resp, false)
}

// keepHeapSmall has the collector run at half the heap's growth rather
// than its doubling: a stream may run for hours, a piece at a time, and
// a smaller heap keeps reqs' memory near its start-up size for a little
// more collecting.
func keepHeapSmall() { debug.SetGCPercent(50) }
