package cmd

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/fatih/color"
	"golang.org/x/term"
)

// IOStreams is the terminal as commands see it. SystemIOStreams alone
// reads the real descriptors; tests use TestIOStreams.
type IOStreams struct {
	In                             io.Reader
	Out, ErrOut                    io.Writer
	StdinTTY, StdoutTTY, StderrTTY bool
	// StdinReadable says standard input is a pipe or a regular file (not a
	// terminal, not /dev/null, not closed): the only stdin that may carry
	// an implicit body.
	StdinReadable bool
	// StdinHasData reports whether standard input has bytes waiting, for
	// the warning when data items make reqs leave it unread; nil means no.
	StdinHasData func() bool
	// ColorEnv is the colour decision from the environment alone
	// (NO_COLOR, CLICOLOR_FORCE, TERM=dumb, TTY); flags may override it.
	ColorEnv bool
	// ErrColor is the same decision for standard error, where the
	// "error:" and "warning:" labels are coloured; --no-color clears it.
	ErrColor bool
	// LookupEnv reads the environment (injected for tests); nil is an
	// empty environment. It is the only way commands read it.
	LookupEnv func(string) (string, bool)
	// ReadFile reads a named file, as os.ReadFile (injected for tests);
	// nil is an empty file system. Request items read files through it.
	ReadFile func(name string) ([]byte, error)
}

// Getenv returns the value of the environment variable key, "" when it
// is not set.
func (s *IOStreams) Getenv(key string) string {
	v, _ := s.lookupEnv(key)
	return v
}

// readFile is ReadFile, with nil as an empty file system.
func (s *IOStreams) readFile(name string) ([]byte, error) {
	if s.ReadFile == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return s.ReadFile(name)
}

// lookupEnv is LookupEnv, with nil as an empty environment; its method
// value is what the library's LookupEnv hooks get.
func (s *IOStreams) lookupEnv(key string) (string, bool) {
	if s.LookupEnv == nil {
		return "", false
	}
	return s.LookupEnv(key)
}

func isTTY(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// forcedTTY reports whether REQS_FORCE_TTY makes the stream named
// ("stdout" or "stderr") count as a terminal, since testscript never gives
// a command one. The value is a comma-separated list of stream names;
// "1" means stdout, as it always did.
func forcedTTY(value, stream string) bool {
	for _, name := range strings.Split(value, ",") {
		name = strings.TrimSpace(name)
		if name == stream || name == "1" && stream == "stdout" {
			return true
		}
	}
	return false
}

// SystemIOStreams returns the process's streams. REQS_FORCE_TTY (see
// forcedTTY) makes stdout (=1 or =stdout), stderr (=stderr) or both
// (=stdout,stderr) count as terminals.
func SystemIOStreams() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, LookupEnv: os.LookupEnv, ReadFile: os.ReadFile}
	s.StdinTTY = isTTY(os.Stdin)
	force := os.Getenv("REQS_FORCE_TTY")
	s.StdoutTTY = isTTY(os.Stdout) || forcedTTY(force, "stdout")
	s.StderrTTY = isTTY(os.Stderr) || forcedTTY(force, "stderr")
	if st, err := os.Stdin.Stat(); err == nil && !s.StdinTTY {
		mode := st.Mode()
		// /dev/null is a character device, so it never counts; sockets
		// (a CI runner's stdin) do, as pipes.
		s.StdinReadable = mode&os.ModeNamedPipe != 0 || mode.IsRegular() || mode&os.ModeSocket != 0
		if s.StdinReadable {
			s.StdinHasData = func() bool { return stdinHasData(os.Stdin) }
		}
	}
	s.ColorEnv = colorFromEnv(os.Getenv, s.StdoutTTY)
	s.ErrColor = colorFromEnv(os.Getenv, s.StderrTTY)
	return s
}

// Errorf prints a one-line error on standard error, "reqs: error: ...",
// the label in bold red when standard error takes colour.
func (s *IOStreams) Errorf(format string, args ...any) {
	s.notice("error:", color.FgRed, format, args...)
}

// Warnf prints a one-line warning on standard error, "reqs: warning:
// ...", the label in bold yellow when standard error takes colour.
func (s *IOStreams) Warnf(format string, args ...any) {
	s.notice("warning:", color.FgYellow, format, args...)
}

func (s *IOStreams) notice(label string, hue color.Attribute, format string, args ...any) {
	fmt.Fprintf(s.ErrOut, "reqs: %s %s\n", newColor(s.ErrColor, hue, color.Bold).Sprint(label), fmt.Sprintf(format, args...))
}

// newColor returns a fatih/color colour of attrs, switched on or off by
// the caller's decision (see colorFromEnv) and never by the library's
// global NoColor, which looks at the process's own stdout.
// It is for output off the hot path: result lines, notes; the body and
// head formatters keep render's precomputed escapes.
func newColor(on bool, attrs ...color.Attribute) *color.Color {
	c := color.New(attrs...)
	if on {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
	return c
}

// colorFromEnv applies NO_COLOR > CLICOLOR_FORCE > TERM=dumb > TTY.
func colorFromEnv(getenv func(string) string, tty bool) bool {
	switch {
	case getenv("NO_COLOR") != "":
		return false
	case getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0":
		return true
	case getenv("TERM") == "dumb":
		return false
	}
	return tty
}

// TestIOStreams returns in-memory streams: stdin empty and not readable,
// nothing a terminal.
func TestIOStreams() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}
