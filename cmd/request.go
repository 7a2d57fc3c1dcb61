package cmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"
	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// requestOptions is all runRequest needs: dependencies first, then what
// the user typed.
type requestOptions struct {
	IO *IOStreams
	// Transport replaces the network in tests; nil is the real one.
	Transport http.RoundTripper
	// Changed reports whether a flag was given on the command line.
	Changed func(name string) bool

	Method string // fixed by a verb subcommand, else from the arguments
	URL    string
	Items  []string

	Print        string
	HistoryPrint string
	Verbose      int
	HeadersOnly  bool
	BodyOnly     bool
	MetaOnly     bool
	Pretty       string
	Style        string
	SortKeys     bool
	Indent       int
	Color        bool
	NoColor      bool
	Offline      bool
	Curl         bool
	HTTPFile     bool // --http: print a request-file block instead of sending
	CheckStatus  bool
	Quiet        int
	Debug        bool
	JQ           string
	RawOutput    bool

	JSON          bool
	Form          bool
	Multipart     bool
	Boundary      string
	Raw           string
	IgnoreStdin   bool
	Chunked       bool
	PathAsIs      bool
	DefaultScheme string

	Format   formatFlags
	Redirect redirectFlags
	Auth     authFlags
	Net      netFlags
	Transfer transferFlags
	Session  sessionFlags
	Stream   streamFlags

	// Typed reports whether a flag was typed on the command line rather
	// than set from the config file or REQS_*: such values beat a stored
	// session's and are saved into it. Source says where a flag's value
	// came from.
	Typed  func(name string) bool
	Source func(name string) config.Source
}

// requestEnv is what the per-area flag groups see while one request is
// built, sent and printed.
type requestEnv struct {
	IO      *IOStreams
	Opts    *requestOptions
	Request *httpclient.Request
	Session *httpclient.Session
	// Prepared is set once the request is prepared.
	Prepared *httpclient.PreparedRequest
	Method   string
	URL      string
	Render   render.Options
	Print    printSpec
	// History is what --all prints of intermediate exchanges (-P), by
	// default Print.
	History printSpec
	// StdinBody says the request body is standard input (implicit or
	// @-): --curl then has curl read it from its own standard input.
	StdinBody bool
	// Filter is the compiled --jq expression, nil without one.
	Filter *render.Filter
	Quiet  int
	// Transcode says displayed text is converted to UTF-8 (a terminal,
	// or --pretty given explicitly).
	Transcode bool
	Changed   func(name string) bool

	// X is the opened exchange.
	X *exchange.Exchange
	// stdout is standard output when a download sends what is printed to
	// stderr: -o - writes the body there.
	stdout io.Writer
	// unsaved: a download's response was not the file, so its status
	// decides the exit status (see notSaved).
	unsaved bool

	// WebSocket says the URL was ws:// or wss://: Request.URL is its
	// handshake's http:// or https:// form, MessagesFile is where -o
	// saves the messages received ("" for standard output), and
	// FirstMessage the body the items gave, sent first (nil: none).
	WebSocket    bool
	MessagesFile string
	FirstMessage *httpclient.Body
	// Collected says the body printed is a stream a request file's run
	// collected, no longer the stream itself.
	Collected bool
}

// Warn prints a warning on stderr unless -qq.
func (e *requestEnv) Warn(format string, args ...any) {
	if e.Quiet >= 2 {
		return
	}
	e.IO.Warnf("%s", render.EscapeControls(fmt.Sprintf(format, args...)))
}

// RenderHead prints a response's status line and headers when the print
// spec asks for them.
func (e *requestEnv) RenderHead(resp *httpclient.Response) error {
	return printResponseHead(e, e.Print, e.IO.Out, resp)
}

