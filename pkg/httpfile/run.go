package httpfile

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
	"github.com/reqs-cli/reqs/pkg/httpfile/script"
)

// Runner runs the requests of parsed files in order, as `reqs run` does:
// it substitutes each request's variables, builds an httpclient.Request,
// has Send send it, keeps named responses for the requests after it and
// checks its assertions. How a request is sent (the session, printing,
// the directives' timeouts and redirects) is Send's; everything a request
// file means is the Runner's.
type Runner struct {
	// Send sends one built request and returns the finished exchange
	// with its whole body. On an error it may still return an Exchange
	// holding what it learnt (the URL sent, the time taken).
	Send func(ctx context.Context, req *Request, built *httpclient.Request) (*Exchange, error)

	// Environment names the environment of the env files of each file
	// (FindEnvFiles); "" reads only their "$shared" variables.
	Environment string
	// EnvFile and PrivateEnvFile, when set, name the environment files
	// of every file instead of those found for it (ijhttp's --env-file
	// and --private-env-file). With EnvFile alone, the private file is
	// the one beside it, if any.
	EnvFile, PrivateEnvFile string
	// Overrides are variables that beat the file's and the environment's
	// (--var).
	Overrides map[string]string
	// Getenv reads the process environment for $processEnv; nil is
	// os.LookupEnv.
	Getenv func(string) (string, bool)
	// ReadFile reads the body files read whole: `<@ path` (with
	// substitution) and `< path` lines among text; nil is os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// ResolveURL turns a substituted URL into the one sent (the command
	// line's shorthands, a default scheme); nil keeps it.
	ResolveURL func(string) (string, error)
	// Now, Location and Rand are the clock, the time zone of
	// $localDatetime and the source of the random built-ins; nil means
	// time.Now, time.Local and crypto/rand (tests fix them).
	Now      func() time.Time
	Location *time.Location
	Rand     io.Reader
	// Prompt asks a person for the value of a `# @prompt NAME` variable
	// that --var does not set; nil, or an error, fails the request.
	Prompt func(name, description string) (string, error)
	// Converse opens the WebSocket of a WEBSOCKET request and holds its
	// conversation: the turns in order, then, unless the last one waits,
	// listening until the server closes, the run's limit of messages or
	// the request's @timeout. The Exchange's Body is the JSON array of the
	// messages received. Nil fails WEBSOCKET requests.
	Converse func(ctx context.Context, req *Request, built *httpclient.Request, turns []Turn) (*Exchange, error)
	// Compress is the body compression of every request.
	Compress httpclient.Compression
	// JQ runs the jq expressions of assertions; nil is RunJQ.
	JQ JQFunc
	// MaxHeld bounds the bodies of the named responses a file's run keeps
	// for the requests after them; 0 is MaxHeldResponses. A response that
	// would pass it fails its request.
	MaxHeld int64

	// ScriptTimeout bounds each JavaScript handler and {{ expression }};
	// 0 is script.DefaultTimeout.
	ScriptTimeout time.Duration
	// newEngine makes the run's script engine; nil is script.New. A run
	// makes one only when a script or an expression needs it.
	newEngine func(script.Options) *script.Engine

	// Selected says which requests run; nil runs all (see Select).
	Selected map[*Request]bool
	// FailFast stops at the first request that does not pass.
	FailFast bool
	// OnFile is called before a file's first request.
	OnFile func(*File)
	// OnOutcome is called with each request's outcome as it is known,
	// with the exchange when one finished (nil otherwise). It may set
	// Err on the outcome.
	OnOutcome func(*Outcome, *Exchange)
}

// Run runs files. It returns an error only when a file's environment
// cannot be read, before any request is sent, or when ctx ends. A
// request whose block could not be read (Request.Err) is an outcome with
// that error; the others run.
//
// The requests run on a goroutine of their own, which calls the hooks
// (Send, OnFile, OnOutcome) one at a time. When a script cannot be
// stopped (script.ErrRunaway), Run returns at once with the outcomes so
// far, the request under way failed with that error, and leaves that
// goroutine to the script: a caller should exit soon after.
func (r *Runner) Run(ctx context.Context, files []*File) ([]*FileOutcome, error) {
	envs := make([]*Environment, len(files))
	for i, f := range files {
		env, err := r.envFiles(f).Load(r.Environment)
		if err != nil {
			return nil, err
		}
		envs[i] = env
	}
	// One engine for the run, so client.global outlives its file.
	scripts := r.scriptState(ctx)
	defer scripts.close()
	// The requests run on a goroutine of their own, which a script that
	// cannot be stopped holds: then the run reports what it did and
	// leaves that goroutine behind.
	p := &progress{}
	type result struct {
		outcomes []*FileOutcome
		err      error
	}
	done := make(chan result, 1)
	go func() {
		err := r.run(ctx, files, envs, scripts, p)
		done <- result{p.files, err}
	}()
	select {
	case res := <-done:
		return res.outcomes, res.err
	case err := <-scripts.runaway:
		return p.leave(r, err), nil
	}
}

