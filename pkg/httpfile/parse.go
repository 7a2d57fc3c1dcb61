// Package httpfile reads request files in the .http format of JetBrains'
// HTTP Client, VS Code's REST Client and httpyac: requests separated by
// ### lines, file variables, {{name}} substitution, named responses,
// directives and ?? assertions. Everything it returns keeps the file,
// line and column it came from, so errors and reports point at lines.
//
// Where the three tools read a file differently, JetBrains' documented
// behaviour wins, and a construct one tool accepts and the others ignore
// is accepted. A block that cannot be read is one failed request: the
// file's other requests still run.
package httpfile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Pos is a place in a request file; Line and Col count from 1 (Col in
// bytes).
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a mistake in a request file, at Pos. A run reports the request
// it is in as failed, with a usage error's exit status (64) unless
// something failed worse.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

func errorf(p Pos, format string, args ...any) error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// File is a parsed request file.
type File struct {
	Path     string
	Requests []*Request
	// Warnings are lines read as comments that look like directives of
	// other tools (`# @http`, `# @pageId=3`); a run shows them under -v.
	Warnings []*Error
}

// Var is an `@name = value` line. Value is kept raw: {{...}} in it are
// substituted when a request uses the variable.
type Var struct {
	Name, Value string
	Pos         Pos // of the name
	ValuePos    Pos
}

// Header is one request header line, before substitution.
type Header struct {
	Name, Value string
	Pos         Pos // of the name
	ValuePos    Pos
}

// Request is one request of a file, before substitution.
type Request struct {
	// Start is where the request's block starts (its ### line, the top
	// of the file, or the first line after the previous request when no
	// ### separates them); Pos is its request line.
	Start, Pos Pos
	Title      string
	// Name is set by `# @name NAME`, else by a title of one word; later
	// requests read its response.
	Name string
	// Description is httpyac's `# @description` text.
	Description string

	// Err is a mistake in the request's block that keeps it from running
	// (an *Error). The fields above Err are set as far as the block could
	// be read; the file's other requests are not affected.
	Err error

	// Method is the request line's method ("GET" for a bare URL, "POST"
	// for GRAPHQL).
	Method string
	// URL is the request line's URL with its ?/& continuation lines
	// appended; URLPos is where it starts. It may hold blanks and
	// non-ASCII characters, which are percent-encoded when it is sent.
	URL     string
	URLPos  Pos
	Version string // "HTTP/1.1" and the like; empty when not given
	Headers []Header
	// GraphQL marks a GraphQL request (a GRAPHQL request line, or an
	// X-REQUEST-TYPE: GraphQL header): its body is a query, optionally
	// followed by a JSON object of variables, sent as a JSON POST.
	GraphQL bool
	// WebSocket marks a WebSocket request (a WEBSOCKET request line, or a
	// ws:// or wss:// URL): Method is GET, and what follows the headers
	// is Messages, not a body.
	WebSocket bool
	Messages  []WSStep

	// Body is the text after the headers (nil when there is none),
	// without its comment lines and the blanks around it. When BodyFile
	// is set instead, the body is that file (relative to the request
	// file's directory), substituted first when BodySubst. When the text
	// has `< path` lines among others (as in a multipart body), BodyParts
	// holds it instead, text and files in order.
	Body      *string
	BodyPos   Pos
	BodyFile  string
	BodySubst bool
	BodyParts []BodyPart

	Assertions []*Assertion

	// PreScripts are the request's pre-request scripts (`< {% … %}` or
	// `< file.js` above its request line) and Handlers its response
	// handlers (`> {% … %}` or `> file.js` after it), in file order.
	PreScripts, Handlers []*Script

	// Vars are the file variables defined so far, in file order: a
	// request sees those above it.
	Vars []Var

	Directives Directives
}

// BodyPart is a piece of a body of text and files: Text, or the file
// File (substituted first when Subst), at Pos.
type BodyPart struct {
	Text  string
	File  string
	Subst bool
	Pos   Pos
}

// Directives are the `# @directive` lines of a request.
type Directives struct {
	NoRedirect  bool
	NoCookieJar bool
	Timeout     time.Duration // 0: not set
	Retries     int           // -1: not set
	// Refs are httpyac's `# @ref NAME` and `# @forceRef NAME`: named
	// requests run before this one.
	Refs []Ref
	// Prompts are `# @prompt NAME [description]`: variables asked for
	// before the request is sent.
	Prompts []Prompt
}

// Ref is a named request that must run before the one that refers to it:
// once (`@ref`) or every time (`@forceRef`).
type Ref struct {
	Name  string
	Force bool
	Pos   Pos
}

// Prompt is a variable a person types before the request is sent.
type Prompt struct {
	Name, Description string
	Pos               Pos
}

// DisplayName is how reports name the request: its title, else its
// @name, else METHOD URL (without the URL's password).
func (r *Request) DisplayName() string {
	switch {
	case r.Title != "":
		return r.Title
	case r.Name != "":
		return r.Name
	case r.Method == "":
		return "line " + strconv.Itoa(r.Start.Line)
	}
	return r.Method + " " + redactURL(r.URL)
}

// Parse reads a request file's text; path is used in positions and to
// resolve `< path` bodies later. Mistakes in a request's block are kept
// on that request (Request.Err); Parse itself fails only on what is not
// a text file at all.
func Parse(path string, src []byte) (*File, error) {
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, errorf(Pos{File: path, Line: 1, Col: 1}, "not a request file: it holds NUL bytes, as binary files do")
	}
	p := &parser{file: &File{Path: path}, path: path}
	// Lines end in LF, CR LF or a lone CR (as old Mac editors write).
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	p.lines = strings.Split(text, "\n")
	p.parse()
	return p.file, nil
}

