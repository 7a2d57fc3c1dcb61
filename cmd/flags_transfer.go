package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/charset"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/pflag"
)

// transferFlags are the flags of how an exchange is carried out:
// timeouts, retries, request-body compression, and the response-body
// workflows (streaming, downloads, charsets, pagination).
type transferFlags struct {
	Stream       bool
	Download     bool
	Output       string
	Continue     bool
	KeepEncoding bool

	Timeout       string
	MaxTime       float64
	Retries       int
	RetryBackoff  float64
	RetryStatus   string
	RetryMethods  string
	MaxRetryAfter float64

	ResponseCharset string
	ResponseMIME    string

	Paginate bool
	MaxPages int
	Compress int
}

func (f *transferFlags) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.Stream, "stream", "S", false, "print the body as it arrives, line by line (NDJSON, server-sent events)")
	fs.BoolVarP(&f.Download, "download", "d", false, "save the body to a file named from Content-Disposition or the URL, with a progress bar on stderr")
	fs.StringVarP(&f.Output, "output", "o", "", "save the body to `FILE` (implies --download)")
	fs.BoolVarP(&f.Continue, "continue", "c", false, "resume an interrupted download of --output FILE with a Range request")
	fs.BoolVar(&f.KeepEncoding, "keep-encoding", false, "save a download as sent, still in its Content-Encoding (a gzip body stays compressed)")
	fs.StringVar(&f.Timeout, "timeout", "", "`SECONDS` to wait for a connection and between bytes, or CONNECT,READ")
	fs.Float64Var(&f.MaxTime, "max-time", 0, "give up after `SECONDS` in all: connecting, redirects, retries and the whole body (curl -m)")
	fs.IntVar(&f.Retries, "retries", 0, "retry a failed request up to `N` times")
	fs.Float64Var(&f.RetryBackoff, "retry-backoff", 0, "backoff `FACTOR` in seconds: retry n waits FACTOR*2^(n-1), the first at once (urllib3)")
	fs.StringVar(&f.RetryStatus, "retry-status", "429,502,503,504", "`CODES` that are retried, comma-separated")
	fs.StringVar(&f.RetryMethods, "retry-methods", "", "`METHODS` retried besides the idempotent ones, comma-separated (* for all)")
	fs.Float64Var(&f.MaxRetryAfter, "max-retry-after", httpclient.DefaultMaxRetryAfter.Seconds(), "wait at most `SECONDS` when a response asks for it with Retry-After")
	fs.StringVar(&f.ResponseCharset, "response-charset", "", "decode the displayed body from `CHARSET`, whatever the response says")
	fs.StringVar(&f.ResponseMIME, "response-mime", "", "format the displayed body as `TYPE`, whatever the response says")
	fs.BoolVar(&f.Paginate, "paginate", false, `follow Link rel="next" headers and print every page (JSON arrays merged into one)`)
	fs.IntVar(&f.MaxPages, "max-pages", httpclient.DefaultMaxPages, "fetch at most `N` pages with --paginate")
	fs.CountVarP(&f.Compress, "compress", "x", "deflate the request body when that makes it smaller; -xx always")
}

