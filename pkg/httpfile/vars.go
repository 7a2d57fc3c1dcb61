package httpfile

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/jq"
)

// Response is what a named request leaves for later ones to read: its
// response, and the request as it was sent.
type Response struct {
	Header http.Header
	Body   []byte
	// Sent is the request as sent (nil when not known).
	Sent *Sent

	decoded *decodedJSON // Body as JSON, decoded once (see JSON)
}

// Sent is a request as it was sent: its headers and its body (nil when
// it had none or it was a file, read again only when asked for).
type Sent struct {
	Header   http.Header
	Body     []byte
	BodyFile string

	// stream is a body of text and files streamed as sent (Body and
	// BodyFile are empty then), read again when referred to.
	stream *httpclient.Body
}

// Vars resolves {{...}} references. Precedence, highest first:
// Overrides (--var), variables typed at a @prompt, the file's own
// @variables, then Environment (the selected environment of the env
// files), as REST Client orders them. A dotted name that none of them
// has is then a named request's response (httpyac's `{{login.token}}`),
// then a value nested in an environment's object (`{{api.base}}`).
type Vars struct {
	Overrides   map[string]string
	Prompted    map[string]string
	Environment map[string]string
	// Nested are the values inside the environment's objects, by dotted
	// path.
	Nested map[string]string
	// Others maps the variables that only environments not selected
	// define to those environments' names.
	Others map[string][]string
	// Responses holds the named responses received so far.
	Responses map[string]*Response
	// Named maps the names of the file's requests to their request
	// lines, so that an error can tell a request yet to run from a name
	// no request has.
	Named map[string]int
	// Getenv reads the process environment ($processEnv, $env.NAME);
	// nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// Dotenv reads the .env file beside the request file ($dotenv); nil
	// means none.
	Dotenv func() (map[string]string, error)
	// ReadFile reads a sent body file again for {{NAME.request.body.*}};
	// nil is os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// Now is the clock of $timestamp and $datetime; nil means time.Now.
	Now func() time.Time
	// Location is the time zone of $localDatetime; nil means time.Local.
	Location *time.Location
	// Rand is the source of $uuid, $randomInt and the other random
	// built-ins; nil means crypto/rand.
	Rand io.Reader

	// expanding holds the variables whose values are being expanded,
	// so a reference back to one of them is told from deep nesting.
	expanding map[string]bool

	// scripts is what JavaScript adds: the variables scripts set, and
	// {{ expression }}s (see scriptState); nil adds nothing.
	scripts *scriptState
}

func lookupProcessEnv(name string) (string, bool) { return os.LookupEnv(name) }

// Bounds on variables that refer to variables: how deep, how many
// references one expansion may follow, and how long its result may grow
// (`@a = {{b}}{{b}}`, `@b = {{c}}{{c}}`... doubles at each level).
const (
	maxDepth     = 32
	maxRefs      = 10000
	maxExpansion = 16 << 20
)

// Expand substitutes every {{...}} in s for req; at is where s starts in
// the file, so that errors name the line of the reference.
func (v *Vars) Expand(req *Request, s string, at Pos) (string, error) {
	refs := 0
	return v.expand(req, s, at, 0, &refs)
}

func (v *Vars) expand(req *Request, s string, at Pos, depth int, refs *int) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	var b strings.Builder
	rest := s
	off := 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.Index(rest[i+2:], "}}")
		where := advance(at, s[:off+i])
		if j < 0 {
			return "", errorf(where, "unclosed {{")
		}
		b.WriteString(rest[:i])
		ref := strings.TrimSpace(rest[i+2 : i+2+j])
		if *refs++; *refs > maxRefs {
			return "", errorf(where, "variables refer to variables too many times (more than %d)", maxRefs)
		}
		val, err := v.resolve(req, ref, where, depth, refs)
		if err != nil {
			return "", err
		}
		b.WriteString(val)
		if b.Len() > maxExpansion {
			return "", errorf(where, "variables expand to more than %d MiB", maxExpansion>>20)
		}
		off += i + 2 + j + 2
		rest = rest[i+2+j+2:]
	}
}

// advance moves a position over text.
func advance(p Pos, text string) Pos {
	if n := strings.Count(text, "\n"); n > 0 {
		p.Line += n
		p.Col = len(text) - strings.LastIndex(text, "\n")
		return p
	}
	p.Col += len(text)
	return p
}

