package cmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/charset"
	"github.com/reqs-cli/reqs/pkg/httpfile"
	"github.com/reqs-cli/reqs/pkg/jq"
	"github.com/reqs-cli/reqs/pkg/render"
)

// printSpec says which parts of an exchange go to stdout (--print).
type printSpec struct {
	RequestHead, RequestBody, ResponseHead, ResponseBody, Meta bool
}

// parsePrint reads the letters s given to the flag named (print,
// history-print).
func parsePrint(name, s string) (printSpec, error) {
	var p printSpec
	for _, c := range s {
		switch c {
		case 'H':
			p.RequestHead = true
		case 'B':
			p.RequestBody = true
		case 'h':
			p.ResponseHead = true
		case 'b':
			p.ResponseBody = true
		case 'm':
			p.Meta = true
		default:
			return p, usageErrorf("invalid --%s %q: %q is not one of H, B, h, b, m", name, s, c)
		}
	}
	return p, nil
}

// prettyModes are the values of --pretty.
var prettyModes = []string{"all", "colors", "format", "none"}

// setOutput decides what is printed and how: the --print letters (or
// what -v, -h, -b, --offline and a terminal imply), the --pretty mode,
// colours, style and indentation, and the --jq filter.
func setOutput(env *requestEnv) error {
	o := env.Opts
	var what string
	switch {
	case o.Changed("print"):
		what = o.Print
	case o.Verbose >= 2:
		what = "HBhbm"
	case o.Verbose == 1:
		what = "HBhb"
	case o.HeadersOnly || o.BodyOnly || o.MetaOnly:
		if o.HeadersOnly {
			what += "h"
		}
		if o.BodyOnly {
			what += "b"
		}
		if o.MetaOnly {
			what += "m"
		}
	case o.Offline:
		what = "HB"
	case env.IO.StdoutTTY:
		what = "hb"
	default:
		what = "b"
	}
	spec, err := parsePrint("print", what)
	if err != nil {
		return err
	}
	history := spec
	if o.Changed("history-print") {
		if history, err = parsePrint("history-print", o.HistoryPrint); err != nil {
			return err
		}
	}
	if o.Quiet > 0 {
		spec, history = printSpec{}, printSpec{}
	}
	env.Print, env.History = spec, history

	// Printed output goes to stdout, or in download mode to stderr: its
	// terminal and colour decisions follow that stream (as in HTTPie).
	tty, envColor := env.IO.StdoutTTY, env.IO.ColorEnv
	if o.Transfer.Download || o.Transfer.Output != "" {
		tty, envColor = env.IO.StderrTTY, env.IO.ErrColor
	}
	pretty := o.Pretty
	if !o.Changed("pretty") {
		pretty = "none"
		if tty || o.Color || envColor {
			// Colours forced into a pipe (--color, CLICOLOR_FORCE) look
			// as they do on a terminal.
			pretty = "all"
		}
	}
	known := false
	for _, m := range prettyModes {
		known = known || m == pretty
	}
	if !known {
		return usageErrorf("invalid --pretty %q: want one of %s", pretty, strings.Join(prettyModes, ", "))
	}
	if err := render.ValidateStyle(o.Style); err != nil {
		return usageErrorf("invalid --style %q: %v", o.Style, err)
	}
	if o.Indent < 1 || o.Indent > 16 {
		// 0 used to be taken and to indent by 4, the default.
		return usageErrorf("invalid --indent %d: want 1 to 16", o.Indent)
	}
	colors := pretty == "all" || pretty == "colors"
	color := envColor
	if o.Changed("pretty") && colors {
		// An explicit --pretty asks for colours even into a pipe, but
		// NO_COLOR still wins.
		color = env.IO.Getenv("NO_COLOR") == ""
	}
	switch {
	case o.NoColor:
		color = false
	case o.Color:
		color = true
	}
	env.Render = render.Options{
		Color:  colors && color,
		Format: pretty == "all" || pretty == "format",
		Style:  o.Style,
		// COLORTERM is how terminals say they take 24-bit colour.
		TrueColor: env.IO.Getenv("COLORTERM") == "truecolor" || env.IO.Getenv("COLORTERM") == "24bit",
		Indent:    o.Indent,
		SortKeys:  o.SortKeys,
		Terminal:  tty,
		Unescape:  pretty == "all" || pretty == "format",
	}
	if err := o.Format.setRender(&env.Render); err != nil {
		return err
	}
	// --jq decodes the body its own way (see jqReader).
	env.Transcode = (env.IO.StdoutTTY || o.Changed("pretty")) && !o.Changed("jq")
	if o.Transfer.downloading() {
		// Everything printed goes to stderr; stdout stays free for the
		// body (HTTPie's download mode).
		ios := *env.IO
		env.stdout, ios.Out = ios.Out, ios.ErrOut
		env.IO = &ios
		env.Print.ResponseBody = false
		if env.Quiet == 0 && !o.Changed("print") && !o.Changed("verbose") && !o.Changed("headers") && !o.Changed("body") && !o.Changed("meta") {
			env.Print.ResponseHead = true
		}
	}
	return setFilter(env)
}

