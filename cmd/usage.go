package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagSynopsis returns how a flag is written in --help and the man pages:
// its names, with the repeated short form of a flag counted by repetition
// ("-v, -vv, --verbose"), and the placeholder of its value as its usage
// text names it between backquotes ("WHAT"), "" for a flag that takes
// none. A value's type ("string", "count") is never shown: it says
// nothing about what to type.
func FlagSynopsis(fl *pflag.Flag) (names, value string) {
	typ := fl.Value.Type()
	switch {
	case fl.Shorthand != "" && typ == "count":
		names = "-" + fl.Shorthand + ", -" + fl.Shorthand + fl.Shorthand + ", --" + fl.Name
	case fl.Shorthand != "":
		names = "-" + fl.Shorthand + ", --" + fl.Name
	default:
		names = "--" + fl.Name
	}
	if typ == "bool" || typ == "count" {
		return names, ""
	}
	value, _ = pflag.UnquoteUsage(fl)
	if value == typ || value == "" || strings.ContainsAny(value, "`") {
		value = "VALUE"
	}
	return names, value
}

// FlagUsage is a flag's help text, its placeholder's backquotes removed,
// with its default when that is not the zero value.
func FlagUsage(fl *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(fl)
	switch fl.DefValue {
	case "", "0", "false", "[]":
		return usage
	}
	if fl.Value.Type() == "string" {
		return fmt.Sprintf("%s (default %q)", usage, fl.DefValue)
	}
	return fmt.Sprintf("%s (default %s)", usage, fl.DefValue)
}

// flagUsages lists fs's visible flags as --help shows them, one per line:
// synopsis and placeholder, then the help text in an aligned column.
func flagUsages(fs *pflag.FlagSet) string {
	type row struct{ left, right string }
	var rows []row
	width := 0
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden {
			return
		}
		names, value := FlagSynopsis(fl)
		left := "      " + names
		if fl.Shorthand != "" {
			left = "  " + names
		}
		if value != "" {
			left += " " + value
		}
		rows = append(rows, row{left, FlagUsage(fl)})
		width = max(width, len(left))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s   %s\n", width, r.left, r.right)
	}
	return b.String()
}

// usage writes a command's usage as cobra's default does, with the flags
// listed by flagUsages.
func usage(c *cobra.Command) error {
	w := c.OutOrStderr()
	io.WriteString(w, "Usage:")
	if c.Runnable() {
		fmt.Fprintf(w, "\n  %s", c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n  %s [command]", c.CommandPath())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(w, "\n\nAliases:\n  %s", c.NameAndAliases())
	}
	if c.HasExample() {
		fmt.Fprintf(w, "\n\nExamples:\n%s", c.Example)
	}
	if c.HasAvailableSubCommands() {
		io.WriteString(w, "\n\nAvailable Commands:")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(w, "\n  %-*s %s", sub.NamePadding(), sub.Name(), sub.Short)
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		fmt.Fprintf(w, "\n\nFlags:\n%s", strings.TrimRight(flagUsages(c.LocalFlags()), " \n"))
	}
	if c.HasAvailableInheritedFlags() {
		fmt.Fprintf(w, "\n\nGlobal Flags:\n%s", strings.TrimRight(flagUsages(c.InheritedFlags()), " \n"))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n\nUse \"%s [command] --help\" for more information about a command.", c.CommandPath())
	}
	fmt.Fprintln(w)
	return nil
}
