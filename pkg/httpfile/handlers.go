package httpfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile/script"
)

// Script is a JavaScript handler of a request, in JetBrains' HTTP Client
// form: inline code between {% and %}, or a .js file.
type Script struct {
	Pos Pos // of its < or > mark
	// Code is the inline code, which starts at CodePos (just after {%).
	Code    string
	CodePos Pos
	// File is the script file of `> file.js` and `< file.js`, relative
	// to the request file's directory; "" for inline code.
	File string
}

// handlerLine reports whether a line starts a response handler:
// `> {% … %}` or `> file.js` (but not `>> file`, which saves a response).
func handlerLine(trimmed string) bool {
	rest, ok := strings.CutPrefix(trimmed, ">")
	if !ok || strings.HasPrefix(rest, ">") {
		return false
	}
	rest = strings.TrimSpace(rest)
	return strings.HasPrefix(rest, "{%") || strings.HasSuffix(rest, ".js") && !strings.ContainsAny(rest, " \t")
}

// preScriptLine reports whether a line starts an inline pre-request
// script, `< {% … %}`. (Above the request line `< file.js` is one too;
// below it, that is a body file.)
func preScriptLine(trimmed string) bool {
	rest, ok := strings.CutPrefix(trimmed, "<")
	return ok && strings.HasPrefix(strings.TrimSpace(rest), "{%")
}

// script reads the handler that starts at line i, a line handlerLine or
// preScriptLine accepts (or `< file.js`), and returns it with the index
// of the line after it. Inline code runs to the first %}, on the same
// line or a later one before end.
func (p *parser) script(i, end int) (*Script, int, error) {
	line := p.lines[i]
	col := len(line) - len(strings.TrimLeft(line, " \t"))
	s := &Script{Pos: p.pos(i, col)}
	open := strings.Index(line, "{%")
	if open < 0 {
		s.File = strings.TrimSpace(line[col+1:])
		return s, i + 1, nil
	}
	s.CodePos = p.pos(i, open+2)
	rest := line[open+2:]
	var code []string
	for k := i; k < end; k++ {
		if k > i {
			rest = p.lines[k]
		}
		if stop := strings.Index(rest, "%}"); stop >= 0 {
			code = append(code, rest[:stop])
			if after := strings.TrimSpace(rest[stop+2:]); after != "" {
				return nil, 0, errorf(p.pos(k, len(p.lines[k])-len(rest)+stop+2), "unexpected %q after the %%} that ends the script", excerpt(after))
			}
			s.Code = strings.Join(code, "\n")
			return s, k + 1, nil
		}
		code = append(code, rest)
	}
	return nil, 0, errorf(p.pos(i, open), "the script is not closed: %%} is missing")
}

// yacScriptLine reports whether a line opens one of httpyac's script
// blocks: `{{` (or `{{@response`, `{{+`, `{{ code…`) that does not close
// on the same line. reqs runs JetBrains' handlers, not these.
func yacScriptLine(trimmed string) bool {
	return strings.HasPrefix(trimmed, "{{") && !strings.Contains(trimmed, "}}")
}

// yacScript is the error for an httpyac script block at line i.
func (p *parser) yacScript(i int) error {
	return errorf(p.pos(i, indent(p.lines[i])), "httpyac's script blocks ({{ … }} on lines of their own) are not run by reqs: "+
		"write the script as a JetBrains handler, < {%% … %%} above the request line (request.variables.set for exports) or > {%% … %%} after it")
}

// yacScriptEnd returns the index of the line after the httpyac script
// block that opens at line i: after its closing }}, or end.
func (p *parser) yacScriptEnd(i, end int) int {
	for k := i + 1; k < end; k++ {
		if strings.HasSuffix(strings.TrimSpace(p.lines[k]), "}}") {
			return k + 1
		}
	}
	return end
}

// scriptLine reports whether a line starts a script of either kind.
func scriptLine(trimmed string) bool { return handlerLine(trimmed) || preScriptLine(trimmed) }