type parser struct {
	file  *File
	path  string
	lines []string
	vars  []Var
	// sig caches significant (see there).
	sig []int
	// carry holds the directives of a block without a request line:
	// they belong to the next request (httpyac writes `# @name` above
	// the ### of its request).
	carry *Request
}

func (p *parser) pos(line, col int) Pos { return Pos{File: p.path, Line: line + 1, Col: col + 1} }

// indent is the column of a line's first non-blank byte.
func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " \t")) }

// isSeparator reports whether a line starts a new request.
func isSeparator(line string) bool { return strings.HasPrefix(line, "###") }

// isComment reports whether a line is a comment (directives are comments
// that begin with @).
func isComment(trimmed string) bool {
	return strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//")
}

// responseRef reports whether a line is a JetBrains response reference,
// `<> path`: the IDE's record of an earlier response, which running the
// request ignores.
func responseRef(trimmed string) bool {
	rest, ok := strings.CutPrefix(trimmed, "<>")
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// outputRedirect reports whether a line is a JetBrains output redirection,
// `>> path` or `>>! path`, which saves the response body to a file.
func outputRedirect(trimmed string) bool {
	rest, ok := strings.CutPrefix(trimmed, ">>")
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "!")
	return rest == "" || rest[0] == ' ' || rest[0] == '\t'
}

// toolLine checks a line for what other clients do after a request and
// reqs does not: output redirection is refused, and so is a pre-request
// script below the request line, which would run too late.
func (p *parser) toolLine(i int, trimmed string) error {
	col := indent(p.lines[i])
	switch {
	case preScriptLine(trimmed):
		return errorf(p.pos(i, col), "a pre-request script `< {%% … %%}` goes above the request line")
	case outputRedirect(trimmed):
		return errorf(p.pos(i, col), "reqs does not save responses to files (`>> path`); remove the line")
	}
	return nil
}

// parse reads the file block by block: a block runs from a ### line (or
// the top of the file) to the next one.
func (p *parser) parse() {
	for i := 0; i < len(p.lines); {
		start, title := i, ""
		if isSeparator(p.lines[i]) {
			title = strings.TrimSpace(strings.TrimLeft(p.lines[i], "#"))
			i++
		}
		end := i
		for end < len(p.lines) && !isSeparator(p.lines[end]) {
			end++
		}
		p.block(start, i, end, title)
		i = end
	}
	if c := p.carry; c != nil && (c.Name != "" || c.Err != nil) {
		p.file.Warnings = append(p.file.Warnings, &Error{Pos: c.Start, Msg: "directives at the end of the file have no request to apply to"})
	}
}

// block reads the requests of lines [from, end), a block that started at
// line start: one, or several when request lines follow complete
// requests without ### between them (as httpyac reads them).
func (p *parser) block(start, from, end int, title string) {
	for from < end {
		req, next := p.request(start, from, end, title)
		if req != nil {
			p.finish(req)
			p.file.Requests = append(p.file.Requests, req)
		}
		start, from, title = next, next, ""
	}
}

