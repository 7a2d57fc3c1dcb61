package httpfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
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

	// Environment names the environment of the env files beside each
	// file (LoadEnvironment); "" reads only their "$shared" variables.
	Environment string
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
	// Compress is the body compression of every request.
	Compress httpclient.Compression
	// JQ runs the jq expressions of assertions; nil is RunJQ.
	JQ JQFunc
	// MaxHeld bounds the bodies of the named responses a file's run keeps
	// for the requests after them; 0 is MaxHeldResponses. A response that
	// would pass it fails its request.
	MaxHeld int64

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
// cannot be read, before any request is sent, or when ctx ends.
func (r *Runner) Run(ctx context.Context, files []*File) ([]*FileOutcome, error) {
	envs := make([]map[string]string, len(files))
	for i, f := range files {
		vars, err := LoadEnvironment(filepath.Dir(f.Path), r.Environment)
		if err != nil {
			return nil, err
		}
		envs[i] = vars
	}
	var outcomes []*FileOutcome
	stop := false
	for i, f := range files {
		fo := &FileOutcome{Path: f.Path, Start: time.Now()}
		outcomes = append(outcomes, fo)
		if r.OnFile != nil {
			r.OnFile(f)
		}
		vars := &Vars{Overrides: r.Overrides, Environment: envs[i], Responses: map[string]*Response{}, Getenv: r.Getenv}
		for _, req := range f.Requests {
			if stop || r.Selected != nil && !r.Selected[req] {
				continue
			}
			out, x := r.runOne(ctx, f, req, vars)
			if r.OnOutcome != nil {
				r.OnOutcome(out, x)
			}
			fo.Outcomes = append(fo.Outcomes, out)
			if err := ctx.Err(); err != nil {
				return outcomes, err
			}
			if !out.Passed() && r.FailFast {
				stop = true
			}
		}
		fo.Duration = time.Since(fo.Start)
	}
	return outcomes, nil
}

