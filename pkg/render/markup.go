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

func (m *markupColorizer) feed(b []byte) {
	p := m.p
	for _, c := range b {
		var col []byte
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
			case c == '"' || c == '\'':
				m.state, m.quote, col = mkQuoted, c, p.attrValue
			default:
				m.state, col = mkAttrName, p.attr
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
			}
		case mkQuoted:
			col = p.attrValue
			if c == m.quote {
				m.state = mkInTag
			}
		case mkUnquoted:
			switch {
			case isMarkupSpace(c):
				m.state = mkInTag
			case c == '>':
				m.state, col = mkText, p.tag
			default:
				col = p.attrValue
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
	}
}

func isNameStart(c byte) bool {
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}