// setFilter compiles --jq, so a bad expression is refused before anything
// is sent.
func setFilter(env *requestEnv) error {
	o := env.Opts
	if !o.Changed("jq") {
		if o.RawOutput {
			return usageErrorf("--raw-output prints --jq results; give --jq EXPR")
		}
		return nil
	}
	switch {
	case o.Transfer.Output == "-":
		return usageErrorf("--jq filters the printed body, and --output - writes it as it came; use one")
	case o.Transfer.Output != "":
		return usageErrorf("--jq filters the printed body, and --output saves it to a file; use one")
	case o.Transfer.Download:
		return usageErrorf("--jq filters the printed body, and --download saves it to a file; use one")
	}
	q, err := jq.Compile(o.JQ)
	if err != nil {
		return usageErrorf("--jq: %v", err)
	}
	env.Filter = &render.Filter{Query: q, Raw: o.RawOutput, Stream: o.Transfer.Stream}
	return nil
}

// renderBody prints a response body: the results of --jq when it was
// given, else the body as [render.Body] formats it.
func (e *requestEnv) renderBody(ctx context.Context, w io.Writer, r io.Reader, contentType string) error {
	if e.Filter == nil {
		return render.Body(w, r, contentType, e.Render)
	}
	if err := render.JQ(ctx, w, e.jqReader(r, contentType), contentType, *e.Filter, e.Render); err != nil {
		return fmt.Errorf("--jq: %w", err)
	}
	return nil
}

// jqReader decodes a body for --jq, the same piped as on a terminal.
// JSON is UTF-8 (RFC 8259), so only a charset that is declared, by
// --response-charset or the Content-Type, changes that: a guess from the
// bytes, as displayed text gets, would read a UTF-8 body served as
// text/plain as Latin-1.
func (e *requestEnv) jqReader(r io.Reader, contentType string) io.Reader {
	cs := e.Opts.Transfer.ResponseCharset
	if cs == "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			cs = params["charset"]
		}
	}
	if cs == "" {
		return r
	}
	tr, err := charset.NewReader(r, cs)
	if err != nil {
		// An unknown charset from the server is not fatal: read the bytes.
		e.Warn("cannot decode the body: %v", err)
		return r
	}
	return tr
}

// preferredTypes are file types chosen over Go's table where that
// table differs from what HTTPie (Python's mimetypes) and curl send:
// XML is application/xml (RFC 7303 prefers it to text/xml).
var preferredTypes = map[string]string{".xml": "application/xml"}

// guessMIME returns the content type of a file field from its extension.
func guessMIME(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	if t, ok := preferredTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return ""
}

// printRequest writes the request head (as sent over proto) and body as
// spec asks. It reports whether a body was written, which the next
// block must be separated from by a blank line (the head ends with one
// itself).
func printRequest(env *requestEnv, spec printSpec, p *httpclient.PreparedRequest, proto string) (bodyWritten bool, err error) {
	if err := printRequestHead(env, spec, p, proto); err != nil {
		return false, err
	}
	return printRequestBody(env, spec, p)
}

// headPrinter prints a request's head once, with the protocol its
// connection reports (SendOptions.OnConnect); the body is printed after
// the exchange, since the transport reads a one-shot body (standard
// input) first. When the first request may be printed as history (-P
// with --all), which only the response says, printing waits for finish.
type headPrinter struct {
	env   *requestEnv
	wait  bool
	done  bool
	p     *httpclient.PreparedRequest
	proto string
	err   error
}

// newHeadPrinter returns the head printer of env's first request.
func newHeadPrinter(env *requestEnv) *headPrinter {
	return &headPrinter{env: env, wait: env.Opts.Redirect.All && env.History != env.Print}
}

