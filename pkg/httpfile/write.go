package httpfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Block is a request to be written as a request-file block by
// [WriteBlock]: what Parse reads back as one Request.
type Block struct {
	// Title goes on the ### line; it may be empty.
	Title       string
	Method, URL string
	// Header lists the header lines in order, names as spelled.
	Header [][2]string
	// Body is the body text (nil: none); BodyFile instead names a file
	// sent as the body (`< PATH`).
	Body     []byte
	BodyFile string
	// Prompts are variables the block asks for when it runs (`# @prompt
	// NAME` lines): header values may hold `{{NAME}}` for them, as
	// placeholders of secrets the block must not contain.
	Prompts []string
}

// ErrNotWritable says a request cannot be written as a request-file block
// that reads back as the same request; the error says why.
var ErrNotWritable = errors.New("cannot be written as a request file")

// WriteBlock writes b as one request-file block: a ### line,
// the request line, the header lines, and after a blank line the body
// or `< PATH`. It refuses (with ErrNotWritable) what the format cannot
// carry unchanged: "{{" anywhere (it would be substituted), a body that
// is not text, that starts or ends with a blank line or a newline, holds
// CR LF, or has a line the parser would take for something else (###,
// ??, a comment, a script, `< path`).
func WriteBlock(w io.Writer, b Block) error {
	if err := checkBlock(b); err != nil {
		return fmt.Errorf("%w: %v", ErrNotWritable, err)
	}
	var out bytes.Buffer
	out.WriteString("###")
	if b.Title != "" {
		out.WriteString(" " + b.Title)
	}
	out.WriteString("\n")
	for _, name := range b.Prompts {
		out.WriteString("# @prompt " + name + "\n")
	}
	out.WriteString(b.Method + " " + b.URL + "\n")
	for _, h := range b.Header {
		out.WriteString(h[0] + ": " + h[1] + "\n")
	}
	switch {
	case b.BodyFile != "":
		out.WriteString("\n< " + b.BodyFile + "\n")
	case b.Body != nil:
		out.WriteString("\n")
		out.Write(b.Body)
		out.WriteString("\n")
	}
	_, err := w.Write(out.Bytes())
	return err
}

func checkBlock(b Block) error {
	braces := func(what, s string) error {
		if strings.Contains(s, "{{") {
			return fmt.Errorf("the %s holds {{, which a request file substitutes", what)
		}
		return nil
	}
	if strings.ContainsAny(b.Title, "\r\n") {
		return errors.New("the title has a line break")
	}
	for _, name := range b.Prompts {
		if !validName(name) {
			return fmt.Errorf("prompt %q is not a variable name", name)
		}
	}
	// A prompt's own {{NAME}} is meant to be substituted.
	unprompted := func(s string) string {
		for _, name := range b.Prompts {
			s = strings.ReplaceAll(s, "{{"+name+"}}", "")
		}
		return s
	}
	if !isMethod(b.Method) {
		return fmt.Errorf("method %q is not an upper-case token", b.Method)
	}
	if b.Method == "GRAPHQL" || b.Method == "GRPC" || b.Method == "WEBSOCKET" {
		return fmt.Errorf("method %s names another protocol in a request file", b.Method)
	}
	if b.URL == "" || strings.ContainsAny(b.URL, " \t\r\n") {
		return fmt.Errorf("URL %q has spaces", b.URL)
	}
	if err := braces("URL", b.URL); err != nil {
		return err
	}
	for _, h := range b.Header {
		name := h[0]
		if name == "" || strings.ContainsAny(name, " \t:") || isComment(name) || scriptLine(name) || strings.HasPrefix(name, "??") {
			return fmt.Errorf("header name %q cannot start a header line", name)
		}
		if strings.ContainsAny(h[1], "\r\n") {
			return fmt.Errorf("header %s: its value has a line break", name)
		}
		if strings.TrimSpace(h[1]) != h[1] {
			return fmt.Errorf("header %s: its value starts or ends with spaces", name)
		}
		if err := braces("header "+name, h[0]+unprompted(h[1])); err != nil {
			return err
		}
		if strings.EqualFold(name, "X-Request-Type") && strings.EqualFold(h[1], "GraphQL") {
			return errors.New("header X-Request-Type: GraphQL makes a request file's request a GraphQL query")
		}
	}
	if b.BodyFile != "" {
		if strings.ContainsAny(b.BodyFile, "\r\n") || strings.TrimSpace(b.BodyFile) != b.BodyFile {
			return fmt.Errorf("body file name %q", b.BodyFile)
		}
		return braces("body file name", b.BodyFile)
	}
	if b.Body == nil {
		return nil
	}
	body := string(b.Body)
	switch {
	case len(body) == 0:
		return errors.New("the body is empty, which a request file writes as no body")
	case !utf8.ValidString(body) || strings.ContainsFunc(body, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' || r == 0x7f }):
		return errors.New("the body is not text")
	case strings.TrimSpace(body[:strings.IndexByte(body+"\n", '\n')]) == "":
		return errors.New("the body starts with a blank line")
	case strings.HasSuffix(body, "\n"):
		return errors.New("the body ends with a line break, which a request file drops")
	}
	lines := strings.Split(body, "\n")
	if len(lines) > 1 && formBody(blockHeaders(b)) && joinFormLines(body) != body {
		return errors.New("the form body has lines that a request file joins (& at a line's start or end)")
	}
	if strings.TrimSpace(lines[len(lines)-1]) == "" {
		return errors.New("the body ends with a blank line")
	}
	if strings.TrimSpace(body) != body {
		return errors.New("the body starts or ends with blanks, which a request file drops")
	}
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if isSeparator(line) || strings.HasPrefix(t, "??") || scriptLine(t) || outputRedirect(t) || responseRef(t) || isComment(t) {
			return fmt.Errorf("a body line reads as a request-file line: %q", line)
		}
		if strings.HasPrefix(t, "< ") || strings.HasPrefix(t, "<\t") || strings.HasPrefix(t, "<@") {
			return fmt.Errorf("a body line reads as a file reference: %q", line)
		}
	}
	if len(lines) == 1 && strings.HasPrefix(lines[0], "<") {
		return errors.New("a one-line body starting with < reads as a file reference")
	}
	return braces("body", body)
}

// blockHeaders are the headers of b as a parsed request has them.
func blockHeaders(b Block) []Header {
	hs := make([]Header, len(b.Header))
	for i, h := range b.Header {
		hs[i] = Header{Name: h[0], Value: h[1]}
	}
	return hs
}
