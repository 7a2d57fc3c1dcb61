package render

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// highlightLimit bounds the bodies highlighted with a chroma lexer: they
// are lexed whole, at a few MB/s, so a longer body is written uncoloured
// as it streams (HTTPie's users would rather see it than wait).
const highlightLimit = 1 << 20

// lexerFile names the embedded chroma lexer for a media type, or "".
func lexerFile(mt string) string {
	switch {
	case strings.Contains(mt, "yaml"):
		return "yaml.xml"
	case strings.Contains(mt, "javascript") || strings.Contains(mt, "ecmascript"):
		return "javascript.xml"
	case mt == "text/css":
		return "css.xml"
	case strings.Contains(mt, "graphql"):
		return "graphql.xml"
	case mt == "text/markdown" || mt == "text/x-markdown":
		return "markdown.xml"
	}
	return ""
}

var lexers struct {
	sync.Mutex
	reg    *chroma.LexerRegistry
	byFile map[string]chroma.Lexer
}

// loadLexer parses one embedded lexer definition the first time a run
// needs it (chroma's lexers package would parse them all at start-up).
func loadLexer(file string) chroma.Lexer {
	lexers.Lock()
	defer lexers.Unlock()
	if l, ok := lexers.byFile[file]; ok {
		return l
	}
	if lexers.reg == nil {
		lexers.reg = chroma.NewLexerRegistry()
		lexers.byFile = map[string]chroma.Lexer{}
	}
	dir := "chroma/lexers/"
	if file == "markdown.xml" {
		dir = "lexers/" // reqs' own restatement of chroma's Go-coded lexer
	}
	var l chroma.Lexer
	if x, err := chroma.NewXMLLexer(chromaFiles, dir+file); err == nil {
		l = lexers.reg.Register(x)
	}
	lexers.byFile[file] = l
	return l
}

// highlight writes a body of up to highlightLimit bytes coloured token by
// token with a chroma lexer in the palette's style; a longer body, or
// one the lexer fails on, is written as it is.
func highlight(w io.Writer, head []byte, rest io.Reader, atEOF bool, lexer chroma.Lexer, p *palette, o Options) error {
	hold := head
	if !atEOF {
		more, r, eof := readHead(rest, highlightLimit+1-len(head))
		hold, rest, atEOF = append(head, more...), r, eof
	}
	if !atEOF || len(hold) > highlightLimit {
		if _, err := w.Write(hold); err != nil {
			return err
		}
		_, err := io.Copy(w, rest)
		return err
	}
	out, ok := colorTokens(chroma.Coalesce(lexer), nil, string(hold), p, o)
	if !ok {
		_, err := w.Write(hold)
		return err
	}
	_, err := out.WriteTo(w)
	return err
}

// colorTokens lexes text with chroma's tokenising options (nil for the
// defaults) and returns it coloured; ok is false when the lexer fails
// (chroma panics on some internal errors: the body is then shown
// uncoloured rather than crashing).
func colorTokens(lexer chroma.Lexer, opts *chroma.TokeniseOptions, text string, p *palette, o Options) (out bytes.Buffer, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	it, err := lexer.Tokenise(opts, text)
	if err != nil {
		return out, false
	}
	codes := map[chroma.TokenType][]byte{}
	var buf []byte
	for t := it(); t != chroma.EOF; t = it() {
		c, ok := codes[t.Type]
		if !ok {
			c = p.tokenColor(t.Type)
			codes[t.Type] = c
		}
		v := t.Value
		colored := len(c) > 0 && strings.TrimSpace(v) != ""
		if colored {
			out.Write(c)
		}
		if o.Terminal {
			buf = appendTerminalText(buf[:0], v)
			out.Write(buf)
		} else {
			out.WriteString(v)
		}
		if colored {
			out.WriteString(ansiReset)
		}
	}
	return out, true
}

// tokenColor returns the escape sequence for a chroma token type: from
// the chroma style, or for "auto" from the 16 colours by category.
func (p *palette) tokenColor(t chroma.TokenType) []byte {
	if p.chroma != nil {
		if t == chroma.Text || t == chroma.TextWhitespace {
			return nil // the terminal's own colour
		}
		return sgr(entrySGR(p.chroma.Get(t), p.trueColor))
	}
	switch {
	case t == chroma.NameTag:
		return sgr(autoStyle.tag)
	case t == chroma.NameAttribute:
		return sgr(autoStyle.attr)
	case t == chroma.KeywordConstant:
		return sgr(autoStyle.boolean)
	case t.InCategory(chroma.Keyword):
		return sgr("35")
	case t.InSubCategory(chroma.LiteralString):
		return sgr(autoStyle.str)
	case t.InSubCategory(chroma.LiteralNumber):
		return sgr(autoStyle.num)
	case t.InCategory(chroma.Comment):
		return sgr(autoStyle.comment)
	case t == chroma.NameFunction || t == chroma.NameClass || t == chroma.NameNamespace:
		return sgr("34;1")
	case t == chroma.GenericHeading || t == chroma.GenericSubheading || t == chroma.GenericStrong:
		return sgr("1")
	case t == chroma.GenericEmph:
		return sgr("3")
	}
	return nil
}

// isFormType says whether mt is a URL-encoded form.
func isFormType(mt string) bool { return mt == "application/x-www-form-urlencoded" }

// colorForm copies a URL-encoded form, colouring names as keys, values as
// strings and the separators as punctuation, as it streams.
func colorForm(w io.Writer, r io.Reader, p *palette, o Options) error {
	buf := make([]byte, 32<<10)
	var out []byte
	inValue := false
	for {
		n, err := r.Read(buf)
		out = out[:0]
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexAny(chunk, "=&")
			run := chunk
			if i >= 0 {
				run = chunk[:i]
			}
			if len(run) > 0 {
				c := p.key
				if inValue {
					c = p.str
				}
				if o.Terminal {
					out = paint(out, c, appendTerminalText(nil, string(run)))
				} else {
					out = paint(out, c, run)
				}
			}
			if i < 0 {
				break
			}
			sep := chunk[i]
			out = paint(out, p.punct, []byte{sep})
			inValue = sep == '='
			chunk = chunk[i+1:]
		}
		if len(out) > 0 {
			if _, werr := w.Write(out); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
