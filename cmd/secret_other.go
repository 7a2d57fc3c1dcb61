//go:build !linux && !darwin

package cmd

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// readSecret prints prompt on w and reads one line from the terminal f
// without echo.
func readSecret(f *os.File, w io.Writer, prompt string) (string, error) {
	fmt.Fprint(w, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	return string(b), err
}
