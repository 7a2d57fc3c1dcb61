package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonBody builds the JSON body of the data items with HTTPie 3's nested
// keys (`a[b][c]=x`, `tags[]=x`, `a[2]=x`, `[]=x` for a top-level array):
// compact, no trailing newline, object keys in first-seen order. A key set
// twice keeps its first place and takes the last value; `:=` values are
// kept as written, compacted. No data items give a nil body.
func jsonBody(data []dataItem) ([]byte, error) {
	var root *jsonNode
	for _, d := range data {
		path := d.EscapedKey
		if path == "" {
			path = d.Key
		}
		// JSON text is UTF-8 (RFC 8259 §8.1): bytes of another encoding
		// typed in an argument would go out as U+FFFD, silently lost.
		if !utf8.ValidString(path) || (!d.IsJSON && !utf8.ValidString(d.Raw)) {
			return nil, &itemError{Item: d.name(), Reason: "not UTF-8 text, which a JSON body needs (--form sends the bytes as they are)"}
		}
		steps, err := parseJSONPath(path)
		if err != nil {
			return nil, &itemError{Item: d.name(), Reason: err.Error()}
		}
		if root == nil {
			root = newJSONContainer(steps[0].kind)
		}
		value := d.JSON
		if len(value) == 0 {
			value = jsonString(d.Raw)
		}
		if err := root.put(path, steps, value); err != nil {
			return nil, &itemError{Item: d.name(), Reason: err.Error()}
		}
	}
	if root == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	root.write(&buf)
	return buf.Bytes(), nil
}

// jsonStepKind is one access in a nested key: `[name]`, `[3]` or `[]`.
type jsonStepKind int

const (
	jsonStepKey jsonStepKind = iota
	jsonStepIndex
	jsonStepAppend
)

// jsonStep is one access of a nested key and where it was typed.
type jsonStep struct {
	kind       jsonStepKind
	key        string
	index      int
	start, end int // the step's text in the typed key
}

// jsonTokenKind classifies the tokens of a nested key.
type jsonTokenKind int

const (
	jsonTokText jsonTokenKind = iota
	jsonTokNumber
	jsonTokOpen
	jsonTokClose
)

// jsonToken is one token of a nested key.
type jsonToken struct {
	kind       jsonTokenKind
	text       string
	start, end int
}

// describe names the kind of token for "expected …" messages.
func (k jsonTokenKind) describe() string {
	switch k {
	case jsonTokText:
		return "a key"
	case jsonTokNumber:
		return "a number"
	case jsonTokOpen:
		return "'['"
	}
	return "']'"
}

// tokenizeJSONPath splits a typed key into text, numbers and brackets, as
// HTTPie's nested_json tokenizer: escaped characters are text, text without
// escapes that reads as an integer is a number, and `\3` is the text "3".
func tokenizeJSONPath(key string) []jsonToken {
	var toks []jsonToken
	var buf strings.Builder
	start, escaped := 0, false
	flush := func(end int) {
		if end == start {
			return
		}
		text, kind := buf.String(), jsonTokText
		if !escaped {
			if isJSONPathInt(text) {
				kind = jsonTokNumber
			} else if text[0] == '\\' && isJSONPathInt(text[1:]) {
				text = text[1:]
			}
		}
		toks = append(toks, jsonToken{kind: kind, text: text, start: start, end: end})
		buf.Reset()
		escaped = false
	}
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c == '[' || c == ']':
			flush(i)
			kind := jsonTokOpen
			if c == ']' {
				kind = jsonTokClose
			}
			toks = append(toks, jsonToken{kind: kind, text: string(c), start: i, end: i + 1})
			start = i + 1
		case c == '\\' && i+1 < len(key):
			i++
			if strings.IndexByte(itemKeyEscapes, key[i]) >= 0 {
				escaped = true
			} else {
				buf.WriteByte('\\')
			}
			buf.WriteByte(key[i])
		default:
			buf.WriteByte(c)
		}
	}
	flush(len(key))
	return toks
}

