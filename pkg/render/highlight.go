package render

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
)

// highlightLimit bounds the bodies highlighted with a lexer: they are
// lexed whole, so a longer body is written uncoloured as it streams
// (HTTPie's users would rather see it than wait).
const highlightLimit = 1 << 20

// highlightBudget is the time highlighting one body may take. The
// lexers' regular expressions backtrack, so some texts cost far more
// than their length; past the budget the rest of the body is written
// uncoloured, which bounds the time any body takes. Ordinary text lexes
// at one to a few MB/s, so most bodies are coloured whole.
const highlightBudget = 400 * time.Millisecond

// newBudget starts the time budget of one body.
func newBudget(o Options) *budget {
	return &budget{end: time.Now().Add(highlightBudget), done: o.Done}
}

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
	byFile map[string]*lexer
}

// loadLexer parses one embedded lexer definition the first time a run
// needs it (chroma's lexers package would parse them all at start-up);
// nil when it cannot be read.
func loadLexer(file string) *lexer {
	lexers.Lock()
	defer lexers.Unlock()
	if l, ok := lexers.byFile[file]; ok {
		return l
	}
	if lexers.byFile == nil {
		lexers.byFile = map[string]*lexer{}
	}
	dir := "chroma/lexers/"
	if file == "markdown.xml" {
		dir = "lexers/" // reqs' own restatement of chroma's Go-coded lexer
	}
	var l *lexer
	if data, err := chromaFiles.ReadFile(dir + file); err == nil {
		l, _ = newLexer(data)
	}
	lexers.byFile[file] = l
	return l
}

// highlight writes a body of up to highlightLimit bytes coloured token by
// token with a lexer in the palette's style, within the time budget; a
// longer body is written as it is.
func highlight(w io.Writer, head []byte, rest io.Reader, atEOF bool, lexer *lexer, p *palette, o Options) error {
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
	out := colorTokens(nil, lexer, hold, newBudget(o), p, o)
	_, err := w.Write(out)
	return err
}

// colorTokens appends src coloured token by token by lexer, as far as
// budget b lets it go, and the rest uncoloured. Whatever the lexer makes
// of it, the bytes of src come out unchanged between the colour codes
// (on a terminal, with control characters escaped). Text that is not
// UTF-8 (lexers work on characters) is not lexed.
func colorTokens(dst []byte, lexer *lexer, src []byte, b *budget, p *palette, o Options) []byte {
	if !utf8.Valid(src) {
		return appendBodyText(dst, src, o)
	}
	text := []rune(string(src))
	codes := map[chroma.TokenType][]byte{}
	var (
		at      int // bytes of src emitted
		pending chroma.TokenType
		from    int // where the pending token starts in src
	)
	flush := func() {
		if from == at {
			return
		}
		c, ok := codes[pending]
		if !ok {
			c = p.tokenColor(pending)
			codes[pending] = c
		}
		v := src[from:at]
		colored := len(c) > 0 && len(bytes.TrimSpace(v)) > 0
		if colored {
			dst = append(dst, c...)
		}
		dst = appendBodyText(dst, v, o)
		if colored {
			dst = append(dst, ansiReset...)
		}
		from = at
	}
	// Tokens of one type in a row are coloured as one (chroma's
	// Coalesce), for fewer escape sequences.
	lexer.tokenise(text, b, func(t chroma.TokenType, n int) {
		if t != pending {
			flush()
			pending = t
		}
		for ; n > 0; n-- {
			_, size := utf8.DecodeRune(src[at:])
			at += size
		}
	})
	flush()
	return appendBodyText(dst, src[at:], o) // past the budget, uncoloured
}

// appendBodyText appends text as it is, or on a terminal with the control
// characters that could drive it escaped.
func appendBodyText(dst, text []byte, o Options) []byte {
	if o.Terminal {
		dst, _ = appendSafe(dst, text, nil, false, true)
		return dst
	}
	return append(dst, text...)
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