// finish applies the rules that need the whole request: a title of one
// word names an unnamed request (httpyac's rule).
func (p *parser) finish(req *Request) {
	if req.Name == "" && req.Title != "" && validName(req.Title) {
		req.Name = req.Title
	}
}

// request reads one request from lines [from, end) of a block that
// started at line start. It returns the request (nil when the lines hold
// none) and the line where the next request starts.
func (p *parser) request(start, from, end int, title string) (*Request, int) {
	req := &Request{Start: p.pos(start, 0), Title: title, Directives: Directives{Retries: -1}}
	if c := p.carry; c != nil {
		// Directives of a block without a request line.
		p.carry = nil
		req.Name, req.Description, req.Directives = c.Name, c.Description, c.Directives
		if req.Title == "" {
			req.Title = c.Title
		}
		req.Err = c.Err
	}
	req.Pos = req.Start
	i, err := p.preamble(req, from, end)
	if err != nil && req.Err == nil {
		req.Err = err
	}
	if i == end {
		// Only comments, directives and variables: not a request.
		if req.Name != "" || req.Err != nil || req.Directives.Refs != nil || req.Directives.Prompts != nil || req.Description != "" {
			p.carry = req
		}
		return nil, end
	}
	// The variables so far; later ones are appended past this length
	// (the capacity is capped), so requests share one array.
	req.Vars = p.vars[:len(p.vars):len(p.vars)]
	if req.Err != nil {
		return req, p.resync(i, end)
	}
	next, err := p.rest(req, i, end)
	if err != nil {
		req.Err = err
		at := i
		if e, ok := err.(*Error); ok {
			at = e.Pos.Line - 1
		}
		return req, p.resync(max(at, i), end)
	}
	return req, next
}