// run runs the requests of files, recording their outcomes in p.
func (r *Runner) run(ctx context.Context, files []*File, envs []*Environment, scripts *scriptState, p *progress) error {
	prompted := map[string]string{}
	stop := false
	for i, f := range files {
		fo := &FileOutcome{Path: f.Path, Start: time.Now()}
		if !p.record(func() {
			p.files = append(p.files, fo)
			if r.OnFile != nil {
				r.OnFile(f)
			}
		}) {
			return nil
		}
		vars := &Vars{
			Overrides: r.Overrides, Prompted: prompted,
			Environment: envs[i].Vars, Nested: envs[i].Nested, Others: envs[i].Others,
			Responses: map[string]*Response{}, Named: map[string]int{},
			Getenv: r.Getenv, ReadFile: r.ReadFile, Dotenv: r.dotenv(f),
			Now: r.Now, Location: r.Location, Rand: r.Rand,
			scripts: scripts,
		}
		for _, req := range f.Requests {
			if req.Name != "" {
				if _, dup := vars.Named[req.Name]; !dup {
					vars.Named[req.Name] = req.Pos.Line
				}
			}
		}
		fr := &fileRun{Runner: r, file: f, vars: vars, outcome: fo, ran: map[*Request]bool{}, progress: p}
		for _, req := range f.Requests {
			if stop || r.Selected != nil && !r.Selected[req] {
				continue
			}
			if !fr.run(ctx, req, 0) && r.FailFast {
				stop = true
			}
			if scripts.gaveUp() {
				return nil
			}
			if err := ctx.Err(); err != nil {
				p.record(func() { fo.Duration = time.Since(fo.Start) })
				return err
			}
		}
		p.record(func() { fo.Duration = time.Since(fo.Start) })
	}
	return nil
}

// progress is what a run has done so far, shared by the goroutine that
// runs the requests and the one that waits for it.
type progress struct {
	mu      sync.Mutex
	files   []*FileOutcome
	current *Request // the request under way
	left    bool     // the waiting side has left: record nothing more
}

// record does f, which records progress, unless the waiting side has
// left; it reports whether it did.
func (p *progress) record(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.left {
		return false
	}
	f()
	return true
}

// leave ends the run where it is, when a script could not be stopped:
// the request under way fails with err, and the outcomes so far are the
// run's.
func (p *progress) leave(r *Runner, err error) []*FileOutcome {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left = true
	if n := len(p.files); n > 0 && p.current != nil {
		req, fo := p.current, p.files[n-1]
		out := &Outcome{Request: req, Method: req.Method, URL: redactURL(req.URL), Err: err}
		if r.OnOutcome != nil {
			r.OnOutcome(out, nil)
		}
		fo.Outcomes = append(fo.Outcomes, out)
		if fo.Duration == 0 {
			fo.Duration = time.Since(fo.Start)
		}
	}
	return p.files
}

// envFiles returns the environment files of f.
func (r *Runner) envFiles(f *File) EnvFiles {
	ef := FindEnvFiles(filepath.Dir(f.Path))
	if r.EnvFile != "" {
		ef.Public, ef.Private = r.EnvFile, ""
		if p := filepath.Join(filepath.Dir(r.EnvFile), PrivateEnvFile); fileExists(p) {
			ef.Private = p
		}
	}
	if r.PrivateEnvFile != "" {
		ef.Private = r.PrivateEnvFile
	}
	return ef
}

