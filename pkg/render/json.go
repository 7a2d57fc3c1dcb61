package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// SyntaxError reports input that is not JSON text. When [JSON] returns
// it, everything before Offset has been written, formatted (except the
// members of objects still open for sorting keys).
type SyntaxError struct {
	Offset int64 // offset in the input of the first byte not written
	msg    string
}

// Error describes the problem and where it is.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid json at offset %d: %s", e.Offset, e.msg)
}

// maxJSONDepth bounds nesting, so that the stack of open containers (a
// byte each) stays small whatever the body: deeper input is a syntax
// error, and the rest of the body is written raw. Every document that
// fits in jsonHoldLimit is far shallower; encoding/json's own limit of
// 10,000 would turn real, merely deep documents into raw text.
const maxJSONDepth = 1 << 20

// maxSortDepth is the deepest level whose objects --sort-keys sorts;
// deeper ones keep the server's order. Each sorted level copies what is
// nested in it into its parent, so without a bound a document nested N
// deep costs O(N²): 2,000 levels took 7 s, 9,999 over a minute.
const maxSortDepth = 32

// sortBudget bounds what --sort-keys holds to sort: the members of the
// objects being collected, counted as their formatted text plus a little
// per member. When it would pass, every object being collected is
// printed in the server's order from there on, with a warning; objects
// that start later are sorted again if they fit. A 100 MB object of 5
// million keys held 928 MB.
const sortBudget = 16 << 20

// sortMemberSize is what a member's entry costs --sort-keys.
const sortMemberSize = int(unsafe.Sizeof(sortMember{}))

// maxIndentDepth is the deepest level that indents further: below it,
// lines keep its indentation. Without it a run of N brackets becomes
// O(N²) bytes of spaces (20 KB nested 9,999 deep indents to 400 MB).
const maxIndentDepth = 100

const (
	jsonReadSize  = 64 << 10
	jsonWriteSize = 64 << 10
)

// JSON streams a pretty-printed, and with o.Color coloured, copy of the
// JSON text read from r to w. Several top-level values (NDJSON, or values
// separated by any white space) are each formatted and each ends with a
// newline.
//
// It works token by token, appending output and colour codes to one
// buffer that is written out every 64 KiB, so memory grows with the
// nesting depth and the longest number, not with the document.
// The one exception is o.SortKeys: an object's members can only be sorted
// once all of them are known, so each object is held in memory (with
// everything nested in it) until its closing brace.
//
// Strings and numbers are copied exactly as they are in the input: escapes
// are neither added nor removed, and 1.50 stays 1.50. Empty objects and
// arrays print as {} and []. Input that is not JSON ends the output with a
// [*SyntaxError] giving the offset of the offending byte; read and write
// errors are returned as they are.
func JSON(w io.Writer, r io.Reader, o Options) error {
	f := newJSONFormatter(w, r, o, true)
	return f.finish(f.run())
}

// jsonFormatter is a streaming JSON scanner that writes each token as soon
// as it is complete. Its invariant: buf[pos:] has not been written yet and
// everything before has, so a caller can fall back to copying the rest raw.
type jsonFormatter struct {
	r        io.Reader
	buf      []byte // input window
	pos, end int
	base     int64 // input offset of buf[0]
	eof      bool
	err      error // read or write error, reported once the window is used up

	w        io.Writer
	out      []byte   // output not yet written to w
	sink     *[]byte  // where tokens go: &out, or the member being sorted
	werr     error    // the first write error
	p        *palette // nil: no colour
	pretty   bool     // reindent; otherwise white space is copied as it is
	sortKeys bool
	unescape bool // decode \uXXXX escapes of printable characters (Options.Unescape)
	// safe: the output is a terminal, so DEL and C1 controls in strings
	// are written as \u escapes (in reverse video with colour), and
	// stray bytes 0x80–0x9F as \xNN (see safe.go).
	safe    bool
	special *[256]bool // jsonStrSpecial, or jsonStrSpecialTTY when safe
	indent  int
	nl      []byte // "\n" and spaces, grown on demand

	colon, comma, lbrace, rbrace, lbrack, rbrack, emptyObj, emptyArr []byte
	keyColor, strColor, numColor, boolColor, nullColor               []byte

	stack  []byte       // '{' or '[' per open container
	objs   []*sortFrame // objects being collected for sorting
	frames []*sortFrame // spent frames, for reuse
	bufs   [][]byte     // spent member buffers, for reuse
	// held is what the objects being collected hold (see sortBudget).
	held int
	// warn, when not nil, is told once that an object was too large to
	// sort (Options.Warn).
	warn func(string)
}

