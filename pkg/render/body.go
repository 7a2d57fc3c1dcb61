package render

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// BinaryNote replaces a binary body on a terminal (HTTPie's wording).
const BinaryNote = "+-----------------------------------------+\n" +
	"| NOTE: binary data not shown in terminal |\n" +
	"+-----------------------------------------+\n"

const (
	// bodySniffSize is how much of a body decides whether it is binary,
	// as in HTTPie and git.
	bodySniffSize = 8 << 10
	// jsonHoldLimit is the size up to which a JSON body is checked whole
	// before anything is written, so that an invalid one comes out exactly
	// as received. Larger bodies are formatted as they stream and fall
	// back to raw output from the first offending byte.
	jsonHoldLimit = 1 << 20
)

// Body writes a message body read from r; contentType is the body's
// (possibly overridden) Content-Type. The caller has already decoded the
// charset when that matters, so r yields UTF-8 text.
//
//   - With neither o.Format, o.Color nor o.Terminal the body is copied
//     byte for byte with [io.Copy] to w itself, so the kernel's copy fast
//     paths stay available.
//   - On a terminal, a binary body (a NUL byte in its first 8 KiB, or
//     invalid UTF-8 under a type that is not text) is replaced by
//     [BinaryNote] and the rest of r is left unread.
//   - JSON (a type containing "json", or a text/*, JavaScript or missing
//     type whose first non-space byte is { or [) is indented with o.Format
//     and coloured with o.Color, token by token as [JSON] does. A body that
//     turns out not to be JSON is never an error: one of up to 1 MiB is
//     written exactly as received, and a longer one continues raw from the
//     first byte that is not JSON.
//   - XML is indented with o.Format, token by token (see xmlBody), and
//     coloured with o.Color; HTML is coloured, its bytes unchanged.
//   - On a terminal with colour, YAML, JavaScript, CSS, GraphQL and
//     Markdown bodies of up to 1 MiB are highlighted with chroma's lexer
//     definitions (longer ones are written uncoloured as they stream), so
//     is the content of script and style elements in HTML bodies of up to
//     1 MiB (see htmlBody), and URL-encoded forms are coloured as they
//     stream. Highlighting a body stops after 0.4 s, or when
//     o.Done closes, and the rest is written uncoloured (see ruleLexer).
//   - With o.Terminal and o.Format or o.Color, the output ends with a
//     newline.
func Body(w io.Writer, r io.Reader, contentType string, o Options) error {
	if !o.Format && !o.Color && !o.Terminal {
		_, err := io.Copy(w, r)
		return err
	}
	mt := mediaType(contentType)
	head, rest, atEOF := readHead(r, bodySniffSize)
	if o.Terminal && looksBinary(head, mt, atEOF) {
		_, err := io.WriteString(w, BinaryNote)
		return err
	}

	out := w
	var tail *tailWriter
	if o.Terminal && (o.Format || o.Color) {
		tail = &tailWriter{w: w}
		out = tail
	}
	p := o.palette()
	var err error
	switch {
	case (o.Format && !o.JSONAsIs || p != nil) && isJSONBody(mt, head):
		jo := o
		jo.Format = o.Format && !o.JSONAsIs
		err = jsonBody(out, head, rest, atEOF, jo)
	case o.Format && !o.XMLAsIs && isXMLType(mt):
		if o.Terminal {
			head, rest, atEOF = readHead(terminalReader(io.MultiReader(bytes.NewReader(head), rest), o), bodySniffSize)
		}
		err = xmlBody(out, head, rest, atEOF, o, p)
	case p != nil && o.Terminal && mt == "text/html":
		// The colourisers add escape sequences of their own, so on a
		// terminal they are given the server's text already escaped.
		head, rest, atEOF = readHead(terminalReader(io.MultiReader(bytes.NewReader(head), rest), o), bodySniffSize)
		err = htmlBody(out, head, rest, atEOF, p, o)
	case p != nil && isMarkupType(mt):
		err = colorMarkup(out, terminalReader(io.MultiReader(bytes.NewReader(head), rest), o), p)
	case p != nil && o.Terminal && isFormType(mt):
		err = colorForm(out, io.MultiReader(bytes.NewReader(head), rest), p, o)
	case p != nil && o.Terminal && lexerFile(mt) != "" && loadLexer(lexerFile(mt)) != nil:
		head, rest, atEOF = readHead(terminalReader(io.MultiReader(bytes.NewReader(head), rest), o), bodySniffSize)
		err = highlight(out, head, rest, atEOF, loadLexer(lexerFile(mt)), p, o)
	default:
		raw := rawWriter(out, o)
		if _, err = raw.Write(head); err == nil {
			_, err = io.Copy(raw, rest)
		}
		if err == nil {
			err = raw.Flush()
		}
	}
	if err == nil && tail != nil && tail.n > 0 && tail.last != '\n' {
		_, err = io.WriteString(w, "\n")
	}
	return err
}