// preamble reads the blank lines, comments, directives and variables
// above a request line; it returns the request line's index (end when
// there is none).
func (p *parser) preamble(req *Request, i, end int) (int, error) {
	var first error
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		col := indent(line)
		var err error
		switch {
		case trimmed == "":
			continue
		case preScriptLine(trimmed) || strings.HasPrefix(trimmed, "<") && strings.HasSuffix(trimmed, ".js"):
			// Above the request line `< file.js` is a pre-request script.
			var s *Script
			var next int
			if s, next, err = p.script(i, end); err == nil {
				req.PreScripts = append(req.PreScripts, s)
				i = next - 1
			}
		case handlerLine(trimmed):
			err = errorf(p.pos(i, col), "a response handler `> {%% … %%}` goes after its request, not before the request line")
		case yacScriptLine(trimmed):
			err = p.yacScript(i)
			i = p.yacScriptEnd(i, end) - 1
		case isComment(trimmed):
			err = p.directive(req, i, line)
		case strings.HasPrefix(trimmed, "@"):
			var v Var
			if v, err = p.variable(i, line); err == nil {
				p.vars = append(p.vars, v)
			}
		default:
			return i, first
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return end, first
}

// resync finds where reading can go on after a mistake at line i of a
// block ending at end: at a request line after a blank line, else at the
// block's end.
func (p *parser) resync(i, end int) int {
	for k := i + 1; k < end; k++ {
		if strings.TrimSpace(p.lines[k-1]) == "" && requestLineLike(p.lines[k]) {
			return k
		}
	}
	return end
}

// rest reads a request from its request line at i: continuation lines,
// headers, body and assertions. It returns where the next request
// starts.
func (p *parser) rest(req *Request, i, end int) (int, error) {
	if err := p.requestLine(req, i); err != nil {
		return end, err
	}
	i++
	// Continuation lines: `?` and `&` lines continue the query (REST
	// Client), and so does any indented line that is not a header
	// (JetBrains' client splits long URLs over indented lines).
	var url strings.Builder
	url.WriteString(req.URL)
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		if _, directive := directiveWord(trimmed); isComment(trimmed) && !directive {
			continue
		}
		query := (strings.HasPrefix(trimmed, "?") || strings.HasPrefix(trimmed, "&")) && !strings.HasPrefix(trimmed, "??")
		if !query && (indent(line) == 0 || trimmed == "" || isHeaderLine(trimmed) || bodyStart(trimmed) || isComment(trimmed)) {
			break
		}
		url.WriteString(trimmed)
	}
	req.URL = url.String()
	// Headers, up to a blank line, or a line that cannot be a header,
	// which starts the body. Continuation lines of a header's value are
	// joined when the next header starts.
	var cont []string
	joinValue := func() {
		if n := len(req.Headers); n > 0 && cont != nil {
			h := &req.Headers[n-1]
			h.Value = strings.TrimSpace(h.Value + " " + strings.Join(cont, " "))
		}
		cont = nil
	}
	defer joinValue()
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "??") || handlerLine(trimmed) {
			break
		}
		col := indent(line)
		if err := p.toolLine(i, trimmed); err != nil {
			return end, err
		}
		if word, ok := directiveWord(trimmed); ok {
			// Directives apply to the request below them: here one
			// would be ignored, and the request sent without it.
			return end, errorf(p.pos(i, col), "@%s must come before the request line", word)
		}
		if isComment(trimmed) || responseRef(trimmed) {
			continue
		}
		if requestLineLike(line) {
			// The next request, written without ### or a blank line.
			return p.finishBody(req, nil, i)
		}
		name, value, ok := strings.Cut(trimmed, ":")
		name = strings.TrimSpace(name)
		if !ok || !headerName(name) {
			if n := len(req.Headers); n > 0 && col > 0 && !bodyStart(trimmed) {
				// An indented line that is not a header continues the
				// value above, as the JetBrains format allows.
				cont = append(cont, trimmed)
				continue
			}
			// A line that cannot be a header starts the body, blank
			// line or not.
			break
		}
		vcol := col + len(name) + 1
		for vcol < len(line) && (line[vcol] == ' ' || line[vcol] == '\t' || line[vcol] == ':') {
			vcol++
		}
		if strings.EqualFold(name, "X-Request-Type") && strings.EqualFold(strings.TrimSpace(value), "GraphQL") {
			// REST Client's mark of a GraphQL request, not sent.
			req.GraphQL = true
			continue
		}
		joinValue()
		req.Headers = append(req.Headers, Header{Name: name, Value: strings.TrimSpace(value), Pos: p.pos(i, col), ValuePos: p.pos(i, vcol)})
	}
	// Body, up to the first ?? line or the next request: its lines less
	// comments and response references.
	var lines []int
	done := &balance{braces: req.GraphQL, form: formBody(req.Headers)}
	for ; i < end; i++ {
		trimmed := strings.TrimSpace(p.lines[i])
		if strings.HasPrefix(trimmed, "??") || handlerLine(trimmed) {
			break
		}
		if yacScriptLine(trimmed) {
			return end, p.yacScript(i)
		}
		if trimmed == "" && done.complete() {
			if k, ok := p.nextRequest(i, end); ok {
				return p.finishBody(req, lines, k)
			}
			if p.significant(i+1) >= end && p.definesAny(i+1, end) {
				// `@token = …` lines after a complete request: file
				// variables for the requests below (REST Client reads
				// them anywhere in a file).
				next, err := p.finishBody(req, lines, end)
				p.trailing(i+1, end)
				return next, err
			}
		}
		if err := p.toolLine(i, trimmed); err != nil {
			return end, err
		}
		if isComment(trimmed) || responseRef(trimmed) {
			continue
		}
		lines = append(lines, i)
		done.feed(p.lines[i])
	}
	if _, err := p.finishBody(req, lines, i); err != nil {
		return end, err
	}
	// Assertions and response handlers, then only blanks and comments
	// until the next request.
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		col := indent(line)
		switch {
		case trimmed == "":
			if k, ok := p.nextRequest(i, end); ok {
				return k, nil
			}
		case strings.HasPrefix(trimmed, "??"):
			a, err := parseAssertion(line[col+2:], p.pos(i, col), p.pos(i, col+2))
			if err != nil {
				return end, err
			}
			req.Assertions = append(req.Assertions, a)
		case handlerLine(trimmed):
			s, next, err := p.script(i, end)
			if err != nil {
				return end, err
			}
			req.Handlers = append(req.Handlers, s)
			i = next - 1
		case preScriptLine(trimmed) || outputRedirect(trimmed):
			return end, p.toolLine(i, trimmed)
		case yacScriptLine(trimmed):
			return end, p.yacScript(i)
		case isComment(trimmed) || responseRef(trimmed):
		case strings.HasPrefix(trimmed, "@") && strings.Contains(trimmed, "=") && p.significant(i) >= end:
			p.trailing(i, end)
			return end, nil
		case requestLineLike(line):
			return i, nil
		default:
			return end, errorf(p.pos(i, col), "unexpected line after the assertions (a new request starts with ###)")
		}
	}
	return end, nil
}

