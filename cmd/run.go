package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"

	"github.com/fatih/color"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile"
	"github.com/reqs-cli/reqs/pkg/httpfile/script"
	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runOptions is all runFiles needs: dependencies first, then what the
// user typed.
type runOptions struct {
	IO      *IOStreams
	Changed func(name string) bool
	// Transport replaces the network in tests; nil is the real one.
	Transport http.RoundTripper
	// now, location and random fix the clock, the local time zone and
	// the randomness of the built-in variables in tests; nil is the
	// real ones.
	now      func() time.Time
	location *time.Location
	random   io.Reader

	Files          []string
	Env            string
	EnvFile        string
	PrivateEnvFile string
	DockerMode     bool
	Insecure       bool
	Vars           []string
	Name           string
	Line           int
	FailFast       bool
	Reports        []string
	// ScriptTimeout bounds each JavaScript handler, in seconds.
	ScriptTimeout float64

	// Request holds the request flags that apply to every request.
	Request requestOptions
}

// runRequestFlags are the request flags that make sense for every request
// of a file; the others (items, body encodings, downloads, --offline)
// describe one command-line request.
var runRequestFlags = []string{
	"verbose", "print", "pretty", "style", "sort-keys", "indent", "color", "no-color",
	"sorted", "unsorted", "format-options", "history-print", "max-headers",
	"check-status", "quiet", "debug", "traceback", "default-scheme",
	"follow", "no-follow", "max-redirects", "all", "auth", "auth-type", "aws-sigv4", "ignore-netrc",
	"oauth2-token-url", "oauth2-scope", "auth-helper", "auth-helper-timeout",
	"verify", "http1.1", "http2", "http3", "proxy", "cert", "cert-key", "cert-key-pass", "ssl", "ciphers",
	"resolve", "unix-socket", "trust-env", "ipv4", "ipv6", "interface",
	"timeout", "max-time", "compress", "retries", "retry-backoff", "retry-status", "retry-methods", "max-retry-after",
	"session", "session-read-only",
	"max-events", "max-message-size", "subprotocol",
}

// maxRunBody bounds the response body a request file's run keeps for its
// assertions and named responses.
const maxRunBody = 64 << 20