// sortFrame collects the members of one object until it closes.
type sortFrame struct {
	depth   int
	held    int // what this frame adds to jsonFormatter.held
	members []sortMember
	keys    []byte // the members' unquoted keys, end to end
	cur     []byte // output of the member being read
	inside  bool   // a member is being read
}

type sortMember struct {
	keyStart, keyEnd int    // the key, unquoted, in keys: what members are ordered by
	data             []byte // `"key": value` as it will be printed
}

// Sorting keys allocates per member; spent frames and small member
// buffers are kept for reuse, at most 1024 buffers of 4 KiB.
const (
	sortPoolBuffers = 1024
	sortPoolBufSize = 4 << 10
)

func newJSONFormatter(w io.Writer, r io.Reader, o Options, pretty bool) *jsonFormatter {
	size := jsonReadSize
	if l, ok := r.(interface{ Len() int }); ok && l.Len() < size { // a small in-memory body, such as one NDJSON line
		size = max(l.Len()+1, 64)
	}
	f := &jsonFormatter{
		r:        r,
		buf:      make([]byte, size),
		w:        w,
		out:      make([]byte, 0, min(size*2, jsonWriteSize)),
		p:        o.palette(),
		pretty:   pretty,
		sortKeys: pretty && o.SortKeys,
		indent:   o.indentWidth(),
		unescape: pretty && o.Unescape,
		safe:     o.Terminal,
		special:  &jsonStrSpecial,
		warn:     o.Warn,
	}
	if f.safe {
		f.special = &jsonStrSpecialTTY
	}
	f.sink = &f.out
	f.nl = append([]byte{'\n'}, bytes.Repeat([]byte{' '}, 16*f.indent)...)
	colon := ":"
	if pretty {
		colon = ": "
	}
	if p := f.p; p != nil {
		f.lbrace, f.rbrace, f.lbrack, f.rbrack = p.lbrace, p.rbrace, p.lbrack, p.rbrack
		f.emptyObj, f.emptyArr, f.comma = p.emptyObj, p.emptyArr, p.comma
		f.colon = paint(nil, p.punct, ":")
		if pretty {
			f.colon = append(f.colon, ' ')
		}
		f.keyColor, f.strColor, f.numColor, f.boolColor, f.nullColor = p.key, p.str, p.num, p.boolean, p.null
	} else {
		f.lbrace, f.rbrace, f.lbrack, f.rbrack = []byte("{"), []byte("}"), []byte("["), []byte("]")
		f.emptyObj, f.emptyArr, f.comma, f.colon = []byte("{}"), []byte("[]"), []byte(","), []byte(colon)
	}
	return f
}

// Byte classes for the scanner, as static tables so that start-up does no
// work: white space, bytes that end a plain run inside a string, bytes
// that can appear in a number, and bytes that may follow a number or
// literal.
var (
	jsonSpace      = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}
	jsonStrSpecial = [256]bool{'"': true, '\\': true, 0x00: true, 0x01: true, 0x02: true, 0x03: true, 0x04: true, 0x05: true, 0x06: true, 0x07: true, 0x08: true, 0x09: true, 0x0a: true, 0x0b: true, 0x0c: true, 0x0d: true, 0x0e: true, 0x0f: true, 0x10: true, 0x11: true, 0x12: true, 0x13: true, 0x14: true, 0x15: true, 0x16: true, 0x17: true, 0x18: true, 0x19: true, 0x1a: true, 0x1b: true, 0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true}
	// jsonStrSpecialTTY adds DEL and every non-ASCII byte, checked for
	// C1 controls when the output is a terminal.
	jsonStrSpecialTTY = func() (t [256]bool) {
		t = jsonStrSpecial
		for c := 0x7f; c < 0x100; c++ {
			t[c] = true
		}
		return t
	}()
	jsonNumChar = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true, '+': true, '-': true, '.': true, 'e': true, 'E': true}
	jsonDelim   = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, ',': true, ']': true, '}': true}
)