// definesAny reports whether lines [i, end) hold a variable or a
// directive.
func (p *parser) definesAny(i, end int) bool {
	for ; i < end; i++ {
		trimmed := strings.TrimSpace(p.lines[i])
		if _, ok := directiveWord(trimmed); ok || strings.HasPrefix(trimmed, "@") {
			return true
		}
	}
	return false
}

// trailing reads lines [i, end) after a complete request, which hold
// only comments, directives and variables: the variables are the file's,
// and the directives (and a mistake among them) go to the next request.
func (p *parser) trailing(i, end int) {
	next := &Request{Start: p.pos(i, 0), Directives: Directives{Retries: -1}}
	if _, err := p.preamble(next, i, end); err != nil {
		next.Err = err
	}
	if next.Name != "" || next.Err != nil || next.Directives.Refs != nil || next.Directives.Prompts != nil || next.Description != "" {
		p.carry = next
	}
}

// finishBody sets the request's body from its lines, less the blank
// lines at either end, and returns next.
func (p *parser) finishBody(req *Request, lines []int, next int) (int, error) {
	for len(lines) > 0 && strings.TrimSpace(p.lines[lines[0]]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(p.lines[lines[len(lines)-1]]) == "" {
		lines = lines[:len(lines)-1]
	}
	if req.WebSocket {
		return next, p.messages(req, lines)
	}
	if len(lines) > 0 {
		if err := p.body(req, lines); err != nil {
			return next, err
		}
	}
	return next, nil
}

// nextRequest looks past the blank line i for the start of another
// request written without ###: comments, directives and variables, then
// a request line. It returns the line after the blank.
func (p *parser) nextRequest(i, end int) (int, bool) {
	if k := p.significant(i + 1); k < end && requestLineLike(p.lines[k]) {
		return i + 1, true
	}
	return 0, false
}

// significant returns the first line from i on that is not blank, a
// comment, a directive or a variable (len(lines) when there is none). It
// reads each line once per file, however many blank lines ask.
func (p *parser) significant(i int) int {
	if p.sig == nil {
		p.sig = make([]int, len(p.lines)+1)
		p.sig[len(p.lines)] = len(p.lines)
		for k := len(p.lines) - 1; k >= 0; k-- {
			line := p.lines[k]
			trimmed := strings.TrimSpace(line)
			skip := trimmed == "" || isComment(trimmed) && !isSeparator(line) ||
				strings.HasPrefix(trimmed, "@") && strings.Contains(trimmed, "=")
			p.sig[k] = k
			if skip {
				p.sig[k] = p.sig[k+1]
			}
		}
	}
	return p.sig[i]
}

// formBody reports whether the headers make the body a form
// (application/x-www-form-urlencoded), which holds no request line: after
// it, one starts a new request as after a JSON body.
func formBody(headers []Header) bool {
	for _, h := range headers {
		if strings.EqualFold(h.Name, "Content-Type") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Value)), "application/x-www-form-urlencoded") {
			return true
		}
	}
	return false
}

// balance follows a body line by line, to tell when it is complete, so
// that a request line after it starts a new request: no body, a JSON
// object or array that has ended, or (braces) a GraphQL query whose
// braces balance.
type balance struct {
	braces bool // GraphQL: only braces count, and text may follow them
	form   bool // a form's fields: complete as soon as written

	depth                int
	started, opened      bool // non-blank text seen; a bracket seen
	inString, escaped    bool
	trailing, unbalanced bool
}

// feed reads one more line of the body.
func (b *balance) feed(line string) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if b.inString {
			switch {
			case b.escaped:
				b.escaped = false
			case c == '\\':
				b.escaped = true
			case c == '"':
				b.inString = false
			}
			continue
		}
		if c == ' ' || c == '\t' {
			continue
		}
		if !b.started && !b.braces && c != '{' && c != '[' {
			b.unbalanced = true // text, not JSON
		}
		b.started = true
		if b.opened && b.depth == 0 {
			b.trailing = true
		}
		switch {
		case c == '"':
			b.inString = true
		case c == '{' || !b.braces && c == '[':
			b.depth++
			b.opened = true
		case c == '}' || !b.braces && c == ']':
			if b.depth--; b.depth < 0 {
				b.unbalanced = true
			}
		}
	}
}