// dotenv reads the .env file beside a request file, once, when a
// request asks for it.
func (r *Runner) dotenv(f *File) func() (map[string]string, error) {
	var vars map[string]string
	var err error
	read := r.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	return func() (map[string]string, error) {
		if vars == nil && err == nil {
			var data []byte
			path := filepath.Join(filepath.Dir(f.Path), ".env")
			if data, err = read(path); err != nil {
				err = fmt.Errorf("%s: %v", path, httpclient.Reason(err))
			} else {
				vars = readDotenv(data)
			}
		}
		return vars, err
	}
}

// fileRun is the run of one file's requests.
type fileRun struct {
	*Runner
	file    *File
	vars    *Vars
	outcome *FileOutcome
	// ran marks the requests run so far, for @ref.
	ran      map[*Request]bool
	progress *progress
}

// maxRefDepth bounds chains of @ref (a refers to b, which refers to c…).
const maxRefDepth = 16

// run runs req, after the requests its @ref and @forceRef lines name,
// and reports whether everything it ran passed.
func (fr *fileRun) run(ctx context.Context, req *Request, depth int) bool {
	passed := true
	var refErr error
	for _, ref := range req.Directives.Refs {
		if req.Err != nil {
			break
		}
		target := fr.named(ref.Name)
		switch {
		case target == nil:
			refErr = errorf(ref.Pos, "@ref %s: no request is named %q", ref.Name, ref.Name)
		case target == req || depth >= maxRefDepth:
			refErr = errorf(ref.Pos, "@ref %s: the requests refer to each other in a loop", ref.Name)
		case ref.Force || !fr.ran[target]:
			if !fr.run(ctx, target, depth+1) {
				passed = false
			}
		}
		if refErr != nil || ctx.Err() != nil {
			break
		}
	}
	var out *Outcome
	var x *Exchange
	switch {
	case req.Err != nil:
		out = &Outcome{Request: req, Method: req.Method, URL: redactURL(req.URL), Err: req.Err}
	case refErr != nil:
		out = &Outcome{Request: req, Method: req.Method, URL: redactURL(req.URL), Err: refErr}
	default:
		fr.progress.record(func() { fr.progress.current = req })
		out, x = fr.runOne(ctx, fr.file, req, fr.vars)
	}
	fr.ran[req] = true
	if !fr.progress.record(func() {
		fr.progress.current = nil
		if fr.OnOutcome != nil {
			fr.OnOutcome(out, x)
		}
		fr.outcome.Outcomes = append(fr.outcome.Outcomes, out)
	}) {
		return false
	}
	return passed && out.Passed()
}

// named returns the file's request named name (the first, as {{name.…}}
// reads the latest response of that name, and a file names each request
// once).
func (fr *fileRun) named(name string) *Request {
	for _, req := range fr.file.Requests {
		if req.Name == name {
			return req
		}
	}
	return nil
}

// runOne builds, sends and checks one request.
func (r *Runner) runOne(ctx context.Context, f *File, req *Request, vars *Vars) (*Outcome, *Exchange) {
	out := &Outcome{Request: req, Method: req.Method, URL: redactURL(req.URL)}
	if err := r.prompt(req, vars); err != nil {
		out.Err = err
		return out, nil
	}
	if !r.preRequest(ctx, f, req, vars, out) {
		return out, nil
	}
	defer vars.scripts.endRequest()
	built, sent, err := r.build(f, req, vars)
	if err != nil {
		out.Err = err
		return out, nil
	}
	out.Method, out.URL = built.Method, redactURL(built.URL)
	var x *Exchange
	if req.WebSocket {
		out.Method = "WEBSOCKET"
		x, err = r.converse(ctx, f, req, built, vars)
	} else {
		x, err = r.Send(ctx, req, built)
	}
	if x != nil {
		if x.URL != "" {
			out.URL = x.URL
		}
		out.Duration, out.Status = x.Duration, x.Status
	}
	if err != nil {
		out.Err = err
		return out, x
	}
	if req.Name != "" {
		limit := r.MaxHeld
		if limit <= 0 {
			limit = MaxHeldResponses
		}
		if err := keepResponse(vars, req, x, sent, limit); err != nil {
			out.Err = err
			return out, x
		}
	}
	if !r.respond(ctx, f, req, vars, x, out) {
		return out, x
	}
	run := r.JQ
	if run == nil {
		run = RunJQ
	}
	for _, a := range req.Assertions {
		arg, err := vars.Expand(req, a.Arg, a.Pos)
		if err != nil {
			out.Err = err
			return out, x
		}
		expected, err := vars.Expand(req, a.Expected, a.ValuePos)
		if err != nil {
			out.Err = err
			return out, x
		}
		res := Check(a, arg, expected, x, run)
		if res.Err != nil {
			res.Err = fmt.Errorf("line %d: %w", a.Pos.Line, res.Err)
		}
		out.Results = append(out.Results, res)
	}
	return out, x
}