// scriptState is what the scripts of a run share: the engine, made when
// the first script or JavaScript expression needs it (a run without
// them never makes one), and the variables of the request under way.
type scriptState struct {
	ctx       context.Context
	opts      script.Options
	newEngine func(script.Options) *script.Engine
	engine    *script.Engine
	// request holds request.variables, which pre-request scripts set for
	// the request under way only.
	request *script.Variables
	// runaway receives the error of a script that could not be stopped.
	runaway chan error
}

// scriptState starts the scripts' share of a run.
func (r *Runner) scriptState(ctx context.Context) *scriptState {
	s := &scriptState{ctx: ctx, newEngine: r.newEngine, runaway: make(chan error, 1)}
	s.opts = script.Options{Timeout: r.ScriptTimeout, OnRunaway: func(err error) {
		select {
		case s.runaway <- err:
		default:
		}
	}}
	if s.newEngine == nil {
		s.newEngine = script.New
	}
	return s
}

// ensure returns the engine, made on first use.
func (s *scriptState) ensure() *script.Engine {
	if s.engine == nil {
		s.engine = s.newEngine(s.opts)
	}
	return s.engine
}

// gaveUp reports whether a script could not be stopped (see
// script.ErrRunaway): the run must end.
func (s *scriptState) gaveUp() bool {
	return s.engine != nil && s.engine.Err() != nil
}

func (s *scriptState) close() {
	if s.engine != nil {
		s.engine.Close()
	}
}

// endRequest forgets the request variables of the request that ran.
func (s *scriptState) endRequest() {
	if s != nil {
		s.request = nil
	}
}

// lookup returns a variable a script set: the request's own
// (request.variables) before the run's (client.global).
func (s *scriptState) lookup(name string) (string, bool) {
	if s == nil {
		return "", false
	}
	if v, ok := s.request.Lookup(name); ok {
		return v, true
	}
	if s.engine == nil {
		return "", false
	}
	return s.engine.Global(name)
}

// eval evaluates a {{ expression }} that is no variable name as
// JavaScript (httpyac's rule), with the variables it names in scope: a
// named response as its body, anything else as its text.
func (s *scriptState) eval(v *Vars, req *Request, expr string, at Pos, depth int, refs *int) (string, error) {
	vars := map[string]any{}
	for _, name := range script.Names(expr) {
		if val, err := v.resolve(req, name, at, depth+1, refs); err == nil {
			vars[name] = val
		} else if resp, ok := v.Responses[name]; ok {
			vars[name] = &script.Response{Status: 200, Header: resp.Header, Body: resp.Body, JSON: resp.JSON}
		}
	}
	code := script.Code{Source: expr, File: at.File, Line: at.Line, Col: at.Col + 2}
	out, err := s.ensure().Eval(s.ctx, code, vars)
	var se *script.Error
	if errors.As(err, &se) && !errors.Is(err, script.ErrRunaway) {
		// Like an undefined variable, an expression that cannot be
		// evaluated is a mistake in the file.
		return "", &Error{Pos: pos(se.At), Msg: se.Msg}
	}
	return out, err
}

// scriptError turns a script's failure into the run's error: an API reqs
// lacks, or an expression that cannot be evaluated, is a mistake in the
// file (an *Error); a script that threw or ran past a budget is an error
// of its request.
func scriptError(err error) error {
	var se *script.Error
	if !errors.As(err, &se) {
		return err
	}
	if se.Unsupported {
		return &Error{Pos: pos(se.At), Msg: se.Msg}
	}
	return err
}

// preRequest runs the request's pre-request scripts, which may set
// variables for it; it reports whether the request goes on.
func (r *Runner) preRequest(ctx context.Context, f *File, req *Request, vars *Vars, out *Outcome) bool {
	if len(req.PreScripts) == 0 {
		return true
	}
	vars.scripts.request = script.NewVariables()
	return r.runScripts(ctx, f, req, vars, req.PreScripts, nil, out)
}