func (v *Vars) resolve(req *Request, ref string, at Pos, depth int, refs *int) (string, error) {
	if v.expanding[ref] {
		return "", errorf(at, "variable %q refers to itself", ref)
	}
	if depth > maxDepth {
		return "", errorf(at, "variables refer to variables more than %d levels deep (at %q)", maxDepth, excerpt(ref))
	}
	if ref == "" {
		return "", errorf(at, "empty {{}}")
	}
	if strings.HasPrefix(ref, "$") {
		return v.builtin(req, ref, at, depth, refs)
	}
	if val, ok := v.Overrides[ref]; ok {
		return val, nil
	}
	if val, ok := v.Prompted[ref]; ok {
		return val, nil
	}
	if val, ok := v.scripts.lookup(ref); ok {
		return val, nil
	}
	for k := len(req.Vars) - 1; k >= 0; k-- {
		if req.Vars[k].Name == ref {
			fv := req.Vars[k]
			return v.expandVariable(req, ref, fv.Value, fv.ValuePos, depth, refs)
		}
	}
	if val, ok := v.Environment[ref]; ok {
		return v.expandVariable(req, ref, val, at, depth, refs)
	}
	if name, path, ok := strings.Cut(ref, "."); ok && validName(name) {
		_, named := v.Named[name]
		_, ran := v.Responses[name]
		switch {
		case strings.HasPrefix(path, "response.") || strings.HasPrefix(path, "request."):
			return v.response(req, name, path, at)
		case named || ran:
			// httpyac's short form: a path into the parsed body; failing
			// that, a JavaScript expression (login.token.slice(7)).
			val, err := v.response(req, name, "response.body."+path, at)
			if err != nil && v.scripts != nil && !validName(ref) {
				return v.scripts.eval(v, req, ref, at, depth, refs)
			}
			return val, err
		}
	}
	if val, ok := v.Nested[ref]; ok {
		return v.expandVariable(req, ref, val, at, depth, refs)
	}
	if envs := v.Others[ref]; len(envs) > 0 {
		word := "environment"
		if len(envs) > 1 {
			word = "environments"
		}
		return "", errorf(at, "undefined variable %q: defined in %s %s: pass --env", excerpt(ref), word, strings.Join(envs, ", "))
	}
	if v.scripts != nil && !validName(ref) {
		return v.scripts.eval(v, req, ref, at, depth, refs)
	}
	return "", errorf(at, "undefined variable %q", excerpt(ref))
}

// expandVariable expands the value of the variable name, noting that it
// is being expanded while it is.
func (v *Vars) expandVariable(req *Request, name, value string, at Pos, depth int, refs *int) (string, error) {
	if v.expanding == nil {
		v.expanding = map[string]bool{}
	}
	v.expanding[name] = true
	defer delete(v.expanding, name)
	return v.expand(req, value, at, depth+1, refs)
}