// prompt asks for the @prompt variables of req that neither --var nor an
// earlier answer set.
func (r *Runner) prompt(req *Request, vars *Vars) error {
	for _, p := range req.Directives.Prompts {
		if _, ok := vars.Overrides[p.Name]; ok {
			continue
		}
		if _, ok := vars.Prompted[p.Name]; ok {
			continue
		}
		if r.Prompt == nil {
			return errorf(p.Pos, "@prompt %s: there is no one to ask; give --var %s=VALUE", p.Name, p.Name)
		}
		val, err := r.Prompt(p.Name, p.Description)
		if err != nil {
			return errorf(p.Pos, "@prompt %s: %v", p.Name, err)
		}
		vars.Prompted[p.Name] = val
	}
	return nil
}

// build substitutes the variables of req and turns it into a library
// request; sent is the request as a later {{NAME.request.…}} reads it.
// Its errors are *Error: they name the place in the file.
func (r *Runner) build(f *File, req *Request, vars *Vars) (built *httpclient.Request, sent *Sent, err error) {
	full, fromHost, err := r.url(req, vars)
	if err != nil {
		return nil, nil, err
	}
	method := req.Method
	hreq := &httpclient.Request{Method: method, URL: full, Header: http.Header{}, Compress: r.Compress}
	for _, h := range req.Headers {
		if fromHost && strings.EqualFold(h.Name, "Host") {
			continue
		}
		name, err := vars.Expand(req, h.Name, h.Pos)
		if err != nil {
			return nil, nil, err
		}
		value, err := vars.Expand(req, h.Value, h.ValuePos)
		if err != nil {
			return nil, nil, err
		}
		if strings.EqualFold(name, "Authorization") {
			var auth httpclient.Auth
			if value, auth = authorization(value); auth != nil {
				// Digest USER PASS: answered when the server challenges.
				hreq.Auth = auth
				continue
			}
		}
		hreq.Header.Add(name, value)
		hreq.HeaderOrder = append(hreq.HeaderOrder, name) // sent in the file's order
	}
	sent = &Sent{Header: hreq.Header}
	// The lines of a multipart body end in CR LF, as RFC 2046 asks and
	// other clients send them; the files in it are sent as they are.
	nl := "\n"
	ct := strings.ToLower(strings.TrimSpace(hreq.Header.Get("Content-Type")))
	if strings.HasPrefix(ct, "multipart/") {
		nl = "\r\n"
	}
	var body []byte
	switch {
	case req.Body != nil:
		text, err := vars.Expand(req, lineEnds(*req.Body, nl), req.BodyPos)
		if err != nil {
			return nil, nil, err
		}
		if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			text = joinFormLines(text)
		}
		body = []byte(text)
	case req.BodyParts != nil:
		// Text (substituted) and `<@` files are held; `< path` files are
		// streamed from disk on each send, as a whole-body `< path` is, so
		// a large file (or /dev/zero) in a multipart body is never read
		// into memory.
		var pieces []bodyPiece
		var b bytes.Buffer
		for k, part := range req.BodyParts {
			if k > 0 {
				b.WriteString(nl)
			}
			switch {
			case part.File == "":
				text, err := vars.Expand(req, lineEnds(part.Text, nl), part.Pos)
				if err != nil {
					return nil, nil, err
				}
				b.WriteString(text)
			case part.Subst:
				data, err := r.readBodyFile(f, req, vars, part.File, true, part.Pos)
				if err != nil {
					return nil, nil, err
				}
				b.Write(data)
			default:
				path, err := r.bodyPath(f, req, vars, part.File, part.Pos)
				if err != nil {
					return nil, nil, err
				}
				fb, err := httpclient.FileBody(path)
				if err != nil {
					return nil, nil, errorf(part.Pos, "body file %s: %v", path, httpclient.Reason(err))
				}
				if b.Len() > 0 {
					pieces = append(pieces, bodyPiece{data: bytes.Clone(b.Bytes())})
					b.Reset()
				}
				pieces = append(pieces, bodyPiece{file: fb})
			}
		}
		if len(pieces) == 0 {
			body = b.Bytes()
			break
		}
		if b.Len() > 0 {
			pieces = append(pieces, bodyPiece{data: b.Bytes()})
		}
		hreq.Body = piecesBody(pieces)
		sent.stream = hreq.Body
	case req.BodyFile != "" && (req.BodySubst || req.GraphQL):
		data, err := r.readBodyFile(f, req, vars, req.BodyFile, req.BodySubst, req.BodyPos)
		if err != nil {
			return nil, nil, err
		}
		body = data
	case req.BodyFile != "":
		path, err := r.bodyPath(f, req, vars, req.BodyFile, req.BodyPos)
		if err != nil {
			return nil, nil, err
		}
		b, err := httpclient.FileBody(path)
		if err != nil {
			return nil, nil, errorf(req.BodyPos, "body file %s: %v", path, httpclient.Reason(err))
		}
		hreq.Body = b
		sent.BodyFile = path
	}
	if req.GraphQL {
		if body, err = graphQLBody(body); err != nil {
			return nil, nil, errorf(req.BodyPos, "%v", err)
		}
		hreq.Method = "POST"
		if hreq.Header.Get("Content-Type") == "" {
			hreq.Header.Set("Content-Type", "application/json")
			hreq.HeaderOrder = append(hreq.HeaderOrder, "Content-Type")
		}
	}
	if body != nil {
		hreq.Body = httpclient.BytesBody(body)
		sent.Body = body
	}
	return hreq, sent, nil
}

