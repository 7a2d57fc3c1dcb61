// Command reqs is HTTP for humans on the command line: the semantics of the
// Python Requests library behind an HTTPie-style command line.
package main

import (
	"os"

	"github.com/reqs-cli/reqs/cmd"
)

func main() { os.Exit(cmd.Main()) }