// check refuses transfer flags that cannot be used, alone or together.
func (f *transferFlags) check() error {
	if f.MaxTime < 0 || f.MaxTime > 1e9 || f.MaxTime != f.MaxTime {
		return usageErrorf("invalid --max-time %v: want 0 (no limit) or more seconds", f.MaxTime)
	}
	if f.Retries < 0 {
		return usageErrorf("invalid --retries %d: want 0 or more", f.Retries)
	}
	if f.RetryBackoff < 0 || f.MaxRetryAfter < 0 {
		return usageErrorf("--retry-backoff and --max-retry-after want 0 or more seconds")
	}
	if _, err := parseStatuses(f.RetryStatus); err != nil {
		return usageErrorf("invalid --retry-status %q: %v", f.RetryStatus, err)
	}
	if f.ResponseCharset != "" {
		if err := charset.Valid(f.ResponseCharset); err != nil {
			return usageErrorf("invalid --response-charset: %v", err)
		}
	}
	if f.ResponseMIME != "" {
		if _, _, err := mime.ParseMediaType(f.ResponseMIME); err != nil || !strings.Contains(f.ResponseMIME, "/") {
			return usageErrorf("invalid --response-mime %q: want TYPE/SUBTYPE", f.ResponseMIME)
		}
	}
	if f.MaxPages < 1 {
		return usageErrorf("invalid --max-pages %d: want 1 or more", f.MaxPages)
	}
	switch {
	case f.Continue && f.Output == "-":
		return usageErrorf("--continue resumes a file, and -o - writes to standard output")
	case f.Continue && f.Output == "":
		return usageErrorf("--continue needs --output FILE: the name of the file to resume")
	case f.downloading() && f.Stream:
		return usageErrorf("--stream and --download exclude each other")
	case f.downloading() && f.Paginate:
		return usageErrorf("--paginate and --download exclude each other")
	}
	return nil
}

// downloading reports whether the body is saved rather than printed
// (--download, --output).
func (f *transferFlags) downloading() bool { return f.Download || f.Output != "" }

// toStdout reports whether a download writes the body to standard
// output: -o -, or --download without -o into a redirected standard
// output, as in HTTPie (reqs -d URL | tar xz, reqs -d URL > file).
func (f *transferFlags) toStdout(ios *IOStreams) bool {
	return f.Output == "-" || f.Download && f.Output == "" && !ios.StdoutTTY
}

// maxTime returns the --max-time limit, 0 for none.
func (f *transferFlags) maxTime() time.Duration {
	return time.Duration(f.MaxTime * float64(time.Second))
}

// withMaxTime bounds ctx by --max-time, one limit over sending, every hop
// and retry, and reading the body to its last byte; without it ctx is
// returned as it is.
func (f *transferFlags) withMaxTime(ctx context.Context) (context.Context, context.CancelFunc) {
	if d := f.maxTime(); d > 0 {
		return httpclient.WithMaxTime(ctx, d)
	}
	return ctx, func() {}
}

// parseStatuses reads a comma-separated list of status codes.
func parseStatuses(s string) ([]int, error) {
	var codes []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		c, err := strconv.Atoi(p)
		if err != nil || c < 100 || c > 599 {
			return nil, fmt.Errorf("%q is not a status code", p)
		}
		codes = append(codes, c)
	}
	return codes, nil
}

// retryPolicy is the policy of the retry flags with n retries (a request
// file's @retries gives its own n).
func (f *transferFlags) retryPolicy(env *requestEnv, n int) httpclient.RetryPolicy {
	codes, _ := parseStatuses(f.RetryStatus)
	pol := httpclient.RetryPolicy{
		Retries:       n,
		Backoff:       time.Duration(f.RetryBackoff * float64(time.Second)),
		Statuses:      codes,
		MaxRetryAfter: time.Duration(f.MaxRetryAfter * float64(time.Second)),
	}
	for _, m := range strings.Split(f.RetryMethods, ",") {
		if m = strings.TrimSpace(m); m != "" {
			pol.Methods = append(pol.Methods, strings.ToUpper(m))
		}
	}
	if env.Quiet == 0 {
		pol.OnRetry = func(attempt int, wait time.Duration, reason string) {
			env.Warn("retry %d of %d in %s: %s", attempt, n, wait.Round(time.Millisecond), reason)
		}
	}
	return pol
}

// compression is what -x (when smaller) and -xx (always) ask for.
func (f *transferFlags) compression() httpclient.Compression {
	switch {
	case f.Compress > 1:
		return httpclient.CompressAlways
	case f.Compress == 1:
		return httpclient.CompressIfSmaller
	}
	return httpclient.CompressNone
}