// url substitutes the request's URL and completes it: a path alone is
// sent to the server of its Host header (JetBrains) or of the host
// variable (httpyac); blanks and non-ASCII characters are
// percent-encoded; a URL without a scheme is http:// (or what ResolveURL
// makes of it). fromHost reports that the Host header gave the server.
func (r *Runner) url(req *Request, vars *Vars) (full string, fromHost bool, err error) {
	rawURL, err := vars.Expand(req, req.URL, req.URLPos)
	if err != nil {
		return "", false, err
	}
	rawURL = strings.TrimSpace(rawURL)
	if strings.HasPrefix(rawURL, "/") && !strings.HasPrefix(rawURL, "//") {
		// `GET /path` with a Host header (the origin form of JetBrains'
		// format): the header names the server (with ResolveURL's
		// default scheme, else http, unless it gives one), and the URL's
		// host is then sent as Host.
		host := ""
		for _, h := range req.Headers {
			if !strings.EqualFold(h.Name, "Host") {
				continue
			}
			if host, err = vars.Expand(req, h.Value, h.ValuePos); err != nil {
				return "", false, err
			}
			fromHost = true
			break
		}
		if !fromHost {
			// httpyac resolves a path against the host variable.
			if host, err = vars.Expand(req, "{{host}}", req.URLPos); err != nil {
				return "", false, errorf(req.URLPos, "URL %q has no host: write the whole URL, add a Host header, or set the variable host", excerpt(redactURL(rawURL)))
			}
		}
		rawURL = strings.TrimSuffix(strings.TrimSpace(host), "/") + rawURL
	}
	rawURL = encodeURL(rawURL)
	full = rawURL
	switch {
	case r.ResolveURL != nil:
		if full, err = r.ResolveURL(rawURL); err != nil {
			return "", false, errorf(req.URLPos, "%v", err)
		}
	case !httpclient.HasScheme(rawURL):
		full = "http://" + rawURL
	}
	check := full
	if req.WebSocket {
		check = httpclient.WebSocketURL(full)
	}
	if _, err := httpclient.PrepareURL(check); err != nil {
		return "", false, errorf(req.URLPos, "invalid URL %q: %v", httpclient.RedactURL(rawURL), httpclient.Reason(err))
	}
	return full, fromHost, nil
}

