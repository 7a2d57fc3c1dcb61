package httpfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/reqs-cli/reqs/pkg/jq"
)

// JSONPath is the subset of JSONPath that REST Client's response
// references use: $ then .field, ['field'], [N] (negative counts from
// the end), [*] and .* steps.
type JSONPath struct {
	steps []step
}

type step struct {
	field    string
	index    int
	isIndex  bool
	wildcard bool
}

// ParseJSONPath parses an expression starting with $.
func ParseJSONPath(expr string) (*JSONPath, error) {
	if !strings.HasPrefix(expr, "$") {
		return nil, fmt.Errorf("JSONPath %q must start with $", expr)
	}
	jp := &JSONPath{}
	s := expr[1:]
	bad := func(why string) (*JSONPath, error) {
		return nil, fmt.Errorf("JSONPath %q: %s", expr, why)
	}
	for s != "" {
		switch s[0] {
		case '.':
			s = s[1:]
			if strings.HasPrefix(s, ".") {
				return bad("recursive descent (..) is not supported")
			}
			n := strings.IndexAny(s, ".[")
			if n < 0 {
				n = len(s)
			}
			name := s[:n]
			s = s[n:]
			switch name {
			case "":
				return bad("empty field name")
			case "*":
				jp.steps = append(jp.steps, step{wildcard: true})
			default:
				jp.steps = append(jp.steps, step{field: name})
			}
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return bad("missing ]")
			}
			inner := strings.TrimSpace(s[1:end])
			s = s[end+1:]
			switch {
			case inner == "*":
				jp.steps = append(jp.steps, step{wildcard: true})
			case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0]:
				jp.steps = append(jp.steps, step{field: inner[1 : len(inner)-1]})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil {
					return bad(fmt.Sprintf("[%s] is not an index, a quoted name or *", inner))
				}
				jp.steps = append(jp.steps, step{index: n, isIndex: true})
			}
		default:
			return bad(fmt.Sprintf("unexpected %q", s[:1]))
		}
	}
	return jp, nil
}

// Select returns the values the path selects in a decoded JSON document.
func (jp *JSONPath) Select(doc any) []any {
	cur := []any{doc}
	for _, st := range jp.steps {
		var next []any
		for _, v := range cur {
			switch x := v.(type) {
			case map[string]any:
				switch {
				case st.wildcard:
					keys := make([]string, 0, len(x))
					for k := range x {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					for _, k := range keys {
						next = append(next, x[k])
					}
				case !st.isIndex:
					if e, ok := x[st.field]; ok {
						next = append(next, e)
					}
				}
			case []any:
				switch {
				case st.wildcard:
					next = append(next, x...)
				case st.isIndex:
					i := st.index
					if i < 0 {
						i += len(x)
					}
					if i >= 0 && i < len(x) {
						next = append(next, x[i])
					}
				case st.field == "length":
					next = append(next, float64(len(x)))
				}
			}
		}
		cur = next
	}
	return cur
}

// SelectText returns what [JSONPath.Select] returns over the decoded
// text, but follows the path through the text itself, decoding only the
// values it selects: for a body too large to hold decoded. Object keys
// that repeat keep their last value, and a wildcard takes an object's
// values in key order, as the decoded form has them. What follows the
// last value an index selects is not read.
func (jp *JSONPath) SelectText(text []byte) ([]any, error) {
	t := newTextValue(bytes.TrimPrefix(text, []byte("\ufeff")))
	var out []any
	done, err := t.selectPath(jp.steps, true, &out)
	if err != nil {
		return nil, err
	}
	if _, err := t.d.ReadToken(); !done && err != io.EOF {
		return nil, errors.New("more than one JSON value")
	}
	return out, nil
}

// textValue reads JSON text that is all in memory, so that a value read
// can be kept as a slice of it rather than a copy.
type textValue struct {
	d   *jsontext.Decoder
	src []byte
}

func newTextValue(src []byte) *textValue {
	d := jsontext.NewDecoder(bytes.NewReader(src), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	return &textValue{d: d, src: src}
}

// next reads the next value's text.
func (t *textValue) next() ([]byte, error) {
	raw, err := t.d.ReadValue()
	if err != nil {
		return nil, err
	}
	end := t.d.InputOffset()
	return t.src[end-int64(len(raw)) : end], nil
}

// selectPath reads the next value, appending to out what steps select in
// it. With last, nothing is read after this value, so it may stop once
// what it selects is known (done).
func (t *textValue) selectPath(steps []step, last bool, out *[]any) (done bool, err error) {
	d := t.d
	if len(steps) == 0 {
		raw, err := t.next()
		if err != nil {
			return false, err
		}
		v, err := jq.Unmarshal(raw)
		if err != nil {
			return false, err
		}
		*out = append(*out, v)
		return false, nil
	}
	st, rest := steps[0], steps[1:]
	switch kind := d.PeekKind(); {
	case kind == '{' && !st.isIndex:
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		// Values are kept as text until the object ends: a later
		// duplicate replaces an earlier one, and a wildcard sorts them.
		values := map[string][]byte{}
		for d.PeekKind() != '}' {
			tok, err := d.ReadToken()
			if err != nil {
				return false, err
			}
			key := tok.String() // before the next read ends the token
			if !st.wildcard && key != st.field {
				if err := d.SkipValue(); err != nil {
					return false, err
				}
				continue
			}
			if values[key], err = t.next(); err != nil {
				return false, err
			}
		}
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, err := newTextValue(values[k]).selectPath(rest, true, out); err != nil {
				return false, err
			}
		}
		return false, nil
	case kind == '[' && (st.wildcard || st.isIndex && st.index >= 0):
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		for i := 0; d.PeekKind() != ']'; i++ {
			switch {
			case st.wildcard:
				_, err = t.selectPath(rest, false, out)
			case i == st.index:
				if done, err = t.selectPath(rest, last, out); err == nil && last {
					return true, nil // the rest of the array is not needed
				}
			default:
				err = d.SkipValue()
			}
			if err != nil {
				return false, err
			}
		}
		_, err := d.ReadToken()
		return false, err
	case kind == '[' && st.isIndex:
		// From the end: the last -index elements are kept (as slices of
		// the text).
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		var tail [][]byte
		for d.PeekKind() != ']' {
			raw, err := t.next()
			if err != nil {
				return false, err
			}
			if len(tail) == -st.index {
				tail = append(tail[:0], tail[1:]...)
			}
			tail = append(tail, raw)
		}
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		if len(tail) < -st.index {
			return false, nil
		}
		_, err := newTextValue(tail[0]).selectPath(rest, true, out)
		return false, err
	case kind == '[' && st.field == "length":
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		n := 0
		for ; d.PeekKind() != ']'; n++ {
			if err := d.SkipValue(); err != nil {
				return false, err
			}
		}
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		if len(rest) == 0 { // a number has nothing to select in it
			*out = append(*out, float64(n))
		}
		return false, nil
	}
	return false, d.SkipValue()
}
