package jq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Decoder reads a stream of JSON values (one document, or several
// separated by white space, as NDJSON) into the values [Query.Run] takes.
//
// Integers that fit in an int become int; every other number is kept as
// a [json.Number] holding the input's digits, so a large id or 1.50
// comes out of `.id` exactly as the server sent it (jq 1.7 does the same).
// Duplicate object keys keep the last value, invalid UTF-8 becomes
// U+FFFD and a byte order mark at the start is skipped, as jq does.
type Decoder struct {
	dec *jsontext.Decoder
	src *source
	// MaxHeld, when positive, bounds the JSON text of one value held in
	// memory (decoded values take several times their text); a larger
	// value is an *ErrTooLarge. Arrays and objects skipped along an
	// expression's leading path (see [Query.RunReader]) do not count, but
	// a single string or number, which is read whole even to be skipped,
	// is bounded too.
	MaxHeld int64
	// LimitMemory bounds the memory the value of one Decode takes to
	// [MemoryBudget] of the JSON text read so far; a value that would take
	// more is an *ErrTooLarge. Decoded values take from about the size of
	// their text (long strings) to 50 times it (`[{},{},…]`), so without
	// a bound a body's decoded form is the one thing that can take all of
	// a machine's memory.
	LimitMemory bool
	start       int64 // input offset where the value being held began
	used        int64 // bytes the value being held takes so far

	keys    map[string]string // object keys, shared (see key)
	free    [][]any           // chunks of finished arrays, for the next ones
	scratch []byte            // for unquoting strings
}

// ErrTooLarge reports a value over [Decoder.MaxHeld], or with Memory one
// whose decoded form would take more than [Decoder.LimitMemory] allows.
type ErrTooLarge struct {
	Limit  int64
	Memory bool
}

// Error says what the limit was.
func (e *ErrTooLarge) Error() string {
	if e.Memory {
		return "decoding the json would take more memory than 3 times its size plus 48 MiB"
	}
	return fmt.Sprintf("a value over %d MiB of json text would be held in memory", e.Limit>>20)
}

// maxDepth is how deep the JSON decoder reads nested arrays and objects.
const maxDepth = 10000

// ErrTooDeep reports JSON nested deeper than maxDepth: JSON still, but
// more than the decoder reads (jq has a limit too).
type ErrTooDeep struct {
	Offset int64 // input offset where the limit was passed
}

// Error says how deep is too deep.
func (e *ErrTooDeep) Error() string {
	return fmt.Sprintf("json nested more than %d levels deep at offset %d", maxDepth, e.Offset)
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	d := &Decoder{src: &source{r: r}}
	d.src.d = d
	d.dec = jsontext.NewDecoder(d.src,
		jsontext.AllowDuplicateNames(true),
		jsontext.AllowInvalidUTF8(true))
	return d
}

// Reset makes d read afresh from r, as a new Decoder would, keeping its
// buffers and its table of object keys: decoding many small documents
// (the events of a stream) costs less that way.
func (d *Decoder) Reset(r io.Reader) {
	*d.src = source{r: r, d: d}
	d.dec.Reset(d.src, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	d.start, d.used = 0, 0
}

// bom is the UTF-8 byte order mark some servers put before a JSON body.
const bom = "\xef\xbb\xbf"

// source is the decoder's input: r less a leading byte order mark. It
// refuses to read on while the decoder holds more than MaxHeld bytes it
// has not finished with, which is how a single endless string or number
// is stopped (the decoder needs each token whole).
type source struct {
	r       io.Reader
	d       *Decoder
	read    int64 // bytes handed to the decoder
	begun   bool  // the byte order mark has been looked for
	skipped int64 // len(bom) once one was dropped
}

func (s *source) Read(p []byte) (int, error) {
	if !s.begun && len(p) >= len(bom) {
		s.begun = true
		// Read on only while what came could be the start of a mark, so
		// a stream's first short value is not held back.
		n, err := s.r.Read(p)
		for err == nil && n < len(bom) && bom[:n] == string(p[:n]) {
			var m int
			m, err = s.r.Read(p[n:])
			n += m
		}
		if bytes.HasPrefix(p[:n], []byte(bom)) {
			n = copy(p, p[len(bom):n])
			s.skipped = int64(len(bom))
		}
		s.read += int64(n)
		return n, err
	}
	s.begun = true
	if m := s.d.MaxHeld; m > 0 && s.read-s.d.dec.InputOffset() > m {
		return 0, &ErrTooLarge{Limit: m}
	}
	n, err := s.r.Read(p)
	s.read += int64(n)
	return n, err
}

// DecodeError reports input that is not JSON text.
type DecodeError struct {
	Offset int64 // input offset where the problem was found
	err    error
}

// Error says where the input stopped being JSON.
func (e *DecodeError) Error() string {
	var se *jsontext.SyntacticError
	msg := e.err.Error()
	if errors.As(e.err, &se) {
		msg = se.Err.Error()
	}
	if errors.Is(e.err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of input"
	}
	return fmt.Sprintf("invalid json at offset %d: %s", e.Offset, msg)
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.err }

// Decode returns the next value, or io.EOF when the input holds no more.
// Input that is not JSON is a *DecodeError; read errors are returned as
// they are.
func (d *Decoder) Decode() (any, error) {
	if d.dec.PeekKind() == 0 {
		_, err := d.dec.ReadToken() // the error PeekKind saw
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, d.wrap(err)
	}
	v, err := d.held()
	if err != nil {
		return nil, d.wrap(err)
	}
	return v, nil
}

// held reads one value into memory, within MaxHeld.
func (d *Decoder) held() (any, error) {
	d.start, d.used = d.dec.InputOffset(), 0
	return d.value()
}

// checkHeld fails once the value being read passes MaxHeld.
func (d *Decoder) checkHeld() error {
	if d.MaxHeld > 0 && d.dec.InputOffset()-d.start > d.MaxHeld {
		return &ErrTooLarge{Limit: d.MaxHeld}
	}
	return nil
}

// Unmarshal decodes data, which must hold exactly one JSON value, within
// [MemoryBudget] of its length (see [Decoder.LimitMemory]).
func Unmarshal(data []byte) (any, error) {
	d := unmarshalers.Get().(*Decoder)
	defer d.putBack()
	d.Reset(bytes.NewReader(data))
	d.LimitMemory = true
	v, err := d.Decode()
	if err == io.EOF {
		return nil, &DecodeError{Offset: 0, err: io.ErrUnexpectedEOF}
	}
	if err != nil {
		return nil, err
	}
	if _, err := d.Decode(); err != io.EOF {
		if err == nil {
			err = &DecodeError{Offset: d.dec.InputOffset(), err: errors.New("more than one value")}
		}
		return nil, err
	}
	return v, nil
}

// unmarshalers are the Decoders of Unmarshal, reused: a response body
// decoded by a fresh Decoder spent about half its time making one.
var unmarshalers = sync.Pool{New: func() any { return NewDecoder(nil) }}

// putBack gives an Unmarshal Decoder back, unless its table of object
// keys grew large (a document with many distinct keys): the pool must
// not keep a past document's memory.
func (d *Decoder) putBack() {
	d.Reset(nil)
	if len(d.keys) <= 1024 {
		unmarshalers.Put(d)
	}
}

func (d *Decoder) wrap(err error) error {
	var big *ErrTooLarge
	if errors.As(err, &big) {
		return big // not in the words of the decoder that read it
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) && se.Err != nil && se.Err.Error() == "exceeded max depth" {
		return &ErrTooDeep{Offset: d.src.skipped + se.ByteOffset}
	}
	if errors.As(err, &se) {
		return &DecodeError{Offset: d.src.skipped + se.ByteOffset, err: err}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &DecodeError{Offset: d.src.skipped + d.dec.InputOffset(), err: err}
	}
	return err
}

// value reads one value; recursion is bounded by jsontext's depth limit.
// Scalars are read as raw text (no token strings to throw away), object
// keys are shared between the objects that repeat them, and arrays get
// exactly the backing array they need, so a decoded document takes little
// more than the values themselves and leaves little garbage behind.
func (d *Decoder) value() (any, error) {
	switch d.dec.PeekKind() {
	case '[':
		return d.array()
	case '{':
		return d.object()
	}
	raw, err := d.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	switch raw[0] {
	case 'n':
		return nil, nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case '"':
		s := d.unquote(raw)
		if s == "" {
			return "", nil // Go boxes the empty string without allocating
		}
		return s, d.spend(strBox + roundUp(len(s)))
	}
	v, size := number(raw)
	return v, d.spend(size)
}

// array reads an array. Its elements gather in chunks and are copied once
// into an array of the right size, so a long array does not leave the
// doubling copies that append would.
func (d *Decoder) array() (any, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	var chunks [][]any
	cur := d.chunk()
	n := 0
	for d.dec.PeekKind() != ']' {
		if err := d.checkHeld(); err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		if len(cur) == cap(cur) && cap(cur) >= chunkLen {
			chunks = append(chunks, cur)
			cur = d.chunk()
		}
		cur = append(cur, v) // a small first chunk grows up to chunkLen
		n++
		// Each element takes a slot in a chunk now and one in the array
		// at the end, while the chunks are still there: both count from
		// the start, so a too large array is refused as soon as it is.
		if n%chunkLen == 0 {
			if err := d.spend(2 * chunkLen * slotSize); err != nil {
				return nil, err
			}
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	if err := d.spend(sliceBox + 2*(n%chunkLen)*slotSize); err != nil {
		return nil, err
	}
	a := make([]any, 0, n)
	for _, c := range chunks {
		a = append(a, c...)
		d.release(c)
	}
	a = append(a, cur...)
	d.release(cur)
	d.used -= int64(n * slotSize)
	return a, nil
}

// chunkLen is how many elements an array gathers before it takes another
// chunk.
const chunkLen = 1024

// chunk returns an empty chunk, reusing one a finished array gave back.
func (d *Decoder) chunk() []any {
	if n := len(d.free); n > 0 {
		c := d.free[n-1]
		d.free = d.free[:n-1]
		return c
	}
	// Small at first: most arrays are short, and a document of small
	// arrays decoded by a fresh Decoder (a response body) would take a
	// whole chunk for each.
	return make([]any, 0, 8)
}

// release gives a chunk back for the next array, keeping a few.
func (d *Decoder) release(c []any) {
	if len(d.free) < 64 {
		clear(c)
		d.free = append(d.free, c[:0])
	}
}

// object reads an object.
func (d *Decoder) object() (any, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	m := map[string]any{}
	for d.dec.PeekKind() != '}' {
		if err := d.checkHeld(); err != nil {
			return nil, err
		}
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		key, err := d.key(raw)
		if err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	return m, d.spend(mapSize(len(m)))
}

// maxKeys and maxKeyLen bound the table of shared object keys: enough
// for the field names of any API, and never more than a few MiB.
const (
	maxKeys   = 1 << 14
	maxKeyLen = 128
)

// key returns an object key, the same string for every object that has
// it, as long as the table of keys has room.
func (d *Decoder) key(raw []byte) (string, error) {
	plain := len(raw) <= maxKeyLen+2 && isPlainString(raw)
	if plain {
		if k, ok := d.keys[string(raw[1:len(raw)-1])]; ok {
			return k, nil
		}
	}
	k := d.unquote(raw)
	if plain && len(d.keys) < maxKeys {
		if d.keys == nil {
			d.keys = map[string]string{}
		}
		d.keys[k] = k
		return k, d.spend(2*strHeader + roundUp(len(k)))
	}
	return k, d.spend(roundUp(len(k)))
}

// unquote returns the text of a JSON string; invalid UTF-8 becomes
// U+FFFD.
func (d *Decoder) unquote(raw []byte) string {
	if isPlainString(raw) {
		return string(raw[1 : len(raw)-1])
	}
	b, _ := jsontext.AppendUnquote(d.scratch[:0], raw) // the only error is invalid UTF-8, replaced
	d.scratch = b[:0]
	return string(b)
}

// isPlainString says whether a quoted JSON string is its own text: ASCII
// with no escapes.
func isPlainString(raw []byte) bool {
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Sizes, in bytes on a 64-bit machine, of what decoded values take: an
// interface slot in an array, the boxes an interface needs for a string
// or slice header, and a string header inside a map slot.
const (
	slotSize  = 16
	strBox    = 16
	sliceBox  = 24
	strHeader = 16
)

// roundUp approximates the allocator's size class for n bytes.
func roundUp(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= 16:
		return (n + 7) &^ 7
	case n <= 1024:
		return (n + 15) &^ 15 * 9 / 8
	}
	return n * 9 / 8
}

// mapSize approximates what a map[string]any of n entries takes: its
// header and its groups of 8 slots of 32 bytes, filled to at most 7/8.
func mapSize(n int) int {
	const header, group = 48, 8 + 8*32
	if n <= 8 {
		return header + roundUp(group)
	}
	groups := 1
	for groups*7 < n {
		groups *= 2
	}
	return header + 64 + groups*group + groups*8
}

// spend counts n more bytes of decoded values against the memory budget.
func (d *Decoder) spend(n int) error {
	d.used += int64(n)
	if d.LimitMemory && d.used > MemoryBudget(d.src.read) {
		return &ErrTooLarge{Limit: MemoryBudget(d.src.read), Memory: true}
	}
	return nil
}

// MemoryBudget is what [Decoder.LimitMemory] lets the values of one Decode
// take after read bytes of JSON text: 3 bytes per byte read plus 48 MiB.
// With the text itself and the rest of the program that keeps a decode
// within 4 times its input plus 64 MiB.
func MemoryBudget(read int64) int64 { return 3*read + 48<<20 }

// number keeps integers that fit in an int as int (exact and cheap for
// gojq) and everything else as the input's digits. size is what the value
// takes in memory: Go boxes the ints below 256 without allocating.
func number(raw []byte) (v any, size int) {
	if len(raw) <= 18 && isPlainInt(raw) {
		n := 0
		neg := raw[0] == '-'
		digits := raw
		if neg {
			digits = raw[1:]
		}
		for _, c := range digits {
			n = n*10 + int(c-'0')
		}
		if neg {
			if n == 0 {
				return json.Number("-0"), strBox + 8
			}
			n = -n
		}
		if n >= 0 && n < 256 {
			return n, 0
		}
		return n, 8
	}
	return json.Number(raw), strBox + roundUp(len(raw))
}

func isPlainInt(s []byte) bool {
	for i, c := range s {
		if (c < '0' || c > '9') && !(i == 0 && c == '-') {
			return false
		}
	}
	return true
}