// output writes the final response's body when a body-workflow mode
// (download, stream, pagination) owns it; handled is false when the
// ordinary printer should.
func (env *requestEnv) output(ctx context.Context, resp *httpclient.Response) (handled bool, err error) {
	f := &env.Opts.Transfer
	switch {
	case f.downloading():
		return env.download(resp)
	case f.Paginate:
		return true, env.paginate(ctx, resp)
	case env.Print.ResponseBody && !env.Collected && sse.KindOf(resp.Header.Get("Content-Type")) != sse.NotStream:
		return true, streamBody(ctx, env, resp)
	case f.Stream && env.Print.ResponseBody:
		r, ct, err := env.displayReader(resp)
		if err != nil {
			return true, err
		}
		if env.Filter != nil {
			return true, env.renderBody(ctx, env.IO.Out, r, ct)
		}
		return true, render.Stream(env.IO.Out, r, ct, env.Render)
	}
	return false, nil
}

// displayReader returns the body to print and the content type to format
// it by: --response-mime replaces the type, and on a terminal (or with an
// explicit --pretty) text is decoded to UTF-8 from --response-charset,
// else the Content-Type charset, else a detected one.
func (env *requestEnv) displayReader(resp *httpclient.Response) (io.Reader, string, error) {
	f := &env.Opts.Transfer
	ct := resp.Header.Get("Content-Type")
	if f.ResponseMIME != "" {
		ct = f.ResponseMIME
	}
	var r io.Reader = resp.Body
	if !env.Transcode {
		return r, ct, nil
	}
	cs := f.ResponseCharset
	if cs == "" {
		if ct != "" && !render.IsTextType(ct) {
			// Untyped bodies are sniffed below; typed ones decode only
			// when they are text.
			return r, ct, nil
		}
		br := bufio.NewReaderSize(r, charset.DetectPrefix)
		head, _ := br.Peek(1)
		if f.Stream {
			// A stream is decoded as it arrives: the charset is guessed
			// from what the first read brought, never by waiting for a
			// whole sniffing prefix that a slow stream takes minutes to
			// send.
			head, _ = br.Peek(br.Buffered())
		} else {
			head, _ = br.Peek(charset.DetectPrefix)
		}
		h := resp.Header
		if f.ResponseMIME != "" {
			h = h.Clone()
			h.Set("Content-Type", ct)
		}
		cs = charset.ForDisplay(h, head)
		r = br
	}
	tr, err := charset.NewReader(r, cs)
	if err != nil {
		// An unknown charset from the server is not fatal: show the bytes.
		env.Warn("cannot decode the body: %v", err)
		return r, ct, nil
	}
	return tr, ct, nil
}

// uploadProgressMin is the body size above which a terminal shows an
// upload's progress: smaller bodies go out too fast to watch.
const uploadProgressMin = 1 << 20

// uploadProgress returns, for a request body of known size over
// uploadProgressMin sent while stderr is a terminal and not -q, the
// Send hook that draws a progress bar on stderr and the function that
// ends it once the response head arrived; otherwise a nil hook and a
// no-op.
func uploadProgress(env *requestEnv, p *httpclient.PreparedRequest) (onUpload func(int64), finish func()) {
	if env.Quiet > 0 || !env.IO.StderrTTY || !p.HasBody() || p.ContentLength <= uploadProgressMin {
		return nil, func() {}
	}
	progress := render.NewProgress(env.IO.ErrOut, p.ContentLength, 0, true, "Uploading")
	return progress.Add, progress.Finish
}

