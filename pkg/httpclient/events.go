package httpclient

import (
	"io"
	"iter"

	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
)

// Events iterates the server-sent events of a text/event-stream body as
// they arrive, read by the WHATWG rules (see package sse), each line and
// event bounded by sse.DefaultMaxSize. The iteration ends at the end of
// the body, or with one non-nil error (a read error, or an
// *sse.TooLargeError); the body is closed when it ends or the loop stops
// early. A caller that wants another limit, the last event ID or the
// server's retry time reads Body with an sse.Decoder of its own.
func (r *Response) Events() iter.Seq2[sse.Event, error] {
	return func(yield func(sse.Event, error) bool) {
		defer r.Close()
		d := sse.NewDecoder(r.Body)
		for {
			ev, err := d.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(sse.Event{}, err)
				return
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}
