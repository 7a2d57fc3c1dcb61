package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each cost
// one, so "gte" is one edit from "get".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// closest returns the candidate nearest to typed, if it is near enough to
// be a typo: one edit for names of up to four letters, two beyond.
func closest(typed string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(typed), c)
		limit := 2
		if len(c) <= 4 {
			limit = 1
		}
		if d == 0 {
			return "", false // the name itself, not a typo
		}
		if d > limit {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD > 0
}

// urlLike reports whether an argument reads as a URL or host rather than
// a word: it has a dot, colon or slash, or is localhost.
func urlLike(arg string) bool {
	return strings.ContainsAny(arg, ".:/[") || strings.EqualFold(arg, "localhost")
}

// checkMistypedCommand refuses a first argument of the root command that
// is one typo away from a subcommand (`reqs sesion list`), which would
// otherwise be sent as a request to the host "sesion". An upper-case
// token is a method, and a word followed by a URL is a lower-case method
// (`reqs purge :8080/x`), so neither is questioned.
func checkMistypedCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	word := args[0]
	if word == "" || urlLike(word) || strings.ToUpper(word) == word || strings.ContainsAny(word, "=@;\\") {
		return nil
	}
	if len(args) > 1 && urlLike(args[1]) {
		return nil
	}
	var names []string
	for _, c := range root.Commands() {
		if !c.Hidden {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	if len(names) == 0 {
		// The root was built alone (newCommandTree).
		for _, n := range subcommandNames {
			if !strings.HasPrefix(n, "__") { // cobra's hidden completion commands
				names = append(names, n)
			}
		}
	}
	if name, ok := closest(word, names); ok {
		return usageErrorf("unknown command %q (did you mean %q?)", word, name)
	}
	return nil
}

// suggestFlag adds "did you mean --NAME?" to pflag's unknown-flag error
// when a flag of c is one typo away.
func suggestFlag(c *cobra.Command, err error) error {
	msg := err.Error()
	typed, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return flagError(err)
	}
	var names []string
	collect := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	c.Flags().VisitAll(collect)
	c.InheritedFlags().VisitAll(collect)
	if name, ok := closest(typed, names); ok {
		return usageErrorf("%s (did you mean --%s?)", msg, name)
	}
	return flagError(err)
}

// runGroup runs a command that only groups subcommands (reqs session):
// alone it prints its help; with an unknown subcommand it is a usage
// error that suggests the nearest one.
func runGroup(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	var names []string
	for _, sub := range c.Commands() {
		if !sub.Hidden {
			names = append(names, sub.Name())
			names = append(names, sub.Aliases...)
		}
	}
	msg := fmt.Sprintf("unknown command %q for %q (one of: %s)", args[0], c.CommandPath(), strings.Join(names, ", "))
	if name, ok := closest(args[0], names); ok {
		msg = fmt.Sprintf("unknown command %q for %q (did you mean %q?)", args[0], c.CommandPath(), name)
	}
	return &usageError{msg: msg, help: c.CommandPath()}
}

// newHelpCmd is `reqs help [COMMAND]`, cobra's help command except that
// a command that does not exist is a usage error (cobra prints the
// root's help and exits 0).
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		Long:  "Help prints the help of any command: reqs help session rm.",
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			parent, _, err := c.Root().Find(args)
			if err != nil || parent == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range parent.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return &usageError{msg: fmt.Sprintf("reqs help: no command %q (reqs --help lists them)", strings.Join(args, " ")), help: "reqs"}
			}
			return target.Help()
		},
	}
}