// isJSONPathInt reports whether s is an optionally negative decimal integer.
func isJSONPathInt(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseJSONPath parses a typed key with HTTPie 3's grammar:
//
//	path  = root step*
//	root  = "" | TEXT | NUMBER | "[" NUMBER "]" | "[" "]"
//	step  = "[" TEXT "]" | "[" NUMBER "]" | "[" "]"
//
// It always returns at least one step; an empty key is the key "".
func parseJSONPath(key string) ([]jsonStep, error) {
	toks := tokenizeJSONPath(key)
	pos := 0
	expect := func(kinds ...jsonTokenKind) (jsonToken, error) {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = k.describe()
		}
		want := names[len(names)-1]
		if len(names) > 1 {
			want = strings.Join(names[:len(names)-1], ", ") + " or " + want
		}
		if pos == len(toks) {
			return jsonToken{}, fmt.Errorf("nested key: expected %s after %q", want, key)
		}
		t := toks[pos]
		for _, k := range kinds {
			if t.kind == k {
				pos++
				return t, nil
			}
		}
		if t.start == 0 {
			return jsonToken{}, fmt.Errorf("nested key: expected %s at the start, found %q", want, t.text)
		}
		return jsonToken{}, fmt.Errorf("nested key: expected %s after %q, found %q", want, key[:t.start], t.text)
	}
	// index reads the number token of `[N]`.
	index := func(t jsonToken) (int, error) {
		// "-0" is index 0, as HTTPie reads it.
		if strings.HasPrefix(t.text, "-") && strings.Trim(t.text, "-0") != "" {
			return 0, fmt.Errorf("nested key: negative index %s is not supported", t.text)
		}
		n, err := strconv.Atoi(strings.TrimPrefix(t.text, "-"))
		if err != nil || n > maxJSONIndex {
			return 0, fmt.Errorf("nested key: index %s is above the limit of %d", t.text, maxJSONIndex)
		}
		return n, nil
	}

	if len(toks) == 0 {
		return []jsonStep{{kind: jsonStepKey}}, nil
	}
	var steps []jsonStep
	first, err := expect(jsonTokText, jsonTokNumber, jsonTokOpen)
	if err != nil {
		return nil, err
	}
	if first.kind != jsonTokOpen {
		steps = append(steps, jsonStep{kind: jsonStepKey, key: first.text, start: first.start, end: first.end})
	} else {
		t, err := expect(jsonTokNumber, jsonTokClose)
		if err != nil {
			return nil, err
		}
		st, err := finishJSONStep(first, t, expect, index)
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	for pos < len(toks) {
		open, err := expect(jsonTokOpen)
		if err != nil {
			return nil, err
		}
		t, err := expect(jsonTokText, jsonTokNumber, jsonTokClose)
		if err != nil {
			return nil, err
		}
		st, err := finishJSONStep(open, t, expect, index)
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	return steps, nil
}

// finishJSONStep builds the step that opened with open and continued with
// t, reading its closing bracket when t is not one.
func finishJSONStep(open, t jsonToken, expect func(...jsonTokenKind) (jsonToken, error), index func(jsonToken) (int, error)) (jsonStep, error) {
	if t.kind == jsonTokClose {
		return jsonStep{kind: jsonStepAppend, start: open.start, end: t.end}, nil
	}
	closing, err := expect(jsonTokClose)
	if err != nil {
		return jsonStep{}, err
	}
	st := jsonStep{kind: jsonStepKey, key: t.text, start: open.start, end: closing.end}
	if t.kind == jsonTokNumber {
		st.kind = jsonStepIndex
		if st.index, err = index(t); err != nil {
			return jsonStep{}, err
		}
	}
	return st, nil
}

// jsonNodeKind is the shape of a jsonNode.
type jsonNodeKind int

const (
	jsonLeaf jsonNodeKind = iota
	jsonObject
	jsonArray
)

// jsonNode is the body being built: an object keeping key order, an array
// whose nil elements are null, or a leaf holding a compact JSON value.
type jsonNode struct {
	kind   jsonNodeKind
	keys   []string
	fields map[string]*jsonNode
	elems  []*jsonNode
	raw    json.RawMessage
}

// newJSONContainer is the empty container a step of kind k walks into.
func newJSONContainer(k jsonStepKind) *jsonNode {
	if k == jsonStepKey {
		return &jsonNode{kind: jsonObject, fields: map[string]*jsonNode{}}
	}
	return &jsonNode{kind: jsonArray}
}

// typeName names the node's JSON type for conflict messages.
func (n *jsonNode) typeName() string {
	switch n.kind {
	case jsonObject:
		return "object"
	case jsonArray:
		return "array"
	}
	return jsonTypeName(n.raw)
}

// set puts v under key; a key set again keeps its place.
func (n *jsonNode) set(key string, v *jsonNode) {
	if _, ok := n.fields[key]; !ok {
		n.keys = append(n.keys, key)
	}
	n.fields[key] = v
}

// expand turns a leaf holding a JSON object or array (from `:=`) into a
// container, so later items add to it: `a:='{"b":1}' a[c]=2` gives
// {"a":{"b":1,"c":"2"}}, where HTTPie 3.2 silently drops the addition.
func (n *jsonNode) expand() {
	if n.kind != jsonLeaf || len(n.raw) == 0 || (n.raw[0] != '{' && n.raw[0] != '[') {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(n.raw))
	if _, err := dec.Token(); err != nil { // the opening delimiter
		return
	}
	c := &jsonNode{kind: jsonArray}
	if n.raw[0] == '{' {
		c = &jsonNode{kind: jsonObject, fields: map[string]*jsonNode{}}
	}
	for dec.More() {
		var key string
		if c.kind == jsonObject {
			tok, err := dec.Token()
			if err != nil {
				return
			}
			key, _ = tok.(string)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return // validated when collected, so not reached
		}
		child := &jsonNode{raw: v}
		if c.kind == jsonObject {
			c.set(key, child)
		} else {
			c.elems = append(c.elems, child)
		}
	}
	*n = *c
}

// put stores value at the path of steps, creating containers on the way
// as HTTPie's interpret() does; key is the typed key, for messages.
func (n *jsonNode) put(key string, steps []jsonStep, value json.RawMessage) error {
	cur := n
	for i, st := range steps {
		last := i == len(steps)-1
		cur.expand()
		want := jsonObject
		if st.kind != jsonStepKey {
			want = jsonArray
		}
		if cur.kind != want {
			return jsonTypeConflict(key, st, cur, want)
		}
		leaf := func() *jsonNode { return &jsonNode{raw: value} }
		switch st.kind {
		case jsonStepKey:
			if last {
				cur.set(st.key, leaf())
				return nil
			}
			child, ok := cur.fields[st.key]
			if !ok {
				child = newJSONContainer(steps[i+1].kind)
				cur.set(st.key, child)
			}
			cur = child
		case jsonStepIndex:
			for len(cur.elems) <= st.index {
				cur.elems = append(cur.elems, nil)
			}
			if last {
				cur.elems[st.index] = leaf()
				return nil
			}
			child := cur.elems[st.index]
			if child == nil || (child.kind == jsonLeaf && jsonTypeName(child.raw) == "null") {
				// HTTPie fills a null slot, hole or explicit, with a container.
				child = newJSONContainer(steps[i+1].kind)
				cur.elems[st.index] = child
			}
			cur = child
		case jsonStepAppend:
			if last {
				cur.elems = append(cur.elems, leaf())
				return nil
			}
			child := newJSONContainer(steps[i+1].kind)
			cur.elems = append(cur.elems, child)
			cur = child
		}
	}
	return nil
}

// jsonTypeConflict explains a step that needs another type than the value
// already at that path (HTTPie's "Can't perform 'key' based access").
func jsonTypeConflict(key string, st jsonStep, at *jsonNode, want jsonNodeKind) error {
	access := map[jsonStepKind]string{jsonStepKey: "key", jsonStepIndex: "index", jsonStepAppend: "append"}[st.kind]
	need := "an object"
	if want == jsonArray {
		need = "an array"
	}
	where := "the top level"
	if st.start > 0 {
		where = strconv.Quote(key[:st.start])
	}
	return fmt.Errorf("%s access %q needs %s, but %s is %s", access, key[st.start:st.end], need, where, withArticle(at.typeName()))
}

// withArticle is a JSON type name as a noun phrase: "a string", "null".
func withArticle(typeName string) string {
	switch typeName {
	case "null":
		return typeName
	case "object", "array":
		return "an " + typeName
	}
	return "a " + typeName
}

// write appends the node's compact JSON to buf.
func (n *jsonNode) write(buf *bytes.Buffer) {
	switch n.kind {
	case jsonObject:
		buf.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.Write(jsonString(k))
			buf.WriteByte(':')
			n.fields[k].write(buf)
		}
		buf.WriteByte('}')
	case jsonArray:
		buf.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				buf.WriteByte(',')
			}
			if e == nil {
				buf.WriteString("null")
			} else {
				e.write(buf)
			}
		}
		buf.WriteByte(']')
	default:
		buf.Write(n.raw)
	}
}
