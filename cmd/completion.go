package cmd

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/reqs-cli/reqs/pkg/httpfile"
	"github.com/reqs-cli/reqs/pkg/render"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// completionShells are the shells `reqs completion` writes a script for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// completionOptions is what runCompletion needs.
type completionOptions struct {
	IO             *IOStreams
	Shell          string
	NoDescriptions bool
}

func newCompletionCmd(ios *IOStreams) *cobra.Command {
	opts := &completionOptions{IO: ios}
	c := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print the script that makes the shell complete reqs' commands, flags and
flag values: --session completes the sessions saved for the URL's host,
--auth-type, --pretty, --style, --ssl, --verify and --print their values,
and 'reqs request' the HTTP methods.

Packages install the scripts for you. To load them yourself:

  bash        source <(reqs completion bash)
              (to keep it: reqs completion bash > ~/.local/share/bash-completion/completions/reqs)
  zsh         reqs completion zsh > "${fpath[1]}/_reqs"   (then start a new shell)
  fish        reqs completion fish > ~/.config/fish/completions/reqs.fish
  powershell  reqs completion powershell | Out-String | Invoke-Expression
              (add that line to $PROFILE to keep it)`,
		ValidArgs: completionShells,
		Args:      wantArgs(1, 1, "one shell: "+strings.Join(completionShells, ", ")),
		RunE: func(c *cobra.Command, args []string) error {
			if !slices.Contains(completionShells, args[0]) {
				return usageErrorf("unknown shell %q: use %s", args[0], strings.Join(completionShells, ", "))
			}
			opts.Shell = args[0]
			return runCompletion(c.Root(), opts)
		},
	}
	c.Flags().BoolVar(&opts.NoDescriptions, "no-descriptions", false, "leave out the descriptions shown next to each candidate")
	return c
}

// runCompletion writes root's completion script for opts.Shell. The
// scripts ask the binary itself (`reqs __complete ...`) for candidates, so
// they never go stale when flags change.
func runCompletion(root *cobra.Command, opts *completionOptions) error {
	w, desc := opts.IO.Out, !opts.NoDescriptions
	var err error
	switch opts.Shell {
	case "bash":
		err = root.GenBashCompletionV2(w, desc)
	case "zsh":
		if desc {
			err = root.GenZshCompletion(w)
		} else {
			err = root.GenZshCompletionNoDesc(w)
		}
	case "fish":
		err = root.GenFishCompletion(w, desc)
	case "powershell":
		if desc {
			err = root.GenPowerShellCompletionWithDesc(w)
		} else {
			err = root.GenPowerShellCompletion(w)
		}
	default:
		return usageErrorf("unknown shell %q: use %s", opts.Shell, strings.Join(completionShells, ", "))
	}
	if err != nil {
		return fmt.Errorf("write %s completion: %w", opts.Shell, err)
	}
	return nil
}

// completionMethods are offered for the METHOD argument: RFC 9110's
// methods, PATCH (RFC 5789) and the WebDAV and cache verbs people send
// with `reqs request`.
var completionMethods = []string{
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH", "PURGE",
}

// printLetters describes --print's letters, in the order they are offered.
var printLetters = []struct {
	letter byte
	desc   string
}{
	{'H', "request headers"},
	{'B', "request body"},
	{'h', "response headers"},
	{'b', "response body"},
	{'m', "metadata (timings, TLS)"},
}

// flagValueCompletions maps a flag to its completion function. A flag a
// command does not have is skipped, so the table may name flags that only
// some commands (or no command yet) define.
func flagValueCompletions() map[string]cobra.CompletionFunc {
	pretty := map[string]string{
		"all":    "format and colour",
		"colors": "colour only",
		"format": "format only",
		"none":   "the body as received",
	}
	var prettyChoices []cobra.Completion
	for _, m := range prettyModes {
		prettyChoices = append(prettyChoices, cobra.CompletionWithDesc(m, pretty[m]))
	}
	// The schemes are the library's list; this only describes them.
	authHelp := map[string]string{
		httpclient.AuthBasic:  "HTTP Basic (the default)",
		httpclient.AuthDigest: "HTTP Digest",
		httpclient.AuthBearer: "Authorization: Bearer TOKEN",
		httpclient.AuthSigV4:  "AWS Signature Version 4 (--aws-sigv4)",
		httpclient.AuthOAuth2: "OAuth 2 client credentials (--oauth2-token-url)",
		httpclient.AuthExec:   "headers from a credential helper (--auth-helper)",
	}
	var authChoices []cobra.Completion
	for _, name := range httpclient.AuthSchemes() {
		authChoices = append(authChoices, cobra.CompletionWithDesc(name, authHelp[name]))
	}
	return map[string]cobra.CompletionFunc{
		"auth-type": fixedChoices(authChoices...),
		"pretty":    fixedChoices(prettyChoices...),
		"style":     fixedChoices(render.Styles()...),
		// --ssl pins one version; the old ones stay for old servers.
		"ssl": fixedChoices(
			cobra.CompletionWithDesc("tls1.2", "TLS 1.2 only"),
			cobra.CompletionWithDesc("tls1.3", "TLS 1.3 only"),
			cobra.CompletionWithDesc("tls1.1", "TLS 1.1 only (deprecated, RFC 8996)"),
			cobra.CompletionWithDesc("tls1", "TLS 1.0 only (deprecated, RFC 8996)"),
		),
		"default-scheme": fixedChoices("http", "https"),
		"print":          completePrintLetters,
		"history-print":  completePrintLetters,
		"format-options": fixedChoices(
			cobra.CompletionWithDesc("json.indent:2", "indent JSON by N spaces"),
			cobra.CompletionWithDesc("json.sort_keys:true", "sort JSON keys"),
			cobra.CompletionWithDesc("json.sort_keys:false", "keep the server's key order"),
			cobra.CompletionWithDesc("json.format:false", "leave JSON as sent"),
			cobra.CompletionWithDesc("headers.sort:true", "sort headers by name"),
			cobra.CompletionWithDesc("headers.sort:false", "keep the server's header order"),
			cobra.CompletionWithDesc("xml.indent:2", "indent XML by N spaces"),
			cobra.CompletionWithDesc("xml.format:false", "leave XML as sent"),
		),
		// --verify takes yes, no or a CA bundle file or directory.
		"verify": wordsOrFiles(
			cobra.CompletionWithDesc("yes", "verify certificates (the default)"),
			cobra.CompletionWithDesc("no", "do not verify certificates"),
		),
		"session":           completeSessionNames,
		"session-read-only": completeSessionNames,
		"ciphers":           completeCipherSuites,
	}
}

// completeCipherSuites completes the last suite of a --ciphers list
// (separated by : or ,) with the TLS 1.2 suites Go implements, in
// OpenSSL's spelling as HTTPie and curl users type them, or in IANA's
// once TLS_ is typed; the insecure ones come last and say so.
func completeCipherSuites(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cut := strings.LastIndexAny(toComplete, ":,") + 1
	head, word := toComplete[:cut], toComplete[cut:]
	iana := strings.HasPrefix(strings.ToUpper(word), "TLS_")
	var out []cobra.Completion
	add := func(suites []*tls.CipherSuite, note string) {
		for _, cs := range suites {
			if !slices.Contains(cs.SupportedVersions, tls.VersionTLS12) {
				continue
			}
			name, desc := cs.Name, ""
			if openssl, ok := httpclient.OpenSSLCipherName(cs.ID); ok && !iana {
				name, desc = openssl, cs.Name
			}
			if !strings.HasPrefix(strings.ToUpper(name), strings.ToUpper(word)) || slices.Contains(strings.FieldsFunc(head, func(r rune) bool { return r == ':' || r == ',' }), name) {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(head+name, strings.TrimSpace(desc+note)))
		}
	}
	add(tls.CipherSuites(), "")
	add(tls.InsecureCipherSuites(), " (insecure)")
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveKeepOrder
}

// registerCompletions adds completion of flag values and of the METHOD
// argument to every command of root's tree. It may run more than once.
func registerCompletions(root *cobra.Command) {
	funcs := flagValueCompletions()
	for _, c := range allCommands(root) {
		for name, fn := range funcs {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); ok {
				continue
			}
			// The flag exists and has no function yet, so this cannot fail.
			_ = c.RegisterFlagCompletionFunc(name, fn)
		}
		if c.Name() == "run" && c.Parent() == root && c.Flags().Lookup("name") != nil {
			if _, ok := c.GetFlagCompletionFunc("name"); !ok {
				_ = c.RegisterFlagCompletionFunc("name", completeRequestNames)
			}
		}
		if c.ValidArgsFunction != nil {
			continue
		}
		switch {
		case c == root:
			c.ValidArgsFunction = completeRootMethod
		case c.Name() == "request" && c.Parent() == root:
			c.ValidArgsFunction = completeRequestMethod
		case c.Name() == "run" && c.Parent() == root:
			c.ValidArgsFunction = completeRequestFiles
		case c.HasParent() && c.Parent().Name() == "session" && c.Parent().Parent() == root && slices.Contains([]string{"show", "rm", "path"}, c.Name()):
			c.ValidArgsFunction = completeSessionArg
			if c.Flags().Lookup("host") != nil {
				if _, ok := c.GetFlagCompletionFunc("host"); !ok {
					_ = c.RegisterFlagCompletionFunc("host", completeSessionHosts)
				}
			}
		}
	}
}

// plainFlagUsages removes the backquotes that mark a flag's placeholder
// in its help (`WHAT`) from every flag of root's tree: the shells show a
// flag's help as the description of its completion, where they are
// noise.
func plainFlagUsages(root *cobra.Command) {
	for _, c := range allCommands(root) {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			_, fl.Usage = pflag.UnquoteUsage(fl)
		})
	}
}

// completeSessionArg completes the NAME of reqs session show|rm|path:
// the sessions of --host when it is given, else of every host (the
// hosts in the description). A value holding a '/' is a path.
func completeSessionArg(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if sessionfile.IsPath(toComplete) {
		return nil, cobra.ShellCompDirectiveDefault
	}
	dir, err := config.Dir(os.Getenv)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	hostDir := ""
	if host, _ := c.Flags().GetString("host"); host != "" {
		if hostDir, err = sessionfile.HostFlagDir(host); err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
	}
	return sessionCandidates(dir, hostDir, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeSessionHosts completes --host of the session commands with the
// hosts that have sessions (that have the NAME typed, when there is one).
func completeSessionHosts(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	dir, err := config.Dir(os.Getenv)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	infos, err := sessionfile.List(dir, "")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var hosts []string
	for _, s := range infos {
		if (len(args) == 0 || s.Name == args[0]) && strings.HasPrefix(s.Host, toComplete) && !slices.Contains(hosts, s.Host) {
			hosts = append(hosts, s.Host)
		}
	}
	slices.Sort(hosts)
	return hosts, cobra.ShellCompDirectiveNoFileComp
}

// completeRequestFiles completes reqs run's FILE arguments with request
// files (.http, .rest) and directories.
func completeRequestFiles(_ *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"http", "rest"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeRequestNames completes reqs run --name with the names and
// titles of the requests in the files typed so far, described by their
// request lines.
func completeRequestNames(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	seen := map[string]bool{}
	for _, path := range args {
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f, _ := httpfile.Parse(path, src)
		if f == nil {
			continue
		}
		for _, r := range f.Requests {
			name := r.Name
			if name == "" {
				name = r.Title
			}
			if name == "" || seen[name] || !strings.HasPrefix(name, toComplete) {
				continue
			}
			seen[name] = true
			out = append(out, cobra.CompletionWithDesc(name, strings.TrimSpace(r.Method+" "+r.URL)))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// fixedChoices completes one of choices (a description may follow a tab)
// and never a file name.
func fixedChoices(choices ...cobra.Completion) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return matchingChoices(choices, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// wordsOrFiles completes one of words, or a file name once what is typed
// matches none of them.
func wordsOrFiles(words ...cobra.Completion) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if got := matchingChoices(words, toComplete); len(got) > 0 {
			return got, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveDefault
	}
}

// matchingChoices keeps the choices whose value starts with prefix.
func matchingChoices(choices []cobra.Completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range choices {
		value, _, _ := strings.Cut(c, "\t")
		if strings.HasPrefix(value, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// completePrintLetters offers what is typed so far extended by each
// --print letter not yet in it, so TAB builds "HBhb" one letter at a time.
func completePrintLetters(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	for i := 0; i < len(toComplete); i++ {
		if !isPrintLetter(toComplete[i]) || strings.IndexByte(toComplete[:i], toComplete[i]) >= 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
	}
	var out []cobra.Completion
	if toComplete != "" {
		out = append(out, toComplete)
	}
	for _, l := range printLetters {
		if strings.IndexByte(toComplete, l.letter) < 0 {
			out = append(out, cobra.CompletionWithDesc(toComplete+string(l.letter), "+ "+l.desc))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveKeepOrder
}

func isPrintLetter(c byte) bool {
	for _, l := range printLetters {
		if l.letter == c {
			return true
		}
	}
	return false
}

// completeRequestMethod completes `reqs request`'s first argument.
func completeRequestMethod(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return matchingChoices(completionMethods, strings.ToUpper(toComplete)), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// completeRootMethod offers methods on the root command only once an
// upper-case letter is typed, so a bare TAB still lists the subcommands.
func completeRootMethod(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 || toComplete == "" || toComplete[0] < 'A' || toComplete[0] > 'Z' {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return matchingChoices(completionMethods, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// completeSessionNames completes --session with the sessions saved for
// the URL's host (all hosts' when no URL is typed yet); a value holding a
// '/' is a path and completes as a file.
func completeSessionNames(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if sessionfile.IsPath(toComplete) {
		return nil, cobra.ShellCompDirectiveDefault
	}
	dir, err := config.Dir(os.Getenv)
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	scheme, _ := c.Flags().GetString("default-scheme")
	names := sessionCandidates(dir, sessionHostDir(commandMethod(c), args, scheme), toComplete)
	if len(names) == 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// commandMethod is the method argument newRequestCmd gave c: "" for the
// root, "*" for `reqs request`, else the verb.
func commandMethod(c *cobra.Command) string {
	switch {
	case !c.HasParent():
		return ""
	case c.Name() == "request":
		return "*"
	}
	return strings.ToUpper(c.Name())
}

// sessionHostDir is the session directory name of the URL among args, as
// runRequest would read it, or "" when there is no usable URL yet.
func sessionHostDir(method string, args []string, defaultScheme string) string {
	var o requestOptions
	if err := o.takeArgs(method, args); err != nil {
		return ""
	}
	raw, err := expandURL(o.URL, defaultScheme)
	if err != nil {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return sessionfile.HostDir(u)
}

// sessionCandidates lists the saved session names under dir that start
// with prefix: those of hostDir, or of every host (described by their
// hosts) when hostDir is "".
func sessionCandidates(dir, hostDir, prefix string) []cobra.Completion {
	infos, err := sessionfile.List(dir, hostDir)
	if err != nil {
		return nil
	}
	var names []string
	hosts := map[string][]string{}
	for _, s := range infos {
		if !strings.HasPrefix(s.Name, prefix) {
			continue
		}
		if _, seen := hosts[s.Name]; !seen {
			names = append(names, s.Name)
		}
		hosts[s.Name] = append(hosts[s.Name], s.Host)
	}
	slices.Sort(names)
	out := make([]cobra.Completion, 0, len(names))
	for _, n := range names {
		out = append(out, cobra.CompletionWithDesc(n, strings.Join(hosts[n], ", ")))
	}
	return out
}