// complete reports whether the lines fed so far make a complete body.
func (b *balance) complete() bool {
	switch {
	case !b.started || b.form:
		return true
	case b.unbalanced || b.inString || !b.opened || b.depth != 0:
		return false
	}
	return b.braces || !b.trailing
}

// knownMethods are the methods of a request line that may start a new
// request without ###.
var knownMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true, "HEAD": true,
	"OPTIONS": true, "TRACE": true, "CONNECT": true, "GRAPHQL": true,
	"PROPFIND": true, "PROPPATCH": true, "MKCOL": true, "COPY": true, "MOVE": true,
	"LOCK": true, "UNLOCK": true, "SEARCH": true, "QUERY": true, "WEBSOCKET": true,
}

// requestLineLike reports whether a line is a request line beyond doubt:
// a known method at the start of the line and a URL (http…, {{…}} or
// /…).
func requestLineLike(line string) bool {
	if indent(line) > 0 {
		return false
	}
	method, rest, ok := strings.Cut(line, " ")
	if !ok || !knownMethods[strings.ToUpper(method)] {
		return false
	}
	rest = strings.TrimLeft(rest, " \t")
	return strings.HasPrefix(rest, "http://") || strings.HasPrefix(rest, "https://") || isWebSocketURL(rest) ||
		strings.HasPrefix(rest, "{{") || strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "//")
}

// isHeaderLine reports whether a line reads as a header, `Name: value`.
func isHeaderLine(trimmed string) bool {
	name, _, ok := strings.Cut(trimmed, ":")
	return ok && headerName(strings.TrimSpace(name))
}

// headerName reports whether s can be a header's name: an RFC 9110 token,
// in which {{...}} may stand for parts.
func headerName(s string) bool {
	if s == "" {
		return false
	}
	for s != "" {
		if strings.HasPrefix(s, "{{") {
			j := strings.Index(s, "}}")
			if j < 0 {
				return false
			}
			s = s[j+2:]
			continue
		}
		if !isTokenChar(s[0]) {
			return false
		}
		s = s[1:]
	}
	return true
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// bodyStart reports whether a line can only be body text: it starts with
// a character no header or header continuation starts with.
func bodyStart(trimmed string) bool {
	return trimmed != "" && strings.IndexByte(`{["<`, trimmed[0]) >= 0
}

// body sets the request's body from the given lines: a lone `< path`
// is a body file; otherwise the text, where `< path` lines stand for
// their files. As in JetBrains' client, the blanks around in-place text
// are not sent.
func (p *parser) body(req *Request, lines []int) error {
	var parts []BodyPart
	var text []string
	textPos := Pos{}
	flush := func() {
		if len(text) > 0 {
			parts = append(parts, BodyPart{Text: strings.Join(text, "\n"), Pos: textPos})
			text = nil
		}
	}
	files := 0
	for _, i := range lines {
		line := p.lines[i]
		ref, subst, err := p.fileRef(i, line, len(lines) == 1)
		if err != nil {
			return err
		}
		if ref == nil {
			if len(text) == 0 {
				textPos = p.pos(i, 0)
			}
			text = append(text, line)
			continue
		}
		flush()
		parts = append(parts, BodyPart{File: ref.File, Subst: subst, Pos: ref.Pos})
		files++
	}
	flush()
	// The blanks around the body: the first line's indent, the last
	// line's trailing blanks.
	if first := &parts[0]; first.File == "" {
		trimmed := strings.TrimLeft(first.Text, " \t")
		first.Pos.Col += len(first.Text) - len(trimmed)
		first.Text = trimmed
	}
	if last := &parts[len(parts)-1]; last.File == "" {
		last.Text = strings.TrimRight(last.Text, " \t")
	}
	switch {
	case files == 0:
		req.Body, req.BodyPos = &parts[0].Text, parts[0].Pos
	case len(parts) == 1:
		req.BodyFile, req.BodySubst, req.BodyPos = parts[0].File, parts[0].Subst, parts[0].Pos
	default:
		req.BodyParts, req.BodyPos = parts, parts[0].Pos
	}
	return nil
}

// fileRef reads a body line `< path` or `<@ path`; it returns nil for a
// line of text (`<tag>` and the like are text: an XML or HTML body). A
// lone `<@` without a path is a mistake.
func (p *parser) fileRef(i int, line string, lone bool) (*BodyPart, bool, error) {
	trimmed := strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(trimmed, "<")
	if !ok {
		return nil, false, nil
	}
	col := len(line) - len(strings.TrimLeft(line, " \t"))
	subst := false
	if strings.HasPrefix(rest, "@") {
		subst = true
		rest = rest[1:]
	}
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		if !subst || !lone {
			return nil, false, nil
		}
		return nil, false, errorf(p.pos(i, col), "expected `<@ PATH`")
	}
	path := strings.TrimSpace(rest)
	if path == "" {
		return nil, false, errorf(p.pos(i, col), "missing file name after <")
	}
	return &BodyPart{File: path, Pos: p.pos(i, strings.Index(line, path))}, subst, nil
}

