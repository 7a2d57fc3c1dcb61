package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"golang.org/x/net/http/httpguts"
)

// Request items are HTTPie 3's grammar: KEY SEPARATOR VALUE.
// The separator of an argument is the unescaped one that starts earliest;
// at one position the longest wins (HTTPie's KeyValueArgType), so
// `a=b:c` is the field a="b:c" and `a:b=c` the header a: "b=c".
//
// Escapes follow HTTPie: a backslash always takes the next character with
// it, so `\:` is never a separator. In the key, `\` before one of
// itemKeyEscapes stands for that character (`a\:b=c` is the field "a:b",
// `\\` is one backslash); in the value, `\` before a separator character
// stands for it (`handle=\@me` is the string "@me", not a file), and every
// other backslash is kept, so Windows paths need no doubling.

// Separators of request items, each with the kind it makes.
const (
	sepJSONFile    = ":=@"
	sepParamFile   = "==@"
	sepDataFile    = "=@"
	sepHeaderFile  = ":@"
	sepJSON        = ":="
	sepParam       = "=="
	sepData        = "="
	sepHeader      = ":"
	sepEmptyHeader = ";"
	sepFile        = "@"

	// sepFileType and sepFileName follow a file field's path, in either
	// order: `name@path;type=image/png;filename=x.png`.
	sepFileType = ";type="
	sepFileName = ";filename="
)

// itemSeparators is the item grammar in one table. Where separators share
// a prefix the longer comes first, so the first match at a position is the
// longest (HTTPie's rule).
var itemSeparators = [...]struct {
	sep  string
	kind itemKind
}{
	{sepJSONFile, itemJSONFile},
	{sepParamFile, itemParamFile},
	{sepDataFile, itemDataFile},
	{sepHeaderFile, itemHeaderFile},
	{sepJSON, itemJSON},
	{sepParam, itemParam},
	{sepData, itemData},
	{sepHeader, itemHeader},
	{sepEmptyHeader, itemEmptyHeader},
	{sepFile, itemFile}, // with an empty key it is itemBody
}

const (
	// itemKeyEscapes are the characters a backslash makes literal in a key:
	// the separator characters, the backslash itself and the brackets of
	// nested JSON keys.
	itemKeyEscapes = `\:;=@[]`
	// itemValueEscapes are the characters a backslash makes literal in a
	// value: the separator characters, as HTTPie does.
	itemValueEscapes = `:;=@`
	// maxJSONIndex bounds `a[N]=x`, which pads the array with N nulls, so a
	// typo cannot allocate gigabytes.
	maxJSONIndex = 100000
)

// itemKind says what a request item contributes to the request.
type itemKind int

// The kinds of request item; the zero itemKind is "not an item".
const (
	itemHeader      itemKind = iota + 1 // Name:Value; Name: removes the header
	itemEmptyHeader                     // Name; sends the header with an empty value
	itemHeaderFile                      // Name:@path
	itemParam                           // name==value
	itemParamFile                       // name==@path
	itemData                            // name=value
	itemDataFile                        // name=@path
	itemJSON                            // name:=json
	itemJSONFile                        // name:=@path
	itemFile                            // name@path[;type=mime][;filename=name], a multipart file field
	itemBody                            // @path or @-, the whole request body
)

// String names the kind by its separator, for test output and messages.
func (k itemKind) String() string {
	if k == itemBody {
		return "@ (body)"
	}
	if sep := k.separator(); sep != "" {
		return sep
	}
	return "itemKind(" + strconv.Itoa(int(k)) + ")"
}

// separator is the text that stands between key and value for this kind.
func (k itemKind) separator() string {
	if k == itemBody {
		return sepFile
	}
	for _, s := range itemSeparators {
		if s.kind == k {
			return s.sep
		}
	}
	return ""
}

// readsFile reports whether the item's value names a file whose content
// becomes the value.
func (k itemKind) readsFile() bool {
	switch k {
	case itemHeaderFile, itemParamFile, itemDataFile, itemJSONFile:
		return true
	}
	return false
}

