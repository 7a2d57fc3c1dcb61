package cmd

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// configOptions is what the config commands need.
type configOptions struct {
	IO *IOStreams
	// Flags are the request flags whose effective values are shown.
	Flags *pflag.FlagSet
	// Getenv reads the environment (the config directory and REQS_*).
	Getenv func(string) string
}

// newConfigCmd builds `reqs config show|path`.
func newConfigCmd(ios *IOStreams) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Show the effective configuration and where it comes from",
		Long: `reqs reads <config dir>/config.yaml (or .toml, .json): every flag's long
name is a key (timeout: 30, verify: false, default-scheme: https).
REQS_<FLAG> environment variables (REQS_DEFAULT_SCHEME) override the file,
and flags override both. The config dir is $REQS_CONFIG_DIR, else
$XDG_CONFIG_HOME/reqs, else ~/.config/reqs.`,
		Annotations: map[string]string{skipConfigAnnotation: "1"},
		Args:        noArgs,
	}
	show := &cobra.Command{
		Use:   "show",
		Short: "Print every flag's effective value and its source (flag, env, file, default)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runConfigShow(c.Context(), &configOptions{IO: ios, Flags: c.Root().Flags(), Getenv: ios.Getenv})
		},
	}
	path := &cobra.Command{
		Use:   "path",
		Short: "Print the config file's path (the one in use, or where it would be read)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runConfigPath(c.Context(), &configOptions{IO: ios, Getenv: ios.Getenv})
		},
	}
	c.AddCommand(show, path)
	return c
}

// secretFlags hold credentials; config show masks their values.
var secretFlags = []string{"auth", "cert-key-pass"}

// runConfigShow applies the config to the request flags, as a request
// would, and prints each flag's value and source.
func runConfigShow(_ context.Context, o *configOptions) error {
	c, err := loadConfig(o.Getenv)
	if err != nil {
		return err
	}
	if err := applyConfigTo(o.Flags, c); err != nil {
		return err
	}
	file := c.File
	if file == "" {
		file = c.Path() + " (not found)"
	}
	fmt.Fprintf(o.IO.Out, "# config file: %s\n", file)
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	var names []string
	o.Flags.VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden && fl.Name != "help" && fl.Name != "version" {
			names = append(names, fl.Name)
		}
	})
	sort.Strings(names)
	for _, name := range names {
		fl := o.Flags.Lookup(name)
		src := flagSource(fl)
		where := src.String()
		switch src {
		case config.SourceEnv:
			where += " (" + config.EnvName(name) + ")"
		case config.SourceFile:
			where += " (" + c.File + ")"
		}
		value := fl.Value.String()
		switch {
		case value == "":
			value = `""`
		case slices.Contains(secretFlags, name):
			value = "****"
		default:
			value = maskURLPasswords(value)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, value, where)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	warnUnknownConfigKeys(o.IO, c, o.Flags)
	return nil
}

// maskURLPasswords replaces the password of every URL in a flag's value
// (a proxy's `http://user:pass@host`, among a list or not) with ****, as
// session show masks a session's proxies.
func maskURLPasswords(value string) string {
	var b strings.Builder
	rest := value
	for {
		i := strings.Index(rest, "://")
		if i < 0 {
			break
		}
		i += len("://")
		b.WriteString(rest[:i])
		rest = rest[i:]
		end := strings.IndexAny(rest, "/?#,] \t")
		if end < 0 {
			end = len(rest)
		}
		authority := rest[:end]
		at := strings.LastIndexByte(authority, '@')
		colon := strings.IndexByte(authority[:max(at, 0)], ':')
		if at < 0 || colon < 0 {
			continue
		}
		b.WriteString(authority[:colon+1] + "****")
		rest = rest[at:]
	}
	b.WriteString(rest)
	return b.String()
}

// runConfigPath prints the config file in use, or where it would be.
func runConfigPath(_ context.Context, o *configOptions) error {
	dir, err := config.Dir(o.Getenv)
	if err != nil {
		return err
	}
	c, err := config.Load(dir, o.Getenv)
	if err != nil {
		// A broken file is still the one in use: say where it is.
		fmt.Fprintln(o.IO.Out, config.FilePath(dir))
		return err
	}
	fmt.Fprintln(o.IO.Out, c.Path())
	return nil
}