// newRequestCmd builds the root command (method ""), a verb subcommand
// (method fixed) or `reqs request` (method "*": the first argument).
func newRequestCmd(ios *IOStreams, method string, runF func(context.Context, *requestOptions) error) *cobra.Command {
	opts := &requestOptions{IO: ios}
	c := &cobra.Command{Args: cobra.ArbitraryArgs, SilenceErrors: true, SilenceUsage: true}
	switch method {
	case "":
	case "*":
		c.Use = "request METHOD URL [ITEM ...]"
		c.Short = "Send a request with any method (MKCOL, PROPFIND, PURGE, ...)"
	default:
		c.Use = strings.ToLower(method) + " URL [ITEM ...]"
		c.Short = "Send " + article(method) + " " + method + " request"
	}
	c.RunE = func(c *cobra.Command, args []string) error {
		opts.Changed = func(name string) bool { return c.Flags().Changed(name) }
		opts.Typed, opts.Source = typedOn(c.Flags()), sourceOn(c.Flags())
		opts.applyNoColor(c.Flags())
		opts.applyBodyType(c.Flags())
		if method == "" {
			if err := checkMistypedCommand(c, args); err != nil {
				return err
			}
		}
		if err := opts.takeArgs(method, args); err != nil {
			return err
		}
		if err := opts.Stream.check(); err != nil {
			return err
		}
		if opts.Verbose > 0 {
			// -v also shows the intermediate exchanges, as HTTPie's
			// -v is --all --print=HBhb.
			opts.Redirect.All = true
		}
		if opts.Verbose > 0 && opts.Changed("print") {
			// An explicit --print wins over -v, as in HTTPie.
			opts.Verbose = 0
		}
		if runF != nil {
			return runF(c.Context(), opts)
		}
		return runRequest(c.Context(), opts)
	}
	fs := c.Flags()
	fs.SortFlags = false
	opts.register(fs)
	// -h means --headers (HTTPie), so help has no shorthand.
	fs.Bool("help", false, "show help")
	return c
}

// article is the indefinite article before a method's name as it is
// read aloud: "an OPTIONS request", "a GET request".
func article(method string) string {
	if method != "" && strings.ContainsRune("AEIOU", rune(method[0])) {
		return "an"
	}
	return "a"
}

// applyNoColor settles --color and --no-color: of the two typed on the
// command line the last one wins (from the config file or environment
// only when neither was typed), so that an alias such as `reqs --color`
// can be overridden by a later --no-color. A flag beats NO_COLOR and
// CLICOLOR_FORCE (no-color.org). The choice holds on standard error too,
// for every warning and error from here on.
func (o *requestOptions) applyNoColor(fs *pflag.FlagSet) {
	on, decided := lastColorFlag(fs)
	o.Color, o.NoColor = decided && on, decided && !on
	switch {
	case o.NoColor:
		o.IO.ErrColor = false
	case o.Color:
		o.IO.ErrColor = true
	}
}

// lastColorFlag returns what the last of --color and --no-color given
// says (on is true for colours), and whether either was given at all.
// --color=false and --no-color=false ask for nothing.
func lastColorFlag(fs *pflag.FlagSet) (on, decided bool) {
	name := lastOrderedFlag(fs, "color", "no-color")
	return name == "color", name != ""
}

// applyBodyType keeps one of --json, --form and --multipart: the last
// given, as in HTTPie, and one typed on the command line over one from
// the configuration (form: true there does not stop --json here).
func (o *requestOptions) applyBodyType(fs *pflag.FlagSet) {
	switch lastOrderedFlag(fs, "json", "form", "multipart") {
	case "json":
		o.JSON, o.Form, o.Multipart = true, false, false
	case "form":
		o.JSON, o.Form, o.Multipart = false, true, false
	case "multipart":
		o.JSON, o.Form, o.Multipart = false, false, true
	}
}

// lastOrderedFlag returns the name of the flag of names (orderedBool
// flags sharing one sequence) set true last, those typed on the command
// line before those from the configuration; "" when none was set true.
func lastOrderedFlag(fs *pflag.FlagSet, names ...string) string {
	for _, typed := range []bool{true, false} {
		var last *orderedBool
		lastName := ""
		for _, name := range names {
			fl := fs.Lookup(name)
			if fl == nil || !fl.Changed || setByConfig(fl) == typed {
				continue
			}
			if b, ok := fl.Value.(*orderedBool); ok && *b.v && (last == nil || b.at > last.at) {
				last, lastName = b, name
			}
		}
		if last != nil {
			return lastName
		}
	}
	return ""
}

// orderedBool is a bool flag that records when it was set, so that of
// two opposing flags the one given last can win.
type orderedBool struct {
	v       *bool
	seq     *int // shared by the opposing flags
	at      int
	negates bool // true for the "no-" flag
}

func (b *orderedBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b.v = v
	*b.seq++
	b.at = *b.seq
	return nil
}

