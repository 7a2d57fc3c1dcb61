package jq

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Encode writes the compact JSON text of v, a value [Query.Run] yields,
// exactly as [Marshal] returns it (gojq's encoding: object keys sorted,
// NaN as null), but as it goes: a large result is never held as text in
// memory besides its decoded form.
func Encode(w io.Writer, v any) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 32<<10)
	}
	if err := encode(bw, v); err != nil {
		return err
	}
	if !ok {
		return bw.Flush()
	}
	return nil
}

func encode(w *bufio.Writer, v any) error {
	switch x := v.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		if x {
			w.WriteString("true")
		} else {
			w.WriteString("false")
		}
	case int:
		var b [24]byte
		w.Write(strconv.AppendInt(b[:0], int64(x), 10))
	case json.Number:
		w.WriteString(string(x))
	case string:
		encodeString(w, x)
	case []any:
		w.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := encode(w, e); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				w.WriteByte(',')
			}
			encodeString(w, k)
			w.WriteByte(':')
			if err := encode(w, x[k]); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	case float64, *big.Int:
		w.Write(Marshal(x)) // gojq's own number formatting
	default:
		return fmt.Errorf("cannot encode a %T as json", v)
	}
	// A write error sticks in the bufio.Writer: the caller's Flush, or the
	// next write, reports it; stop early when it is there.
	_, err := w.Write(nil)
	return err
}

// encodeString writes s quoted as gojq writes it: plain printable ASCII
// and valid UTF-8 as they are, anything else through gojq's encoder.
func encodeString(w *bufio.Writer, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == '"' || c == '\\' || c == 0x7f {
				w.Write(Marshal(s))
				return
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.Write(Marshal(s))
			return
		}
		i += size
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}

// Copy reads the next value and writes it to w as [Encode] writes what
// [Decoder.Decode] returns: the result of the query `.`. Arrays are copied
// as they stream, element by element, so only one object at a time is
// held (decoded, within MaxHeld and LimitMemory, to sort its keys and
// keep the last of duplicates as jq does). It returns io.EOF when the
// input holds no more values; input that is not JSON is a *DecodeError,
// found possibly after part of the value was written.
func (d *Decoder) Copy(w io.Writer) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 32<<10)
	}
	if d.dec.PeekKind() == 0 {
		_, err := d.dec.ReadToken() // the error PeekKind saw
		if err == io.EOF {
			return io.EOF
		}
		return d.wrap(err)
	}
	if err := d.copyValue(bw); err != nil {
		return d.wrap(err)
	}
	if !ok {
		return bw.Flush()
	}
	return nil
}

func (d *Decoder) copyValue(w *bufio.Writer) error {
	if d.dec.PeekKind() != '[' {
		v, err := d.held()
		if err != nil {
			return err
		}
		return encode(w, v)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	w.WriteByte('[')
	for first := true; d.dec.PeekKind() != ']'; first = false {
		if !first {
			w.WriteByte(',')
		}
		if err := d.copyValue(w); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	return w.WriteByte(']')
}

// IsIdentity reports whether the expression is `.`, whose result is its
// input: [Decoder.Copy] computes it without holding the input.
func (q *Query) IsIdentity() bool {
	return q.identity
}