func (h *headPrinter) print(p *httpclient.PreparedRequest, proto string) {
	if h.done || h.p != nil {
		return
	}
	if h.wait {
		h.p, h.proto = p, proto
		return
	}
	h.done = true
	h.err = printRequestHead(h.env, h.env.Print, p, proto)
}

// finish prints the first request's body, and its head when it waited,
// as resp's place says: with the history's spec when resp came after
// redirects printed with --all. It reports whether a body was written.
func (h *headPrinter) finish(p *httpclient.PreparedRequest, resp *httpclient.Response) (bool, error) {
	spec := h.env.Print
	if h.env.Opts.Redirect.All && resp != nil && len(resp.History) > 0 {
		spec = h.env.History
	}
	if h.p != nil && !h.done {
		h.done = true
		if err := printRequestHead(h.env, spec, h.p, h.proto); err != nil {
			return false, err
		}
	}
	return printRequestBody(h.env, spec, p)
}

// printRequestHead writes the request head as it goes on the wire over
// proto, when --print asks for it.
func printRequestHead(env *requestEnv, spec printSpec, p *httpclient.PreparedRequest, proto string) error {
	if !spec.RequestHead {
		return nil
	}
	return render.RequestHead(env.IO.Out, env.Session.Head(p, proto), env.Render)
}

// rawOffline reports whether --offline writes the request as its wire
// bytes: into a pipe or file, neither formatted nor coloured, as HTTPie
// does, so `reqs --offline ... > request.http` can be sent as it is
// (nc HOST 80 < request.http).
func (e *requestEnv) rawOffline() bool {
	return !e.Render.Terminal && !e.Render.Format && !e.Render.Color
}

// printRawRequest writes what --print asks for of the request as it would
// go out over HTTP/1.1: the head with CRLF line ends, then the body's bytes
// as they are (in chunks when the head says chunked), with no newline
// added.
func printRawRequest(env *requestEnv, spec printSpec, p *httpclient.PreparedRequest) error {
	head := env.Session.Head(p, "HTTP/1.1")
	chunked := false
	for _, f := range head.Header {
		chunked = chunked || strings.EqualFold(f.Name, "Transfer-Encoding") && strings.Contains(strings.ToLower(f.Value), "chunked")
	}
	if spec.RequestHead {
		var b []byte
		b = append(b, head.Method+" "+head.Target+" "+head.Proto+"\r\n"...)
		for _, f := range head.Header {
			b = append(b, f.Name+": "+f.Value+"\r\n"...)
		}
		b = append(b, "\r\n"...)
		if _, err := env.IO.Out.Write(b); err != nil {
			return err
		}
	}
	if !spec.RequestBody || !p.HasBody() {
		return nil
	}
	body, err := p.GetBody()
	if err != nil {
		return err
	}
	defer body.Close()
	if !chunked {
		_, err = io.Copy(env.IO.Out, body)
		return err
	}
	cw := httputil.NewChunkedWriter(env.IO.Out)
	if _, err := io.Copy(cw, body); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(env.IO.Out, "\r\n") // the end of the (empty) trailer
	return err
}

// printRequestBody writes the request body when --print asks for it and
// reports whether it wrote one.
func printRequestBody(env *requestEnv, spec printSpec, p *httpclient.PreparedRequest) (bool, error) {
	if !spec.RequestBody || !p.HasBody() {
		return false, nil
	}
	body, err := p.GetBody()
	if err != nil {
		return false, err
	}
	_, err = render.BodyBlock(env.IO.Out, body, p.Header.Get("Content-Type"), env.Render)
	body.Close()
	if err != nil {
		return false, err
	}
	return true, nil
}

// requestProto is the protocol a response's request went out with.
func requestProto(resp *httpclient.Response) string {
	switch resp.ProtoMajor() {
	case 2:
		return "HTTP/2"
	case 3:
		return "HTTP/3"
	}
	return "HTTP/1.1"
}

// printExchange writes the redirect history (--all), the final response
// and the metadata.
func printExchange(ctx context.Context, env *requestEnv, resp *httpclient.Response, sepAfterRequest bool) error {
	// Ctrl-C and --max-time stop the printing too: the highlighter stops
	// and the output refuses what is left.
	out := outputUntil(ctx, env.IO.Out)
	env.Render.Done = ctx.Done()
	env.Render.Warn = func(msg string) { env.Warn("%s", msg) }
	sep := sepAfterRequest
	if env.Opts.Redirect.All {
		// Intermediate exchanges print as --history-print says (HTTPie's
		// -P), by default as the final one.
		hist := env.History
		for i, h := range resp.History {
			if i > 0 {
				wrote, err := printRequest(env, hist, h.Request, requestProto(h))
				if err != nil {
					return err
				}
				sep = wrote
			}
			if sep && hist.ResponseHead {
				io.WriteString(out, "\n")
			}
			if err := printResponseHead(env, hist, out, h); err != nil {
				return err
			}
			sep = false
			if hist.ResponseBody && h.Body != nil {
				n, err := render.BodyBlock(out, h.Body, h.Header.Get("Content-Type"), env.Render)
				if err != nil {
					return err
				}
				sep = n > 0
			}
		}
		if len(resp.History) > 0 {
			wrote, err := printRequest(env, env.Print, resp.Request, requestProto(resp))
			if err != nil {
				return err
			}
			sep = wrote
		}
	}
	if sep && (env.Print.ResponseHead || env.Print.ResponseBody) {
		io.WriteString(out, "\n")
	}
	if err := printResponseHead(env, env.Print, out, resp); err != nil {
		return err
	}
	if sep && !env.Print.ResponseHead && !env.Print.ResponseBody {
		sep = false
	}
	handled, err := env.output(ctx, resp)
	if err != nil {
		return err
	}
	if !handled && env.Print.ResponseBody {
		r, ct, err := env.displayReader(resp)
		if err != nil {
			return err
		}
		switch {
		case env.Filter != nil:
			err = env.renderBody(ctx, out, r, ct)
		case env.Render.Terminal || env.Print.ResponseHead:
			_, err = render.BodyBlock(out, r, ct, env.Render)
		default:
			err = render.Body(out, r, ct, env.Render)
		}
		if err != nil {
			return err
		}
	}
	if env.Print.Meta {
		m := render.Meta{
			Elapsed:    time.Since(resp.Timings.Start),
			DNS:        resp.Timings.DNS,
			Connect:    resp.Timings.Connect,
			TLS:        resp.Timings.TLS,
			TTFB:       resp.Timings.TTFB,
			RemoteAddr: resp.RemoteAddr,
			Proto:      resp.Proto,
		}
		if resp.Timings.TTFB > 0 {
			m.Transfer = m.Elapsed - resp.Timings.TTFB
		}
		if resp.TLS != nil {
			m.TLSVersion = tlsVersionName(resp.TLS.Version)
		}
		m.Exchanges = timeline(resp, m.Elapsed)
		if env.Print != (printSpec{Meta: true}) {
			io.WriteString(out, "\n")
		}
		if err := render.Metadata(out, m, env.Render); err != nil {
			return err
		}
	}
	return nil
}

// timeline lists every exchange behind resp for the timing waterfall:
// each redirect hop and each retried attempt, then resp itself, whose
// elapsed time runs to its last byte.
func timeline(resp *httpclient.Response, elapsed time.Duration) []render.Exchange {
	var xs []render.Exchange
	var origin time.Time
	at := func(t time.Time) time.Duration {
		if origin.IsZero() {
			origin = t
		}
		return t.Sub(origin)
	}
	firstHost := ""
	add := func(r *httpclient.Response, final bool) {
		u := r.Request.URL
		if firstHost == "" {
			firstHost = u.Host
		}
		target := r.Request.Method + " " + u.RequestURI()
		if u.Host != firstHost { // a hop to another host says which
			target = r.Request.Method + " " + u.Scheme + "://" + u.Host + u.RequestURI()
		}
		for _, a := range r.Attempts {
			outcome := strconv.Itoa(a.StatusCode)
			if a.StatusCode == 0 && a.Err != nil {
				outcome = shorten(a.Err.Error(), 32)
			}
			xs = append(xs, render.Exchange{
				Label: target + " → " + outcome + ", retried",
				Start: at(a.Timings.Start),
				DNS:   a.Timings.DNS, Connect: a.Timings.Connect, TLS: a.Timings.TLS, TTFB: a.Timings.TTFB,
				Elapsed: a.Elapsed,
			})
		}
		x := render.Exchange{
			Label: target + " → " + strconv.Itoa(r.StatusCode),
			Start: at(r.Timings.Start),
			DNS:   r.Timings.DNS, Connect: r.Timings.Connect, TLS: r.Timings.TLS, TTFB: r.Timings.TTFB,
			Elapsed: r.Elapsed,
		}
		if final {
			x.Elapsed = elapsed
		}
		xs = append(xs, x)
	}
	for _, h := range resp.History {
		add(h, false)
	}
	add(resp, true)
	return xs
}