func (b *orderedBool) String() string { return strconv.FormatBool(*b.v) }
func (b *orderedBool) Type() string   { return "bool" }

func (o *requestOptions) register(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Print, "print", "p", "", "what to print: `WHAT` letters H request headers, B request body, h response headers, b response body, m metadata")
	fs.CountVarP(&o.Verbose, "verbose", "v", "print the whole exchange, redirects included (-p HBhb --all); -vv adds metadata")
	fs.BoolVarP(&o.HeadersOnly, "headers", "h", false, "print only the response headers (-p h)")
	fs.BoolVarP(&o.BodyOnly, "body", "b", false, "print only the response body (-p b)")
	fs.StringVarP(&o.HistoryPrint, "history-print", "P", "", "what to print of the intermediate exchanges --all shows (redirects), as `WHAT` letters of --print (default: as --print)")
	fs.BoolVarP(&o.MetaOnly, "meta", "m", false, "print only the response metadata: elapsed time and its breakdown (-p m)")
	fs.StringVar(&o.Pretty, "pretty", "", "output processing `MODE`: all, colors, format or none (default all on a terminal, none otherwise)")
	fs.StringVarP(&o.Style, "style", "s", "auto", "colour `STYLE`: auto (the terminal's 16 colours), none, or a Pygments/chroma style such as monokai, solarized-dark, solarized-light, dracula, github-dark, nord (an unknown name lists them all)")
	fs.BoolVar(&o.SortKeys, "sort-keys", false, "sort JSON object keys")
	fs.IntVar(&o.Indent, "indent", 4, "indent JSON and XML by `N` spaces")
	o.Format.register(fs)
	colorSeq := new(int)
	fs.VarPF(&orderedBool{v: &o.Color, seq: colorSeq}, "color", "", "colour the output even into a pipe or file (beats NO_COLOR; the last of --color and --no-color wins)").NoOptDefVal = "true"
	fs.VarPF(&orderedBool{v: &o.NoColor, seq: colorSeq, negates: true}, "no-color", "", "never use colours (beats CLICOLOR_FORCE)").NoOptDefVal = "true"
	fs.BoolVar(&o.Offline, "offline", false, "build the request and print it without sending it (into a pipe or file: its exact HTTP/1.1 bytes)")
	fs.BoolVar(&o.Curl, "curl", false, "print the equivalent curl command instead of sending")
	fs.BoolVar(&o.HTTPFile, "http", false, "print the request as a request-file (.http) block for reqs run instead of sending")
	fs.BoolVar(&o.CheckStatus, "check-status", false, "exit with 3, 4 or 5 on a 3xx, 4xx or 5xx response")
	fs.CountVarP(&o.Quiet, "quiet", "q", "print nothing on stdout; -qq also hides warnings")
	fs.BoolVar(&o.Debug, "debug", false, "print the chain of causes of an error on stderr")
	fs.BoolVar(&o.Debug, "traceback", false, "the same as --debug (HTTPie's name)")
	fs.StringVar(&o.JQ, "jq", "", "filter a JSON body with the jq `EXPR` and print the results, one per line")
	fs.BoolVarP(&o.RawOutput, "raw-output", "r", false, "with --jq, print string results without quotes (as jq -r)")

	bodySeq := new(int)
	fs.VarPF(&orderedBool{v: &o.JSON, seq: bodySeq}, "json", "j", "send data items as JSON (the default; the last of --json, --form and --multipart wins)").NoOptDefVal = "true"
	fs.VarPF(&orderedBool{v: &o.Form, seq: bodySeq}, "form", "f", "send data items as a form (multipart when a file field is given)").NoOptDefVal = "true"
	fs.VarPF(&orderedBool{v: &o.Multipart, seq: bodySeq}, "multipart", "", "send data items as multipart/form-data").NoOptDefVal = "true"
	fs.StringVar(&o.Boundary, "boundary", "", "multipart `BOUNDARY`")
	fs.StringVar(&o.Raw, "raw", "", "send `TEXT` as the request body")
	fs.BoolVarP(&o.IgnoreStdin, "ignore-stdin", "I", false, "never read standard input")
	fs.BoolVar(&o.Chunked, "chunked", false, "send the body with chunked transfer coding")
	fs.StringVar(&o.DefaultScheme, "default-scheme", "http", "`SCHEME` for URLs given without one")
	fs.BoolVar(&o.PathAsIs, "path-as-is", false, "send . and .. path segments as given instead of removing them (curl's --path-as-is)")

	o.Redirect.register(fs)
	o.Auth.register(fs)
	o.Net.register(fs)
	o.Transfer.register(fs)
	o.Session.register(fs)
	o.Stream.register(fs)
}