// itemError is a malformed request item; cmd maps it to exit status 64.
type itemError struct {
	Item, Reason string
	err          error // the cause, when there is one (a file that cannot be read)
}

func (e *itemError) Error() string { return fmt.Sprintf("invalid item %q: %s", e.Item, e.Reason) }

// Unwrap gives the cause, so errors.Is(err, fs.ErrNotExist) works.
func (e *itemError) Unwrap() error { return e.err }

// item is one parsed request item.
type item struct {
	Kind itemKind
	// Key is the key with its escapes resolved.
	Key string
	// EscapedKey is the key as typed; jsonBody reads its brackets and escapes
	// as a nested path, which Key can no longer tell apart (`a\[b\]` vs `a[b]`).
	EscapedKey string
	// Value is the value with its escapes resolved. For the from-file kinds
	// parseItem leaves the path here and collectItems reads the file; for
	// itemFile and itemBody it is the path ("-" is stdin for itemBody).
	Value string
	// Type is a file field's content type from ";type=", or "".
	Type string
	// Filename is the name a file field is sent with, from ";filename=",
	// or "" for the path's base name.
	Filename string
	// Arg is the argument as given, for error messages.
	Arg string
}

// parseItem splits one argument. It returns (item, true, nil) for an item,
// (item{}, false, nil) when arg has no separator and so is no item at all
// (the caller takes it for the method or URL), and an *itemError for a
// malformed item. Files are not touched.
func parseItem(arg string) (item, bool, error) {
	at, kind := findItemSeparator(arg)
	if kind == 0 {
		return item{}, false, nil
	}
	rawKey, rawValue := arg[:at], arg[at+len(kind.separator()):]
	it := item{Kind: kind, Key: unescapeItemKey(rawKey), EscapedKey: rawKey, Arg: arg}
	fail := func(format string, a ...any) (item, bool, error) {
		return item{}, false, &itemError{Item: arg, Reason: fmt.Sprintf(format, a...)}
	}

	if kind == itemFile {
		if rawKey == "" {
			it.Kind = itemBody
		} else {
			var params map[string]string
			rawValue, params = cutFileParams(rawValue)
			it.Type, it.Filename = params[sepFileType], params[sepFileName]
		}
	}
	it.Value = unescapeItemValue(rawValue)

	switch it.Kind {
	case itemHeader, itemEmptyHeader, itemHeaderFile:
		if it.Key == "" {
			return fail("missing header name before %q", kind.separator())
		}
		if !httpguts.ValidHeaderFieldName(it.Key) {
			return fail("invalid header name %q", it.Key)
		}
	}

	switch it.Kind {
	case itemHeader:
		// RFC 9110 §5.5: the whitespace around a field value is not part of
		// it; trimming lets `'Accept: text/html'` work as it does in curl.
		it.Value = strings.Trim(it.Value, " \t")
		if !httpguts.ValidHeaderFieldValue(it.Value) {
			return fail("header value contains a control character")
		}
	case itemEmptyHeader:
		if it.Value != "" {
			return fail("nothing may follow %q (to send an empty header write %q)", sepEmptyHeader, it.Key+sepEmptyHeader)
		}
	case itemJSON:
		if _, err := compactJSONValue(it.Value); err != nil {
			return fail("%v", err)
		}
	case itemFile:
		if it.Value == "" {
			return fail("missing file path after %q", sepFile)
		}
		if !httpguts.ValidHeaderFieldValue(it.Type) {
			return fail("content type contains a control character")
		}
		if strings.ContainsFunc(it.Filename, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return fail("file name contains a control character")
		}
	case itemBody:
		if it.Value == "" {
			return fail("missing file path after %q (use @- for standard input)", sepFile)
		}
	}
	if it.Kind.readsFile() && it.Value == "" {
		return fail("missing file path after %q", kind.separator())
	}
	return it, true, nil
}

