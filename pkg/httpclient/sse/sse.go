// Package sse reads server-sent events (the text/event-stream format) as
// the WHATWG HTML standard's "Interpreting an event stream" rules say: lines
// end with CR LF, LF or CR; one leading byte order mark is dropped; a line
// starting with a colon is a comment; "data" lines of one event are joined
// with LF; an "id" holding NUL is ignored; "retry" is taken only when it is
// all ASCII digits; an event ends at an empty line, and one the stream cuts
// off before its empty line is never dispatched.
//
// Memory is bounded: a line, or the data of one event, longer than the
// decoder's limit is a [*TooLargeError] and nothing more is read.
package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// DefaultMaxSize is the limit a [Decoder] puts on a line and on one event's
// data unless told otherwise: 16 MiB.
const DefaultMaxSize = 16 << 20

// Event is one dispatched event.
type Event struct {
	// Type is the event's type: the last "event" field, or "message" when
	// the event had none.
	Type string
	// ID is the stream's last event ID when the event was dispatched: the
	// last "id" field seen so far, in this event or an earlier one.
	ID string
	// Data is the event's "data" fields joined with LF.
	Data string
}

// TooLargeError says a line or an event was longer than the limit.
type TooLargeError struct {
	// Limit is the limit in bytes.
	Limit int64
	// What is "line" or "event".
	What string
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s larger than the limit of %s", e.What, FormatSize(e.Limit))
}

// FormatSize writes n bytes the way limits are spoken of: "16 MiB",
// "64 KiB", else "1000 bytes".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	case n == 1:
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Decoder reads events from a stream. It reads ahead in blocks, so it
// must be the stream's only reader.
type Decoder struct {
	// Raw, when set, receives the stream's bytes as they are consumed, byte
	// for byte (comments, the byte order mark and line ends included): all
	// of an event's bytes are written before Next returns it, and nothing
	// after its final empty line (except that when a read ends between the
	// CR and the LF of that line's end, the LF goes out with what follows).
	Raw io.Writer

	r   io.Reader
	max int

	buf        []byte
	start, end int   // unread bytes are buf[start:end]
	rawMark    int   // buf[rawMark:start] is consumed but not yet given to Raw
	rerr       error // the reader's error, once it has given one
	err        error // what Next returns from now on
	began      bool  // the byte order mark was looked for
	skipLF     bool  // the last line ended with a CR at the end of buf: a LF next is its end too

	long    []byte // a line longer than buf, gathered
	data    []byte
	typ     []byte
	hasData bool
	lastID  string
	retry   time.Duration
	retried bool
}

// NewDecoder returns a decoder reading r with the limit [DefaultMaxSize].
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r, max: DefaultMaxSize}
}

// Reset makes d read a new stream from r, as a client that reconnects
// does: what was read of the old stream is dropped, an event it left
// unfinished with it, and the last event ID and the reconnection time
// are kept. Raw and the limit are kept too.
func (d *Decoder) Reset(r io.Reader) {
	*d = Decoder{Raw: d.Raw, r: r, max: d.max, buf: d.buf, lastID: d.lastID, retry: d.retry, retried: d.retried}
}

// SetMaxSize sets the longest line, and the most event data, the decoder
// accepts (at least 1 byte).
func (d *Decoder) SetMaxSize(n int64) {
	d.max = int(max(n, 1))
}

// MaxSize returns the decoder's limit.
func (d *Decoder) MaxSize() int64 { return int64(d.max) }

// LastEventID returns the last "id" field seen (without NUL), as a client
// sends it in Last-Event-ID when it reconnects; it is kept from event to
// event until the server sets another, or "" to clear it.
func (d *Decoder) LastEventID() string { return d.lastID }

// Retry returns the reconnection time the stream asked for with its last
// valid "retry" field, and whether it asked for one.
func (d *Decoder) Retry() (time.Duration, bool) { return d.retry, d.retried }

// bufSize is how much a decoder reads at once.
const bufSize = 64 << 10

// Next returns the next event. At the end of the stream it returns io.EOF,
// discarding an event that was not finished by an empty line; a read
// error is returned as it is; a line or event over the limit is a
// [*TooLargeError]. After an error, Next returns it again.
func (d *Decoder) Next() (Event, error) {
	for {
		line, err := d.readLine()
		if err != nil {
			d.flushRaw()
			return Event{}, err
		}
		if ev, ok, err := d.processLine(line); err != nil || ok {
			if err != nil {
				d.err = err
				return Event{}, err
			}
			d.flushRaw()
			return ev, nil
		}
	}
}

// processLine interprets one line; ok is true when it dispatched an event.
func (d *Decoder) processLine(line []byte) (ev Event, ok bool, err error) {
	if len(line) == 0 {
		return d.dispatch()
	}
	if line[0] == ':' {
		return Event{}, false, nil
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "event":
		d.typ = append(d.typ[:0], value...)
	case "data":
		if len(d.data)+len(value)+1 > d.max+1 {
			return Event{}, false, &TooLargeError{Limit: int64(d.max), What: "event"}
		}
		d.data = grow(d.data, len(value)+1, d.max+1)
		d.data = append(d.data, value...)
		d.data = append(d.data, '\n')
		d.hasData = true
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			d.lastID = validText(value)
		}
	case "retry":
		if ms, ok := parseDigits(value); ok {
			d.retry, d.retried = ms, true
		}
	}
	return Event{}, false, nil
}