// What counts as a METHOD argument on the root command is an upper-case
// token (isUpperMethod); a lower-case one counts only before a URL (see
// takeArgs). They are byte loops rather than regular expressions that every
// run would compile before main.

// isUpperMethod matches ^[A-Z][A-Z0-9_-]*$.
func isUpperMethod(s string) bool {
	return matchToken(s, isUpperASCII, func(c byte) bool { return isUpperASCII(c) || isDigitASCII(c) || c == '_' || c == '-' })
}

// isMethodWord matches ^[a-zA-Z][a-zA-Z0-9_-]*$.
func isMethodWord(s string) bool {
	return matchToken(s, isLetterASCII, func(c byte) bool { return isLetterASCII(c) || isDigitASCII(c) || c == '_' || c == '-' })
}

// isMethodToken matches RFC 9110's token, what a method may be:
// ^[!#$%&'*+.^_`|~0-9A-Za-z-]+$.
func isMethodToken(s string) bool {
	tchar := func(c byte) bool {
		return isLetterASCII(c) || isDigitASCII(c) || strings.IndexByte("!#$%&'*+.^_`|~-", c) >= 0
	}
	return matchToken(s, tchar, tchar)
}

// isPort matches a port after a host name: ^[0-9]+$.
func isPort(s string) bool { return matchToken(s, isDigitASCII, isDigitASCII) }

// matchToken reports whether s is not empty, its first byte passes first
// and every later byte passes rest.
func matchToken(s string, first, rest func(byte) bool) bool {
	if s == "" || !first(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !rest(s[i]) {
			return false
		}
	}
	return true
}

func isUpperASCII(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLetterASCII(c byte) bool { return isUpperASCII(c) || 'a' <= c && c <= 'z' }
func isDigitASCII(c byte) bool  { return '0' <= c && c <= '9' }

// takeArgs splits positional arguments into METHOD, URL and items. On the
// root command METHOD is an upper-case token, or any token followed by
// something that looks like a URL (reqs propfind :8080/x), as in HTTPie;
// the method is sent upper-cased.
func (o *requestOptions) takeArgs(method string, args []string) error {
	switch {
	case method == "*":
		if len(args) < 2 {
			return usageErrorf("reqs request needs a METHOD and a URL")
		}
		o.Method, args = args[0], args[1:]
	case method != "":
		o.Method = method
	case len(args) >= 2 && isUpperMethod(args[0]):
		o.Method, args = args[0], args[1:]
	case len(args) >= 2 && isMethodWord(args[0]) && !strings.EqualFold(args[0], "localhost") && looksLikeURL(args[1]):
		o.Method, args = args[0], args[1:]
	}
	if o.Method != "" {
		if !isMethodToken(o.Method) {
			return usageErrorf("invalid method %q: a method is a token of letters, digits and !#$%%&'*+.^_`|~-", o.Method)
		}
		o.Method = strings.ToUpper(o.Method)
	}
	if len(args) == 0 {
		return usageErrorf("no URL given")
	}
	if method == "" && len(args) == 1 && slices.Contains(standardMethods, args[0]) {
		// `reqs GET` alone is a method without its URL, not a request
		// to a host named GET.
		return usageErrorf("no URL given after the method %s", args[0])
	}
	o.URL, o.Items = args[0], args[1:]
	return nil
}

// standardMethods are the methods of RFC 9110 (and PATCH), as typed
// before a URL.
var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}

// looksLikeURL reports whether arg can only be a URL, not a request item:
// it has a scheme, is a :PORT shorthand, or starts with a host (a dotted
// name or address, localhost, an IPv6 literal) with at most a numeric
// port. Items all hold a separator (= : @ ;) before any '/', and a
// header's "Name:Value" has no numeric port.
func looksLikeURL(arg string) bool {
	if httpclient.HasScheme(arg) {
		return true
	}
	if rest, ok := strings.CutPrefix(arg, ":"); ok {
		return rest == "" || rest[0] == '/' || rest[0] >= '0' && rest[0] <= '9'
	}
	hostport := arg
	if i := strings.IndexAny(arg, "/?#"); i >= 0 {
		hostport = arg[:i]
	}
	if hostport == "" || strings.ContainsAny(hostport, "=@;\\") {
		return false
	}
	if strings.HasPrefix(hostport, "[") {
		return strings.Contains(hostport, "]")
	}
	host, port, hasPort := strings.Cut(hostport, ":")
	if hasPort && !isPort(port) {
		return false
	}
	return strings.EqualFold(host, "localhost") || strings.Contains(strings.Trim(host, "."), ".")
}

// expandURL applies HTTPie's shorthands: ":3000/x" is localhost, a URL
// without a scheme gets the default one (the shorthand too), and a pasted
// "://example.org" (typed after `reqs` with a space) is "example.org".
func expandURL(raw, defaultScheme string) (string, error) {
	raw = strings.TrimPrefix(raw, "://")
	if raw == "" {
		return "", usageErrorf("empty URL")
	}
	if httpclient.HasScheme(raw) {
		return raw, nil
	}
	if defaultScheme == "" {
		defaultScheme = "http"
	}
	if strings.HasPrefix(raw, ":") {
		rest := raw[1:]
		if rest == "" || rest[0] == '/' {
			return defaultScheme + "://localhost" + rest, nil
		}
		return defaultScheme + "://localhost:" + rest, nil
	}
	return defaultScheme + "://" + strings.TrimPrefix(raw, "//"), nil
}

func runRequest(ctx context.Context, o *requestOptions) (err error) {
	if o.Debug {
		defer func() { printErrorChain(o.IO.ErrOut, err) }()
	}
	ios := *o.IO // setOutput may send the printed output to stderr
	env := &requestEnv{IO: &ios, Opts: o, Quiet: o.Quiet, Changed: o.Changed}
	if err := parseRequest(env); err != nil {
		return err
	}
	plan, err := o.plan(env)
	if err != nil {
		return err
	}
	x, err := openExchange(env, plan)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// A failed exchange leaves the session as it was.
			x.Abandon()
		}
		if cerr := closeExchange(env, x); err == nil {
			err = cerr
		}
	}()
	prep, err := prepareRequest(env)
	if err != nil {
		return err
	}
	switch {
	case o.Curl:
		return printCurl(env, prep)
	case o.HTTPFile:
		return printHTTPFile(env, prep)
	case o.Offline && env.rawOffline():
		return printRawRequest(env, env.Print, prep)
	case o.Offline:
		_, err := printRequest(env, env.Print, prep, "HTTP/1.1")
		return err
	}
	if env.WebSocket {
		return runWebSocket(ctx, env, prep)
	}

	ctx, cancel := o.Transfer.withMaxTime(ctx)
	defer cancel()
	res, err := sendExchange(ctx, env, prep, exchangeCall{Progress: true})
	if err != nil {
		return err
	}
	if err := closeExchange(env, x); err != nil {
		return err
	}
	resp := res.Resp
	if (o.CheckStatus || env.unsaved) && resp.StatusCode >= 300 && resp.StatusCode < 600 {
		if resp.StatusCode >= 400 {
			env.Warn("HTTP %d %s", resp.StatusCode, resp.Reason)
		}
		return &statusError{Code: resp.StatusCode, Reason: resp.Reason}
	}
	return nil
}

