package render

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// streamLineLimit is the longest line Stream formats; a longer one is
// written as it arrives, unformatted.
const streamLineLimit = 1 << 20

// Stream writes a body as it arrives (--stream), flushing w after each
// piece when w has a Flush method:
//
//   - text/event-stream is written event by event (an event ends with an
//     empty line); with o.Format a data field holding JSON is indented, and
//     with o.Color field names are coloured.
//   - JSON types (NDJSON, JSON Lines) and plain text (a JSON stream such as
//     go-httpbin's /stream is text/plain) with o.Format or o.Color are
//     written line by line, each line that looks like JSON formatted as
//     [JSON] does; other lines are written as they are.
//   - Anything else is written chunk by chunk as soon as it is read, so a
//     body without newlines (a slow drip) still shows up at once. On a
//     terminal, a binary body is replaced by [BinaryNote].
//
// On a terminal a body that does not end with a newline gets one, so the
// shell's prompt does not follow it on its last line.
func Stream(w io.Writer, r io.Reader, contentType string, o Options) error {
	if !o.Terminal {
		return stream(w, r, contentType, o)
	}
	t := &streamTail{tailWriter{w: w}}
	err := stream(t, r, contentType, o)
	if err == nil && t.n > 0 && t.last != '\n' {
		_, err = io.WriteString(w, "\n")
	}
	return err
}

// streamTail is a tailWriter that flushes what it writes to as the
// streamer flushes it.
type streamTail struct{ tailWriter }

func (t *streamTail) Flush() error {
	if f, ok := t.w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

func stream(w io.Writer, r io.Reader, contentType string, o Options) error {
	mt := mediaType(contentType)
	br := bufio.NewReaderSize(r, 64<<10)
	s := &streamer{w: w, o: o, jsonType: strings.Contains(mt, "json"), buf: cappedBuffer{limit: streamFormatLimit}}
	switch {
	case mt == "text/event-stream":
		return s.events(br)
	case (o.Format || o.Color) && (strings.Contains(mt, "json") || mt == "" || mt == "text/plain" || strings.Contains(mt, "javascript")):
		return s.lines(br)
	}
	if o.Terminal {
		// Peek returns what the first read brought, without waiting for more.
		head, _ := br.Peek(1)
		head, _ = br.Peek(br.Buffered())
		if len(head) > 0 && looksBinary(head, mt, false) {
			_, err := io.WriteString(w, BinaryNote)
			return err
		}
	}
	buf := make([]byte, 32<<10)
	raw := rawWriter(w, o)
	for {
		n, err := br.Read(buf)
		if n > 0 {
			if _, werr := raw.Write(buf[:n]); werr != nil {
				return werr
			}
			if werr := s.flush(); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return raw.Flush()
		}
		if err != nil {
			return err
		}
	}
}

type streamer struct {
	w        io.Writer
	o        Options
	jsonType bool // every line should be JSON, not only those that look like it
	buf      cappedBuffer
	tmp      []byte // escaped text on its way out
}

// write writes b and flushes.
func (s *streamer) write(b []byte) error {
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	return s.flush()
}

// flush flushes w when it can be flushed.
func (s *streamer) flush() error {
	if f, ok := s.w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// text appends server text that is not formatted: escaped on a terminal
// (see safe.go), as it is elsewhere.
func (s *streamer) text(dst, b []byte) []byte {
	if !s.o.Terminal {
		return append(dst, b...)
	}
	dst, _ = appendSafe(dst, b, nil, s.o.Color, true)
	return dst
}

// readLine returns the next line with its newline; long is true when the
// line was longer than the buffer and only a piece of it is returned.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	line, err = br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return line, true, nil
	}
	return line, false, err
}