func newRunCmd(ios *IOStreams, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{IO: ios}
	c := &cobra.Command{
		Use:   "run FILE.http ... [--env NAME]",
		Short: "Run the requests of .http files and check their assertions",
		Long: `Run sends the requests written in .http files (the format of JetBrains'
HTTP Client, VS Code's REST Client and httpyac) in order, with their
variables, named responses and directives, runs their JavaScript
handlers, and checks their ?? assertions and the handlers' tests. A
request file can run JavaScript (without access to files, network or
processes): run only the files you would run as scripts.

A file such as api.http:

  @host = http://localhost:8080

  ### Log in
  # @name login
  POST {{host}}/anything
  Content-Type: application/json

  {"user": "ann", "token": "t-123"}

  ?? status == 200
  ?? jq .json.token == "t-123"

  ### Use the token
  GET {{host}}/bearer
  Authorization: Bearer {{login.response.body.$.json.token}}

  ?? status == 200
  ?? header Content-Type contains json
  ?? duration < 2000

runs with: reqs run api.http

Assertions, one per ?? line after a request: SUBJECT OPERATOR [VALUE]

  subjects   status, header NAME, body, jq EXPR (as --jq), duration (ms)
  operators  == != < <= > >= contains !contains matches REGEX exists !exists
  values     JSON literals ("t-123", 200, true, null) or bare words

Environments: --env NAME takes the variables of NAME (and of "$shared")
from http-client.env.json and http-client.private.env.json, which
overrides it. They are looked for beside each .http file, else in the
nearest parent directory that has them; --env-file PATH and
--private-env-file PATH name them instead, and --var NAME=VALUE overrides
them all.

Exit status: 0 all passed; 7 an assertion failed; else the status of the
first error: 1 other error, 2 timeout, 3, 4, 5 a 3xx, 4xx, 5xx response
with --check-status, 6 too many redirects, 64 a mistake in a file or on
the command line, 130 interrupted.`,
		Args: wantArgs(1, -1, "at least one .http FILE"),
	}
	c.RunE = func(c *cobra.Command, args []string) error {
		opts.Files = args
		opts.Changed = func(name string) bool { return c.Flags().Changed(name) }
		opts.Request.IO = ios
		opts.Request.Changed = opts.Changed
		opts.Request.Typed, opts.Request.Source = typedOn(c.Flags()), sourceOn(c.Flags())
		opts.Request.applyNoColor(c.Flags())
		if opts.Request.Verbose > 0 {
			opts.Request.Redirect.All = true // as for a single request
		}
		if opts.Request.Verbose > 0 && opts.Changed("print") {
			opts.Request.Verbose = 0
		}
		if err := opts.Request.Stream.check(); err != nil {
			return err
		}
		if opts.Changed("line") && opts.Line < 1 {
			return usageErrorf("invalid --line %d: lines count from 1", opts.Line)
		}
		if opts.Changed("name") && opts.Changed("line") {
			return usageErrorf("--name and --line exclude each other")
		}
		if opts.Insecure {
			if opts.Changed("verify") {
				return usageErrorf("--insecure and --verify exclude each other: --insecure is --verify no")
			}
			if err := c.Flags().Set("verify", "no"); err != nil {
				return err
			}
		}
		if opts.DockerMode {
			return usageErrorf("--docker-mode is not needed: reqs runs on the machine itself and reaches localhost as it is; drop the flag")
		}
		for _, r := range opts.Reports {
			if _, _, err := parseReport(r); err != nil {
				return err
			}
		}
		if !(opts.ScriptTimeout > 0) || opts.ScriptTimeout > 1e6 {
			return usageErrorf("invalid --script-timeout %v: want a positive number of seconds", opts.ScriptTimeout)
		}
		for _, v := range opts.Vars {
			if _, _, ok := strings.Cut(v, "="); !ok {
				return usageErrorf("invalid --var %q: want NAME=VALUE", v)
			}
		}
		if runF != nil {
			return runF(c.Context(), opts)
		}
		return runFiles(c.Context(), opts)
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.StringVarP(&opts.Env, "env", "e", "", "use the environment `NAME` of http-client.env.json (and http-client.private.env.json) beside each file or in the nearest directory above it")
	fs.StringVar(&opts.EnvFile, "env-file", "", "read the environments from `PATH` instead of the http-client.env.json found for each file")
	fs.StringVar(&opts.PrivateEnvFile, "private-env-file", "", "read private environments from `PATH`, over --env-file's")
	fs.StringArrayVarP(&opts.Vars, "var", "V", nil, "set the variable `NAME=VALUE`, over the file's and the environment's (repeatable)")
	fs.StringVar(&opts.Name, "name", "", "run only the request with this `TITLE` or @name, and the named requests it uses")
	fs.IntVar(&opts.Line, "line", 0, "run only the request at line `N`, and the named requests it uses")
	fs.BoolVar(&opts.FailFast, "fail-fast", false, "stop at the first request that fails")
	fs.StringArrayVar(&opts.Reports, "report", nil, "also write a report: `FORMAT=PATH` with FORMAT junit or json, or a directory to write JUnit XML into, as ijhttp does (repeatable)")
	fs.BoolVar(&opts.Insecure, "insecure", false, "do not verify TLS certificates: ijhttp's and curl's name for --verify no")
	fs.BoolVarP(&opts.DockerMode, "docker-mode", "D", false, "ijhttp's flag, not needed by reqs: refused")
	fs.Float64Var(&opts.ScriptTimeout, "script-timeout", script.DefaultTimeout.Seconds(), "stop a JavaScript handler that runs longer than `SECONDS`")

	c.ValidArgsFunction = func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"http", "rest"}, cobra.ShellCompDirectiveFilterFileExt
	}
	_ = c.RegisterFlagCompletionFunc("env", completeEnvironments)
	_ = c.RegisterFlagCompletionFunc("report", fixedChoices("junit=", "json="))

	all := pflag.NewFlagSet("request", pflag.ContinueOnError)
	opts.Request.register(all)
	for _, name := range runRequestFlags {
		fs.AddFlag(all.Lookup(name))
	}
	return c
}