// findItemSeparator returns where the earliest unescaped separator of arg
// starts and its kind, or kind 0 when there is none.
func findItemSeparator(arg string) (int, itemKind) {
	for i := 0; i < len(arg); i++ {
		if arg[i] == '\\' {
			i++ // the escaped byte is never (part of) a separator
			continue
		}
		for _, s := range itemSeparators {
			if strings.HasPrefix(arg[i:], s.sep) {
				return i, s.kind
			}
		}
	}
	return 0, 0
}

// cutFileParams splits a file field's value into the path and its
// ";type=" and ";filename=" parameters (keyed by those separators,
// values unescaped), which may come in either order. A parameter value
// runs to the next unescaped parameter separator.
func cutFileParams(s string) (path string, params map[string]string) {
	params = map[string]string{}
	seps := []string{sepFileType, sepFileName}
	next := func(from int) (int, string) {
		for i := from; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			for _, sep := range seps {
				if strings.HasPrefix(s[i:], sep) {
					return i, sep
				}
			}
		}
		return len(s), ""
	}
	at, sep := next(0)
	path = s[:at]
	for sep != "" {
		start := at + len(sep)
		end, nextSep := next(start)
		params[sep] = unescapeItemValue(s[start:end])
		at, sep = end, nextSep
	}
	return path, params
}

// unescapeItemKey resolves `\c` to c for c in itemKeyEscapes.
func unescapeItemKey(s string) string { return unescapeItem(s, itemKeyEscapes) }

// unescapeItemValue resolves `\c` to c for c in itemValueEscapes.
func unescapeItemValue(s string) string { return unescapeItem(s, itemValueEscapes) }

// unescapeItem drops the backslash of `\c` for c in escapable and keeps any
// other backslash with the byte after it, as HTTPie's tokenizer does.
func unescapeItem(s, escapable string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			if strings.IndexByte(escapable, s[i]) < 0 {
				b.WriteByte('\\')
			}
			c = s[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

// errJSONEnd is a JSON value cut short ("[1,", "tru").
var errJSONEnd = errors.New("invalid JSON: the value ends too soon")

// compactJSONValue is s, one JSON value, compacted; the error says what is
// wrong with it and where.
func compactJSONValue(s string) (json.RawMessage, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("invalid JSON: not UTF-8")
	}
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("invalid JSON: no value (name= sends an empty string)")
	}
	// Unmarshal, unlike Compact, reports where the syntax error is.
	var raw json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		var syn *json.SyntaxError
		// Offset counts the bytes read, the bad one included. At the end of
		// the input encoding/json feeds its scanner a space, so a cut
		// literal ("tru") would be blamed on a ' ' that is not there.
		if errors.As(err, &syn) && syn.Error() != "unexpected end of JSON input" &&
			!(syn.Offset == int64(len(s)) && s[len(s)-1] != ' ' && strings.Contains(syn.Error(), "' '")) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %w", syn.Offset, err)
		}
		return nil, errJSONEnd
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// requestItems is everything the items say, grouped, order kept within
// each group.
type requestItems struct {
	// Headers in order; repeated names send several values. Values of
	// `Name:@path` are the file's text without its trailing newline, as in
	// HTTPie, nor blanks around it, as for a typed value.
	Headers []headerItem
	// Params are `name==value` and `name==@path` (trailing line breaks of the
	// file trimmed like a header's), appended after the URL's own.
	Params []keyValue
	// Data are `=`, `:=`, `=@` and `:=@` items; `=@` keeps the file's text
	// verbatim, trailing newline included, as HTTPie does.
	Data []dataItem
	// Files are `name@path[;type=…][;filename=…]`; each path but "-" existed and was no
	// directory when collected, and is opened when the body is sent.
	Files []fileItem
	// BodyPath is the file of `@path`, or "-" for `@-` (standard input).
	BodyPath string

	bodyArg   string   // the item that set BodyPath, for the two-bodies message
	readPaths []string // the files the from-file items read
}

// paths lists every file the items read or send, "-" left out.
func (r *requestItems) paths() []string {
	out := append([]string(nil), r.readPaths...)
	for _, f := range r.Files {
		if f.Path != "-" {
			out = append(out, f.Path)
		}
	}
	return out
}

