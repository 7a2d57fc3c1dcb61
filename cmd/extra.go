package cmd

import "github.com/spf13/cobra"

// addExtraCommands adds the commands that live outside the request path:
// sessions, configuration and completion, and reads the configuration
// before any command runs.
func addExtraCommands(root *cobra.Command, ios *IOStreams) {
	root.AddCommand(newSessionCmd(ios))
	root.AddCommand(newConfigCmd(ios))
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd(ios))
	root.PersistentPreRunE = applyConfig
	registerCompletions(root) // last, after every command exists
}
