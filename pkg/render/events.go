package render

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/jq"
)

// StreamPrinter writes what a stream delivers one piece at a time, as it
// arrives: server-sent events, records of line-delimited JSON and
// WebSocket messages. Each piece is written with one Write (flushed when
// the writer has a Flush method), so it shows at once.
//
// With a Filter, each piece's data (an event's data, a record, a
// message) is a JSON document of its own for the filter, and its results
// are written as [JQ] writes them (several JSON texts in one piece are
// each filtered, as jq reads them); data that is not JSON is a
// *[DataNotJSONError], after the results of what came before it in the
// piece. Without one:
//
//   - an event is a short line naming its type and id (left out for a
//     plain "message" without id), coloured with o.Color, then its data:
//     JSON indented with o.Format and coloured with o.Color, other text
//     as it is;
//   - a record is formatted as JSON is, or written as it is when it is not
//     JSON;
//   - a message is formatted as an event's data is; a binary one is a
//     one-line note on a terminal, base64 elsewhere. With Marks each
//     message starts with its direction, "> " sent or "< " received.
//
// On a terminal, text from the server has its control characters escaped
// as everywhere (see [EscapeControls]).
type StreamPrinter struct {
	// Filter, when set, is applied to each piece's data.
	Filter *Filter
	// Marks prefixes messages with their direction and lets Control
	// frames be printed.
	Marks bool

	w   io.Writer
	o   Options
	out []byte
	buf cappedBuffer
	dec *jq.Decoder // reset for each piece the filter reads
	src strings.Reader
}

// NewStreamPrinter returns a printer writing to w.
func NewStreamPrinter(w io.Writer, o Options) *StreamPrinter {
	return &StreamPrinter{w: w, o: o, buf: cappedBuffer{limit: streamFormatLimit}}
}

// pretty says whether data is formatted or coloured rather than copied.
func (s *StreamPrinter) pretty() bool { return s.o.Format || s.o.Color }

// Event writes one server-sent event.
func (s *StreamPrinter) Event(ctx context.Context, ev sse.Event) error {
	if s.Filter != nil {
		return filterData(ctx, s, ev.Data)
	}
	s.out = s.out[:0]
	if ev.Type != "message" || ev.ID != "" {
		s.out = s.appendEventLine(s.out, ev)
	}
	s.out = s.appendData(s.out, []byte(ev.Data), false)
	return s.write()
}

// appendEventLine appends "event: TYPE · id: ID" in the label colour.
func (s *StreamPrinter) appendEventLine(dst []byte, ev sse.Event) []byte {
	p := s.o.palette()
	if p != nil {
		dst = append(dst, p.label...)
	}
	dst = append(dst, "event: "...)
	dst = s.text(dst, ev.Type, p)
	if ev.ID != "" {
		dst = append(dst, " · id: "...)
		dst = s.text(dst, ev.ID, p)
	}
	if p != nil && len(p.label) > 0 {
		dst = append(dst, ansiReset...)
	}
	return append(dst, '\n')
}

// text appends server text, escaped on a terminal; pre is the colour it
// is written in.
func (s *StreamPrinter) text(dst []byte, t string, p *palette) []byte {
	if !s.o.Terminal {
		return append(dst, t...)
	}
	var pre []byte
	if p != nil {
		pre = p.label
	}
	dst, _ = appendSafe(dst, t, pre, s.o.Color, true)
	return dst
}

// appendData appends data and a newline: JSON formatted when formatting
// or colours are on and it parses, else as it is (escaped on a terminal).
// jsonType says the data is meant to be JSON even when it does not look
// like an object or array.
func (s *StreamPrinter) appendData(dst, data []byte, jsonType bool) []byte {
	if s.pretty() {
		if t := bytes.TrimSpace(data); len(t) > 0 && (jsonType || t[0] == '{' || t[0] == '[') {
			s.buf.Reset()
			f := newJSONFormatter(&s.buf, bytes.NewReader(data), s.o, s.o.Format)
			if err := f.finish(f.run()); err == nil {
				out := s.buf.Bytes()
				dst = append(dst, out...)
				if len(out) == 0 || out[len(out)-1] != '\n' {
					dst = append(dst, '\n')
				}
				return dst
			}
		}
	}
	if s.o.Terminal {
		dst, _ = appendSafe(dst, data, nil, s.o.Color, true)
	} else {
		dst = append(dst, data...)
	}
	return append(dst, '\n')
}

// Record writes one record of line-delimited JSON.
func (s *StreamPrinter) Record(ctx context.Context, rec []byte) error {
	if s.Filter != nil {
		return filterData(ctx, s, rec)
	}
	s.out = s.appendData(s.out[:0], rec, true)
	return s.write()
}

// Message is one WebSocket message or control frame.
type Message struct {
	// Sent is true for what this side sent.
	Sent bool
	// Binary is true for a binary message.
	Binary bool
	Data   []byte
	// Control, when not empty, makes this a control frame: "ping",
	// "pong" or "close", Data holding its payload (for close, the
	// status code and reason as text).
	Control string
}