// dispatch ends the current event; an event without data is dropped.
func (d *Decoder) dispatch() (Event, bool, error) {
	if !d.hasData {
		d.typ = d.typ[:0]
		return Event{}, false, nil
	}
	data := d.data[:len(d.data)-1] // the LF after the last data line
	ev := Event{Type: "message", ID: d.lastID, Data: validText(data)}
	if len(d.typ) > 0 {
		ev.Type = validText(d.typ)
	}
	d.data, d.typ, d.hasData = d.data[:0], d.typ[:0], false
	if cap(d.data) > bufSize && cap(d.data) > 4*len(data) {
		d.data = nil // a huge event does not pin its memory for the small ones after it
	}
	return ev, true, nil
}

// parseDigits reads a "retry" value: ASCII digits only, as milliseconds.
func parseDigits(b []byte) (time.Duration, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var ms int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if ms < 1<<40 { // past 34 years, stay there
			ms = ms*10 + int64(c-'0')
		}
	}
	return time.Duration(ms) * time.Millisecond, true
}

// validText returns b as a string, with U+FFFD for each maximal part of
// an invalid UTF-8 sequence, as the WHATWG UTF-8 decoder reads the stream.
func validText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out, err := unicode.UTF8.NewDecoder().Bytes(b)
	if err != nil { // not reached: the decoder replaces, never fails
		return strings.ToValidUTF8(string(b), "\ufffd")
	}
	return string(out)
}

// readLine returns the next line without its end. The slice is valid until
// the next call. A last line the stream does not end is never returned: it
// could only belong to an event that is never dispatched.
func (d *Decoder) readLine() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.buf == nil {
		d.buf = make([]byte, bufSize)
	}
	if cap(d.long) > 4*bufSize {
		d.long = nil // a huge line does not pin its memory
	}
	d.long = d.long[:0]
	for {
		b := d.buf[d.start:d.end]
		if d.skipLF && len(b) > 0 {
			d.skipLF = false
			if b[0] == '\n' {
				d.start++
				b = b[1:]
			}
		}
		if !d.began {
			switch {
			case bytes.HasPrefix(b, bom):
				d.began = true
				d.start += len(bom)
				b = b[len(bom):]
			case len(b) >= len(bom) || !bytes.HasPrefix(bom, b) || d.rerr != nil:
				d.began = true
			}
		}
		if d.began {
			if i := lineEnd(b); i >= 0 {
				line := b[:i]
				d.start += i + 1
				if b[i] == '\r' {
					if i+1 == len(b) {
						d.skipLF = true
					} else if b[i+1] == '\n' {
						d.start++
					}
				}
				if len(d.long) > 0 {
					if len(d.long)+len(line) > d.max {
						return nil, d.tooLong()
					}
					d.long = appendCapped(d.long, line, d.max)
					return d.long, nil
				}
				if len(line) > d.max {
					return nil, d.tooLong()
				}
				return line, nil
			}
		}
		if d.rerr != nil {
			// What is left is a line the stream never ended.
			d.start = d.end
			d.err = d.rerr
			return nil, d.err
		}
		if d.began && d.start == 0 && d.end == len(d.buf) {
			// The buffer holds one line and no end: gather it aside.
			if len(d.long)+len(b) > d.max {
				return nil, d.tooLong()
			}
			d.long = appendCapped(d.long, b, d.max)
			d.start = d.end
		}
		d.fill()
	}
}

// appendCapped appends b to dst, growing it as grow does.
func appendCapped(dst, b []byte, limit int) []byte {
	return append(grow(dst, len(b), limit), b...)
}

// grow returns dst with room for n more bytes. It grows by doubling but
// not past limit+1 bytes of capacity (unless dst and n need more): a
// buffer that reaches the limit costs about the limit, and the buffers it
// outgrew about as much again, where append's gentler growth for big
// slices leaves several times that behind for the collector.
func grow(dst []byte, n, limit int) []byte {
	need := len(dst) + n
	if need <= cap(dst) {
		return dst
	}
	c := max(2*cap(dst), need, 4096)
	if c > limit+1 {
		c = max(limit+1, need)
	}
	nb := make([]byte, len(dst), c)
	copy(nb, dst)
	return nb
}

// bom is the UTF-8 byte order mark.
var bom = []byte("\xef\xbb\xbf")

// tooLong records and returns the error for a line over the limit.
func (d *Decoder) tooLong() error {
	d.err = &TooLargeError{Limit: int64(d.max), What: "line"}
	return d.err
}

// lineEnd returns the index of the first CR or LF in b, or -1.
func lineEnd(b []byte) int {
	n := bytes.IndexByte(b, '\n')
	if n < 0 {
		return bytes.IndexByte(b, '\r')
	}
	if c := bytes.IndexByte(b[:n], '\r'); c >= 0 {
		return c
	}
	return n
}

// fill moves the unread bytes to the front of the buffer and reads more,
// giving consumed bytes to Raw first.
func (d *Decoder) fill() {
	d.flushRaw()
	if d.start > 0 {
		n := copy(d.buf, d.buf[d.start:d.end])
		d.start, d.end, d.rawMark = 0, n, 0
	}
	for tries := 0; tries < 100; tries++ {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.rerr = io.ErrNoProgress
}

// flushRaw gives the consumed bytes not yet written to Raw.
func (d *Decoder) flushRaw() {
	if d.Raw != nil && d.start > d.rawMark {
		if _, err := d.Raw.Write(d.buf[d.rawMark:d.start]); err != nil && d.err == nil {
			d.err = err
		}
	}
	d.rawMark = d.start
}

// ErrTooLarge matches every [*TooLargeError] with errors.Is.
var ErrTooLarge = errors.New("too large")

// Is makes errors.Is(err, ErrTooLarge) hold.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }
