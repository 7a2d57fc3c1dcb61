//go:build !(linux || darwin)

package main

import (
	"fmt"
	"os"
)

// onptyMain is the `onpty` program where there are no pseudo-terminals
// to run it on; scenarios that use it skip on those systems.
func onptyMain() {
	fmt.Fprintln(os.Stderr, "onpty: no pseudo-terminals on this system")
	os.Exit(2)
}