// flushWriter is a writer that may hold back a few bytes until Flush.
type flushWriter interface {
	io.Writer
	Flush() error
}

type nopFlusher struct{ io.Writer }

func (nopFlusher) Flush() error { return nil }

// rawWriter is where a body's own bytes go unformatted: on a terminal
// through a [TerminalWriter], so they cannot drive it; elsewhere as they
// are.
func rawWriter(w io.Writer, o Options) flushWriter {
	if o.Terminal {
		return NewTerminalWriter(w, o.Color)
	}
	return nopFlusher{w}
}

// terminalReader returns r with control characters escaped (uncoloured)
// on a terminal, for formatters that write escape sequences of their own;
// elsewhere r itself.
func terminalReader(r io.Reader, o Options) io.Reader {
	if !o.Terminal {
		return r
	}
	return newEscapingReader(r)
}

// jsonBody formats a body that should be JSON, falling back to raw output
// when it is not (see [Body]). A body that ended within jsonHoldLimit is
// validated first, without holding any output, and then formatted as it
// streams, so an invalid one comes out exactly as received and a valid
// one costs memory for its input only, however large its indented form
// (a 20 KB document nested 9,999 deep indents to 400 MB).
func jsonBody(w io.Writer, head []byte, rest io.Reader, atEOF bool, o Options) error {
	hold := head
	if !atEOF {
		more, r, eof := readHead(rest, jsonHoldLimit-len(head))
		hold, rest, atEOF = append(head, more...), r, eof
	}
	src := bytes.TrimPrefix(hold, []byte("\xef\xbb\xbf")) // a BOM is not JSON text but is common
	if atEOF {
		check := newJSONFormatter(io.Discard, bytes.NewReader(src), Options{}, false)
		err := check.finish(check.run())
		var syn *SyntaxError
		switch {
		case errors.As(err, &syn):
			raw := rawWriter(w, o)
			if _, err := raw.Write(hold); err != nil {
				return err
			}
			if _, err := io.Copy(raw, rest); err != nil { // a read error after the held bytes
				return err
			}
			return raw.Flush()
		case err != nil:
			return err
		}
		f := newJSONFormatter(w, bytes.NewReader(src), o, o.Format)
		return f.finish(f.run())
	}

	f := newJSONFormatter(w, io.MultiReader(bytes.NewReader(src), rest), o, o.Format)
	err := f.run()
	var syn *SyntaxError
	if errors.As(err, &syn) {
		f.salvage()
		if f.p != nil {
			f.emit(resetSGR)
		}
		if err := f.finish(nil); err != nil {
			return err
		}
		raw := rawWriter(w, o)
		if _, err := raw.Write(f.buf[f.pos:f.end]); err != nil {
			return err
		}
		if _, err := io.Copy(raw, f.r); err != nil {
			return err
		}
		return raw.Flush()
	}
	return f.finish(err)
}