// encodeURL percent-encodes the blanks, control characters and non-ASCII
// bytes of a URL after its host, which JetBrains' client and REST Client
// send encoded (`?city=New York`, a Hangul path); a host keeps its
// characters for the library to turn into IDNA.
func encodeURL(u string) string {
	start := 0
	if i := strings.Index(u, "://"); i >= 0 {
		start = i + 3
	}
	if i := strings.IndexAny(u[start:], "/?#"); i >= 0 {
		start += i
	} else {
		return u
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := start; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c >= 0x7f {
			if b.Len() == 0 {
				b.Grow(len(u) + 16)
				b.WriteString(u[:i])
			}
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return u
	}
	return b.String()
}

// authorization reads an Authorization value as JetBrains' client and
// REST Client do: `Basic USER:PASS` and `Basic USER PASS` are
// base64-encoded before they are sent, and `Digest USER PASS` asks for
// Digest authentication (auth set, the header dropped). Other values
// are sent as they are.
func authorization(value string) (string, httpclient.Auth) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok {
		return value, nil
	}
	rest = strings.TrimSpace(rest)
	switch {
	case strings.EqualFold(scheme, "Basic"):
		if strings.Contains(rest, ":") {
			// base64 has no colon: these are the credentials in clear.
			return "Basic " + base64.StdEncoding.EncodeToString([]byte(rest)), nil
		}
		if user, pass, ok := strings.Cut(rest, " "); ok {
			return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+strings.TrimSpace(pass))), nil
		}
	case strings.EqualFold(scheme, "Digest"):
		// A computed Digest header has name=value fields.
		fields := strings.Fields(rest)
		if len(fields) == 2 && !strings.ContainsAny(rest, "=\",") {
			return "", &digest.Auth{Username: fields[0], Password: fields[1]}
		}
	}
	return value, nil
}

// joinFormLines joins the lines of a form body written one field per
// line: a line that starts with & (REST Client's rule), or follows one
// that ends with &, continues the line above without a line break. A
// form has no line breaks of its own (they would be %0A).
func joinFormLines(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			prev := strings.TrimRight(lines[i-1], " \t")
			if trimmed := strings.TrimLeft(line, " \t"); strings.HasPrefix(trimmed, "&") || strings.HasSuffix(prev, "&") {
				line = trimmed
			} else {
				b.WriteByte('\n')
			}
		}
		b.WriteString(line)
	}
	return strings.TrimRight(b.String(), " \t")
}

// graphQLBody turns a GraphQL request's text into the JSON a GraphQL
// server reads: the query runs to where its braces balance with a JSON
// object after it (the variables), or to the end.
func graphQLBody(text []byte) ([]byte, error) {
	s := strings.TrimSpace(string(text))
	query, variables := s, ""
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '#':
			// A GraphQL comment runs to the end of its line.
			if nl := strings.IndexByte(s[i:], '\n'); nl >= 0 {
				i += nl
			} else {
				i = len(s)
			}
		case '{':
			depth++
		case '}':
			depth--
			if depth != 0 {
				continue
			}
			rest := strings.TrimSpace(s[i+1:])
			if strings.HasPrefix(rest, "{") && json.Valid([]byte(rest)) {
				query, variables = strings.TrimSpace(s[:i+1]), rest
				i = len(s)
			}
		}
	}
	if query == "" {
		return nil, errors.New("the GraphQL request has no query")
	}
	var b bytes.Buffer
	b.WriteString(`{"query":`)
	writeJSONString(&b, query)
	if variables != "" {
		b.WriteString(`,"variables":`)
		if err := json.Compact(&b, []byte(variables)); err != nil {
			return nil, fmt.Errorf("the GraphQL variables are not JSON: %v", jsonProblem(err))
		}
	}
	if name := operationName(query); name != "" {
		b.WriteString(`,"operationName":`)
		writeJSONString(&b, name)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// operationName is the name of a query's first operation (`query
// Users($n: Int) {…}` is Users), or "" when it has none.
func operationName(query string) string {
	for _, line := range strings.Split(query, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, kw := range []string{"query", "mutation", "subscription"} {
			rest, ok := strings.CutPrefix(line, kw)
			if !ok || rest == "" || rest[0] != ' ' && rest[0] != '\t' {
				continue
			}
			rest = strings.TrimLeft(rest, " \t")
			end := strings.IndexFunc(rest, func(r rune) bool {
				return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			})
			if end < 0 {
				end = len(rest)
			}
			return rest[:end]
		}
		return ""
	}
	return ""
}

// writeJSONString writes s as a JSON string, without the HTML escapes of
// encoding/json.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

// bodyPath substitutes a body file's name and makes it relative to the
// request file's directory.
func (r *Runner) bodyPath(f *File, req *Request, vars *Vars, name string, at Pos) (string, error) {
	path, err := vars.Expand(req, name, at)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(f.Path), path)
	}
	return path, nil
}