// directive handles a comment line: `# @name NAME` and the other
// directives; other comments are ignored. A `# @word` reqs does not
// know is a comment too (other tools' labels such as `# @http`), kept
// as a warning.
func (p *parser) directive(req *Request, i int, line string) error {
	trimmed := strings.TrimSpace(line)
	col := indent(line)
	rest := strings.TrimLeft(trimmed, "#/")
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "@") {
		return nil
	}
	at := p.pos(i, strings.Index(line[col:], "@")+col)
	word, arg := rest[1:], ""
	if k := strings.IndexAny(word, " \t"); k >= 0 {
		word, arg = word[:k], word[k+1:]
	}
	word, arg = strings.TrimSpace(word), strings.TrimSpace(arg)
	assigned := strings.HasPrefix(arg, "=")
	if w, a, ok := strings.Cut(word, "="); ok {
		// `# @name=login`, as REST Client also accepts.
		word, arg, assigned = w, strings.TrimSpace(a+" "+arg), true
	}
	arg = strings.TrimSpace(strings.TrimPrefix(arg, "="))
	switch word {
	case "name":
		if !validName(arg) {
			return errorf(at, "@name needs a name of letters, digits, _, - and ., got %q", excerpt(arg))
		}
		req.Name = arg
	case "no-redirect":
		req.Directives.NoRedirect = true
	case "no-cookie-jar":
		req.Directives.NoCookieJar = true
	case "timeout":
		d, err := parseSeconds(arg)
		if err != nil {
			return errorf(at, "@timeout: %v", err)
		}
		req.Directives.Timeout = d
	case "retries":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return errorf(at, "@retries needs a count of 0 or more, got %q", excerpt(arg))
		}
		req.Directives.Retries = n
	case "ref", "forceRef":
		if !validName(arg) {
			return errorf(at, "@%s needs the name of a request, got %q", word, excerpt(arg))
		}
		req.Directives.Refs = append(req.Directives.Refs, Ref{Name: arg, Force: word == "forceRef", Pos: at})
	case "prompt":
		name, desc, _ := strings.Cut(arg, " ")
		if !validName(name) {
			return errorf(at, "@prompt needs a variable name, got %q", excerpt(arg))
		}
		req.Directives.Prompts = append(req.Directives.Prompts, Prompt{Name: name, Description: strings.TrimSpace(desc), Pos: at})
	case "title":
		if arg != "" {
			req.Title = arg
		}
	case "description":
		req.Description = strings.TrimSpace(req.Description + " " + arg)
	case "no-log", "note", "connection-timeout", "use-os-credentials", "no-auto-encoding":
		// JetBrains' directives with no effect on what reqs checks.
	default:
		// `//@x = 1`, the comment mark against the @, is a
		// commented-out variable: no warning.
		commented := assigned && strings.HasPrefix(strings.TrimLeft(trimmed, "#/"), "@")
		if !commented && word != "" {
			p.file.Warnings = append(p.file.Warnings, errorf(at, "unknown directive @%s, read as a comment", excerpt(word)).(*Error))
		}
	}
	return nil
}