// parseRequest turns the URL, items and output flags into env.URL,
// env.Request and the printing choices: the flags-and-items step of
// runRequest, before any session exists.
func parseRequest(env *requestEnv) error {
	o := env.Opts
	rawURL, err := expandURL(o.URL, o.DefaultScheme)
	if err != nil {
		return err
	}
	socket, httpURL, unix, err := httpclient.UnixSocketURL(rawURL)
	switch {
	case err != nil:
		return usageErrorf("invalid URL: %v", httpclient.Reason(err))
	case unix && o.Net.UnixSocket != "" && o.Net.UnixSocket != socket:
		return usageErrorf("the URL names the socket %s and --unix-socket %s; give one", socket, o.Net.UnixSocket)
	case unix:
		o.Net.UnixSocket, rawURL = socket, httpURL
	}
	if httpclient.IsWebSocketURL(rawURL) {
		if err := webSocketFlags(env); err != nil {
			return err
		}
		env.WebSocket, rawURL = true, httpclient.WebSocketURL(rawURL)
	}
	env.URL = rawURL
	u, err := httpclient.PrepareURL(rawURL)
	if err != nil {
		if scheme, _, ok := strings.Cut(rawURL, "://"); ok && httpclient.HasScheme(rawURL) && !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
			return usageErrorf("invalid URL %q: reqs speaks http, https, ws and wss, not %s (a Unix socket is http+unix://%%2Fpath%%2Fto.sock/PATH, or --unix-socket PATH)", httpclient.RedactURL(o.URL), strings.ToLower(scheme))
		}
		return usageErrorf("invalid URL %q: %v", httpclient.RedactURL(o.URL), httpclient.Reason(err))
	}
	if o.Net.HTTP3 && u.Scheme != "https" {
		return usageErrorf("--http3 needs an https:// URL, not %q: QUIC always runs TLS", o.URL)
	}
	if o.Boundary != "" {
		if err := httpclient.CheckBoundary(o.Boundary); err != nil {
			return usageErrorf("invalid --%v", err)
		}
	}
	req, err := buildRequest(env)
	if err != nil {
		return err
	}
	if env.WebSocket {
		if err := webSocketRequest(env, req); err != nil {
			return err
		}
	}
	env.Request = req
	return setOutput(env)
}

