package cmd

import "github.com/spf13/cobra"

// addExtraCommands adds the commands that live outside the request path:
// sessions, configuration and completion. (The root reads the
// configuration before any command runs: newRequestRoot.)
func addExtraCommands(root *cobra.Command, ios *IOStreams) {
	root.AddCommand(newSessionCmd(ios))
	root.AddCommand(newConfigCmd(ios))
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd(ios))
	registerCompletions(root) // last, after every command exists
}
