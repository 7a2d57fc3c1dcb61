// Package httpfile reads request files in the .http format of JetBrains'
// HTTP Client and VS Code's REST Client: requests separated by
// ### lines, file variables, {{name}} substitution, named responses,
// directives and ?? assertions. Everything it returns keeps the file,
// line and column it came from, so errors and reports point at lines.
package httpfile

import (
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

// Error is a mistake in a request file, at Pos. A run refuses such a file
// as a usage error (exit status 64).
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
	// Start is where the request's block starts (its ### line, or the top
	// of the file); Pos is its request line.
	Start, Pos Pos
	Title      string
	// Name is set by `# @name NAME`; later requests read its response.
	Name string

	// Method is the request line's method ("GET" for a bare URL).
	Method string
	// URL is the request line's URL with its ?/& continuation lines
	// appended; URLPos is where it starts.
	URL     string
	URLPos  Pos
	Version string // "HTTP/1.1" and the like; empty when not given
	Headers []Header

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
}

// DisplayName is how reports name the request: its title, else its
// @name, else METHOD URL (without the URL's password).
func (r *Request) DisplayName() string {
	switch {
	case r.Title != "":
		return r.Title
	case r.Name != "":
		return r.Name
	}
	return r.Method + " " + redactURL(r.URL)
}

// Parse reads a request file's text; path is used in positions and to
// resolve `< path` bodies later.
func Parse(path string, src []byte) (*File, error) {
	p := &parser{file: &File{Path: path}, path: path}
	// Lines end in LF, CR LF or a lone CR (as old Mac editors write).
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	p.lines = strings.Split(text, "\n")
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.file, nil
}

type parser struct {
	file  *File
	path  string
	lines []string
	vars  []Var
}

func (p *parser) pos(line, col int) Pos { return Pos{File: p.path, Line: line + 1, Col: col + 1} }

// isSeparator reports whether a line starts a new request.
func isSeparator(line string) bool { return strings.HasPrefix(line, "###") }

// isComment reports whether a line is a comment (directives are comments
// that begin with @).
func isComment(trimmed string) bool {
	return strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//")
}