// buildRequest turns the items and body flags into a Request: one body
// source at most (data items, @FILE, --raw, else standard input when it
// is a pipe or file and nothing else gives a body, unless --ignore-stdin),
// and GET unless a body makes it POST, as in HTTPie.
func buildRequest(env *requestEnv) (*httpclient.Request, error) {
	o := env.Opts
	items, err := collectItems(o.Items, env.IO.readFile)
	if err != nil {
		return nil, err
	}
	req := &httpclient.Request{URL: env.URL, Boundary: o.Boundary, Chunked: o.Chunked, PathAsIs: o.PathAsIs, Compress: o.Transfer.compression()}
	// Header items apply in order, as in HTTPie: `Name:` removes the values
	// given before it (and the default), a value after it is sent.
	for _, h := range items.Headers {
		if h.Unset {
			req.Header.Del(h.Name)
			req.HeaderOrder = slices.DeleteFunc(req.HeaderOrder, func(n string) bool { return strings.EqualFold(n, h.Name) })
			req.Unset = append(req.Unset, h.Name)
			continue
		}
		req.Unset = slices.DeleteFunc(req.Unset, func(n string) bool { return strings.EqualFold(n, h.Name) })
		if req.Header == nil {
			req.Header = make(map[string][]string)
		}
		req.Header.Add(h.Name, h.Value)
		req.HeaderOrder = append(req.HeaderOrder, h.Name)
	}
	for _, p := range items.Params {
		req.Params = append(req.Params, httpclient.Param{Name: p.Key, Value: p.Value})
	}

	// Explicit body sources: data items, @path / @-, --raw.
	var sources []string
	hasData := len(items.Data) > 0 || len(items.Files) > 0
	if hasData {
		sources = append(sources, "data items")
	}
	if items.BodyPath != "" {
		sources = append(sources, "@"+items.BodyPath)
	}
	if o.Changed("raw") {
		sources = append(sources, "--raw")
	}
	if len(sources) > 1 {
		return nil, usageErrorf("two explicit body sources: %s and %s; a request has one body", sources[0], sources[1])
	}
	// Standard input can feed one item: @- or one name@- file field.
	stdinItems := 0
	if items.BodyPath == "-" {
		stdinItems++
	}
	for _, f := range items.Files {
		if f.Path == "-" {
			if o.IgnoreStdin {
				return nil, usageErrorf("%s@- reads a file field from standard input, which --ignore-stdin forbids", f.Field)
			}
			stdinItems++
		}
	}
	if stdinItems > 1 {
		return nil, usageErrorf("standard input is named by more than one item (@- or name@-); it can be read once")
	}

	// A Content-Type item naming a multipart type asks for a multipart
	// body as --multipart does (HTTPie adds the boundary to it); --json
	// given explicitly keeps the body JSON.
	multipartType := !o.JSON && httpclient.IsMultipartType(req.Header.Get("Content-Type"))
	switch {
	case hasData:
		if o.Form || o.Multipart || multipartType || len(items.Files) > 0 {
			fields, err := formFields(items.Data)
			if err != nil {
				return nil, err
			}
			for _, f := range fields {
				req.Form = append(req.Form, httpclient.Param{Name: f.Key, Value: f.Value})
			}
			for _, f := range items.Files {
				file, err := fileField(env, f)
				if err != nil {
					return nil, err
				}
				req.Files = append(req.Files, file)
			}
			req.Multipart = o.Multipart || multipartType || len(items.Files) > 0
		} else {
			body, err := jsonBody(items.Data)
			if err != nil {
				return nil, err
			}
			req.JSON = body
		}
		if stdinItems == 0 && !o.IgnoreStdin && !readsStdin(env.IO.In, items.paths()...) && env.IO.StdinHasData != nil && env.IO.StdinHasData() {
			env.Warn("standard input is not read because data items were given (use --ignore-stdin to silence this)")
		}
	case items.BodyPath == "-" && o.IgnoreStdin:
		return nil, usageErrorf("@- reads the body from standard input, which --ignore-stdin forbids")
	case items.BodyPath == "-":
		body, err := stdinBody(env.IO.In, o.Chunked)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		req.Body, env.StdinBody = body, true
	case items.BodyPath != "":
		b, err := httpclient.FileBody(items.BodyPath)
		if err != nil {
			return nil, usageErrorf("body file %q: %v", items.BodyPath, httpclient.Reason(err))
		}
		req.Body = b
		if !o.IgnoreStdin && !readsStdin(env.IO.In, items.BodyPath) && env.IO.StdinHasData != nil && env.IO.StdinHasData() {
			env.Warn("standard input is not read because @%s gives the body (use --ignore-stdin to silence this)", items.BodyPath)
		}
	case o.Changed("raw"):
		req.Body = httpclient.BytesBody([]byte(o.Raw))
	case env.IO.StdinReadable && !o.IgnoreStdin && !env.WebSocket:
		// A WebSocket reads standard input as its messages.
		body, err := implicitStdinBody(env.IO.In, o.Chunked)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		req.Body, env.StdinBody = body, body != nil
	}
	if o.Multipart && !hasData {
		if req.Body != nil {
			src := "standard input"
			switch {
			case items.BodyPath != "":
				src = "@" + items.BodyPath
			case o.Changed("raw"):
				src = "--raw"
			}
			return nil, usageErrorf("--multipart builds the body from data items and files; it cannot send %s as the body", src)
		}
		req.Multipart = true
	}
	if req.Body != nil {
		setRawBodyType(req, o, items.BodyPath)
	}
	if o.JSON && req.Body == nil && req.JSON == nil && req.Header.Get("Accept") == "" {
		if req.Header == nil {
			req.Header = make(map[string][]string)
		}
		req.Header.Set("Accept", "application/json, */*;q=0.5")
	}

	req.Method = o.Method
	if req.Method == "" {
		req.Method = "GET"
		if req.JSON != nil || len(req.Form) > 0 || len(req.Files) > 0 || req.Body != nil || req.Multipart {
			req.Method = "POST"
		}
	}
	env.Method = req.Method
	return req, nil
}

