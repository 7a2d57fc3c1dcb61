package cmd

import (
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// NewRootCommand returns reqs' complete command tree for generating
// documentation and completion scripts. Its streams discard everything and
// see no terminal and no environment, so what is generated does not
// depend on where the generator runs.
func NewRootCommand() *cobra.Command {
	ios := &IOStreams{
		In:     strings.NewReader(""),
		Out:    io.Discard,
		ErrOut: io.Discard,
	}
	return newRootCmd(ios)
}
