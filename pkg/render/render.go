// Package render turns requests and responses into terminal or pipe output:
// request and response heads, bodies (pretty-printed and coloured JSON,
// coloured XML and HTML, binary notes), metadata timings and curl command
// lines.
//
// Nothing here looks at flags, the environment or os.Stdout: the caller
// decides everything through [Options] and passes an [io.Writer].
package render

import "github.com/alecthomas/chroma/v2"

// Options says how to render. The command layer fills it from flags, the
// configuration and the terminal; the zero value writes plain, unformatted
// output.
type Options struct {
	Color  bool   // emit ANSI colour escape sequences
	Format bool   // reformat bodies (indent JSON)
	Style  string // colour scheme, one of [Styles]; "" means "auto"
	// TrueColor uses 24-bit colour escape sequences for chroma styles
	// (COLORTERM=truecolor); otherwise the nearest of the 256 colours.
	TrueColor bool
	Indent    int  // JSON indent width in spaces; 0 or less means 4
	SortKeys  bool // sort object keys; by default keys keep the server's order
	Terminal  bool // output is a terminal: binary bodies become a one-line note
	// Unescape shows \uXXXX escapes of printable characters in JSON strings
	// as the characters themselves when formatting, as HTTPie and jq do;
	// escapes of quotes, backslashes and control characters stay.
	Unescape bool
	// Done, when closed, ends highlighting early, as its time budget
	// does: the rest of the body is written uncoloured, and writing it is
	// left to the writer (which may refuse, to stop the output at once).
	// The command line closes it on an interrupt or at --max-time.
	Done <-chan struct{}
	// Warn, when not nil, is told in one line (no "warning:" label) when
	// the output is not what the options ask for, as when --sort-keys
	// leaves an object too large to sort in the server's order.
	Warn func(string)
	// SortHeaders lists header fields sorted by name (a name's repeated
	// fields keep their order), as HTTPie's headers.sort does; by default
	// they keep the order they were sent in.
	SortHeaders bool
	// XMLIndent is the XML indent width; 0 or less means Indent's.
	XMLIndent int
	// JSONAsIs and XMLAsIs keep JSON or XML bodies as sent even with
	// Format (HTTPie's json.format:false, xml.format:false); colour
	// still applies.
	JSONAsIs, XMLAsIs bool
}

// indentWidth is the number of spaces per nesting level.
func (o Options) indentWidth() int {
	if o.Indent <= 0 {
		return 4
	}
	return o.Indent
}

// xmlIndentWidth is the number of spaces per XML nesting level.
func (o Options) xmlIndentWidth() int {
	if o.XMLIndent <= 0 {
		return o.indentWidth()
	}
	return o.XMLIndent
}

// palette is a style turned into ready-made escape sequences, so the hot
// paths append bytes instead of formatting per token.
type palette struct {
	key, str, num, boolean, null, punct            []byte
	method, target, proto, headerName, headerValue []byte
	status2xx, status3xx, status4xx                []byte
	tag, attr, attrValue, comment, decl            []byte
	label                                          []byte

	// chroma is the style the palette came from (nil for auto), for
	// lexers' token types beyond the roles above.
	chroma    *chroma.Style
	trueColor bool

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