// completeEnvironments completes --env with the environments that the
// env files beside the files already typed define.
func completeEnvironments(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	seen := map[string]bool{}
	var names []cobra.Completion
	dirs := []string{"."}
	for _, a := range args {
		dirs = append(dirs, filepath.Dir(a))
	}
	for _, d := range dirs {
		for _, n := range httpfile.FindEnvFiles(d).Names() {
			if !seen[n] && strings.HasPrefix(n, toComplete) {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// reportFile is the name of the JUnit report written into a --report
// directory, as ijhttp names it.
const reportFile = "report.xml"

// parseReport splits --report FORMAT=PATH; any other value without "="
// is a directory (ijhttp's --report DIR), for a JUnit report.
func parseReport(s string) (format, path string, err error) {
	format, path, ok := strings.Cut(s, "=")
	switch {
	case !ok && s != "":
		return "junit", filepath.Join(s, reportFile), nil
	case !ok || path == "" || (format != "junit" && format != "json"):
		return "", "", usageErrorf("invalid --report %q: want junit=PATH, json=PATH or a directory", s)
	}
	return format, path, nil
}

// runFailure is the outcome of a run that did not pass. The exit status
// is the first error's, else 7.
type runFailure struct {
	first error
	// printed: the result lines said it all; with -q nothing was
	// printed, so Main prints the first error.
	printed bool
}

func (e *runFailure) Error() string {
	if e.first != nil {
		return e.first.Error()
	}
	return "an assertion failed"
}

// Is makes Main leave the message out when the run printed it.
func (e *runFailure) Is(target error) bool {
	return target == errSilent && (e.printed || e.first == nil)
}

// code is the exit status of the run.
func (e *runFailure) code() int {
	if e.first != nil {
		return exitCode(e.first)
	}
	return exitAssertion
}

// runner holds what the requests of one `reqs run` share: the session,
// built on the first request, and the run's first errors.
type runner struct {
	o   *runOptions
	env *requestEnv
	// x is the run's exchange, opened on its first request.
	x *exchange.Exchange
	// first is the first error that is no mistake in a file or on the
	// command line; usage the first that is. A usage error sets the
	// exit status only when nothing failed worse.
	first, usage error
	failed       bool // an assertion failed
}

func runFiles(ctx context.Context, o *runOptions) (err error) {
	ro := &o.Request
	if ro.Debug {
		defer func() { printErrorChain(o.IO.ErrOut, err) }()
	}
	files := make([]*httpfile.File, 0, len(o.Files))
	for _, path := range o.Files {
		src, err := o.IO.readFile(path)
		if err != nil {
			return usageErrorf("request file %s: %v", path, httpclient.Reason(err))
		}
		f, err := httpfile.Parse(path, src)
		if err != nil {
			return usageErrorf("%v", err)
		}
		if ro.Verbose > 0 && ro.Quiet < 2 {
			for _, w := range f.Warnings {
				o.IO.Warnf("%v", w)
			}
		}
		if len(f.Requests) == 0 {
			// A CI job given the wrong file (or an emptied one) must not
			// pass by running nothing.
			return usageErrorf("request file %s has no requests", path)
		}
		files = append(files, f)
	}

	r := &runner{o: o}
	r.env = &requestEnv{IO: o.IO, Opts: ro, Quiet: ro.Quiet, Changed: o.Changed}
	if err := setOutput(r.env); err != nil {
		return err
	}
	if ro.Verbose == 0 && !o.Changed("print") {
		// The result lines are the output; -v adds the exchanges.
		r.env.Print = printSpec{}
	}
	for _, path := range []string{o.EnvFile, o.PrivateEnvFile} {
		if path == "" {
			continue
		}
		if _, err := o.IO.readFile(path); err != nil {
			return usageErrorf("environment file %s: %v", path, httpclient.Reason(err))
		}
	}
	run := &httpfile.Runner{
		Send: r.send,
		Converse: func(ctx context.Context, req *httpfile.Request, hreq *httpclient.Request, turns []httpfile.Turn) (*httpfile.Exchange, error) {
			x, err := r.converse(ctx, req, hreq, turns)
			if err != nil && errors.Is(err, context.Canceled) {
				err = errInterruptedRun // in words, as send says it
			}
			return x, err
		},
		Environment:    o.Env,
		EnvFile:        o.EnvFile,
		PrivateEnvFile: o.PrivateEnvFile,
		Prompt:         r.prompt,
		Now:            o.now,
		Location:       o.location,
		Rand:           o.random,
		Overrides:      map[string]string{},
		Getenv:         o.IO.lookupEnv,
		ReadFile:       o.IO.readFile,
		ResolveURL:     func(u string) (string, error) { return expandURL(u, ro.DefaultScheme) },
		Compress:       ro.Transfer.compression(),
		FailFast:       o.FailFast,
		ScriptTimeout:  time.Duration(o.ScriptTimeout * float64(time.Second)),
		OnFile: func(*httpfile.File) {
			if r.x != nil && !ro.Session.active() {
				// One cookie jar per file, unless a session keeps them;
				// no request is in flight between files.
				r.x.Session.Jar = cookiejar.New()
			}
		},
		OnOutcome: r.outcome,
	}
	for _, v := range o.Vars {
		name, value, _ := strings.Cut(v, "=")
		run.Overrides[name] = value
	}
	switch {
	case o.Changed("name"):
		run.Selected, err = httpfile.Select(files, o.Name, 0)
	case o.Changed("line"):
		run.Selected, err = httpfile.Select(files, "", o.Line)
	}
	if err != nil {
		return usageErrorf("%v", err)
	}
	defer func() {
		if r.x != nil {
			r.x.Abandon() // saved below, unless the run ends early
			r.x.Close()
		}
	}()

	start := time.Now()
	outcomes, err := run.Run(ctx, files)
	if err != nil {
		if ctx.Err() != nil {
			// Interrupted: the reports still say what ran, the request
			// cut short included, for a CI job stopped by hand.
			if rerr := o.writeReports(outcomes); rerr != nil {
				o.IO.Errorf("%v", rerr)
			}
			return ctx.Err()
		}
		return usageErrorf("%v", err) // an environment file
	}
	if r.x != nil {
		if err := closeExchange(r.env, r.x); err != nil {
			return err
		}
	}
	passed, total := 0, 0
	for _, fo := range outcomes {
		for _, out := range fo.Outcomes {
			total++
			if out.Passed() {
				passed++
			}
		}
	}
	if ro.Quiet == 0 {
		fmt.Fprintf(o.IO.Out, "%d %s, %d passed, %d failed (%s)\n", total, plural(total, "request"), passed, total-passed, formatMillis(time.Since(start)))
	}
	if err := o.writeReports(outcomes); err != nil {
		return err
	}
	if passed < total {
		first := r.first
		if first == nil && !r.failed {
			first = r.usage
		}
		return &runFailure{first: first, printed: ro.Quiet == 0}
	}
	return nil
}

// writeReports writes the --report files of a run's outcomes.
func (o *runOptions) writeReports(outcomes []*httpfile.FileOutcome) error {
	for _, spec := range o.Reports {
		format, path, err := parseReport(spec)
		if err != nil {
			return err
		}
		if !strings.Contains(spec, "=") {
			// ijhttp's --report DIR makes the directory.
			if err := httpfile.MakeReportDir(filepath.Dir(path)); err != nil {
				return err
			}
		}
		if err := httpfile.WriteReportFile(path, format, outcomes); err != nil {
			return err
		}
	}
	return nil
}

// prompt asks for a `# @prompt NAME` variable on the terminal; without
// one the value must come from --var.
func (r *runner) prompt(name, description string) (string, error) {
	ios := r.o.IO
	if !ios.StdinTTY {
		return "", fmt.Errorf("standard input is not a terminal to ask on; give --var %s=VALUE", name)
	}
	label := name
	if description != "" {
		label += " (" + description + ")"
	}
	if secretName(name) {
		return promptSecret(ios, "reqs: "+label+": ")
	}
	fmt.Fprintf(ios.ErrOut, "reqs: %s: ", label)
	return readLine(ios.In)
}

// secretName reports whether a prompted variable is asked for without
// echo, as httpyac does for passwords and the like.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"password", "passwd", "secret", "token", "pass"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// readLine reads one line byte by byte, so that nothing after it is
// taken from the terminal.
func readLine(in io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := in.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
		}
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				break
			}
			return "", fmt.Errorf("read the answer: %w", err)
		}
	}
	return strings.TrimRight(string(line), "\r"), nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func formatMillis(d time.Duration) string {
	return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
}

// outcome takes a request's outcome: a mistake in the file is a usage
// error, --check-status fails a 3xx-5xx response, the run's first error
// is kept for the exit status, and the result line is printed.
func (r *runner) outcome(out *httpfile.Outcome, x *httpfile.Exchange) {
	var fe *httpfile.Error
	if errors.As(out.Err, &fe) {
		out.Err = usageErrorf("%v", out.Err)
	}
	r.note(out.Err)
	for _, res := range out.Results {
		r.note(res.Err)
	}
	if out.Failed() {
		r.failed = true
	}
	if out.Err == nil && x != nil && r.o.Request.CheckStatus && x.Status >= 300 && x.Status < 600 {
		out.Err = &statusError{Code: x.Status, Reason: x.Reason}
		r.note(out.Err)
	}
	r.printOutcome(out)
}

// note keeps the run's first error of each rank.
func (r *runner) note(err error) {
	var usage *usageError
	switch {
	case err == nil:
	case errors.As(err, &usage):
		if r.usage == nil {
			r.usage = err
		}
	case r.first == nil:
		r.first = err
	}
}

// send sends one request of a file on the run's session, printing the
// exchange as the print flags say, and reads the whole response body.
func (r *runner) send(ctx context.Context, req *httpfile.Request, hreq *httpclient.Request) (*httpfile.Exchange, error) {
	env, prep, err := r.prepare(req, hreq)
	if err != nil {
		return nil, err
	}
	call := exchangeCall{KeepBody: maxRunBody, Options: r.sendOptions(env, req)}
	x := &httpfile.Exchange{URL: prep.URL.Redacted()}
	// An event stream is collected until it ends, --max-events or the
	// request's @timeout, which ends the collection normally.
	call.Events = &eventCollection{MaxEvents: r.o.Request.Stream.MaxEvents, MaxSize: r.o.Request.Stream.maxSize()}
	if req.Directives.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = httpclient.WithMaxTime(ctx, req.Directives.Timeout)
		defer cancel()
		call.Events.End = ctx
	}
	ctx, cancel := r.o.Request.Transfer.withMaxTime(ctx)
	defer cancel()
	res, err := sendExchange(ctx, env, prep, call)
	x.Duration = res.Duration
	if resp := res.Resp; resp != nil {
		x.Status, x.Reason, x.Header, x.Body = resp.StatusCode, resp.Reason, resp.Header, res.Body
	}
	if res.Events {
		x.Stream = httpfile.EventStream
	}
	if errors.Is(err, errBodyTooLarge) {
		return x, fmt.Errorf("%s: the response body is larger than %d MiB, more than a request file's run keeps", req.Pos, maxRunBody>>20)
	}
	if err != nil && errors.Is(err, context.Canceled) {
		// Ctrl-C: the result line says so in words, as reqs does.
		return x, errInterruptedRun
	}
	if err != nil {
		return x, err
	}
	if env.Print != (printSpec{}) {
		// The result line stands apart from the exchange it follows.
		io.WriteString(env.IO.Out, "\n")
	}
	return x, nil
}