// fill reads more input into the window, keeping buf[pos:end]. It reports
// whether at least one byte was added; at the end of input, or after a
// read or write error (kept in f.err), it returns false.
func (f *jsonFormatter) fill() bool {
	if f.eof {
		return false
	}
	if len(f.out) >= jsonWriteSize {
		f.flush()
	}
	if f.werr != nil { // a write error stops reading early
		f.eof, f.err = true, f.werr
		return false
	}
	if f.pos > 0 {
		n := copy(f.buf, f.buf[f.pos:f.end])
		f.base += int64(f.pos)
		f.pos, f.end = 0, n
	}
	if f.end == len(f.buf) { // one token fills the window: widen it
		f.buf = append(f.buf, make([]byte, len(f.buf))...)
	}
	for range 100 {
		n, err := f.r.Read(f.buf[f.end:])
		f.end += n
		if err != nil {
			f.eof = true
			if err != io.EOF {
				f.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	f.eof, f.err = true, io.ErrNoProgress
	return false
}

// ensure makes at least n unread bytes available if the input has them.
func (f *jsonFormatter) ensure(n int) bool {
	for f.end-f.pos < n {
		if !f.fill() {
			return false
		}
	}
	return true
}

// emit appends b to the output, or to the member of the innermost object
// being sorted.
func (f *jsonFormatter) emit(b []byte) {
	*f.sink = append(*f.sink, b...)
	if f.sink != &f.out {
		f.objs[len(f.objs)-1].held += len(b)
		if f.held += len(b); f.held > sortBudget {
			f.giveUpSorting()
		}
	}
}

// giveUpSorting prints the objects being collected as they came, when
// sorting them would hold more than sortBudget: what they hold so far,
// and from now on what follows as it streams. Everything being collected
// is in the middle of a member (emit only collects then), so the output
// goes on from there as if the objects had never been held.
func (f *jsonFormatter) giveUpSorting() {
	if f.warn != nil {
		f.warn(fmt.Sprintf("--sort-keys: an object too large to sort within %d MiB is printed with its keys in the server's order", sortBudget>>20))
		f.warn = nil
	}
	f.salvage()
}

// flush writes out the output buffered so far.
func (f *jsonFormatter) flush() {
	if len(f.out) > 0 && f.werr == nil {
		_, f.werr = f.w.Write(f.out)
	}
	f.out = f.out[:0]
}

// finish flushes the output and returns err, or else the first write
// error.
func (f *jsonFormatter) finish(err error) error {
	f.flush()
	if err == nil {
		err = f.werr
	}
	return err
}

// resetSGR ends a colour.
var resetSGR = []byte(ansiReset)

func (f *jsonFormatter) emitColored(pre, b []byte) {
	if len(pre) == 0 {
		f.emit(b)
		return
	}
	f.emit(pre)
	f.emit(b)
	f.emit(resetSGR)
}

// newline starts a new line indented for depth. Deeply nested input can
// make far more output than input, so the buffer is checked here too.
func (f *jsonFormatter) newline(depth int) {
	f.emit(f.indentation(depth))
	if len(f.out) >= jsonWriteSize {
		f.flush()
	}
}

func (f *jsonFormatter) indentation(depth int) []byte {
	n := 1 + min(depth, maxIndentDepth)*f.indent
	for len(f.nl) < n {
		f.nl = append(f.nl, ' ')
	}
	return f.nl[:n]
}

// skipSpace moves past white space (copying it when not reindenting) and
// returns the next byte without consuming it; ok is false at the end of
// input.
func (f *jsonFormatter) skipSpace() (c byte, ok bool) {
	for {
		start := f.pos
		for f.pos < f.end {
			c = f.buf[f.pos]
			if !jsonSpace[c] {
				if !f.pretty && f.pos > start {
					f.emit(f.buf[start:f.pos])
				}
				return c, true
			}
			f.pos++
		}
		if !f.pretty && f.pos > start {
			f.emit(f.buf[start:f.pos])
		}
		if !f.fill() {
			return 0, false
		}
	}
}

func (f *jsonFormatter) syntaxError(format string, args ...any) error {
	return &SyntaxError{Offset: f.base + int64(f.pos), msg: fmt.Sprintf(format, args...)}
}

// endError is the error for input that stops in the middle of a value.
func (f *jsonFormatter) endError(what string) error {
	if f.err != nil {
		return f.err
	}
	return f.syntaxError("unexpected end of input in %s", what)
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// run formats values until the input ends.
func (f *jsonFormatter) run() error {
	for {
		if _, ok := f.skipSpace(); !ok {
			return f.err
		}
		if err := f.value(); err != nil {
			return err
		}
		if f.pretty {
			f.emit(f.nl[:1])
		}
	}
}

// Scanner states inside one top-level value.
const (
	jsonWantValue = iota
	jsonWantKey
	jsonAfterValue
)

// value formats one complete top-level value. It keeps its own stack of
// open containers instead of recursing, so deep input cannot exhaust the
// goroutine stack.
func (f *jsonFormatter) value() error {
	state := jsonWantValue
	for {
		switch state {
		case jsonWantValue:
			c, ok := f.skipSpace()
			if !ok {
				return f.endError("value")
			}
			switch {
			case c == '{' || c == '[':
				if len(f.stack) >= maxJSONDepth {
					return f.syntaxError("nesting deeper than %d levels", maxJSONDepth)
				}
				closer := byte('}')
				open, empty := f.lbrace, f.emptyObj
				if c == '[' {
					closer, open, empty = ']', f.lbrack, f.emptyArr
				}
				f.pos++
				if !f.pretty {
					f.emit(open)
				}
				next, ok := f.skipSpace()
				if ok && next == closer {
					f.pos++
					if f.pretty {
						f.emit(empty)
					} else {
						f.emitColored(f.p.punctColor(), []byte{closer})
					}
					state = jsonAfterValue
					continue
				}
				f.stack = append(f.stack, c)
				if c == '{' {
					state = jsonWantKey
					if f.sortKeys && len(f.stack) <= maxSortDepth {
						fr := f.newSortFrame()
						f.objs = append(f.objs, fr)
						f.sink = &fr.cur
						continue
					}
				} else {
					state = jsonWantValue
				}
				if f.pretty {
					f.emit(open)
					f.newline(len(f.stack))
				}
			case c == '"':
				if err := f.str(f.strColor); err != nil {
					return err
				}
				state = jsonAfterValue
			case c == '-' || (c >= '0' && c <= '9'):
				if err := f.number(); err != nil {
					return err
				}
				state = jsonAfterValue
			case c == 't':
				if err := f.literal("true", f.boolColor); err != nil {
					return err
				}
				state = jsonAfterValue
			case c == 'f':
				if err := f.literal("false", f.boolColor); err != nil {
					return err
				}
				state = jsonAfterValue
			case c == 'n':
				if err := f.literal("null", f.nullColor); err != nil {
					return err
				}
				state = jsonAfterValue
			default:
				return f.syntaxError("invalid character %s looking for beginning of value", quoteByte(c))
			}

		case jsonWantKey:
			c, ok := f.skipSpace()
			if !ok {
				return f.endError("object")
			}
			if c != '"' {
				return f.syntaxError("invalid character %s looking for beginning of object key string", quoteByte(c))
			}
			if f.sortedHere() {
				fr := f.objs[len(f.objs)-1]
				fr.cur, fr.inside = f.newBuffer(), true
			}
			if err := f.str(f.keyColor); err != nil {
				return err
			}
			c, ok = f.skipSpace()
			if !ok {
				return f.endError("object")
			}
			if c != ':' {
				return f.syntaxError("invalid character %s after object key", quoteByte(c))
			}
			f.pos++
			f.emit(f.colon)
			state = jsonWantValue

		case jsonAfterValue:
			if len(f.stack) == 0 {
				return nil
			}
			c, ok := f.skipSpace()
			top := f.stack[len(f.stack)-1]
			switch {
			case !ok:
				if top == '{' {
					return f.endError("object")
				}
				return f.endError("array")
			case c == ',':
				f.pos++
				if top == '{' {
					state = jsonWantKey
					if f.sortedHere() {
						f.endMember()
						continue
					}
				} else {
					state = jsonWantValue
				}
				f.emit(f.comma)
				if f.pretty {
					f.newline(len(f.stack))
				}
			case c == '}' && top == '{':
				f.pos++
				if f.sortedHere() {
					f.endMember()
					f.closeSorted()
				} else {
					f.closeContainer(f.rbrace)
				}
			case c == ']' && top == '[':
				f.pos++
				f.closeContainer(f.rbrack)
			case top == '{':
				return f.syntaxError("invalid character %s after object value (expecting ',' or '}')", quoteByte(c))
			default:
				return f.syntaxError("invalid character %s after array element (expecting ',' or ']')", quoteByte(c))
			}
		}
	}
}

// closeContainer ends the innermost container.
func (f *jsonFormatter) closeContainer(closer []byte) {
	f.stack = f.stack[:len(f.stack)-1]
	if f.pretty {
		f.newline(len(f.stack))
	}
	f.emit(closer)
}

// setSink points emit at the member being read in the innermost sorted
// object, or at the output when there is none.
// sortedHere reports whether the innermost open object is being
// collected for sorting (see maxSortDepth).
func (f *jsonFormatter) sortedHere() bool {
	n := len(f.objs)
	return n > 0 && f.objs[n-1].depth == len(f.stack)
}

func (f *jsonFormatter) setSink() {
	if n := len(f.objs); n > 0 {
		f.sink = &f.objs[n-1].cur
	} else {
		f.sink = &f.out
	}
}

func (f *jsonFormatter) newSortFrame() *sortFrame {
	if n := len(f.frames); n > 0 {
		fr := f.frames[n-1]
		f.frames = f.frames[:n-1]
		fr.depth = len(f.stack)
		return fr
	}
	return &sortFrame{depth: len(f.stack)}
}

func (f *jsonFormatter) newBuffer() []byte {
	if n := len(f.bufs); n > 0 {
		b := f.bufs[n-1]
		f.bufs = f.bufs[:n-1]
		return b
	}
	return make([]byte, 0, 64)
}

// endMember files the member just read in the innermost sorted object,
// with the key read last (keys are read before their values, and values
// nested in this one have been filed in their own objects).
func (f *jsonFormatter) endMember() {
	fr := f.objs[len(f.objs)-1]
	m := sortMember{keyStart: len(fr.keys), data: fr.cur}
	raw := fr.cur[bytes.IndexByte(fr.cur, '"'):] // the colour code, if any, comes first
	if raw = raw[:quotedLen(raw)]; bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		fr.keys = append(fr.keys, raw[1:len(raw)-1]...)
	} else {
		// Decoded as a JSON parser would, invalid UTF-8 becoming U+FFFD
		// (the error only reports that), so keys that decode alike
		// compare equal and keep their order.
		fr.keys, _ = jsontext.AppendUnquote(fr.keys, raw)
	}
	m.keyEnd = len(fr.keys)
	fr.members = append(fr.members, m)
	fr.cur, fr.inside = nil, false
	// Counted, not checked: between members there is nowhere to stop
	// sorting cleanly; the next member's first byte checks. The member's
	// text was counted as it came; its buffer's spare room, its key and
	// its share of the members' array (which doubles as it grows) too.
	cost := 2*sortMemberSize + cap(m.data) - len(m.data) + m.keyEnd - m.keyStart
	fr.held += cost
	f.held += cost
}

// quotedLen returns the length of the JSON string at the start of b,
// quotes included; b holds one that was checked already.
func quotedLen(b []byte) int {
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// closeSorted prints the innermost sorted object, members ordered by key
// (stable, so repeated keys keep their order), to whatever encloses it.
func (f *jsonFormatter) closeSorted() {
	fr := f.objs[len(f.objs)-1]
	f.objs = f.objs[:len(f.objs)-1]
	f.stack = f.stack[:len(f.stack)-1]
	f.held -= fr.held // what it holds moves to its parent, or out
	f.setSink()
	slices.SortStableFunc(fr.members, func(a, b sortMember) int {
		return bytes.Compare(fr.keys[a.keyStart:a.keyEnd], fr.keys[b.keyStart:b.keyEnd])
	})
	f.emit(f.lbrace)
	for i, m := range fr.members {
		if i > 0 {
			f.emit(f.comma)
		}
		f.newline(fr.depth)
		f.emit(m.data)
		if len(f.bufs) < sortPoolBuffers && cap(m.data) <= sortPoolBufSize {
			f.bufs = append(f.bufs, m.data[:0])
		}
	}
	f.newline(fr.depth - 1)
	f.emit(f.rbrace)
	clear(fr.members) // a spent frame must not keep its members' output alive
	fr.members, fr.keys, fr.cur, fr.held = fr.members[:0], fr.keys[:0], nil, 0
	f.frames = append(f.frames, fr)
}

// salvage writes out what the objects being collected for sorting hold,
// unsorted, and stops collecting: what follows streams, and a caller
// falling back to raw output after an error loses nothing. The spent
// frames go back for reuse.
func (f *jsonFormatter) salvage() {
	objs := f.objs
	f.objs, f.held = nil, 0
	f.setSink()
	for _, fr := range objs {
		f.emit(f.lbrace)
		for i, m := range fr.members {
			if i > 0 {
				f.emit(f.comma)
			}
			f.newline(fr.depth)
			f.emit(m.data)
			fr.members[i].data = nil
			if len(f.out) >= jsonWriteSize {
				f.flush()
			}
		}
		if fr.inside {
			if len(fr.members) > 0 {
				f.emit(f.comma)
			}
			f.newline(fr.depth)
			f.emit(fr.cur)
		}
		f.flush()
		clear(fr.members)
		fr.members, fr.keys, fr.cur, fr.held, fr.inside = fr.members[:0], fr.keys[:0], nil, 0, false
		f.frames = append(f.frames, fr)
	}
}

// str copies the string starting at buf[pos] (its opening quote) in
// colour pre. It writes the string in one piece when the window holds all
// of it, and streams longer ones.
func (f *jsonFormatter) str(pre []byte) error {
	if len(pre) > 0 {
		f.emit(pre)
	}
	start, i := f.pos, f.pos+1 // buf[start:i] is read but not written
	// more writes out what was read and makes at least n bytes from i
	// available, keeping the invariant that buf[pos:] is not written.
	more := func(n int) bool {
		f.emit(f.buf[start:i])
		f.pos = i
		ok := f.ensure(n)
		start, i = f.pos, f.pos
		return ok
	}
	for {
		for i < f.end && !f.special[f.buf[i]] {
			i++
		}
		if i == f.end {
			if !more(1) {
				return f.endError("string")
			}
			continue
		}
		switch c := f.buf[i]; {
		case c == '"':
			f.emit(f.buf[start : i+1])
			f.pos = i + 1
			if len(pre) > 0 {
				f.emit(resetSGR)
			}
			return nil
		case c == '\\':
			if f.end-i < 2 && !more(2) {
				return f.endError("string escape")
			}
			switch e := f.buf[i+1]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if f.end-i < 6 && !more(6) {
					return f.endError("string escape")
				}
				for _, h := range f.buf[i+2 : i+6] {
					if !isHex(h) {
						more(0)
						return f.syntaxError("invalid character %s in \\u escape", quoteByte(h))
					}
				}
				if f.unescape {
					if hexRune(f.buf[i+2:i+6]) >= 0xD800 && hexRune(f.buf[i+2:i+6]) < 0xDC00 && f.end-i < 12 {
						more(12) // bring the low surrogate into the window if there is one
					}
					if r, n := decodeUnicodeEscape(f.buf[i:f.end]); n > 0 {
						f.emit(f.buf[start:i])
						var enc [utf8.UTFMax]byte
						f.emit(enc[:utf8.EncodeRune(enc[:], r)])
						i += n
						start, f.pos = i, i
						continue
					}
				}
				i += 6
			default:
				more(0)
				return f.syntaxError("invalid escape %s in string", quoteByte(e))
			}
		case c >= 0x7f:
			if f.end-i < utf8.UTFMax && !utf8.FullRune(f.buf[i:f.end]) {
				more(utf8.UTFMax)
			}
			r, size := utf8.DecodeRune(f.buf[i:f.end])
			switch {
			case r == 0x7f || r >= 0x80 && r < 0xa0:
				f.emit(f.buf[start:i])
				*f.sink = appendEscape(*f.sink, r, false, pre, f.p != nil)
			case r == utf8.RuneError && size == 1 && c < 0xa0:
				f.emit(f.buf[start:i])
				*f.sink = appendEscape(*f.sink, rune(c), true, pre, f.p != nil)
			default:
				i += size
				continue
			}
			i += size
			start, f.pos = i, i
		default:
			more(0)
			return f.syntaxError("invalid control character %s in string", quoteByte(c))
		}
	}
}

// hexRune reads four hex digits (already checked).
func hexRune(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c >= 'a':
			c -= 'a' - 10
		case c >= 'A':
			c -= 'A' - 10
		default:
			c -= '0'
		}
		r = r<<4 | rune(c)
	}
	return r
}

// decodeUnicodeEscape decodes the \uXXXX escape (or surrogate pair) at the
// start of b when it stands for a printable character other than a quote
// or backslash, returning the character and the bytes it used; n is 0
// when the escape should be kept as it is.
func decodeUnicodeEscape(b []byte) (r rune, n int) {
	if len(b) < 6 {
		return 0, 0
	}
	r, n = hexRune(b[2:6]), 6
	switch {
	case r >= 0xDC00 && r < 0xE000:
		return 0, 0 // a lone low surrogate
	case r >= 0xD800 && r < 0xDC00:
		if len(b) < 12 || b[6] != '\\' || b[7] != 'u' {
			return 0, 0
		}
		for _, h := range b[8:12] {
			if !isHex(h) {
				return 0, 0
			}
		}
		lo := hexRune(b[8:12])
		if lo < 0xDC00 || lo >= 0xE000 {
			return 0, 0
		}
		r, n = utf16.DecodeRune(r, lo), 12
	}
	if r == '"' || r == '\\' || !unicode.IsPrint(r) {
		return 0, 0
	}
	return r, n
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number copies the number at buf[pos] verbatim after checking it against
// the JSON grammar. The whole number stays in the window until it is
// written, so an error leaves pos at its first byte.
func (f *jsonFormatter) number() error {
	i := f.pos
	for {
		for i < f.end && jsonNumChar[f.buf[i]] {
			i++
		}
		if i < f.end {
			break
		}
		off := i - f.pos
		if !f.fill() {
			i = f.pos + off
			break
		}
		i = f.pos + off
	}
	tok := f.buf[f.pos:i]
	if !validJSONNumber(tok) {
		return f.syntaxError("invalid number %q", truncate(tok, 40))
	}
	if i < f.end && !jsonDelim[f.buf[i]] {
		return f.syntaxError("invalid character %s after number", quoteByte(f.buf[i]))
	}
	f.emitColored(f.numColor, tok)
	f.pos = i
	return nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// validJSONNumber checks RFC 8259's number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// literal copies true, false or null.
func (f *jsonFormatter) literal(word string, pre []byte) error {
	f.ensure(len(word) + 1)
	n := min(len(word), f.end-f.pos)
	for k := range n {
		if f.buf[f.pos+k] != word[k] {
			return f.syntaxError("invalid character %s in literal %s (expecting %s)", quoteByte(f.buf[f.pos+k]), word, quoteByte(word[k]))
		}
	}
	if n < len(word) {
		return f.endError("literal " + word)
	}
	if i := f.pos + len(word); i < f.end && !jsonDelim[f.buf[i]] {
		return f.syntaxError("invalid character %s after %s", quoteByte(f.buf[i]), word)
	}
	f.emitColored(pre, f.buf[f.pos:f.pos+len(word)])
	f.pos += len(word)
	return nil
}

// punctColor is the colour of JSON punctuation, nil without a palette.
func (p *palette) punctColor() []byte {
	if p == nil {
		return nil
	}
	return p.punct
}
