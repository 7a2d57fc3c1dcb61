package cmd

import (
	"fmt"
	"slices"

	"github.com/reqs-cli/reqs/pkg/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// configSourceAnnotation marks a flag whose value came from the config
// file or the environment, and says which ("file" or "env"), so that a
// session can tell it from a value typed on the command line.
const configSourceAnnotation = "reqs_config_source"

// skipConfigAnnotation on a command means applyConfig leaves it alone:
// `reqs config` must work to find and show a broken config file, and the
// session commands have no request flags.
const skipConfigAnnotation = "reqs_skip_config"

// noConfigFlags are never set from the config file or environment.
var noConfigFlags = []string{"help", "version", "manual"}

// applyConfig is the root's PersistentPreRunE: every flag of cmd that
// the command line did not set gets its value from REQS_<FLAG>, else from
// the config file (flag > env > file > default). An invalid
// config file is an error naming it (exit 1); so is a value a flag
// rejects. Config keys that name no flag are warned about.
func applyConfig(ios *IOStreams, cmd *cobra.Command) error {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[skipConfigAnnotation] != "" {
			return nil
		}
	}
	c, err := loadConfig(ios.Getenv)
	if err != nil {
		return err
	}
	if err := applyConfigTo(cmd.Flags(), c); err != nil {
		return err
	}
	if q, err := cmd.Flags().GetCount("quiet"); err != nil || q < 2 {
		warnUnknownConfigKeys(ios, c, cmd.Root().Flags())
	}
	return nil
}

// loadConfig reads the config of the directory getenv points at.
func loadConfig(getenv func(string) string) (*config.Config, error) {
	dir, err := config.Dir(getenv)
	if err != nil {
		return nil, err
	}
	return config.Load(dir, getenv)
}

// applyConfigTo sets each flag of fs not given on the command line from
// c, and marks it with its source.
func applyConfigTo(fs *pflag.FlagSet, c *config.Config) error {
	var first error
	fs.VisitAll(func(fl *pflag.Flag) {
		if first != nil || fl.Changed || slices.Contains(noConfigFlags, fl.Name) {
			return
		}
		values, src, ok, err := c.Lookup(fl.Name)
		if err != nil {
			first = err
			return
		}
		if !ok {
			return
		}
		for _, v := range values {
			if err := fs.Set(fl.Name, v); err != nil {
				first = fmt.Errorf("%s: invalid value %q for --%s: %s", configOrigin(c, fl.Name, src), v, fl.Name, flagValueReason(fl, err))
				return
			}
		}
		if fl.Annotations == nil {
			fl.Annotations = map[string][]string{}
		}
		fl.Annotations[configSourceAnnotation] = []string{src.String()}
	})
	return first
}

// configOrigin names where a flag's value came from, for messages.
func configOrigin(c *config.Config, flag string, src config.Source) string {
	if src == config.SourceEnv {
		return "environment variable " + config.EnvName(flag)
	}
	return "config file " + c.File
}

// setByConfig reports whether applyConfig set fl.
func setByConfig(fl *pflag.Flag) bool {
	return len(fl.Annotations[configSourceAnnotation]) > 0
}

// typedOn returns whether a flag of fs was typed on the command line, as
// opposed to set by applyConfig.
func typedOn(fs *pflag.FlagSet) func(name string) bool {
	return func(name string) bool {
		fl := fs.Lookup(name)
		return fl != nil && fl.Changed && !setByConfig(fl)
	}
}

// sourceOn returns where the value of a flag of fs came from; a flag fs
// does not have is SourceFlag's.
func sourceOn(fs *pflag.FlagSet) func(name string) config.Source {
	return func(name string) config.Source {
		fl := fs.Lookup(name)
		if fl == nil {
			return config.SourceFlag
		}
		return flagSource(fl)
	}
}

// flagSource is where fl's current value came from.
func flagSource(fl *pflag.Flag) config.Source {
	switch {
	case setByConfig(fl) && fl.Annotations[configSourceAnnotation][0] == config.SourceEnv.String():
		return config.SourceEnv
	case setByConfig(fl):
		return config.SourceFile
	case fl.Changed:
		return config.SourceFlag
	}
	return config.SourceDefault
}

// unknownConfigKeys are the config file's keys that name no flag of fs.
func unknownConfigKeys(c *config.Config, fs *pflag.FlagSet) []string {
	var out []string
	for _, k := range c.FileKeys() {
		if fs.Lookup(k) == nil || slices.Contains(noConfigFlags, k) {
			out = append(out, k)
		}
	}
	return out
}

func warnUnknownConfigKeys(ios *IOStreams, c *config.Config, fs *pflag.FlagSet) {
	for _, k := range unknownConfigKeys(c, fs) {
		ios.Warnf("config file %s: unknown key %q (no such flag)", c.File, k)
	}
}