// MaxSubstitutedFile bounds a body file read whole — to substitute its
// variables (`<@ path`), as a GraphQL query, or for a later request's
// `{{NAME.request.body.*}}`: larger files, and files that are no regular
// file (a device such as /dev/zero, a pipe), are refused before they are
// read. `< path` streams a file of any size as it is.
const MaxSubstitutedFile = 16 << 20

// checkWholeFile refuses, before it is read, a file that reading whole
// could not bound; reads says who reads it whole and why, hint what to
// do instead ("" for nothing). A file it cannot stat is left to the read
// to report.
func checkWholeFile(path, reads, hint string) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil
	case st.IsDir():
		return errors.New("is a directory")
	case !st.Mode().IsRegular():
		return fmt.Errorf("not a regular file, and %s%s", reads, hint)
	case st.Size() > MaxSubstitutedFile:
		return fmt.Errorf("larger than %d MiB, and %s, up to that size%s", MaxSubstitutedFile>>20, reads, hint)
	}
	return nil
}

// readBodyFile reads a body file, substituting its variables when subst.
func (r *Runner) readBodyFile(f *File, req *Request, vars *Vars, name string, subst bool, at Pos) ([]byte, error) {
	path, err := r.bodyPath(f, req, vars, name, at)
	if err != nil {
		return nil, err
	}
	reads, hint := "<@ reads it whole to substitute variables", "; send it as it is with <"
	if !subst {
		reads, hint = "a GraphQL query is read whole", ""
	}
	if err := checkWholeFile(path, reads, hint); err != nil {
		return nil, errorf(at, "body file %s: %v", path, err)
	}
	read := r.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		return nil, errorf(at, "body file %s: %v", path, httpclient.Reason(err))
	}
	if !subst {
		return data, nil
	}
	body, err := vars.Expand(req, string(data), Pos{File: path, Line: 1, Col: 1})
	if err != nil {
		return nil, err
	}
	return []byte(body), nil
}

// Select returns the requests a run limited to one request runs: the
// request titled (or @named) name, or the one at line, and before it the
// named requests it reads responses from, transitively. Give name or
// line, not both.
func Select(files []*File, name string, line int) (map[*Request]bool, error) {
	sel := map[*Request]bool{}
	for _, f := range files {
		for i, req := range f.Requests {
			match := false
			if line == 0 {
				match = req.Title == name || req.Name == name
			} else {
				end := int(^uint(0) >> 1)
				if i+1 < len(f.Requests) {
					end = f.Requests[i+1].Start.Line
				}
				match = req.Start.Line <= line && line < end
			}
			if match {
				addWithDependencies(sel, f.Requests[:i+1])
			}
		}
	}
	if len(sel) == 0 {
		if line == 0 {
			return nil, fmt.Errorf("--name %q: no request has this title or @name", name)
		}
		return nil, fmt.Errorf("--line %d: no request there", line)
	}
	return sel, nil
}

// addWithDependencies selects the last request of reqs and the named
// requests before it that it depends on.
func addWithDependencies(sel map[*Request]bool, reqs []*Request) {
	target := reqs[len(reqs)-1]
	sel[target] = true
	for _, name := range Dependencies(target) {
		for k := len(reqs) - 2; k >= 0; k-- {
			if reqs[k].Name == name {
				if !sel[reqs[k]] {
					addWithDependencies(sel, reqs[:k+1])
				}
				break
			}
		}
	}
}

// WriteReportFile writes a report of outcomes to path, whole or not at
// all: to a temporary file beside it, renamed into place. format is
// "junit" or "json".
func WriteReportFile(path, format string, outcomes []*FileOutcome) error {
	write := WriteJUnit
	switch format {
	case "junit":
	case "json":
		write = WriteJSON
	default:
		return fmt.Errorf("report %s: unknown format %q", path, format)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report %s: %w", path, httpclient.Reason(err))
	}
	err = write(tmp, outcomes)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("report %s: %w", path, httpclient.Reason(err))
	}
	return nil
}

// MakeReportDir makes the directory of reports named by directory, with
// its parents, as ijhttp's --report DIR does.
func MakeReportDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory %s: %w", dir, httpclient.Reason(err))
	}
	return nil
}

// lineEnds makes the line ends of text (LF, as parsed) nl.
func lineEnds(text, nl string) string {
	if nl == "\n" {
		return text
	}
	return strings.ReplaceAll(text, "\n", nl)
}
