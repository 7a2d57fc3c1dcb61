package render

import (
	"bytes"
	"io"
	"time"
	"unicode/utf8"
)

// htmlBody colours an HTML body on a terminal as [colorMarkup] does, and
// the content of its script and style elements as JavaScript (or JSON)
// and CSS, as HTTPie does. Lexing needs the whole text, so a body over
// highlightLimit is coloured as markup only, as it streams. The body's
// bytes are unchanged; head and rest are already escaped for the
// terminal (see terminalReader).
func htmlBody(w io.Writer, head []byte, rest io.Reader, atEOF bool, p *palette, o Options) error {
	hold := head
	if !atEOF {
		more, r, eof := readHead(rest, highlightLimit+1-len(head))
		hold, rest, atEOF = append(head, more...), r, eof
	}
	if !atEOF || len(hold) > highlightLimit {
		return colorMarkup(w, io.MultiReader(bytes.NewReader(hold), rest), p)
	}
	return colorHTML(w, hold, p, o)
}

// colorHTML colours a whole HTML document: tags and attributes as
// [colorMarkup] does, and the content of script and style elements in
// their own language. Whatever it makes of the document, every byte of
// text is written unchanged.
func colorHTML(w io.Writer, text []byte, p *palette, o Options) error {
	m := &markupColorizer{p: p, html: true}
	m.out = make([]byte, 0, len(text)+len(text)/2)
	b := newBudget(o) // one budget for all the scripts and styles of the body
	for len(text) > 0 {
		text = text[m.feed(text):]
		if m.raw == "" {
			continue
		}
		lang := embeddedLang(m.raw, m.typ)
		if lang == "" { // a template or data: markup as any other text
			m.raw = ""
			continue
		}
		end := rawTextEnd(text, m.raw)
		m.raw = ""
		m.setColor(nil)
		m.out = appendEmbedded(m.out, text[:end], lang, b, p, o)
		text = text[end:]
	}
	m.flushLT()
	_, err := w.Write(m.out)
	return err
}

// embeddedLang names how to colour the content of a script or style
// element with the given type attribute: a lexer file, "json", or "" for
// content that is no script (text/template, text/x-handlebars, ...).
func embeddedLang(elem string, typ []byte) string {
	t := mediaType(string(typ))
	if elem == "style" {
		if t == "" || t == "text/css" {
			return "css.xml"
		}
		return ""
	}
	switch {
	case t == "" || t == "module" || t == "text/jscript" || lexerFile(t) == "javascript.xml":
		return "javascript.xml"
	case isJSONType(t) || t == "importmap" || t == "speculationrules":
		return "json"
	}
	return ""
}

// rawTextEnd returns where the content of a script or style element
// starting text ends: at its end tag (</script, in any case, followed by
// white space, '/' or '>'), or at the end of text when the element is
// never closed.
func rawTextEnd(text []byte, elem string) int {
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '<')
		if j < 0 {
			return len(text)
		}
		j += i
		k := j + 2 + len(elem)
		if k <= len(text) && text[j+1] == '/' && bytes.EqualFold(text[j+2:k], []byte(elem)) {
			if k == len(text) || isMarkupSpace(text[k]) || text[k] == '/' || text[k] == '>' {
				return j
			}
		}
		i = j + 1
	}
}

// loadEmbeddedLexer loads the lexer of a script or style element; tests
// replace it.
var loadEmbeddedLexer = loadLexer

// appendEmbedded appends the content of a script or style element coloured
// in lang (see embeddedLang) within budget b, or as it is when it cannot
// be lexed.
func appendEmbedded(dst, text []byte, lang string, b *budget, p *palette, o Options) []byte {
	// Lexers work on runes: invalid UTF-8 (Latin-1 text shown undecoded)
	// would come out as U+FFFD.
	if len(bytes.TrimSpace(text)) == 0 || !utf8.Valid(text) {
		return append(dst, text...)
	}
	// The text was escaped for the terminal with the rest of the body.
	o.Terminal = false
	if lang == "json" {
		o.Format, o.SortKeys, o.Unescape = false, false, false
		var out bytes.Buffer
		f := newJSONFormatter(&out, bytes.NewReader(text), o, false)
		if f.finish(f.run()) == nil {
			return append(dst, out.Bytes()...)
		}
		lang = "javascript.xml" // not JSON after all
	}
	// Reading the lexer's own definition the first time (compiling its
	// patterns) is a fixed cost that no body makes larger: it does not
	// count against the body's budget.
	start := time.Now()
	l := loadEmbeddedLexer(lang)
	b.end = b.end.Add(time.Since(start))
	if l == nil {
		return append(dst, text...)
	}
	return colorTokens(dst, l, text, b, p, o)
}