// errInterruptedRun is the error of a request that Ctrl-C cut short.
var errInterruptedRun = errors.New("interrupted")

// prepare gives one request of a file its environment on the run's
// exchange, opened on the first request, and prepares it; an error in
// the request names its place in the file.
func (r *runner) prepare(req *httpfile.Request, hreq *httpclient.Request) (*requestEnv, *httpclient.PreparedRequest, error) {
	env := *r.env
	env.Request, env.URL, env.Method = hreq, hreq.URL, hreq.Method
	if err := r.open(&env); err != nil {
		return nil, nil, err
	}
	env.X, env.Session = r.x, r.x.Session
	prep, err := prepareRequest(&env)
	if err != nil {
		var usage *usageError
		if errors.As(err, &usage) {
			err = usageErrorf("%s: %v", req.Pos, err)
		}
		return nil, nil, err
	}
	return &env, prep, nil
}

// sendOptions are what a request's directives set for its one call:
// @retries, @no-cookie-jar and @no-redirect.
func (r *runner) sendOptions(env *requestEnv, req *httpfile.Request) httpclient.SendOptions {
	var o httpclient.SendOptions
	if req.Directives.Retries >= 0 {
		pol := r.o.Request.Transfer.retryPolicy(env, req.Directives.Retries)
		o.Retry = &pol
	}
	o.NoCookies = req.Directives.NoCookieJar
	o.NoRedirects = req.Directives.NoRedirect
	return o
}

