package jq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

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
	start   int64 // input offset where the value being held began
}

// ErrTooLarge reports a value over [Decoder.MaxHeld].
type ErrTooLarge struct{ Limit int64 }

// Error says what the limit was.
func (e *ErrTooLarge) Error() string {
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
	d.start = d.dec.InputOffset()
	return d.value()
}

// checkHeld fails once the value being read passes MaxHeld.
func (d *Decoder) checkHeld() error {
	if d.MaxHeld > 0 && d.dec.InputOffset()-d.start > d.MaxHeld {
		return &ErrTooLarge{Limit: d.MaxHeld}
	}
	return nil
}

// Unmarshal decodes data, which must hold exactly one JSON value.
func Unmarshal(data []byte) (any, error) {
	d := NewDecoder(bytes.NewReader(data))
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
func (d *Decoder) value() (any, error) {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case '"':
		return tok.String(), nil
	case '0':
		return number(tok), nil
	case '[':
		a := []any{}
		for d.dec.PeekKind() != ']' {
			if err := d.checkHeld(); err != nil {
				return nil, err
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, err
		}
		return a, nil
	case '{':
		m := map[string]any{}
		for d.dec.PeekKind() != '}' {
			if err := d.checkHeld(); err != nil {
				return nil, err
			}
			k, err := d.dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := k.String()
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, err
		}
		return m, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok.Kind())
}

// number keeps integers that fit in an int as int (exact and cheap for
// gojq) and everything else as the input's digits.
func number(tok jsontext.Token) any {
	s := tok.String()
	if len(s) <= 18 && isPlainInt(s) {
		n := 0
		neg := s[0] == '-'
		if neg {
			s = s[1:]
		}
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		if neg {
			if n == 0 {
				return json.Number("-0")
			}
			n = -n
		}
		return n
	}
	return json.Number(s)
}

func isPlainInt(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && !(i == 0 && c == '-') {
			return false
		}
	}
	return true
}