// response reads `NAME.response.body.PATH`, `NAME.response.headers.H`,
// `NAME.request.body.PATH` and `NAME.request.headers.H`. PATH is `*`
// (the whole body), a JSONPath (`$.a.b`) or a path without its `$.`.
func (v *Vars) response(req *Request, name, path string, at Pos) (string, error) {
	resp, ok := v.Responses[name]
	if !ok {
		line, named := v.Named[name]
		switch {
		case !named:
			return "", errorf(at, "no request is named %q (name one with # @name %s)", name, name)
		case line >= req.Pos.Line:
			return "", errorf(at, "request %q (line %d) runs after this one, so it has no response yet", name, line)
		}
		return "", errorf(at, "request %q (line %d) has no response to read: it failed or was not run", name, line)
	}
	what, rest, _ := strings.Cut(path, ".")
	header, body := resp.Header, resp.Body
	if what == "request" {
		if resp.Sent == nil {
			return "", errorf(at, "the request %q sent is not known", name)
		}
		header, body = resp.Sent.Header, resp.Sent.Body
		wantBody := rest == "body" || strings.HasPrefix(rest, "body.")
		if body == nil && resp.Sent.BodyFile != "" && wantBody {
			if err := checkWholeFile(resp.Sent.BodyFile, "{{"+name+".request.body}} reads it whole", ""); err != nil {
				return "", errorf(at, "body file %s: %v", resp.Sent.BodyFile, err)
			}
			read := v.ReadFile
			if read == nil {
				read = os.ReadFile
			}
			data, err := read(resp.Sent.BodyFile)
			if err != nil {
				return "", errorf(at, "body file %s: %v", resp.Sent.BodyFile, httpclient.Reason(err))
			}
			body = data
		}
		if body == nil && resp.Sent.stream != nil && wantBody {
			data, err := readStream(resp.Sent.stream)
			if err != nil {
				return "", errorf(at, "the body %q sent: %v", name, err)
			}
			body = data
		}
	}
	switch {
	case strings.HasPrefix(rest, "headers."):
		h := strings.TrimPrefix(rest, "headers.")
		vals := header.Values(h)
		if len(vals) == 0 {
			return "", errorf(at, "the %s of %q has no header %s", what, name, h)
		}
		return strings.Join(vals, ", "), nil
	case rest == "body" || rest == "body.*":
		return string(body), nil
	case strings.HasPrefix(rest, "body."):
		expr := strings.TrimPrefix(rest, "body.")
		if !strings.HasPrefix(expr, "$") {
			sep := "."
			if strings.HasPrefix(expr, "[") {
				sep = ""
			}
			expr = "$" + sep + expr
		}
		jp, err := ParseJSONPath(expr)
		if err != nil {
			return "", errorf(at, "%v", err)
		}
		var (
			doc  any
			vals []any
			big  *jq.ErrTooLarge
		)
		switch {
		case len(body) > decodeWholeLimit:
		case what == "request":
			doc, err = decodeBody(body)
		default:
			doc, err = resp.JSON()
		}
		switch {
		case len(body) > decodeWholeLimit || errors.As(err, &big):
			// Too large to hold decoded: the path is followed through
			// the text, and only what it selects is decoded.
			if vals, err = jp.SelectText(body); errors.As(err, &big) {
				return "", errorf(at, "the %s of %q is too large to select from: %v", what, name, err)
			}
		case err == nil:
			vals = jp.Select(doc)
		}
		if err != nil {
			return "", errorf(at, "the %s of %q is not JSON, so %s cannot select from it", what, name, expr)
		}
		switch len(vals) {
		case 0:
			return "", errorf(at, "%s selects nothing in the %s of %q", expr, what, name)
		case 1:
			return text(vals[0]), nil
		}
		b, _ := json.Marshal(vals)
		return string(b), nil
	}
	return "", errorf(at, "cannot read %q from a %s: use %s.%s.body.PATH, %s.%s.body.* or %s.%s.headers.NAME", rest, what, name, what, name, what, name, what)
}

// dotenv reads NAME from the .env file beside the request file.
func (v *Vars) dotenv(name string, at Pos) (string, error) {
	if v.Dotenv == nil {
		return "", errorf(at, "$dotenv %s: there is no .env file beside the request file", name)
	}
	vars, err := v.Dotenv()
	if err != nil {
		return "", errorf(at, "$dotenv %s: %v", name, err)
	}
	val, ok := vars[name]
	if !ok {
		return "", errorf(at, "$dotenv %s: the .env file beside the request file does not set it", name)
	}
	return val, nil
}

// Dependencies returns the names of the requests that req reads
// responses from (or may: `{{a.b}}` is request a's response when a
// request is named a), directly or through the variables it uses, and
// those it names in @ref, in name order.
func Dependencies(req *Request) []string {
	seen := map[string]bool{}
	visited := map[string]bool{}
	var scan func(s string)
	scan = func(s string) {
		for {
			i := strings.Index(s, "{{")
			if i < 0 {
				return
			}
			j := strings.Index(s[i+2:], "}}")
			if j < 0 {
				return
			}
			ref := strings.TrimSpace(s[i+2 : i+2+j])
			s = s[i+2+j+2:]
			if visited[ref] {
				continue
			}
			visited[ref] = true
			defined := false
			for k := len(req.Vars) - 1; k >= 0; k-- {
				if req.Vars[k].Name == ref {
					scan(req.Vars[k].Value)
					defined = true
					break
				}
			}
			if name, _, ok := strings.Cut(ref, "."); ok && !defined && !strings.HasPrefix(ref, "$") {
				// NAME.response.…, NAME.request.… or httpyac's NAME.path:
				// a request of that name, if there is one.
				seen[name] = true
			}
		}
	}
	for _, r := range req.Directives.Refs {
		seen[r.Name] = true
	}
	scan(req.URL)
	for _, h := range req.Headers {
		scan(h.Name)
		scan(h.Value)
	}
	if req.Body != nil {
		scan(*req.Body)
	}
	scan(req.BodyFile)
	for _, part := range req.BodyParts {
		scan(part.Text)
		scan(part.File)
	}
	for _, a := range req.Assertions {
		scan(a.Arg)
		scan(a.Expected)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