// respond runs the request's response handlers; it reports whether the
// request goes on to its assertions.
func (r *Runner) respond(ctx context.Context, f *File, req *Request, vars *Vars, x *Exchange, out *Outcome) bool {
	if len(req.Handlers) == 0 {
		return true
	}
	resp := &script.Response{Status: x.Status, Header: x.Header, Body: x.Body, JSON: x.JSON}
	if x.Stream != NotStream {
		resp.Items = streamItems(x)
	}
	return r.runScripts(ctx, f, req, vars, req.Handlers, resp, out)
}

// runScripts runs scripts in order, each client.test a result of the
// request and each failed client.assert outside a test a failed check.
// A script that throws ends the request with its error.
func (r *Runner) runScripts(ctx context.Context, f *File, req *Request, vars *Vars, scripts []*Script, resp *script.Response, out *Outcome) bool {
	st := vars.scripts
	sreq := &script.Request{
		Method:     req.Method,
		URL:        req.URL,
		Body:       req.Body,
		Substitute: func(s string) string { return vars.substitute(req, s, req.Pos) },
		Environment: func(name string) (string, bool) {
			v, ok := vars.Environment[name]
			return v, ok
		},
		Variables: st.request,
		Builtin: func(expr string) (string, error) {
			refs := 0
			v, err := vars.builtin(req, expr, req.Pos, 0, &refs)
			var fe *Error
			if errors.As(err, &fe) {
				return "", errors.New(fe.Msg) // the script's place names it
			}
			return v, err
		},
	}
	for _, h := range req.Headers {
		sreq.Header = append(sreq.Header, script.Header{Name: h.Name, Value: h.Value})
	}
	for _, s := range scripts {
		code, err := r.scriptCode(f, s)
		if err != nil {
			out.Err = err
			return false
		}
		res, err := st.ensure().Run(ctx, code, sreq, resp)
		out.Logs = append(out.Logs, res.Logs...)
		for _, t := range res.Tests {
			result := Result{Test: t.Name, Text: t.Name, Pos: pos(t.At), Passed: t.Err == nil}
			if t.Err != nil {
				result.Actual = t.Err.Msg
				result.Pos = pos(t.Err.At)
			}
			out.Results = append(out.Results, result)
		}
		var se *script.Error
		if errors.As(err, &se) && se.Assertion {
			out.Results = append(out.Results, Result{Test: "client.assert", Text: "client.assert", Pos: pos(se.At), Actual: se.Msg})
			continue
		}
		if err != nil {
			out.Err = scriptError(err)
			return false
		}
	}
	return true
}

func pos(p script.Place) Pos { return Pos{File: p.File, Line: p.Line, Col: p.Col} }

// scriptCode is the code of a handler: inline, or read from its file
// (relative to the request file's directory).
func (r *Runner) scriptCode(f *File, s *Script) (script.Code, error) {
	if s.File == "" {
		return script.Code{Source: s.Code, File: s.CodePos.File, Line: s.CodePos.Line, Col: s.CodePos.Col}, nil
	}
	path := s.File
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(f.Path), path)
	}
	read := r.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(path)
	if err != nil {
		return script.Code{}, errorf(s.Pos, "script file %s: %v", path, httpclient.Reason(err))
	}
	return script.Code{Source: string(src), File: path, Line: 1, Col: 1}, nil
}

// substitute replaces the {{…}} in text that resolve and leaves the
// others as written, as JetBrains' tryGetSubstituted does.
func (v *Vars) substitute(req *Request, text string, at Pos) string {
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i+2:], "}}")
		if j < 0 {
			break
		}
		ref := text[i : i+2+j+2]
		b.WriteString(text[:i])
		if val, err := v.Expand(req, ref, at); err == nil {
			b.WriteString(val)
		} else {
			b.WriteString(ref)
		}
		text = text[i+2+j+2:]
	}
	b.WriteString(text)
	return b.String()
}
