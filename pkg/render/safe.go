package render

import (
	"io"
	"unicode/utf8"
)

// Terminal safety: on a terminal, bytes from the server
// never reach it as control sequences. Every C0 control except tab,
// newline and carriage return, DEL, every C1 control (U+0080–U+009F, the
// 8-bit CSI U+009B among them) and every byte 0x80–0x9F that is not part
// of a UTF-8 character (a C1 control to an 8-bit terminal) is shown as a
// visible escape — \x1b, \x7f, \u009b, \x9b — in reverse video when
// colour is on. Piped and downloaded output is never escaped.

// ctlSGR shows an escaped control character in reverse video, which stands
// out in every style and on any background.
const ctlSGR = "\x1b[7m"

const hexDigits = "0123456789abcdef"

// needsEscape marks the single bytes that are never written to a terminal
// as they are: C0 controls except \t \n \r, and DEL. Bytes from 0x80 up
// are decided by decoding.
var needsEscape = [256]bool{
	0x00: true, 0x01: true, 0x02: true, 0x03: true, 0x04: true, 0x05: true, 0x06: true, 0x07: true,
	0x08: true, 0x0b: true, 0x0c: true, 0x0e: true, 0x0f: true,
	0x10: true, 0x11: true, 0x12: true, 0x13: true, 0x14: true, 0x15: true, 0x16: true, 0x17: true,
	0x18: true, 0x19: true, 0x1a: true, 0x1b: true, 0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true,
	0x7f: true,
}

// appendEscape appends the visible form of one unsafe byte (\xNN) or C1
// rune (\u00NN), in reverse video followed by pre when colour is on.
func appendEscape(dst []byte, r rune, isByte bool, pre []byte, color bool) []byte {
	if color {
		dst = append(dst, ansiReset...)
		dst = append(dst, ctlSGR...)
	}
	if isByte {
		dst = append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
	} else {
		dst = append(dst, '\\', 'u', '0', '0', hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
	if color {
		dst = append(dst, ansiReset...)
		dst = append(dst, pre...)
	}
	return dst
}

// appendSafe appends s to dst with unsafe characters escaped; pre is the
// colour the text is in (re-applied after each escape), color says
// whether escapes are coloured. When atEOF is false, a character cut by
// the end of s is left unconsumed; n is how many bytes of s were used.
func appendSafe[S ~string | ~[]byte](dst []byte, s S, pre []byte, color, atEOF bool) (out []byte, n int) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if needsEscape[c] {
				dst = append(dst, s[start:i]...)
				dst = appendEscape(dst, rune(c), true, pre, color)
				i++
				start = i
				continue
			}
			i++
			continue
		}
		var r rune
		var size int
		switch v := any(s).(type) {
		case string:
			r, size = utf8.DecodeRuneInString(v[i:])
		case []byte:
			r, size = utf8.DecodeRune(v[i:])
		default:
			r, size = utf8.DecodeRuneInString(string(s[i:]))
		}
		if r == utf8.RuneError && size == 1 && !atEOF && !fullRune(s[i:]) {
			return append(dst, s[start:i]...), i
		}
		switch {
		case r == utf8.RuneError && size == 1 && c >= 0xa0:
			// Not UTF-8, and no control in an 8-bit charset either
			// (Latin-1 text shown undecoded): left as it is.
			i++
			continue
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, rune(c), true, pre, color)
		case r >= 0x80 && r < 0xa0:
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, r, false, pre, color)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...), len(s)
}

// fullRune reports whether b starts with a whole (possibly invalid)
// UTF-8 sequence rather than the first bytes of one cut short.
func fullRune[S ~string | ~[]byte](b S) bool {
	var buf [utf8.UTFMax]byte
	return utf8.FullRune(buf[:copy(buf[:], b)])
}

// EscapeControls returns s with the control characters that could drive
// a terminal escaped, uncoloured: for messages that may quote the server
// (a reason phrase, a header) on their way to stderr.
func EscapeControls(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || needsEscape[c] {
			out, _ := appendSafe(make([]byte, 0, len(s)+8), s, nil, false, true)
			return string(out)
		}
	}
	return s
}

// TerminalWriter escapes control characters in everything written to it
// (see the package's terminal-safety rule) before passing it on: it is
// for text from the server on its way to a terminal. Call Flush at the
// end, to write a character cut short by the last Write.
type TerminalWriter struct {
	w       io.Writer
	color   bool
	pending []byte
	buf     []byte
}

// NewTerminalWriter returns a TerminalWriter writing to w; with color,
// escapes are shown in reverse video.
func NewTerminalWriter(w io.Writer, color bool) *TerminalWriter {
	return &TerminalWriter{w: w, color: color}
}

// Write escapes p and writes it; it reports len(p) when all went well.
func (t *TerminalWriter) Write(p []byte) (int, error) {
	src := p
	if len(t.pending) > 0 {
		t.pending = append(t.pending, p...)
		src = t.pending
	}
	out, n := appendSafe(t.buf[:0], src, nil, t.color, false)
	t.buf = out
	rest := src[n:]
	t.pending = append(t.pending[:0], rest...)
	if len(out) > 0 {
		if _, err := t.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes, escaped, what a cut character left pending.
func (t *TerminalWriter) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	out, _ := appendSafe(t.buf[:0], t.pending, nil, t.color, true)
	t.pending = t.pending[:0]
	_, err := t.w.Write(out)
	return err
}

// ReadFrom copies r through the escaper, so io.Copy to a TerminalWriter
// flushes at the end by itself.
func (t *TerminalWriter) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, 32<<10)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			total += int64(n)
			if _, werr := t.Write(buf[:n]); werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, t.Flush()
		}
		if err != nil {
			return total, err
		}
	}
}

// escapingReader yields r's text with control characters escaped and no
// colour, for formatters that add colour of their own and must see only
// printable text from the server.
type escapingReader struct {
	r       io.Reader
	in      []byte // read, not yet escaped (a cut character)
	out     []byte // escaped, not yet returned
	off     int
	err     error
	scratch []byte
}

func newEscapingReader(r io.Reader) *escapingReader {
	return &escapingReader{r: r, scratch: make([]byte, 16<<10)}
}

func (e *escapingReader) Read(p []byte) (int, error) {
	for e.off == len(e.out) {
		if e.err != nil {
			return 0, e.err
		}
		n, err := e.r.Read(e.scratch)
		e.in = append(e.in, e.scratch[:n]...)
		out, used := appendSafe(e.out[:0], e.in, nil, false, err != nil)
		e.out, e.off = out, 0
		e.in = append(e.in[:0], e.in[used:]...)
		e.err = err
	}
	n := copy(p, e.out[e.off:])
	e.off += n
	return n, nil
}