// headerItem is a header to send, or with Unset one to remove (`Name:`).
type headerItem struct {
	Name, Value string
	Unset       bool
}

// keyValue is one query parameter or form field.
type keyValue struct{ Key, Value string }

// dataItem is one field of the request body.
type dataItem struct {
	// Key is the field name with its escapes resolved, as a form sends it.
	Key string
	// EscapedKey is the key as typed, which jsonBody reads as a nested path
	// (when empty, Key is read instead).
	EscapedKey string
	// JSON is the compact JSON value: the string encoding of the value for
	// `=` and `=@` items, the value itself for `:=` and `:=@`. When empty,
	// jsonBody sends Raw as a string.
	JSON json.RawMessage
	// Raw is the plain value for form encoding; for `:=` items the JSON text.
	Raw string
	// IsJSON says the item came from `:=` or `:=@`.
	IsJSON bool
	// Arg is the item as given, for error messages.
	Arg string
}

// name is the item as given, or its key when it was built in code.
func (d dataItem) name() string {
	if d.Arg != "" {
		return d.Arg
	}
	if d.EscapedKey != "" {
		return d.EscapedKey
	}
	return d.Key
}

// fileItem is a multipart file field; Type "" means guess from the name,
// Filename "" sends the path's base name; Path "-" reads standard input.
type fileItem struct{ Field, Path, Type, Filename string }

