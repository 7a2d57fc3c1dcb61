package render

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// xmlHoldLimit is the size up to which an XML body is parsed whole before
// anything is written, so an invalid one comes out exactly as received.
const xmlHoldLimit = 1 << 20

// isXMLType says whether mt is an XML type (application/xml, text/xml,
// image/svg+xml, application/atom+xml, ...). HTML is not XML.
func isXMLType(mt string) bool {
	return strings.HasSuffix(mt, "/xml") || strings.HasSuffix(mt, "+xml")
}

// xmlBody indents an XML body (--pretty=format), colouring it as
// [colorMarkup] does when there is a palette. It works token by token
// with encoding/xml, so memory grows with the nesting depth, not the
// body. Up to 1 MiB the body is checked whole first and written as
// received when it is not XML; a longer one is indented as it streams
// and continues raw from the token where it stops being XML.
func xmlBody(w io.Writer, head []byte, rest io.Reader, atEOF bool, o Options, p *palette) error {
	hold := head
	if !atEOF {
		more, r, eof := readHead(rest, xmlHoldLimit-len(head))
		hold, rest, atEOF = append(head, more...), r, eof
	}
	out := w
	var mw *markupWriter
	if p != nil {
		mw = &markupWriter{m: &markupColorizer{p: p}, w: w}
		out = mw
	}
	if atEOF {
		// Checked first without holding the output, which can be far
		// larger than the body, then indented as it streams.
		check := newXMLIndenter(io.Discard, bytes.NewReader(hold), 0)
		if err := check.run(); err != nil {
			if _, err := out.Write(hold); err != nil { // not XML: the bytes as received
				return err
			}
			return mw.close()
		}
		x := newXMLIndenter(out, bytes.NewReader(hold), o.xmlIndentWidth())
		if err := x.run(); err != nil {
			return err
		}
		return mw.close()
	}
	x := newXMLIndenter(out, io.MultiReader(bytes.NewReader(hold), rest), o.xmlIndentWidth())
	if err := x.run(); err != nil {
		if x.werr != nil {
			return x.werr
		}
		// From the first byte of the token that failed, the rest raw.
		if _, err := io.WriteString(out, "\n"); err != nil {
			return err
		}
		if _, err := out.Write(x.tail.rest()); err != nil {
			return err
		}
		if _, err := io.Copy(out, x.tail.r); err != nil {
			return err
		}
	}
	return mw.close()
}

// markupWriter colours the markup written through it.
type markupWriter struct {
	m *markupColorizer
	w io.Writer
}

func (mw *markupWriter) Write(b []byte) (int, error) {
	mw.m.out = mw.m.out[:0]
	mw.m.feed(b)
	if _, err := mw.w.Write(mw.m.out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// close ends the colouring; a nil markupWriter has nothing to end.
func (mw *markupWriter) close() error {
	if mw == nil {
		return nil
	}
	mw.m.out = mw.m.out[:0]
	mw.m.flushLT()
	_, err := mw.w.Write(mw.m.out)
	return err
}

// xmlTail keeps the input the decoder has read but not yet turned into
// tokens, so output can fall back to raw bytes at a syntax error.
type xmlTail struct {
	r     io.Reader
	buf   []byte // buf[start:] is the input from offset base on
	start int
	base  int64
}

func (t *xmlTail) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// consumed drops the input before offset off, compacting the buffer only
// once most of it is spent so each byte is moved at most once or twice.
func (t *xmlTail) consumed(off int64) {
	k := int(off - t.base)
	if k <= 0 || t.start+k > len(t.buf) {
		return
	}
	t.start += k
	t.base = off
	if t.start > 32<<10 && t.start > len(t.buf)/2 {
		t.buf = t.buf[:copy(t.buf, t.buf[t.start:])]
		t.start = 0
	}
}

// rest returns the kept input.
func (t *xmlTail) rest() []byte { return t.buf[t.start:] }

// appendXMLEscaped appends s escaped for XML text, or for a double-quoted
// attribute value.
func appendXMLEscaped(b []byte, s string, attr bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '<':
			b = append(b, "&lt;"...)
		case c == '>':
			b = append(b, "&gt;"...)
		case c == '"' && attr:
			b = append(b, "&quot;"...)
		case (c == '\n' || c == '\t' || c == '\r') && attr:
			b = append(b, "&#x"...)
			b = append(b, "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&0xf], ';')
		default:
			b = append(b, c)
		}
	}
	return b
}

// xmlIndenter writes XML tokens one per line, indented by depth. An
// element holding only text stays on one line (<a>text</a>), an empty
// one closes itself (<a/>), and white space between tags is replaced by
// the indentation.
type xmlIndenter struct {
	dec    *xml.Decoder
	tail   *xmlTail
	w      io.Writer
	out    []byte
	werr   error
	indent int
	depth  int
	// open holds a hash of each open element's name, to check the end
	// tags: 8 bytes a level, where the names themselves took about 100
	// (60 MB of unclosed <a> held 2.4 GB), and at most maxXMLDepth.
	open []uint64
	// inlineAt is the depth of an element whose content began with text
	// (mixed content such as <p>Hi <b>you</b></p>): all of it stays on
	// one line, as written, so no white space is added inside it. 0: none.
	inlineAt int
	pending  string // white space held until we know it is not trailing
	unended  bool   // a start tag is written without its '>'
	text     bool   // the current element's content so far is text only
	fresh    bool   // nothing written yet
}

func newXMLIndenter(w io.Writer, r io.Reader, indent int) *xmlIndenter {
	t := &xmlTail{r: r}
	d := xml.NewDecoder(t)
	d.Entity = xml.HTMLEntity // &nbsp; and friends are common in XHTML
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) {
		return in, nil // the caller already decoded the body to UTF-8
	}
	return &xmlIndenter{dec: d, tail: t, w: w, indent: indent, fresh: true}
}