// runOne builds, sends and checks one request.
func (r *Runner) runOne(ctx context.Context, f *File, req *Request, vars *Vars) (*Outcome, *Exchange) {
	out := &Outcome{Request: req, Method: req.Method, URL: redactURL(req.URL)}
	built, err := r.build(f, req, vars)
	if err != nil {
		out.Err = err
		return out, nil
	}
	out.URL = redactURL(built.URL)
	x, err := r.Send(ctx, req, built)
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
		if err := keepResponse(vars, req, x, limit); err != nil {
			out.Err = err
			return out, x
		}
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

// build substitutes the variables of req and turns it into a library
// request. Its errors are *Error: they name the place in the file.
func (r *Runner) build(f *File, req *Request, vars *Vars) (*httpclient.Request, error) {
	rawURL, err := vars.Expand(req, req.URL, req.URLPos)
	if err != nil {
		return nil, err
	}
	// `GET /path` with a Host header (the origin form of JetBrains'
	// format): the header names the server (with ResolveURL's default
	// scheme, else http, unless it gives one), and the URL's host is
	// then sent as Host.
	fromHost := false
	if strings.HasPrefix(rawURL, "/") && !strings.HasPrefix(rawURL, "//") {
		for _, h := range req.Headers {
			if !strings.EqualFold(h.Name, "Host") {
				continue
			}
			host, err := vars.Expand(req, h.Value, h.ValuePos)
			if err != nil {
				return nil, err
			}
			if host = strings.TrimSuffix(host, "/"); !hasScheme(host) && r.ResolveURL == nil {
				host = "http://" + host
			}
			rawURL, fromHost = host+rawURL, true
			break
		}
		if !fromHost {
			return nil, errorf(req.URLPos, "URL %q has no host: write the whole URL, or add a Host header", redactURL(rawURL))
		}
	}
	full := rawURL
	if r.ResolveURL != nil {
		if full, err = r.ResolveURL(rawURL); err != nil {
			return nil, errorf(req.URLPos, "%v", err)
		}
	}
	if _, err := httpclient.PrepareURL(full); err != nil {
		var re *httpclient.RequestError
		if errors.As(err, &re) && re.Err != nil {
			err = re.Err
		}
		return nil, errorf(req.URLPos, "invalid URL %q: %v", httpclient.RedactURL(rawURL), err)
	}
	hreq := &httpclient.Request{Method: req.Method, URL: full, Header: http.Header{}, Compress: r.Compress}
	for _, h := range req.Headers {
		if fromHost && strings.EqualFold(h.Name, "Host") {
			continue
		}
		name, err := vars.Expand(req, h.Name, h.Pos)
		if err != nil {
			return nil, err
		}
		value, err := vars.Expand(req, h.Value, h.ValuePos)
		if err != nil {
			return nil, err
		}
		hreq.Header.Add(name, value)
		hreq.HeaderOrder = append(hreq.HeaderOrder, name) // sent in the file's order
	}
	// The lines of a multipart body end in CR LF, as RFC 2046 asks and
	// other clients send them; the files in it are sent as they are.
	nl := "\n"
	if ct := strings.ToLower(strings.TrimSpace(hreq.Header.Get("Content-Type"))); strings.HasPrefix(ct, "multipart/") {
		nl = "\r\n"
	}
	switch {
	case req.Body != nil:
		body, err := vars.Expand(req, lineEnds(*req.Body, nl), req.BodyPos)
		if err != nil {
			return nil, err
		}
		hreq.Body = httpclient.BytesBody([]byte(body))
	case req.BodyParts != nil:
		var body bytes.Buffer
		for k, part := range req.BodyParts {
			if k > 0 {
				body.WriteString(nl)
			}
			if part.File == "" {
				text, err := vars.Expand(req, lineEnds(part.Text, nl), part.Pos)
				if err != nil {
					return nil, err
				}
				body.WriteString(text)
				continue
			}
			data, err := r.readBodyFile(f, req, vars, part.File, part.Subst, part.Pos)
			if err != nil {
				return nil, err
			}
			body.Write(data)
		}
		hreq.Body = httpclient.BytesBody(body.Bytes())
	case req.BodyFile != "":
		path, err := r.bodyPath(f, req, vars, req.BodyFile, req.BodyPos)
		if err != nil {
			return nil, err
		}
		if !req.BodySubst {
			b, err := httpclient.FileBody(path)
			if err != nil {
				return nil, errorf(req.BodyPos, "body file %s: %v", path, pathProblem(err))
			}
			hreq.Body = b
			break
		}
		data, err := r.readBodyFile(f, req, vars, req.BodyFile, true, req.BodyPos)
		if err != nil {
			return nil, err
		}
		hreq.Body = httpclient.BytesBody(data)
	}
	return hreq, nil
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

// readBodyFile reads a body file, substituting its variables when subst.
func (r *Runner) readBodyFile(f *File, req *Request, vars *Vars, name string, subst bool, at Pos) ([]byte, error) {
	path, err := r.bodyPath(f, req, vars, name, at)
	if err != nil {
		return nil, err
	}
	read := r.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		return nil, errorf(at, "body file %s: %v", path, pathProblem(err))
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

// pathProblem is a file error without the path the message already
// names.
func pathProblem(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
		return fmt.Errorf("report %s: %w", path, pathProblem(err))
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
		return fmt.Errorf("report %s: %w", path, pathProblem(err))
	}
	return nil
}

// hasScheme reports whether a URL starts with a scheme, as http:// does.
func hasScheme(u string) bool {
	i := strings.Index(u, "://")
	if i <= 0 {
		return false
	}
	for _, c := range u[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// lineEnds makes the line ends of text (LF, as parsed) nl.
func lineEnds(text, nl string) string {
	if nl == "\n" {
		return text
	}
	return strings.ReplaceAll(text, "\n", nl)
}
