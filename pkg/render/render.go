// Package render turns requests and responses into terminal or pipe output:
// request and response heads, bodies (pretty-printed and coloured JSON,
// coloured XML and HTML, binary notes), metadata timings and curl command
// lines.
//
// Nothing here looks at flags, the environment or os.Stdout: the caller
// decides everything through [Options] and passes an [io.Writer].
package render

import (
	"fmt"
	"sort"
	"strings"
)

// Options says how to render. The command layer fills it from flags, the
// configuration and the terminal; the zero value writes plain, unformatted
// output.
type Options struct {
	Color    bool   // emit ANSI colour escape sequences
	Format   bool   // reformat bodies (indent JSON)
	Style    string // colour scheme, one of [Styles]; "" means "auto"
	Indent   int    // JSON indent width in spaces; 0 or less means 4
	SortKeys bool   // sort object keys; by default keys keep the server's order
	Terminal bool   // output is a terminal: binary bodies become a one-line note
	// Unescape shows \uXXXX escapes of printable characters in JSON strings
	// as the characters themselves when formatting, as HTTPie and jq do;
	// escapes of quotes, backslashes and control characters stay.
	Unescape bool
}

// indentWidth is the number of spaces per nesting level.
func (o Options) indentWidth() int {
	if o.Indent <= 0 {
		return 4
	}
	return o.Indent
}

// palette returns the colour escape sequences to use, or nil for none.
func (o Options) palette() *palette {
	if !o.Color {
		return nil
	}
	name := o.Style
	if name == "" {
		name = "auto"
	}
	s, ok := styleTable[name]
	if !ok || name == "none" {
		return nil
	}
	return newPalette(s)
}

// ansiReset ends any colour started by a palette entry.
const ansiReset = "\x1b[0m"

// styleCodes holds the SGR parameters (the part between "\x1b[" and "m")
// of each role in one colour scheme; "" leaves that role uncoloured.
type styleCodes struct {
	key, str, num, boolean, null, punct            string
	method, target, proto, headerName, headerValue string
	status2xx, status3xx, status4xx                string // status4xx covers 5xx too
	tag, attr, attrValue, comment, decl            string
	label                                          string
}

// styleTable lists every style [ValidateStyle] accepts. "auto" keeps to the
// 16 standard colours so it follows the terminal's own theme; the others use
// the 256-colour palette.
var styleTable = map[string]styleCodes{
	"auto": {
		key: "34;1", str: "32", num: "36", boolean: "35", null: "35", punct: "",
		method: "32;1", target: "36", proto: "34", headerName: "36", headerValue: "",
		status2xx: "32;1", status3xx: "33;1", status4xx: "31;1",
		tag: "34;1", attr: "36", attrValue: "32", comment: "90", decl: "35",
		label: "36",
	},
	"monokai": {
		key: "38;5;197", str: "38;5;186", num: "38;5;141", boolean: "38;5;81", null: "38;5;81", punct: "38;5;231",
		method: "38;5;148;1", target: "38;5;231", proto: "38;5;81", headerName: "38;5;148", headerValue: "38;5;231",
		status2xx: "38;5;148;1", status3xx: "38;5;186;1", status4xx: "38;5;197;1",
		tag: "38;5;197", attr: "38;5;148", attrValue: "38;5;186", comment: "38;5;242", decl: "38;5;141",
		label: "38;5;81",
	},
	"solarized": {
		key: "38;5;33", str: "38;5;37", num: "38;5;61", boolean: "38;5;166", null: "38;5;166", punct: "38;5;244",
		method: "38;5;64;1", target: "38;5;244", proto: "38;5;33", headerName: "38;5;33", headerValue: "38;5;244",
		status2xx: "38;5;64;1", status3xx: "38;5;136;1", status4xx: "38;5;160;1",
		tag: "38;5;33", attr: "38;5;136", attrValue: "38;5;37", comment: "38;5;240", decl: "38;5;125",
		label: "38;5;37",
	},
	"none": {},
}

// Styles returns the names [ValidateStyle] accepts, sorted.
func Styles() []string {
	names := make([]string, 0, len(styleTable))
	for n := range styleTable {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ValidateStyle reports whether name is a known colour style; the empty
// name means "auto".
func ValidateStyle(name string) error {
	if name == "" {
		return nil
	}
	if _, ok := styleTable[name]; !ok {
		return fmt.Errorf("unknown style %q (available: %s)", name, strings.Join(Styles(), ", "))
	}
	return nil
}

// palette is a style turned into ready-made escape sequences, so the hot
// paths append bytes instead of formatting per token.
type palette struct {
	key, str, num, boolean, null, punct            []byte
	method, target, proto, headerName, headerValue []byte
	status2xx, status3xx, status4xx                []byte
	tag, attr, attrValue, comment, decl            []byte
	label                                          []byte

	// JSON punctuation, already wrapped in colour.
	colon, comma, lbrace, rbrace, lbrack, rbrack, emptyObj, emptyArr []byte
}

func sgr(code string) []byte {
	if code == "" {
		return nil
	}
	return []byte("\x1b[" + code + "m")
}

func newPalette(s styleCodes) *palette {
	p := &palette{
		key: sgr(s.key), str: sgr(s.str), num: sgr(s.num), boolean: sgr(s.boolean), null: sgr(s.null), punct: sgr(s.punct),
		method: sgr(s.method), target: sgr(s.target), proto: sgr(s.proto), headerName: sgr(s.headerName), headerValue: sgr(s.headerValue),
		status2xx: sgr(s.status2xx), status3xx: sgr(s.status3xx), status4xx: sgr(s.status4xx),
		tag: sgr(s.tag), attr: sgr(s.attr), attrValue: sgr(s.attrValue), comment: sgr(s.comment), decl: sgr(s.decl),
		label: sgr(s.label),
	}
	p.colon = append(paint(nil, p.punct, ":"), ' ')
	p.comma = paint(nil, p.punct, ",")
	p.lbrace = paint(nil, p.punct, "{")
	p.rbrace = paint(nil, p.punct, "}")
	p.lbrack = paint(nil, p.punct, "[")
	p.rbrack = paint(nil, p.punct, "]")
	p.emptyObj = paint(nil, p.punct, "{}")
	p.emptyArr = paint(nil, p.punct, "[]")
	return p
}

// paint appends s to dst, wrapped in the colour pre when there is one.
func paint[S ~string | ~[]byte](dst, pre []byte, s S) []byte {
	if len(pre) == 0 {
		return append(dst, s...)
	}
	dst = append(dst, pre...)
	dst = append(dst, s...)
	return append(dst, ansiReset...)
}