// Message writes one WebSocket message; a control frame or a message this
// side sent is written only with Marks (a terminal already shows what
// was typed).
func (s *StreamPrinter) Message(ctx context.Context, m Message) error {
	if m.Control != "" || m.Sent {
		if !s.Marks {
			return nil
		}
	}
	s.out = s.out[:0]
	var p *palette
	if s.Marks {
		p = s.o.palette()
		mark := "< "
		if m.Sent {
			mark = "> "
		}
		if p != nil {
			s.out = append(s.out, p.label...)
		}
		s.out = append(s.out, mark...)
		if m.Control != "" {
			s.out = append(s.out, m.Control...)
			if len(m.Data) > 0 {
				s.out = append(s.out, ' ')
				s.out = s.text(s.out, string(m.Data), p)
			}
		}
		if p != nil && len(p.label) > 0 {
			s.out = append(s.out, ansiReset...)
		}
		if m.Control != "" {
			s.out = append(s.out, '\n')
			return s.write()
		}
	}
	if s.Filter != nil && !m.Sent {
		if len(s.out) > 0 {
			if err := s.write(); err != nil {
				return err
			}
		}
		return filterData(ctx, s, m.Data)
	}
	switch {
	case m.Binary && s.o.Terminal:
		s.out = fmt.Appendf(s.out, "binary message, %s\n", plural(len(m.Data), "byte"))
	case m.Binary && len(m.Data) > bigMessage:
		// Encoded as it is written: no second copy of a big message.
		if _, err := s.w.Write(s.out); err != nil {
			return err
		}
		s.out = s.out[:0]
		enc := base64.NewEncoder(base64.StdEncoding, s.w)
		if _, err := enc.Write(m.Data); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		s.out = append(s.out, '\n')
	case m.Binary:
		s.out = base64.StdEncoding.AppendEncode(s.out, m.Data)
		s.out = append(s.out, '\n')
	default:
		s.out = s.appendData(s.out, m.Data, false)
	}
	return s.write()
}

// bigMessage is the size past which a message's output is not kept for
// the next: binary data is encoded as it is written, and the buffer a big
// one needed is let go.
const bigMessage = 1 << 20

// plural writes "1 byte", "2 bytes".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// DataNotJSONError reports a piece of a stream that a filter cannot read
// because it is not JSON; its message quotes the data's first bytes.
type DataNotJSONError struct {
	Head []byte // the data's first bytes, at most notJSONHead
	Err  error
}

func (e *DataNotJSONError) Error() string {
	head, ellipsis := e.Head, ""
	if len(head) > notJSONHead {
		head, ellipsis = head[:notJSONHead], "…"
		for len(head) > 0 && !utf8.Valid(head) && len(e.Head)-len(head) < utf8.UTFMax {
			head = head[:len(head)-1]
		}
	}
	return fmt.Sprintf("data is not json (starting %s%s)", strconv.Quote(string(head)), ellipsis)
}

// Unwrap returns the decoding error.
func (e *DataNotJSONError) Unwrap() error { return e.Err }

// filterData runs the filter over one JSON document held in data and
// writes its results. (A string event's data is read where it is, not
// copied: one event fewer allocation.)
func filterData[S ~string | ~[]byte](ctx context.Context, s *StreamPrinter, data S) error {
	s.src.Reset(string(data))
	if s.dec == nil {
		s.dec = jq.NewDecoder(&s.src)
	} else {
		s.dec.Reset(&s.src)
	}
	s.dec.LimitMemory = true
	s.out = s.out[:0]
	for res, err := range s.Filter.Query.RunDecoder(ctx, s.dec) {
		if err != nil {
			if werr := s.write(); werr != nil {
				return werr
			}
			var de *jq.DecodeError
			if errors.As(err, &de) {
				return &DataNotJSONError{Head: []byte(string(data[:min(len(data), notJSONHead+utf8.UTFMax)])), Err: err}
			}
			return err
		}
		s.out = s.appendResult(s.out, res)
	}
	return s.write()
}

// appendResult appends one jq result as [JQ] writes it.
func (s *StreamPrinter) appendResult(dst []byte, v any) []byte {
	if str, ok := v.(string); ok && s.Filter.Raw {
		dst = s.text(dst, str, nil)
		return append(dst, '\n')
	}
	if !s.pretty() {
		if b, ok := appendScalar(dst, v, s.o.Terminal); ok {
			return append(b, '\n')
		}
	}
	b := jq.Marshal(v)
	if s.pretty() {
		s.buf.Reset()
		f := newJSONFormatter(&s.buf, bytes.NewReader(b), s.o, s.o.Format)
		if err := f.finish(f.run()); err == nil {
			out := s.buf.Bytes()
			dst = append(dst, out...)
			if len(out) == 0 || out[len(out)-1] != '\n' {
				dst = append(dst, '\n')
			}
			return dst
		}
	}
	if s.o.Terminal {
		dst, _ = appendSafe(dst, b, nil, false, true)
	} else {
		dst = append(dst, b...)
	}
	return append(dst, '\n')
}

// write writes what was gathered and flushes.
func (s *StreamPrinter) write() error {
	if len(s.out) == 0 {
		return nil
	}
	_, err := s.w.Write(s.out)
	if cap(s.out) > bigMessage {
		s.out = nil // one big message does not pin its size for the rest
	}
	if err != nil {
		return err
	}
	if f, ok := s.w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// appendScalar appends a result that is an integer, a number as the
// server wrote it, true, false, null or a plain string as jq -c prints
// it, without encoding it: most results of a filter over events are
// such, and marshalling each costs two allocations. ok is false for
// anything else (floats, strings that need escapes, arrays, objects).
func appendScalar(dst []byte, v any, terminal bool) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case bool:
		return strconv.AppendBool(dst, v), true
	case int:
		return strconv.AppendInt(dst, int64(v), 10), true
	case json.Number:
		return append(dst, v...), true
	case string:
		for i := 0; i < len(v); i++ {
			if c := v[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
				return dst, false
			}
		}
		dst = append(dst, '"')
		dst = append(dst, v...)
		return append(dst, '"'), true
	}
	return dst, false
}