// setRawBodyType gives a raw body (a file, standard input, --raw) a
// Content-Type when the items named none, as HTTPie does: a form with
// --form, the file's type when its extension names a non-JSON one, else
// JSON, reqs' default body type. Unless it is a form, the request also
// asks for JSON first (Accept: application/json, */*;q=0.5), as HTTPie
// asks with any body it sends in its default JSON mode.
func setRawBodyType(req *httpclient.Request, o *requestOptions, bodyPath string) {
	if req.Header == nil {
		req.Header = make(map[string][]string)
	}
	if !o.Form && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json, */*;q=0.5")
	}
	if _, given := req.Header["Content-Type"]; given {
		return
	}
	for _, name := range req.Unset {
		if strings.EqualFold(name, "Content-Type") {
			return
		}
	}
	if o.Form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		return
	}
	if bodyPath != "" && bodyPath != "-" && !o.JSON {
		if t := guessFileType(bodyPath); t != "" && !strings.Contains(t, "json") {
			req.Header.Set("Content-Type", t)
			return
		}
	}
	req.Header.Set("Content-Type", "application/json")
}

// readsStdin reports whether one of paths is standard input itself
// (/dev/stdin, /dev/fd/0), so an item that names it is not warned about
// leaving standard input unread.
func readsStdin(in io.Reader, paths ...string) bool {
	f, ok := in.(*os.File)
	if !ok || len(paths) == 0 {
		return false
	}
	stdin, err := f.Stat()
	if err != nil {
		return false
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && os.SameFile(fi, stdin) {
			return true
		}
	}
	return false
}

// implicitStdinBody returns standard input as the body, or nil when it is
// empty (then the method stays GET).
func implicitStdinBody(in io.Reader, chunked bool) (*httpclient.Body, error) {
	if b := stdinFileBody(in); b != nil {
		if b.Size() == 0 {
			return nil, nil
		}
		return b, nil
	}
	if chunked {
		// Streamed as it comes (reqs --chunked POST URL < a live pipe),
		// but an empty pipe still means no body.
		br := bufio.NewReaderSize(in, 64<<10)
		if _, err := br.Peek(1); err != nil {
			if err == io.EOF {
				return nil, nil
			}
			return nil, err
		}
		return httpclient.ReaderBody(br, -1), nil
	}
	b, err := httpclient.ReadAheadBody(in, httpclient.ReadAheadLimit)
	if err != nil || b.Size() == 0 {
		return nil, err
	}
	return b, nil
}

// stdinBody returns standard input as an explicit body (@-): a regular
// file as a file body, a pipe read ahead so that a short one has a
// length (see httpclient.ReadAheadBody), or with --chunked streamed as it
// comes.
func stdinBody(in io.Reader, chunked bool) (*httpclient.Body, error) {
	if b := stdinFileBody(in); b != nil {
		return b, nil
	}
	if chunked {
		return httpclient.ReaderBody(in, -1), nil
	}
	return httpclient.ReadAheadBody(in, httpclient.ReadAheadLimit)
}

// stdinFileBody returns standard input as a file body when it is a
// regular file (reqs POST URL < big.bin): sent as @big.bin is, with its
// length and the kernel's zero-copy path, never copied through memory.
// It returns nil for anything else (a pipe, a terminal, a test buffer).
func stdinFileBody(in io.Reader) *httpclient.Body {
	f, ok := in.(*os.File)
	if !ok {
		return nil
	}
	b, err := httpclient.OpenFileBody(f)
	if err != nil {
		return nil
	}
	return b
}

// printErrorChain writes each cause of err with its Go type, for --debug;
// Main still prints the one-line message.
func printErrorChain(w io.Writer, err error) {
	for depth := 0; err != nil; depth++ {
		fmt.Fprintf(w, "reqs: debug: %s%T: %v\n", strings.Repeat("  ", depth), err, err)
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				return
			}
			err = errs[0]
		default:
			return
		}
	}
}

// fileField turns a name@path item into a multipart file part: the path's
// base name or ;filename= as the name sent, ;type= or a type guessed from
// that name, and for name@- standard input (kept to be sent again on a
// redirect or retry, up to httpclient.ReplayLimit).
func fileField(env *requestEnv, f fileItem) (httpclient.File, error) {
	var file httpclient.File
	if f.Path == "-" {
		body, err := stdinBody(env.IO.In, env.Opts.Chunked)
		if err != nil {
			return file, fmt.Errorf("read standard input: %w", err)
		}
		file = httpclient.File{Field: f.Field, Filename: "stdin", ContentType: f.Type, Size: body.Size(), Open: body.Open, Path: "-"}
	} else {
		var err error
		file, err = httpclient.FileFromPath(f.Field, f.Path, f.Type)
		if err != nil {
			return file, usageErrorf("file field %q: %v", f.Field+"@"+f.Path, err)
		}
	}
	if f.Filename != "" {
		file.Filename = f.Filename
	}
	if file.ContentType == "" {
		file.ContentType = guessFileType(file.Filename)
	}
	return file, nil
}

// guessFileType is the type of a file sent as it is, guessed from its
// name, without a charset: Go's table gives every text type
// charset=utf-8, but the file's bytes were never looked at, and a Latin-1
// CSV declared UTF-8 is misread by the server. HTTPie and curl send the
// bare type too.
func guessFileType(name string) string {
	t := guessMIME(name)
	mt, params, err := mime.ParseMediaType(t)
	if err != nil || params["charset"] == "" {
		return t
	}
	delete(params, "charset")
	return mime.FormatMediaType(mt, params)
}