// readHead reads up to n bytes. rest yields what follows, including a read
// error met while reading the head; atEOF says the body ended within it.
func readHead(r io.Reader, n int) (head []byte, rest io.Reader, atEOF bool) {
	buf := make([]byte, n)
	k, err := io.ReadFull(r, buf)
	switch {
	case err == nil:
		return buf[:k], r, false
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return buf[:k], eofReader{}, true
	}
	return buf[:k], errReader{err}, false
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// tailWriter remembers the last byte written, so a terminal gets a final
// newline.
type tailWriter struct {
	w    io.Writer
	n    int64
	last byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if n > 0 {
		t.n += int64(n)
		t.last = p[n-1]
	}
	return n, err
}

// mediaType returns the lower-case type/subtype of a Content-Type value.
func mediaType(contentType string) string {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// isJSONBody says whether a body of type mt starting with head is JSON by
// its type, or plausibly JSON under a vague type (HTTPie tries text and
// JavaScript bodies as JSON too). It is the one answer to "is this body
// JSON?"; IsJSONArray narrows it for pagination.
func isJSONBody(mt string, head []byte) bool {
	if isJSONType(mt) {
		return true
	}
	if mt != "" && !strings.HasPrefix(mt, "text/") && !strings.Contains(mt, "javascript") {
		return false
	}
	if isMarkupType(mt) {
		return false
	}
	c, ok := jsonStart(head)
	return ok && (c == '{' || c == '[')
}

// isJSONType says whether the media type mt names JSON.
func isJSONType(mt string) bool { return strings.Contains(mt, "json") }

// utf8BOM is the byte order mark a JSON text may start with.
var utf8BOM = []byte("\xef\xbb\xbf")

// jsonStart returns the first byte of head past a UTF-8 BOM and JSON white
// space; ok is false when head holds nothing else.
func jsonStart(head []byte) (c byte, ok bool) {
	s := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(s) == 0 {
		return 0, false
	}
	return s[0], true
}

// IsJSONArray reports whether a body of this Content-Type, read from br,
// is a JSON array by its type: the pages ArrayJoiner merges. It peeks no
// further than the first byte that decides, and at most 4 KiB, consuming
// nothing.
func IsJSONArray(contentType string, br *bufio.Reader) bool {
	if !isJSONType(mediaType(contentType)) {
		return false
	}
	for n := 1; n <= 4<<10; n++ {
		head, _ := br.Peek(n)
		if len(head) < n {
			return false
		}
		if len(head) < len(utf8BOM) && bytes.HasPrefix(utf8BOM, head) {
			continue // maybe a BOM
		}
		if c, ok := jsonStart(head); ok {
			return c == '['
		}
	}
	return false
}

// isMarkupType says whether mt is XML or HTML.
func isMarkupType(mt string) bool {
	return strings.HasSuffix(mt, "xml") || mt == "text/html"
}

// IsTextType reports whether a Content-Type names text: then a charset
// applies (cmd decodes it for display) and invalid UTF-8 is a charset
// problem rather than a sign of binary data. It is the one answer to
// "is this body text?" for every layer.
func IsTextType(contentType string) bool { return isTextType(mediaType(contentType)) }

// isTextType is IsTextType for a media type from mediaType.
func isTextType(mt string) bool {
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	for _, s := range []string{"json", "xml", "javascript", "ecmascript", "yaml", "toml", "x-www-form-urlencoded", "csv", "graphql"} {
		if strings.Contains(mt, s) {
			return true
		}
	}
	return false
}

// looksBinary applies HTTPie's test to the first bytes of a body: a NUL
// byte, or invalid UTF-8 under a type that is not text. A character cut
// by the end of head is not held against it.
func looksBinary(head []byte, mt string, atEOF bool) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	if isTextType(mt) {
		return false
	}
	if !atEOF {
		for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
			if utf8.RuneStart(head[i]) {
				if !utf8.FullRune(head[i:]) {
					head = head[:i]
				}
				break
			}
		}
	}
	return !utf8.Valid(head)
}