func (x *xmlIndenter) flush() {
	if len(x.out) > 0 && x.werr == nil {
		_, x.werr = x.w.Write(x.out)
	}
	x.out = x.out[:0]
}

func (x *xmlIndenter) newline() {
	if x.inlineAt > 0 {
		x.out = append(x.out, x.pending...)
		x.pending = ""
		return
	}
	if !x.fresh {
		x.out = append(x.out, '\n')
	}
	x.fresh = false
	for range min(x.depth, maxIndentDepth) * x.indent { // see maxIndentDepth
		x.out = append(x.out, ' ')
	}
}

// closeStart ends a pending start tag.
func (x *xmlIndenter) closeStart() {
	if x.unended {
		x.out = append(x.out, '>')
		x.unended = false
	}
}

// maxXMLDepth bounds the nesting the indenter follows, as maxJSONDepth
// does for JSON: deeper input is written raw from there on. libxml2
// refuses documents nested deeper than 256 unless told otherwise
// (XML_PARSE_HUGE); this is far beyond any real document.
const maxXMLDepth = 1 << 16

// nameHash identifies an element name for matching its end tag (FNV-1a).
func nameHash(n xml.Name) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range [...]string{n.Space, ":", n.Local} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	return h
}

func appendXMLName(b []byte, n xml.Name) []byte {
	if n.Space != "" {
		b = append(b, n.Space...)
		b = append(b, ':')
	}
	return append(b, n.Local...)
}

// run indents tokens until the input ends. On a syntax error, x.tail
// holds the input from the failing token on.
func (x *xmlIndenter) run() error {
	for {
		off := x.dec.InputOffset()
		x.tail.consumed(off)
		tok, err := x.dec.RawToken()
		if err == io.EOF && len(x.open) > 0 {
			err = &xml.SyntaxError{Msg: "unexpected end of input: " + strconv.Itoa(len(x.open)) + " elements are not closed"}
		}
		if err == io.EOF {
			if !x.fresh {
				x.out = append(x.out, '\n')
			}
			x.flush()
			return x.werr
		}
		if err != nil {
			x.flush()
			if x.werr != nil {
				return x.werr
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(x.open) >= maxXMLDepth {
				x.flush()
				if x.werr != nil {
					return x.werr
				}
				return &xml.SyntaxError{Msg: "elements nested more than " + strconv.Itoa(maxXMLDepth) + " deep"}
			}
			x.closeStart()
			x.newline()
			x.out = append(x.out, '<')
			x.out = appendXMLName(x.out, t.Name)
			for _, a := range t.Attr {
				x.out = append(x.out, ' ')
				x.out = appendXMLName(x.out, a.Name)
				x.out = append(x.out, `="`...)
				x.out = appendXMLEscaped(x.out, a.Value, true)
				x.out = append(x.out, '"')
			}
			x.unended, x.text = true, true
			x.depth++
			x.open = append(x.open, nameHash(t.Name))
		case xml.EndElement:
			// RawToken leaves matching end tags to its caller.
			if len(x.open) == 0 || x.open[len(x.open)-1] != nameHash(t.Name) {
				x.flush()
				if x.werr != nil {
					return x.werr
				}
				return &xml.SyntaxError{Msg: "unexpected end element </" + t.Name.Local + ">"}
			}
			x.open = x.open[:len(x.open)-1]
			x.depth--
			if x.depth < x.inlineAt {
				x.inlineAt, x.pending = 0, "" // trailing white space goes
				x.text = true
			}
			switch {
			case x.unended:
				x.out = append(x.out, "/>"...)
				x.unended = false
			case x.text:
				x.out = append(x.out, "</"...)
				x.out = appendXMLName(x.out, t.Name)
				x.out = append(x.out, '>')
			default:
				x.newline()
				x.out = append(x.out, "</"...)
				x.out = appendXMLName(x.out, t.Name)
				x.out = append(x.out, '>')
			}
			x.text = false
		case xml.CharData:
			s := string(t)
			if x.inlineAt == 0 {
				if strings.TrimSpace(s) == "" {
					continue
				}
				x.closeStart()
				if x.text && x.depth > 0 {
					x.inlineAt = x.depth
					s = strings.TrimLeftFunc(s, unicode.IsSpace)
				} else {
					x.newline()
					x.out = appendXMLEscaped(x.out, strings.TrimSpace(s), false)
					continue
				}
			}
			x.closeStart()
			body := strings.TrimRightFunc(s, unicode.IsSpace)
			if body != "" {
				x.out = append(x.out, x.pending...)
				x.out = appendXMLEscaped(x.out, body, false)
				x.pending = ""
			}
			x.pending += s[len(body):]
		case xml.Comment:
			x.closeStart()
			x.newline()
			x.out = append(x.out, "<!--"...)
			x.out = append(x.out, t...)
			x.out = append(x.out, "-->"...)
			x.text = false
		case xml.ProcInst:
			x.closeStart()
			x.newline()
			x.out = append(x.out, "<?"...)
			x.out = append(x.out, t.Target...)
			if len(t.Inst) > 0 {
				x.out = append(x.out, ' ')
				x.out = append(x.out, t.Inst...)
			}
			x.out = append(x.out, "?>"...)
			x.text = false
		case xml.Directive:
			x.closeStart()
			x.newline()
			x.out = append(x.out, "<!"...)
			x.out = append(x.out, t...)
			x.out = append(x.out, '>')
			x.text = false
		}
		if len(x.out) >= 32<<10 {
			x.flush()
		}
	}
}