// lines formats each JSON line as it completes.
func (s *streamer) lines(br *bufio.Reader) error {
	var partial []byte // a line longer than the reader's buffer
	for {
		line, long, err := readLine(br)
		if long || partial != nil {
			partial = append(partial, line...)
			if len(partial) > streamLineLimit {
				if werr := s.write(s.text(s.tmp[:0], partial)); werr != nil {
					return werr
				}
				partial = partial[:0]
			}
			if long {
				continue
			}
			line, partial = partial, nil
		}
		if len(line) > 0 {
			if werr := s.write(s.formatJSONLine(line)); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// formatJSONLine returns line formatted as JSON, or line itself when it is
// blank or not JSON.
func (s *streamer) formatJSONLine(line []byte) []byte {
	t := bytes.TrimSpace(line)
	if len(t) == 0 || t[0] != '{' && t[0] != '[' && !s.jsonType {
		s.tmp = s.text(s.tmp[:0], line)
		return s.tmp
	}
	if err := s.formatJSON(line); err != nil {
		s.tmp = s.text(s.tmp[:0], line)
		return s.tmp
	}
	return s.buf.Bytes()
}

// streamFormatLimit caps the formatted form of one line or event field:
// past it the line is written as it came, so a short line nested very
// deep cannot make a stream hold hundreds of megabytes of indentation.
const streamFormatLimit = 8 << 20

// errFormatTooLong stops formatting a line past streamFormatLimit.
var errFormatTooLong = errors.New("formatted line too long")

// cappedBuffer is a bytes.Buffer that refuses to grow past its limit.
type cappedBuffer struct {
	bytes.Buffer
	limit int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.Len()+len(p) > c.limit {
		return 0, errFormatTooLong
	}
	return c.Buffer.Write(p)
}

// formatJSON formats v into s.buf as [JSON] does, or fails when v is not
// JSON or its formatted form is longer than streamFormatLimit.
func (s *streamer) formatJSON(v []byte) error {
	s.buf.Reset()
	return JSON(&s.buf, bytes.NewReader(v), s.o)
}

// events writes Server-Sent Events one event at a time (WHATWG HTML
// §9.2.6: lines end with LF, CR LF or CR; an empty line ends an event).
func (s *streamer) events(br *bufio.Reader) error {
	var event []byte
	p := s.o.palette()
	for {
		line, long, err := readLine(br)
		if long {
			event = s.text(event, line)
			continue
		}
		if len(line) > 0 {
			body := bytes.TrimRight(line, "\r\n")
			if len(body) == 0 {
				event = append(event, '\n')
				if werr := s.write(event); werr != nil {
					return werr
				}
				event = event[:0]
			} else {
				event = s.appendField(event, body, p)
			}
		}
		if err != nil {
			if len(event) > 0 {
				if werr := s.write(event); werr != nil {
					return werr
				}
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// appendField appends one event line, with its name coloured and a JSON
// data value indented when formatting is on.
func (s *streamer) appendField(dst, line []byte, p *palette) []byte {
	name, value, hasColon := bytes.Cut(line, []byte(":"))
	if !hasColon || len(name) == 0 || p == nil && !s.o.Format {
		dst = s.text(dst, line)
		return append(dst, '\n')
	}
	if p != nil {
		dst = append(dst, p.label...)
		dst = s.text(dst, name)
		if len(p.label) > 0 {
			dst = append(dst, ansiReset...)
		}
	} else {
		dst = s.text(dst, name)
	}
	dst = append(dst, ':')
	if s.o.Format && string(name) == "data" {
		v := bytes.TrimPrefix(value, []byte(" "))
		if t := bytes.TrimSpace(v); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			if err := s.formatJSON(v); err == nil {
				dst = append(dst, ' ')
				return append(dst, s.buf.Bytes()...)
			}
		}
	}
	dst = s.text(dst, value)
	return append(dst, '\n')
}

// ArrayJoiner merges JSON arrays written one after another (the pages of
// a paginated API) into one array, as it streams: "[1,2]" then "[3]"
// become "[1,2,3]". Each page must be a JSON array; the elements are copied
// byte for byte.
type ArrayJoiner struct {
	w       io.Writer
	started bool // "[" written
	any     bool // an element was written
}

// NewArrayJoiner returns a joiner writing to w.
func NewArrayJoiner(w io.Writer) *ArrayJoiner { return &ArrayJoiner{w: w} }

// ErrNotArray is returned by [ArrayJoiner.Page] for a page that is not a
// JSON array.
var ErrNotArray = errors.New("page is not a json array")

// Page appends the elements of the array read from r. Nothing is written
// for a page that does not start with '[' (ErrNotArray).
func (j *ArrayJoiner) Page(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	c, err := skipJSONSpace(br)
	if err != nil || c != '[' {
		if err != nil && err != io.EOF {
			return err
		}
		return ErrNotArray
	}
	if !j.started {
		if _, err := io.WriteString(j.w, "["); err != nil {
			return err
		}
		j.started = true
	}
	// Hold back white space and the last ']' until more content shows
	// they were not the end.
	var held []byte
	wroteSep := false
	buf := make([]byte, 32<<10)
	for {
		n, rerr := br.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := lastContent(chunk)
			if i < 0 {
				held = append(held, chunk...)
				break
			}
			if !wroteSep && j.any {
				if _, err := io.WriteString(j.w, ","); err != nil {
					return err
				}
			}
			wroteSep = true
			if len(held) > 0 {
				if _, err := j.w.Write(held); err != nil {
					return err
				}
				held = held[:0]
			}
			if _, err := j.w.Write(chunk[:i+1]); err != nil {
				return err
			}
			j.any = true
			held = append(held, chunk[i+1:]...)
			break
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	t := bytes.TrimSpace(held)
	if len(t) == 0 || t[len(t)-1] != ']' {
		return ErrNotArray
	}
	// What was held is white space and the closing bracket, possibly after
	// content that looked like the end (a "]" closing a nested array):
	// write everything but the final bracket.
	last := bytes.LastIndexByte(held, ']')
	if inner := bytes.TrimSpace(held[:last]); len(inner) > 0 {
		if !wroteSep && j.any {
			if _, err := io.WriteString(j.w, ","); err != nil {
				return err
			}
		}
		if _, err := j.w.Write(held[:last]); err != nil {
			return err
		}
		j.any = true
	}
	return nil
}

// Close ends the merged array ("[]" when no page had one).
func (j *ArrayJoiner) Close() error {
	if !j.started {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := io.WriteString(j.w, "]\n")
	return err
}

// lastContent returns the index of the last byte of b that is neither
// white space nor ']' (a candidate end of the array), or -1.
func lastContent(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case ' ', '\t', '\r', '\n', ']':
		default:
			return i
		}
	}
	return -1
}

func skipJSONSpace(br *bufio.Reader) (byte, error) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if c == 0xef { // a UTF-8 BOM
			if b, err := br.Peek(2); err == nil && b[0] == 0xbb && b[1] == 0xbf {
				br.Discard(2)
				continue
			}
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, nil
	}
}