// shorten cuts s to n characters, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func printResponseHead(env *requestEnv, spec printSpec, w io.Writer, resp *httpclient.Response) error {
	if !spec.ResponseHead {
		return nil
	}
	return render.ResponseHead(w, resp.Proto, resp.StatusCode, resp.Reason, resp.RawHeader, env.Render)
}

func tlsVersionName(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	case 0x0302:
		return "TLS 1.1"
	case 0x0301:
		return "TLS 1.0"
	}
	return fmt.Sprintf("TLS 0x%04x", v)
}

// curlBodyLimit bounds the body inlined into --curl output; larger bodies
// are referred to by file.
const curlBodyLimit = 64 << 10

// printCurl writes the equivalent curl command line.
func printCurl(env *requestEnv, p *httpclient.PreparedRequest) error {
	var body []byte
	file := p.BodyFile()
	if p.HasBody() && file == "" {
		if env.Request.Body != nil && env.Request.Body.Path() == "" && (env.StdinBody || env.Request.Body.Size() < 0 || env.Request.Body.Size() > curlBodyLimit) {
			file = "-"
		} else {
			rc, err := p.GetBody()
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			_, err = io.Copy(&buf, rc)
			rc.Close()
			if err != nil {
				return err
			}
			body = buf.Bytes()
		}
	}
	notes := &exportNotes{flag: "--curl"}
	header := exportHeader(env, p, notes, func(name string) string {
		v := shellVarName(name)
		notes.add("the %s header of the session %s is written as $%s; set it before running the command", name, env.Opts.sessionName(), v)
		return render.ShellVar(v)
	})
	c := render.Curl{
		Method: p.Method, URL: p.URL.String(), Header: headerOf(httpclient.RequestHead{Header: header}), Body: body, BodyFile: file,
		Follow: env.Opts.Redirect.follows(p.Method), MaxRedirects: max(env.Session.MaxRedirects, 0),
		HeaderComplete: true, MaxTime: env.Opts.Transfer.maxTime(), PathAsIs: env.Opts.PathAsIs,
	}
	if form := curlForm(env.Request, p); form != nil {
		c.Form, c.Body, c.BodyFile = form, nil, ""
	}
	// curl signs for itself (a signature made now would go stale), and
	// gets each credential through an option of its own.
	curlCredentials(env, p, &c, notes)
	if env.Opts.Session.Cookies != "" && !env.Opts.Session.active() {
		// curl reads the same cookie file, matching domains itself.
		c.CookieFile = env.Opts.Session.Cookies
	}
	if c.Header.Get("Accept-Encoding") == httpclient.AcceptEncoding {
		// curl sends its own list and decodes the answer with --compressed.
		c.Header.Del("Accept-Encoding")
		c.Compressed = true
	}
	topts := env.Session.TransportOptions()
	c.Insecure, c.CACert = topts.InsecureSkipVerify, topts.CABundle
	c.Cert, c.Key = topts.Cert, topts.CertKey
	if ext := strings.ToLower(filepath.Ext(c.Cert)); ext == ".p12" || ext == ".pfx" {
		c.CertType = "P12"
	}
	c.UnixSocket, c.HTTP11 = topts.UnixSocket, topts.HTTP1
	c.HTTP2PriorKnowledge = topts.HTTP2 && p.URL.Scheme == "http"
	c.HTTP3 = topts.HTTP3 && p.URL.Scheme == "https"
	if c.Cert != "" {
		c.CertPass = curlPassphrase(env, topts.CertKeyPass, notes)
	}
	c.ConnectTimeout, c.ReadTimeout = topts.ConnectTimeout, topts.ReadTimeout
	c.IPv4, c.IPv6, c.Interface = topts.IPv4, topts.IPv6, topts.Interface
	switch topts.TLSVersion {
	case tls.VersionTLS12:
		c.TLSVersion = "1.2"
	case tls.VersionTLS13:
		c.TLSVersion = "1.3"
	}
	for _, r := range topts.Resolve {
		addrs := make([]string, len(r.Addrs))
		for i, a := range r.Addrs {
			addrs[i] = a.String()
			if a.Is6() && !a.Is4In6() {
				addrs[i] = "[" + addrs[i] + "]"
			}
		}
		c.Resolve = append(c.Resolve, fmt.Sprintf("%s:%d:%s", r.Host, r.Port, strings.Join(addrs, ",")))
	}
	if pu, err := env.Session.ProxyFor(p.URL); err == nil && pu != nil {
		c.Proxy = curlProxy(env, p.URL, pu, notes)
	}
	curlKeepsFollow(&c, notes)
	notes.print(env)
	_, err := fmt.Fprintln(env.IO.Out, c.String())
	return err
}