// open opens the run's exchange on its first request: the session flags
// need a request URL to find a named session.
func (r *runner) open(env *requestEnv) error {
	if r.x != nil {
		return nil
	}
	plan, err := r.o.Request.plan(env)
	if err != nil {
		return err
	}
	plan.Transport = r.o.Transport
	x, err := openExchange(env, plan)
	if err != nil {
		return err
	}
	r.x = x
	r.env.X, r.env.Session = x, x.Session
	return nil
}

// color reports whether result lines are coloured: on a terminal (or
// with CLICOLOR_FORCE) unless NO_COLOR, and as --color/--no-color say.
func (r *runner) color() bool {
	ro := &r.o.Request
	switch {
	case ro.NoColor:
		return false
	case ro.Color:
		return true
	}
	return r.o.IO.ColorEnv
}

// printOutcome writes a request's result line and, when it did not pass,
// what went wrong.
func (r *runner) printOutcome(out *httpfile.Outcome) {
	if r.o.Request.Quiet > 0 {
		return
	}
	w := r.o.IO.Out
	on := r.color()
	verdict := newColor(on, color.FgGreen).Sprint("PASS")
	if !out.Passed() {
		verdict = newColor(on, color.FgRed).Sprint("FAIL")
	}
	status := "---"
	if out.Status != 0 {
		status = strconv.Itoa(out.Status)
	}
	req := out.Request
	where := fmt.Sprintf("%s:%d", req.Pos.File, req.Pos.Line)
	if req.Title != "" {
		where += " " + req.Title
	}
	if out.Method == "" {
		// A block that could not be read: no request line to show.
		fmt.Fprintf(w, "%s %s  (%s)\n", verdict, status, safeLine(where))
	} else {
		fmt.Fprintf(w, "%s %s %s %s %s  (%s)\n", verdict, newColor(on, color.Bold).Sprint(safeLine(out.Method)), safeLine(out.URL), status, formatMillis(out.Duration), safeLine(where))
	}
	if out.Err != nil {
		fmt.Fprintf(w, "  error: %s\n", oneLine(out.Err.Error()))
	}
	for _, l := range out.Logs {
		for _, line := range strings.Split(l, "\n") {
			fmt.Fprintf(w, "  log: %s\n", safeLine(line))
		}
	}
	for _, res := range out.Results {
		switch {
		case res.Test != "" && res.Passed:
			fmt.Fprintf(w, "  %s test %s\n", newColor(on, color.FgGreen).Sprint("PASS"), safeLine(strconv.Quote(res.Test)))
		case res.Test != "":
			fmt.Fprintf(w, "  %s test %s (%s): %s\n", newColor(on, color.FgRed).Sprint("FAIL"), safeLine(strconv.Quote(res.Test)), res.Pos, safeLine(res.Actual))
		case res.Err != nil:
			fmt.Fprintf(w, "  error: %s\n", oneLine(res.Err.Error()))
		case !res.Passed:
			fmt.Fprintf(w, "  line %d: ?? %s\n    expected: %s\n    actual:   %s\n", res.Pos.Line, safeLine(res.Text), safeLine(res.Expected), safeLine(res.Actual))
		}
	}
}

// safeLine is text for one line of a run's results: it may hold what a
// server sent (an assertion's value substituted from a response, a jq
// result), so control characters are escaped, on a terminal or not, and
// line breaks are shown as \n and \r so nothing rewrites the line.
func safeLine(s string) string {
	s = render.EscapeControls(s)
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
	}
	return s
}
