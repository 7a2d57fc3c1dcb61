package cmd

import (
	"context"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// interruptGrace is how long reqs lets a run end by itself after Ctrl-C
// (a download saying where its bytes are, a helper's process group
// ended) before it exits anyway: Ctrl-C ends reqs within half a second
// whatever it is doing, even in a write to a terminal that does not read.
const interruptGrace = 250 * time.Millisecond

// interruptWatch turns Ctrl-C into the cancellation of the run's context,
// and exits with status 130 when the run has not ended interruptGrace
// later, or at a second Ctrl-C.
type interruptWatch struct {
	mu    sync.Mutex
	ended bool
	sigs  chan os.Signal
	stop  chan struct{}
}

// watchInterrupts returns the run's context, cancelled at Ctrl-C, and the
// watch; call end when the run has ended, before printing its outcome.
func watchInterrupts(ios *IOStreams) (context.Context, *interruptWatch) {
	ctx, cancel := context.WithCancel(context.Background())
	w := &interruptWatch{sigs: make(chan os.Signal, 2), stop: make(chan struct{})}
	signal.Notify(w.sigs, os.Interrupt)
	go func() {
		select {
		case <-w.sigs:
		case <-w.stop:
			return
		}
		cancel()
		select {
		case <-w.sigs:
		case <-time.After(interruptGrace):
		case <-w.stop:
			return
		}
		w.mu.Lock() // held until the exit: the run cannot report as well
		if w.ended {
			w.mu.Unlock()
			return
		}
		// The terminal may take no more (that can be why the run did not
		// end): say so if it can, and exit either way.
		said := make(chan struct{})
		go func() {
			if ios.StdoutTTY {
				io.WriteString(ios.Out, "\x1b[0m") // no colour left on
			}
			ios.Errorf("interrupted")
			close(said)
		}()
		select {
		case <-said:
		case <-time.After(interruptGrace / 5):
		}
		os.Exit(exitInterrupted)
	}()
	return ctx, w
}

// end says the run has ended and its outcome is reqs's to report: from
// now on Ctrl-C is the default again (the process ends).
func (w *interruptWatch) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.ended {
		w.ended = true
		signal.Stop(w.sigs)
		close(w.stop)
	}
}

// stopWriter writes to w until ctx ends, then refuses every write with
// why it ended, so that output stops at Ctrl-C or when --max-time runs
// out, however much is left to print.
type stopWriter struct {
	ctx context.Context
	w   io.Writer
}

// outputUntil returns w, stopped when ctx ends (see stopWriter).
func outputUntil(ctx context.Context, w io.Writer) io.Writer {
	return &stopWriter{ctx: ctx, w: w}
}

func (s *stopWriter) Write(p []byte) (int, error) {
	if s.ctx.Err() != nil {
		cause := context.Cause(s.ctx)
		if isTimeout(cause) {
			// --max-time (and a request file's @timeout) covers printing
			// too, and says so as it does for the exchange.
			return 0, &httpclient.RequestError{Kind: httpclient.ErrTimeout, Err: cause}
		}
		return 0, cause
	}
	return s.w.Write(p)
}

// isTimeout says whether err, the cause of a context's end, is a
// deadline: --max-time's (httpclient.WithMaxTime) or another.
func isTimeout(err error) bool {
	t, ok := err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}
