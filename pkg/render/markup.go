package render

import (
	"io"
)

// Markup scanner states. The scanner is deliberately forgiving: it only
// decides colours, and every input byte is written unchanged whatever it
// makes of the markup.
const (
	mkText        = iota
	mkTagOpen     // just after '<'
	mkTagName     // in the element name
	mkInTag       // between attributes
	mkAttrName    // in an attribute name
	mkAfterEquals // after '=', before the value
	mkQuoted      // in a quoted attribute value
	mkUnquoted    // in an unquoted attribute value (HTML)
	mkBang        // after "<!"
	mkBangDash    // after "<!-"
	mkComment     // in <!-- ... -->
	mkDecl        // in <!DOCTYPE ...> or <?xml ...?>
	mkCDATA       // in <![CDATA[ ... ]]>
)

// markupColorizer colours XML and HTML as it streams through.
type markupColorizer struct {
	p     *palette
	state int
	quote byte // the quote of the current attribute value
	run   int  // consecutive '-' (comments) or ']' (CDATA) just seen
	// held keeps back "<" or "<!" until the next byte tells a tag from a
	// comment or a declaration, so the whole construct gets one colour.
	held []byte
	cur  []byte // colour in effect, nil for none
	out  []byte

	// HTML only (see colorHTML): what a start tag opens, to find the
	// script and style elements whose content is another language.
	html     bool
	endTag   bool   // the tag is an end tag (</...)
	name     []byte // the tag's name, lower-cased, at most maxTagName bytes
	nameDone bool   // the name ended at a '/' (<script/>)
	attr     []byte // the current attribute's name, lower-cased, cut likewise
	typeSeen bool   // a type attribute came (the first one counts)
	inType   bool   // in the type attribute's value
	typ      []byte // the type attribute's value, at most maxTypeValue bytes
	// raw is "script" or "style" when the tag just ended opens one of
	// them: feed stops after its '>'.
	raw string
}

const (
	// maxTagName is enough to tell "script" and "style" from every
	// longer name.
	maxTagName = 8
	// maxTypeValue is enough for every script type that is recognised.
	maxTypeValue = 64
)

// appendLower appends c lower-cased (ASCII) to b when b is shorter than n.
func appendLower(b []byte, c byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return append(b, c)
}

// startTag begins tracking a tag from the byte after its '<'.
func (m *markupColorizer) startTag(c byte) {
	m.endTag = c == '/'
	m.name, m.nameDone = m.name[:0], false
	if !m.endTag {
		m.name = appendLower(m.name, c, maxTagName)
	}
	m.attr = m.attr[:0]
	m.typeSeen, m.inType, m.typ = false, false, m.typ[:0]
}

// endOfTag notes, at the '>' that ends a tag, whether it opens a script or
// style element.
func (m *markupColorizer) endOfTag() {
	m.inType = false
	if m.endTag {
		return
	}
	switch string(m.name) {
	case "script":
		m.raw = "script"
	case "style":
		m.raw = "style"
	}
}

// isTagState says whether a scanner state is inside a tag, where a '>'
// ends it.
func isTagState(s int) bool {
	return s == mkTagName || s == mkInTag || s == mkAttrName || s == mkAfterEquals || s == mkUnquoted
}

// colorMarkup copies XML or HTML from r to w, adding colour to tags,
// attribute names and values, comments and declarations.
func colorMarkup(w io.Writer, r io.Reader, p *palette) error {
	m := &markupColorizer{p: p}
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			m.out = m.out[:0]
			m.feed(buf[:n])
			if _, err := w.Write(m.out); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			m.out = m.out[:0]
			m.flushLT()
			_, err := w.Write(m.out)
			return err
		}
		if rerr != nil {
			m.out = m.out[:0]
			m.flushLT()
			w.Write(m.out) // best effort: the read error matters more
			return rerr
		}
	}
}

// flushLT ends the output at the end of input: bytes still held back were
// text, and no colour stays open.
func (m *markupColorizer) flushLT() {
	m.release(nil)
	m.setColor(nil)
}

// release writes the held bytes in colour c.
func (m *markupColorizer) release(c []byte) {
	if len(m.held) > 0 {
		m.setColor(c)
		m.out = append(m.out, m.held...)
		m.held = m.held[:0]
	}
}

// setColor switches the colour of the bytes that follow.
func (m *markupColorizer) setColor(c []byte) {
	if string(c) == string(m.cur) {
		return
	}
	if len(m.cur) > 0 {
		m.out = append(m.out, ansiReset...)
	}
	if len(c) > 0 {
		m.out = append(m.out, c...)
	}
	m.cur = c
}

func isMarkupSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// feed colours b. With m.html it stops after a start tag that opens a
// script or style element, setting m.raw; it returns how many bytes of b
// it consumed.
func (m *markupColorizer) feed(b []byte) int {
	p := m.p
	for i, c := range b {
		var col []byte
		prev := m.state
		switch m.state {
		case mkText:
			if c == '<' {
				m.state, m.held = mkTagOpen, append(m.held[:0], c)
				continue
			}
		case mkTagOpen:
			switch {
			case c == '!':
				m.state, m.held = mkBang, append(m.held, c)
				continue
			case c == '?':
				m.state, col = mkDecl, p.decl
			case c == '/' || isNameStart(c):
				m.state, col = mkTagName, p.tag
				if m.html {
					m.startTag(c)
				}
			case c == '<': // "<<": the first one was text
				m.setColor(nil)
				m.out = append(m.out, '<')
				continue
			default: // "< " or "<3" in text: not a tag after all
				m.state = mkText
			}
			m.release(col)
		case mkTagName:
			switch {
			case isMarkupSpace(c):
				m.state = mkInTag
			case c == '>':
				m.state, col = mkText, p.tag
			default:
				col = p.tag
				if m.html {
					if c == '/' && len(m.name) > 0 {
						m.nameDone = true
					} else if !m.nameDone {
						m.name = appendLower(m.name, c, maxTagName)
					}
				}
			}
		case mkInTag, mkAttrName:
			switch {
			case isMarkupSpace(c):
				m.state = mkInTag
			case c == '>':
				m.state, col = mkText, p.tag
			case c == '/':
				m.state, col = mkInTag, p.tag
			case c == '=':
				m.state, col = mkAfterEquals, p.punct
				if m.html && !m.typeSeen && string(m.attr) == "type" {
					m.typeSeen, m.inType = true, true
				}
			case c == '"' || c == '\'':
				m.state, m.quote, col = mkQuoted, c, p.attrValue
			default:
				m.state, col = mkAttrName, p.attr
				if m.html {
					if prev == mkInTag {
						m.attr = m.attr[:0]
					}
					m.attr = appendLower(m.attr, c, maxTagName)
				}
			}
		case mkAfterEquals:
			switch {
			case isMarkupSpace(c):
			case c == '"' || c == '\'':
				m.state, m.quote, col = mkQuoted, c, p.attrValue
			case c == '>':
				m.state, col = mkText, p.tag
			default:
				m.state, col = mkUnquoted, p.attrValue
				if m.inType {
					m.typ = append(m.typ, c)
				}
			}
		case mkQuoted:
			col = p.attrValue
			switch {
			case c == m.quote:
				m.state, m.inType = mkInTag, false
			case m.inType && len(m.typ) < maxTypeValue:
				m.typ = append(m.typ, c)
			}
		case mkUnquoted:
			switch {
			case isMarkupSpace(c):
				m.state, m.inType = mkInTag, false
			case c == '>':
				m.state, col = mkText, p.tag
			default:
				col = p.attrValue
				if m.inType && len(m.typ) < maxTypeValue {
					m.typ = append(m.typ, c)
				}
			}
		case mkBang:
			switch c {
			case '-':
				m.state, col = mkBangDash, p.comment
			case '[':
				m.state, m.run, col = mkCDATA, 0, p.decl
			case '>':
				m.state, col = mkText, p.decl
			default:
				m.state, col = mkDecl, p.decl
			}
			m.release(col)
		case mkBangDash:
			if c == '-' {
				m.state, m.run, col = mkComment, 0, p.comment
			} else {
				m.state, col = mkDecl, p.decl
			}
		case mkComment:
			col = p.comment
			switch {
			case c == '-':
				m.run++
			case c == '>' && m.run >= 2:
				m.state = mkText
			default:
				m.run = 0
			}
		case mkDecl:
			col = p.decl
			if c == '>' {
				m.state = mkText
			}
		case mkCDATA:
			col = p.decl
			switch {
			case c == ']':
				m.run++
			case c == '>' && m.run >= 2:
				m.state = mkText
			default:
				m.run = 0
			}
		}
		m.setColor(col)
		m.out = append(m.out, c)
		if m.html && c == '>' && m.state == mkText && isTagState(prev) {
			if m.endOfTag(); m.raw != "" {
				return i + 1
			}
		}
	}
	return len(b)
}

func isNameStart(c byte) bool {
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}