// scriptLine reports whether a line is a JetBrains script: a response
// handler `> {% ... %}` or `> file.js`, or a pre-request script
// `< {% ... %}`.
func scriptLine(trimmed string) bool {
	for _, lead := range []string{">", "<"} {
		rest, ok := strings.CutPrefix(trimmed, lead)
		if !ok || strings.HasPrefix(rest, ">") {
			continue
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "{%") {
			return true
		}
		if lead == ">" && strings.HasSuffix(rest, ".js") {
			return true
		}
	}
	return false
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
// reqs does not: scripts and output redirection are refused.
func (p *parser) toolLine(i int, trimmed string) error {
	col := len(p.lines[i]) - len(strings.TrimLeft(p.lines[i], " \t"))
	switch {
	case scriptLine(trimmed):
		return errorf(p.pos(i, col), "JavaScript handlers are not run by reqs; remove them or use ?? assertions")
	case outputRedirect(trimmed):
		return errorf(p.pos(i, col), "reqs does not save responses to files (`>> path`); remove the line")
	}
	return nil
}

func (p *parser) parse() error {
	i := 0
	first := true
	for i < len(p.lines) {
		start := i
		title := ""
		if isSeparator(p.lines[i]) {
			title = strings.TrimSpace(strings.TrimLeft(p.lines[i], "#"))
			i++
		} else if !first {
			// Unreachable: blocks end at a separator or the end.
			i++
			continue
		}
		first = false
		end := i
		for end < len(p.lines) && !isSeparator(p.lines[end]) {
			end++
		}
		if err := p.block(start, i, end, title); err != nil {
			return err
		}
		i = end
	}
	return nil
}

// block parses lines [from, end) of one request block, which started at
// line start.
func (p *parser) block(start, from, end int, title string) error {
	req := &Request{Start: p.pos(start, 0), Title: title, Directives: Directives{Retries: -1}}
	i := from
	// Preamble: blank lines, comments, directives and variables.
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		col := len(line) - len(strings.TrimLeft(line, " \t"))
		switch {
		case trimmed == "":
			continue
		case scriptLine(trimmed) || strings.HasPrefix(trimmed, "<") && strings.HasSuffix(trimmed, ".js"):
			// Above the request line `< file.js` is a pre-request script.
			return errorf(p.pos(i, col), "JavaScript handlers are not run by reqs; remove them or use ?? assertions")
		case isComment(trimmed):
			if err := p.directive(req, i, line); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(trimmed, "@"):
			v, err := p.variable(i, line)
			if err != nil {
				return err
			}
			p.vars = append(p.vars, v)
			continue
		}
		break
	}
	if i == end {
		// Only comments and variables: not a request.
		if req.Name != "" {
			return errorf(req.Start, "request %q has no request line", req.Name)
		}
		return nil
	}
	req.Vars = append([]Var(nil), p.vars...)

	if err := p.requestLine(req, i); err != nil {
		return err
	}
	i++
	// Continuation lines: `?` and `&` lines continue the query, indented
	// `/` lines the path (as JetBrains' client splits long URLs).
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		if _, directive := directiveWord(trimmed); isComment(trimmed) && !directive {
			continue
		}
		query := (strings.HasPrefix(trimmed, "?") || strings.HasPrefix(trimmed, "&")) && !strings.HasPrefix(trimmed, "??")
		path := strings.HasPrefix(trimmed, "/") && !strings.HasPrefix(trimmed, "//") && len(line) > len(strings.TrimLeft(line, " \t"))
		if !query && !path {
			break
		}
		req.URL += trimmed
	}
	// Headers, up to a blank line.
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "??") {
			break
		}
		col := len(line) - len(strings.TrimLeft(line, " \t"))
		if err := p.toolLine(i, trimmed); err != nil {
			return err
		}
		if word, ok := directiveWord(trimmed); ok {
			// Directives apply to the request below them: here one
			// would be ignored, and the request sent without it.
			return errorf(p.pos(i, col), "@%s must come before the request line", word)
		}
		if isComment(trimmed) || responseRef(trimmed) {
			continue
		}
		name, value, ok := strings.Cut(trimmed, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			if n := len(req.Headers); n > 0 && col > 0 {
				// An indented line that is not a header continues the
				// value above, as the JetBrains format allows.
				h := &req.Headers[n-1]
				h.Value = strings.TrimSpace(h.Value + " " + trimmed)
				continue
			}
			return errorf(p.pos(i, col), "expected a header `Name: value` or a blank line before the body, got %q", excerpt(redactLine(trimmed)))
		}
		vcol := col + len(name) + 1
		for vcol < len(line) && (line[vcol] == ' ' || line[vcol] == '\t' || line[vcol] == ':') {
			vcol++
		}
		req.Headers = append(req.Headers, Header{Name: name, Value: strings.TrimSpace(value), Pos: p.pos(i, col), ValuePos: p.pos(i, vcol)})
	}
	// Body, up to the first ?? line: its lines less comments and
	// response references, less blank lines at either end.
	var lines []int
	for ; i < end; i++ {
		trimmed := strings.TrimSpace(p.lines[i])
		if strings.HasPrefix(trimmed, "??") {
			break
		}
		if err := p.toolLine(i, trimmed); err != nil {
			return err
		}
		if isComment(trimmed) || responseRef(trimmed) {
			continue
		}
		lines = append(lines, i)
	}
	for len(lines) > 0 && strings.TrimSpace(p.lines[lines[0]]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(p.lines[lines[len(lines)-1]]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 {
		if err := p.body(req, lines); err != nil {
			return err
		}
	}
	// Assertions, then only blanks and comments.
	for ; i < end; i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		col := len(line) - len(strings.TrimLeft(line, " \t"))
		switch {
		case trimmed == "":
		case strings.HasPrefix(trimmed, "??"):
			a, err := parseAssertion(line[col+2:], p.pos(i, col), p.pos(i, col+2))
			if err != nil {
				return err
			}
			req.Assertions = append(req.Assertions, a)
		case scriptLine(trimmed) || outputRedirect(trimmed):
			return p.toolLine(i, trimmed)
		case isComment(trimmed) || responseRef(trimmed):
		default:
			return errorf(p.pos(i, col), "unexpected line after the assertions (a new request starts with ###)")
		}
	}
	p.file.Requests = append(p.file.Requests, req)
	return nil
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
// directives; other comments are ignored.
func (p *parser) directive(req *Request, i int, line string) error {
	trimmed := strings.TrimSpace(line)
	col := len(line) - len(strings.TrimLeft(line, " \t"))
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
	if w, a, ok := strings.Cut(word, "="); ok {
		// `# @name=login`, as REST Client also accepts.
		word, arg = w, strings.TrimSpace(a+" "+arg)
	}
	arg = strings.TrimSpace(strings.TrimPrefix(arg, "="))
	switch word {
	case "name":
		if !validName(arg) {
			return errorf(at, "@name needs a name of letters, digits, _ and -, got %q", excerpt(arg))
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
	case "no-log", "note", "prompt", "connection-timeout", "use-os-credentials", "no-auto-encoding":
		// Other clients' directives with no effect on what reqs checks.
	default:
		return errorf(at, "unknown directive @%s (reqs knows @name, @no-redirect, @no-cookie-jar, @timeout, @retries)", word)
	}
	return nil
}

// directiveWord returns the directive of a comment line that is one of
// reqs' directives.
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
	case "name", "no-redirect", "no-cookie-jar", "timeout", "retries":
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

// validName reports whether s can name a variable or a request.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// variable parses an `@name = value` line.
func (p *parser) variable(i int, line string) (Var, error) {
	col := len(line) - len(strings.TrimLeft(line, " \t"))
	rest := strings.TrimSpace(line)[1:]
	name, value, ok := strings.Cut(rest, "=")
	name = strings.TrimSpace(name)
	if !ok || !validName(name) {
		return Var{}, errorf(p.pos(i, col), "expected a variable `@name = value`, got %q", excerpt(strings.TrimSpace(line)))
	}
	vcol := strings.Index(line, "=") + 1
	for vcol < len(line) && (line[vcol] == ' ' || line[vcol] == '\t') {
		vcol++
	}
	return Var{Name: name, Value: strings.TrimSpace(value), Pos: p.pos(i, col+1), ValuePos: p.pos(i, vcol)}, nil
}

// methods a request line may start with, besides any upper-case token
// followed by a URL.
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

// requestLine parses `METHOD URL [HTTP/VERSION]` or a bare URL.
func (p *parser) requestLine(req *Request, i int) error {
	line := p.lines[i]
	col := len(line) - len(strings.TrimLeft(line, " \t"))
	fields := requestFields(line)
	req.Pos = p.pos(i, col)
	switch first := fields[0]; {
	case len(fields) >= 2 && (first == "GRAPHQL" || first == "GRPC" || first == "WEBSOCKET"):
		// JetBrains' client turns these into other protocols; sent as
		// they are, they would be requests with a made-up method.
		return errorf(req.Pos, "%s requests are not supported by reqs, which sends HTTP requests; write the HTTP request instead", first)
	case len(fields) == 2 && (first == "run" || first == "import"):
		return errorf(req.Pos, "`%s` lines are not supported by reqs; pass the request files to reqs run instead", first)
	}
	if len(fields) >= 2 && isMethod(fields[0]) {
		req.Method = fields[0]
		fields = fields[1:]
	} else {
		req.Method = "GET"
	}
	if n := len(fields); n >= 2 && strings.HasPrefix(fields[n-1], "HTTP/") {
		req.Version = fields[n-1]
		fields = fields[:n-1]
	}
	if len(fields) != 1 {
		return errorf(req.Pos, "expected a request line `METHOD URL [HTTP/VERSION]`, got %q", excerpt(redactLine(strings.TrimSpace(line))))
	}
	req.URL = fields[0]
	req.URLPos = p.pos(i, strings.Index(line, fields[0]))
	if strings.HasPrefix(req.URL, "HTTP/") || isMethod(req.URL) && len(req.URL) > 1 && !strings.Contains(req.URL, ".") {
		return errorf(req.Pos, "expected a request line `METHOD URL [HTTP/VERSION]`, got %q", excerpt(redactLine(strings.TrimSpace(line))))
	}
	return nil
}

// requestFields splits a request line on blanks outside {{...}}, so that
// `{{$randomInt 1 9}}` and `{{$processEnv HOST}}` stay in the URL.
func requestFields(line string) []string {
	var fields []string
	start, depth := -1, 0
	for i := 0; i < len(line); {
		if c := line[i]; depth == 0 && (c == ' ' || c == '\t') {
			if start >= 0 {
				fields = append(fields, line[start:i])
				start = -1
			}
			i++
			continue
		}
		if start < 0 {
			start = i
		}
		switch {
		case strings.HasPrefix(line[i:], "{{"):
			depth++
			i += 2
		case depth > 0 && strings.HasPrefix(line[i:], "}}"):
			depth--
			i += 2
		default:
			i++
		}
	}
	if start >= 0 {
		fields = append(fields, line[start:])
	}
	return fields
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