// download saves the body through the library's download.File,
// showing progress. Non-success statuses are not saved: their heads are
// printed, and the exit status says the download failed (see notSaved).
func (env *requestEnv) download(resp *httpclient.Response) (bool, error) {
	dl := env.X.Download
	if dl == nil {
		return env.writeStdout(resp)
	}
	var progress *render.Progress
	if env.Quiet == 0 {
		dl.Start = func(res *download.Result, body io.Reader) io.Reader {
			size := "unknown size"
			if res.Total >= 0 {
				size = render.FormatBytes(res.Total)
			}
			verb := "Downloading"
			if res.Offset > 0 {
				verb = "Resuming at " + render.FormatBytes(res.Offset) + ","
			}
			fmt.Fprintf(env.IO.ErrOut, "%s %s to %q\n", verb, size, res.Path)
			progress = render.NewProgress(env.IO.ErrOut, res.Total, res.Offset, env.IO.StderrTTY, "")
			return progress.Reader(body)
		}
	}
	res, err := dl.Save(resp)
	if err != nil {
		progress.Abort()
		return true, err
	}
	switch res.State {
	case download.NotSaved:
		if res.Conflict != "" {
			// The 416 alone does not say what is wrong with the file.
			env.Warn("cannot resume %s: it holds %s and the server's file is %s; remove it to download the file again",
				res.Conflict, render.FormatBytes(res.Offset), render.FormatBytes(res.Total))
		}
		return env.notSaved()
	case download.AlreadyComplete:
		if env.Quiet == 0 {
			fmt.Fprintf(env.IO.ErrOut, "%s is already complete (%s)\n", res.Path, render.FormatBytes(res.Total))
		}
		return true, nil
	}
	progress.Finish()
	return true, nil
}

// writeStdout writes the body of a successful response to standard output
// for -o -, byte for byte (as sent with --keep-encoding) unless that is a
// terminal, which gets control characters escaped; any other status
// is not written, as for a download to a file.
func (env *requestEnv) writeStdout(resp *httpclient.Response) (bool, error) {
	f := &env.Opts.Transfer
	if resp.StatusCode/100 != 2 {
		return env.notSaved()
	}
	body := io.Reader(resp.Body)
	total, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	if err != nil || total < 0 {
		total = -1
	}
	if f.KeepEncoding {
		raw, err := resp.RawBody()
		if err != nil {
			return true, err
		}
		body = raw
	} else if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		total = -1 // Content-Length counts the encoded bytes
	}
	if env.IO.StdoutTTY {
		// A terminal still gets no control sequences from the server.
		_, err := io.Copy(render.NewTerminalWriter(env.stdout, env.Render.Color), body)
		return true, err
	}
	var progress *render.Progress
	if env.Quiet == 0 {
		// The progress goes to stderr, as for a file (HTTPie's
		// "Downloading to <stdout>").
		size := "unknown size"
		if total >= 0 {
			size = render.FormatBytes(total)
		}
		fmt.Fprintf(env.IO.ErrOut, "Downloading %s to <stdout>\n", size)
		progress = render.NewProgress(env.IO.ErrOut, total, 0, env.IO.StderrTTY, "")
		body = progress.Reader(body)
	}
	if _, err := io.Copy(env.stdout, body); err != nil {
		progress.Abort()
		return true, err
	}
	progress.Finish()
	return true, nil
}

// notSaved handles a download whose response is not the file (a 404, a
// 500, a 3xx not followed, a 416 for a file of another size): nothing is
// written, and the exit status is the one --check-status gives (3, 4 or
// 5), as HTTPie's download mode does, so that `reqs -d URL && use-file`
// never goes on without the file.
func (env *requestEnv) notSaved() (bool, error) {
	env.unsaved = true
	return false, nil
}