// directiveWord returns the directive of a comment line that is one of
// the directives that apply to the request below them.
func directiveWord(trimmed string) (string, bool) {
	if !isComment(trimmed) {
		return "", false
	}
	rest := strings.TrimLeft(strings.TrimLeft(trimmed, "#/"), " \t")
	rest, ok := strings.CutPrefix(rest, "@")
	if !ok {
		return "", false
	}
	if k := strings.IndexAny(rest, " \t="); k >= 0 {
		rest = rest[:k]
	}
	switch rest {
	case "name", "no-redirect", "no-cookie-jar", "timeout", "retries", "ref", "forceRef", "prompt":
		return rest, true
	}
	return "", false
}

// parseSeconds reads a @timeout value: seconds, or a number with a unit
// such as 500ms or, as JetBrains writes it, 2 m.
func parseSeconds(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e9 {
		return time.Duration(f * float64(time.Second)), nil
	}
	if d, err := time.ParseDuration(strings.Join(strings.Fields(s), "")); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("expected a positive number of seconds, got %q", excerpt(s))
}

// validName reports whether s can name a variable or a request: letters,
// digits, _, - and . (ASP.NET Core's template writes
// `@Shop.Api_HostAddress`).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// variable parses an `@name = value` line.
func (p *parser) variable(i int, line string) (Var, error) {
	col := indent(line)
	rest := strings.TrimSpace(line)[1:]
	name, value, ok := strings.Cut(rest, "=")
	name = strings.TrimSpace(name)
	if !ok || !validName(name) {
		return Var{}, errorf(p.pos(i, col), "expected a variable `@name = value`, got %q", excerpt(redactLine(strings.TrimSpace(line))))
	}
	vcol := strings.Index(line, "=") + 1
	for vcol < len(line) && (line[vcol] == ' ' || line[vcol] == '\t') {
		vcol++
	}
	return Var{Name: name, Value: strings.TrimSpace(value), Pos: p.pos(i, col+1), ValuePos: p.pos(i, vcol)}, nil
}

// isMethod reports whether s can be a request line's method: an
// upper-case token.
func isMethod(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// requestLine parses `METHOD URL [HTTP/VERSION]` or a bare URL. The URL
// runs to the optional version: it may hold blanks (`?q=New York`).
func (p *parser) requestLine(req *Request, i int) error {
	line := p.lines[i]
	col := indent(line)
	trimmed := strings.TrimSpace(line)
	req.Pos = p.pos(i, col)
	var first, rest string
	if k := strings.IndexAny(trimmed, " \t"); k >= 0 {
		first, rest = trimmed[:k], strings.TrimLeft(trimmed[k:], " \t")
	} else {
		first, rest = trimmed, ""
	}
	switch {
	case rest != "" && first == "GRPC":
		// JetBrains' client speaks gRPC with this; sent as it is, it
		// would be a request with a made-up method.
		req.Method, req.URL = first, rest
		return errorf(req.Pos, "%s requests are not supported by reqs, which sends HTTP requests; write the HTTP request instead", first)
	case rest != "" && first == "WEBSOCKET":
		req.WebSocket = true
		first, trimmed = "GET", "GET "+rest
	case rest != "" && !strings.ContainsAny(rest, " \t") && (first == "run" || first == "import"):
		return errorf(req.Pos, "`%s` lines are not supported by reqs; pass the request files to reqs run instead", first)
	}
	if upper := strings.ToUpper(first); rest != "" && knownMethods[upper] {
		// `Get url`, as the ASP.NET Core template writes it: the tools
		// read known methods in any case.
		first = upper
	}
	if rest != "" && isMethod(first) {
		req.Method = first
		if first == "GRAPHQL" {
			req.Method, req.GraphQL = "POST", true
		}
	} else {
		req.Method, rest = "GET", trimmed
	}
	if k := strings.LastIndexAny(rest, " \t"); k >= 0 && strings.HasPrefix(rest[k+1:], "HTTP/") {
		req.Version = rest[k+1:]
		rest = strings.TrimRight(rest[:k], " \t")
	}
	req.URL = rest
	req.URLPos = p.pos(i, col+strings.Index(line[col:], rest))
	if isWebSocketURL(rest) {
		req.WebSocket = true
	}
	if strings.HasPrefix(req.URL, "HTTP/") || isMethod(req.URL) && len(req.URL) > 1 {
		return errorf(req.Pos, "expected a request line `METHOD URL [HTTP/VERSION]`, got %q", excerpt(redactLine(trimmed)))
	}
	return nil
}

// excerpt shortens a line quoted in an error message, so that a very
// long line (or a binary file) still makes a readable message.
func excerpt(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