// headerOf is the header lines of a request head as an [http.Header].
func headerOf(head httpclient.RequestHead) http.Header {
	h := http.Header{}
	for _, f := range head.Header {
		h[http.CanonicalHeaderKey(f.Name)] = append(h[http.CanonicalHeaderKey(f.Name)], f.Value)
	}
	return h
}

// curlForm returns the multipart body of req as curl's form parts, so
// that files go by name (-F 'f=@FILE') rather than inlined; nil when the
// body is not multipart, was compressed, or has a part curl cannot name.
func curlForm(req *httpclient.Request, p *httpclient.PreparedRequest) []render.CurlFormPart {
	if req == nil || !(req.Multipart || len(req.Files) > 0) || p.Header.Get("Content-Encoding") != "" {
		return nil
	}
	form := []render.CurlFormPart{}
	for _, f := range req.Form {
		form = append(form, render.CurlFormPart{Name: f.Name, Value: f.Value})
	}
	for _, f := range req.Files {
		if f.Path == "" {
			return nil
		}
		part := render.CurlFormPart{Name: f.Field, File: f.Path, Type: f.ContentType}
		if part.Type == "" {
			part.Type = "application/octet-stream" // what reqs sends; curl would guess
		}
		if f.Filename != filepath.Base(f.Path) || f.Path == "-" {
			part.Filename = f.Filename
		}
		form = append(form, part)
	}
	return form
}

// printHTTPFile writes the request as a request-file (.http) block
// that reqs run sends unchanged: the headers as they go on the wire but
// for those reqs run works out itself (Host from the URL, the body's
// framing, the session defaults left at their values), a file body as
// `< PATH`. What the format cannot carry is a usage error that says why.
func printHTTPFile(env *requestEnv, p *httpclient.PreparedRequest) error {
	b := httpfile.Block{Method: p.Method, URL: p.URL.String()}
	defaults := httpclient.DefaultHeaders()
	defaults.Set("User-Agent", userAgent())
	notes := &exportNotes{flag: "--http"}
	// The head as sent, but without what the export must not copy: the
	// jar's cookies and the secret headers of a stored session, which
	// reqs run --session sends itself.
	header := exportHeader(env, p, notes, func(name string) string {
		notes.add("the %s header of the session %s is left out; give reqs run %s", name, env.Opts.sessionName(), env.Opts.sessionFlag())
		return ""
	})
	sent := map[string]bool{}
	for _, f := range header {
		sent[http.CanonicalHeaderKey(f.Name)] = true
		switch name := http.CanonicalHeaderKey(f.Name); {
		case name == "Host" && f.Value == p.URL.Host,
			name == "Content-Length", name == "Transfer-Encoding",
			len(defaults[name]) == 1 && defaults.Get(name) == f.Value:
			continue
		}
		b.Header = append(b.Header, [2]string{f.Name, f.Value})
	}
	for name := range defaults {
		if !sent[name] && name == "User-Agent" {
			// An empty User-Agent line sends none, as `User-Agent:` did.
			b.Header = append(b.Header, [2]string{name, ""})
		}
	}
	b.Prompts = httpFileCredentials(env, p, &b.Header, notes)
	switch {
	case !p.HasBody():
	case p.BodyFile() != "":
		path, err := filepath.Abs(p.BodyFile())
		if err != nil {
			return err
		}
		b.BodyFile = path
	default:
		rc, err := p.GetBody()
		if err != nil {
			return err
		}
		body, err := io.ReadAll(io.LimitReader(rc, httpFileBodyLimit+1))
		rc.Close()
		if err != nil {
			return err
		}
		if len(body) > httpFileBodyLimit {
			return usageErrorf("--http: the body is over %d MiB; save it to a file and send it with @FILE", httpFileBodyLimit>>20)
		}
		b.Body = body
	}
	var out bytes.Buffer
	if err := httpfile.WriteBlock(&out, b); err != nil {
		return usageErrorf("--http: the request %v", err)
	}
	notes.print(env)
	_, err := env.IO.Out.Write(out.Bytes())
	return err
}

// httpFileBodyLimit bounds a body written into a request-file block.
const httpFileBodyLimit = 10 << 20