// paginate prints the first page's body and follows rel="next" links up to
// --max-pages, printing each page. When the first page is a JSON array and
// only bodies are printed, the pages' arrays are merged into one, formatted
// as one document. With heads printed too, each page is printed as a
// response of its own: its request head (-v), its response head, then its
// body, an array of its own (heads between pages would split a merged
// one anyway); --jq still filters the merged array, and its results follow
// the heads of all pages. Bodies that are not arrays are concatenated.
func (env *requestEnv) paginate(ctx context.Context, first *httpclient.Response) error {
	f := &env.Opts.Transfer
	br := bufio.NewReader(first.Body)
	merge := render.IsJSONArray(first.Header.Get("Content-Type"), br)
	heads := env.Print.RequestHead || env.Print.ResponseHead
	var merged *arrayPrinter
	if merge && env.Print.ResponseBody && (!heads || env.Filter != nil) {
		// A --jq filter's results come once the whole array is read,
		// after the last page's head.
		merged = startArray(ctx, env)
	}
	finish := func(err error) error {
		if merged == nil {
			return err
		}
		return merged.finish(err)
	}

	page := func(n int, resp *httpclient.Response, body io.Reader) error {
		switch {
		case !env.Print.ResponseBody:
			_, err := io.Copy(io.Discard, body)
			return err
		case merged != nil:
			return merged.page(n, resp, body)
		case merge:
			a := startArray(ctx, env)
			return a.finish(a.page(n, resp, body))
		}
		disp := &httpclient.Response{Header: resp.Header, Body: io.NopCloser(body)}
		r, ct, err := env.displayReader(disp)
		if err != nil {
			return err
		}
		return env.renderBody(ctx, env.IO.Out, r, ct)
	}

	// head prints the request head of each page after the first (-v), as
	// the first page's was.
	head := &headPrinter{env: env}
	send := env.X.Options(http.MethodGet)
	send.OnConnect = func(p *httpclient.PreparedRequest, proto string) { head.print(p, proto) }
	opts := httpclient.PageOptions{SendOptions: send, MaxPages: f.MaxPages}
	n := 0
	for resp, err := range env.Session.Pages(ctx, first, opts) {
		if err == nil && n > 0 {
			sent := resp.Request
			if len(resp.History) > 0 {
				sent = resp.History[0].Request
			}
			head.print(sent, "HTTP/1.1") // a mounted transport sent it
		}
		if head.err != nil {
			return finish(head.err)
		}
		head = &headPrinter{env: env}
		switch {
		case errors.Is(err, httpclient.ErrPageLoop):
			env.Warn("stopped paginating: the next link of page %d points to a page already fetched", n)
			return finish(nil)
		case errors.Is(err, httpclient.ErrTooManyPages):
			env.Warn("stopped after %d pages (--max-pages)", f.MaxPages)
			return finish(nil)
		case err != nil:
			return finish(err)
		}
		n++
		body := io.Reader(resp.Body)
		if n == 1 {
			body = br // IsJSONArray peeked into it
		} else if err := env.RenderHead(resp); err != nil {
			return finish(err)
		}
		if err := page(n, resp, body); err != nil {
			return finish(err)
		}
	}
	return finish(nil)
}

// arrayPrinter prints JSON arrays merged into one as they stream: an
// ArrayJoiner feeding the body printer through a pipe.
type arrayPrinter struct {
	joiner *render.ArrayJoiner
	pw     *io.PipeWriter
	done   chan error
}

// startArray starts printing a merged array on standard output.
func startArray(ctx context.Context, env *requestEnv) *arrayPrinter {
	pr, pw := io.Pipe()
	a := &arrayPrinter{joiner: render.NewArrayJoiner(pw), pw: pw, done: make(chan error, 1)}
	go func() {
		err := env.renderBody(ctx, env.IO.Out, pr, "application/json")
		pr.CloseWithError(err)
		a.done <- err
	}()
	return a
}

// page appends the elements of page n, resp's body read from body.
func (a *arrayPrinter) page(n int, resp *httpclient.Response, body io.Reader) error {
	err := a.joiner.Page(body)
	if errors.Is(err, render.ErrNotArray) {
		return fmt.Errorf("page %d of %s is not a json array, so it cannot be merged", n, resp.URL.Redacted())
	}
	return err
}

// finish closes the array (unless err ended the pages) and waits for the
// body printer; it returns err, else the printer's error.
func (a *arrayPrinter) finish(err error) error {
	if err == nil {
		err = a.joiner.Close()
	}
	a.pw.CloseWithError(err)
	if rerr := <-a.done; err == nil {
		err = rerr
	}
	return err
}
