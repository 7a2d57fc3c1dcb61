// Package cmd is the reqs command line: cobra commands that turn flags and
// request items into an httpclient.Request and hand the Response to
// render. It holds no HTTP logic of its own.
package cmd

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/reqs-cli/reqs/pkg/render"
)

// Build information, set with -ldflags "-X github.com/reqs-cli/reqs/cmd.version=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Main runs reqs with the process's arguments and returns its exit status.
func Main() int {
	ios := SystemIOStreams()
	quietLibraryLogs(ios)
	ctx, watch := watchInterrupts(ios)
	root := newCommandTree(ios, os.Args[1:])
	root.SetArgs(os.Args[1:])
	ran, err := root.ExecuteContextC(ctx)
	watch.end()
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		var pe *download.PartialError
		if errors.As(err, &pe) {
			// The bytes received so far are not lost: say where they are.
			ios.Errorf("interrupted; %d bytes kept in %s (%s)", pe.Kept, pe.Part, partialNote(err))
		} else {
			ios.Errorf("interrupted")
		}
		return exitInterrupted
	}
	var status *statusError
	if !errors.Is(err, errSilent) && !errors.As(err, &status) {
		ios.Errorf("%s%s", oneLine(err.Error()), errorHint(err))
		var usage *usageError
		if errors.As(err, &usage) {
			help := usage.help
			if help == "" && ran != nil {
				help = ran.CommandPath()
			}
			if help == "" {
				help = "reqs"
			}
			fmt.Fprintf(ios.ErrOut, "reqs: see '%s --help'\n", help)
		}
	}
	return exitCode(err)
}

// quietLibraryLogs stops the standard library's log lines, such as
// net/http's "Unsolicited response received on idle HTTP channel" with
// the stray bytes of a server that sent more than it announced: reqs
// reports what goes wrong itself, in its own words. They stay
// for whoever debugs HTTP/2 with GODEBUG=http2debug.
func quietLibraryLogs(ios *IOStreams) {
	if !strings.Contains(ios.Getenv("GODEBUG"), "http2debug") {
		log.SetOutput(io.Discard)
	}
}

// oneLine keeps an error message on one line, as every error is printed, with
// any control character it quotes from a server escaped.
func oneLine(s string) string {
	return render.EscapeControls(strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " "))
}

// verbs are the subcommands that send a request with a fixed method.
var verbs = []string{"get", "head", "post", "put", "patch", "delete", "options"}

// subcommandNames are the names (and aliases) of the root's
// subcommands, with those cobra adds when it runs (help and the hidden
// completion ones). A test keeps the list in step with newRootCmd.
var subcommandNames = append(slices.Clone(verbs),
	"request", "version", "httpbin", "run", "session", "config", "completion",
	"help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd)

// newCommandTree returns the command that runs args. A request (reqs
// [METHOD] URL ...) is most runs, and then the root command alone does:
// building every verb's ~100 flags was most of reqs's own start-up work.
// The whole tree is built when any argument could name a subcommand or
// ask for help, the only cases where cobra would run anything but the
// root; a flag value such as --session get costs the full tree, never a
// wrong command.
func newCommandTree(ios *IOStreams, args []string) *cobra.Command {
	if len(args) == 0 {
		return newRootCmd(ios)
	}
	if args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd {
		root := newRootCmd(ios)
		plainFlagUsages(root)
		return root
	}
	for _, a := range args {
		if slices.Contains(subcommandNames, a) || a == "--help" || strings.HasPrefix(a, "--help=") || a == "--manual" {
			return newRootCmd(ios)
		}
	}
	return newRequestRoot(ios)
}

// newRootCmd builds the whole command tree: the root request command and
// every subcommand.
func newRootCmd(ios *IOStreams) *cobra.Command {
	root := newRequestRoot(ios)
	for _, v := range verbs {
		root.AddCommand(newRequestCmd(ios, strings.ToUpper(v), nil))
	}
	root.AddCommand(newRequestCmd(ios, "*", nil))
	root.AddCommand(newVersionCmd(ios))
	root.AddCommand(newHTTPBinCmd(ios))
	root.AddCommand(newRunCmd(ios, nil))
	addExtraCommands(root, ios)
	root.SetHelpCommand(newHelpCmd())
	for _, c := range allCommands(root) {
		if c != root && c.HasSubCommands() && !c.Runnable() {
			c.Args, c.RunE = cobra.ArbitraryArgs, runGroup
		}
		c.SilenceErrors, c.SilenceUsage = true, true
		c.SetFlagErrorFunc(root.FlagErrorFunc())
		if c.Flags().Lookup("help") == nil {
			// -h means --headers (HTTPie), so help has no shorthand.
			c.Flags().Bool("help", false, "help for "+c.Name())
		}
	}
	return root
}

// newRequestRoot builds the root command without its subcommands: all a
// request needs.
func newRequestRoot(ios *IOStreams) *cobra.Command {
	root := newRequestCmd(ios, "", nil)
	root.Use = "reqs [flags] [METHOD] URL [ITEM ...]"
	root.Short = "HTTP for humans on the command line"
	root.Long = `reqs sends HTTP requests with the semantics of Python's Requests library
(sessions, cookies, redirects, auth, proxies, TLS, timeouts, retries)
behind an HTTPie-style command line.

Items:
  Name:Value    request header            name==value   query parameter
  Name:         remove a header            name=value    data field (JSON or form)
  Name;         header with empty value    name:=json    raw JSON value
  name@path     file field (multipart)     @path         whole body from a file
  name=@path, name:=@path, Name:@path, name==@path  value read from a file`
	root.Version = version
	root.SetVersionTemplate("reqs {{.Version}}\n")
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.CompletionOptions.HiddenDefaultCmd = false
	root.SetFlagErrorFunc(suggestFlag)
	root.SetUsageFunc(usage)
	// The root's help ends with examples, exit codes and the environment,
	// as HTTPie's help teaches; the subcommands keep cobra's text.
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		defaultHelp(c, args)
		if c == root {
			io.WriteString(c.OutOrStdout(), helpSections())
		}
	})

	// --manual is HTTPie's flag for its whole help: reqs --help is that.
	root.Flags().Bool("version", false, "print the version (reqs version adds the commit and Go version)")
	root.Flags().Bool("manual", false, "show this help, as --help does (HTTPie's name; man reqs has it too)")
	send := root.RunE
	root.RunE = func(c *cobra.Command, args []string) error {
		if manual, _ := c.Flags().GetBool("manual"); manual {
			return c.Help()
		}
		return send(c, args)
	}

	root.PersistentPreRunE = func(c *cobra.Command, args []string) error { return applyConfig(ios, c) }
	return root
}

func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		out = append(out, allCommands(sub)...)
	}
	return out
}