// collectItems parses args, which must all be items, into requestItems.
// readFile reads the from-file items (`:@`, `==@`, `=@`, `:=@`); a file that
// cannot be read, or whose text is not UTF-8, is an *itemError naming the
// item and the reason. File fields and `@path` are only checked to exist
// and not be directories; `~/` at the start of any path is the home
// directory, as in HTTPie.
func collectItems(args []string, readFile func(string) ([]byte, error)) (*requestItems, error) {
	r := &requestItems{}
	home := homeDirOnce()
	for _, arg := range args {
		it, ok, err := parseItem(arg)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &itemError{Item: arg, Reason: "expected NAME:VALUE, NAME==VALUE, NAME=VALUE, NAME:=JSON or NAME@FILE"}
		}
		if it.Kind.readsFile() || it.Kind == itemFile || (it.Kind == itemBody && it.Value != "-") {
			it.Value = expandItemHome(it.Value, home)
		}
		if err := r.add(it, readFile); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// homeDirOnce returns a function giving the home directory, looked up on
// first use only, so items without `~` never consult the environment.
func homeDirOnce() func() string {
	var home string
	var done bool
	return func() string {
		if !done {
			home, _ = os.UserHomeDir()
			done = true
		}
		return home
	}
}

// expandItemHome replaces a leading "~" or "~/" by the home directory;
// "~user" forms are left alone.
func expandItemHome(path string, home func() string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	h := home()
	if h == "" {
		return path
	}
	return h + path[1:]
}

// add files one parsed item into r, reading files as its kind requires.
func (r *requestItems) add(it item, readFile func(string) ([]byte, error)) error {
	fail := func(format string, a ...any) error {
		return &itemError{Item: it.Arg, Reason: fmt.Sprintf(format, a...)}
	}
	var content string
	if it.Kind.readsFile() {
		b, err := readFile(it.Value)
		if err != nil {
			return &itemError{Item: it.Arg, Reason: fmt.Sprintf("cannot read %q: %s", it.Value, httpclient.Reason(err)), err: err}
		}
		if !utf8.Valid(b) {
			return fail("cannot embed %q: not a UTF-8 text file", it.Value)
		}
		content = string(b)
		r.readPaths = append(r.readPaths, it.Value)
	}

	switch it.Kind {
	case itemHeader:
		r.Headers = append(r.Headers, headerItem{Name: it.Key, Value: it.Value, Unset: it.Value == ""})
	case itemEmptyHeader:
		r.Headers = append(r.Headers, headerItem{Name: it.Key})
	case itemHeaderFile:
		// Like a typed value, the text is trimmed; its final newline most of all.
		v := strings.Trim(content, " \t\r\n")
		if !httpguts.ValidHeaderFieldValue(v) {
			return fail("header value from %q contains a line break or control character", it.Value)
		}
		r.Headers = append(r.Headers, headerItem{Name: it.Key, Value: v})
	case itemParam:
		r.Params = append(r.Params, keyValue{Key: it.Key, Value: it.Value})
	case itemParamFile:
		r.Params = append(r.Params, keyValue{Key: it.Key, Value: strings.TrimRight(content, "\r\n")})
	case itemData:
		r.Data = append(r.Data, stringDataItem(it, it.Value))
	case itemDataFile:
		r.Data = append(r.Data, stringDataItem(it, content))
	case itemJSON, itemJSONFile:
		text := it.Value
		if it.Kind == itemJSONFile {
			text = content
		}
		compact, err := compactJSONValue(text)
		if err != nil {
			if it.Kind == itemJSONFile {
				return fail("%q: %v", it.Value, err)
			}
			return fail("%v", err)
		}
		r.Data = append(r.Data, dataItem{Key: it.Key, EscapedKey: it.EscapedKey, JSON: compact, Raw: text, IsJSON: true, Arg: it.Arg})
	case itemFile:
		if it.Value != "-" {
			if err := checkItemFile(it.Value); err != nil {
				return &itemError{Item: it.Arg, Reason: err.Error(), err: err}
			}
		}
		r.Files = append(r.Files, fileItem{Field: it.Key, Path: it.Value, Type: it.Type, Filename: it.Filename})
	case itemBody:
		if r.BodyPath != "" {
			return fail("two explicit body sources: %s and %s", r.bodyArg, it.Arg)
		}
		if it.Value != "-" {
			if err := checkItemFile(it.Value); err != nil {
				return &itemError{Item: it.Arg, Reason: err.Error(), err: err}
			}
		}
		r.BodyPath, r.bodyArg = it.Value, it.Arg
	}
	return nil
}

// stringDataItem is the data item of a plain string value.
func stringDataItem(it item, value string) dataItem {
	return dataItem{Key: it.Key, EscapedKey: it.EscapedKey, JSON: jsonString(value), Raw: value, Arg: it.Arg}
}

// checkItemFile fails when path does not exist or is a directory, so a
// typo is a usage error before anything is sent.
func checkItemFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the message
		}
		return fmt.Errorf("cannot read %q: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("cannot read %q: is a directory", path)
	}
	return nil
}

// jsonString is s as a JSON string, without the HTML escaping of
// json.Marshal: a body says `<` as typed.
func jsonString(s string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// formFields returns the data items as form fields in order. Nested keys
// are not interpreted: `user[name]=x` is the field "user[name]", as in
// HTTPie and the web forms that use that naming. A `:=` value must be a
// string, number or boolean, since a form has no arrays, objects or null.
func formFields(data []dataItem) ([]keyValue, error) {
	out := make([]keyValue, 0, len(data))
	for _, d := range data {
		if !d.IsJSON {
			out = append(out, keyValue{Key: d.Key, Value: d.Raw})
			continue
		}
		v, err := formValueOfJSON(d.JSON)
		if err != nil {
			return nil, &itemError{Item: d.name(), Reason: err.Error()}
		}
		out = append(out, keyValue{Key: d.Key, Value: v})
	}
	return out, nil
}

// formValueOfJSON is the form text of a scalar JSON value.
func formValueOfJSON(raw json.RawMessage) (string, error) {
	switch t := jsonTypeName(raw); t {
	case "string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("invalid JSON: %w", err)
		}
		return s, nil
	case "number", "boolean":
		return string(raw), nil
	default:
		return "", fmt.Errorf("a JSON %s cannot be a form field (--form and --multipart take strings, numbers and booleans)", t)
	}
}

// jsonTypeName names the type of a valid compact JSON value.
func jsonTypeName(raw []byte) string {
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
