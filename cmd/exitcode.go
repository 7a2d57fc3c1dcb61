package cmd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses. exitCode is the only place that maps errors to them.
const (
	exitOK          = 0
	exitError       = 1
	exitTimeout     = 2
	exitRedirects   = 6
	exitAssertion   = 7  // reqs run: a request ran but an assertion failed
	exitUsage       = 64 // BSD EX_USAGE, so it never collides with a timeout
	exitInterrupted = 130
)

// usageError is a mistake on the command line: bad flag or value, bad
// item, bad URL, unreadable file. It exits 64. err, when set, is the
// parser's own error, kept for --debug.
type usageError struct {
	msg string
	err error
	// help is the command whose --help the hint names; empty is the root.
	help string
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.err }

// flagError words a flag parsing error from cobra/pflag as a usage error
// that names the flag and what it takes, without strconv's wording:
// `invalid --form value "maybe": want true or false`.
func flagError(err error) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) {
		return &usageError{msg: err.Error(), err: err}
	}
	f := iv.GetFlag()
	return &usageError{msg: fmt.Sprintf("invalid --%s value %q: %s", f.Name, iv.GetValue(), flagValueReason(f, err)), err: err}
}

// flagValueReason says why f refused a value, given the error of setting
// it, in words rather than strconv's ("want true or false").
func flagValueReason(f *pflag.Flag, err error) string {
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) {
		err = iv.Unwrap()
	}
	var num *strconv.NumError
	switch {
	case errors.As(err, &num) && errors.Is(num.Err, strconv.ErrRange):
		return "out of range"
	case errors.As(err, &num):
		return flagTypeWant(f.Value.Type())
	case err != nil:
		return err.Error()
	}
	return ""
}

// flagTypeWant says what a flag of a pflag value type takes.
func flagTypeWant(typ string) string {
	switch {
	case typ == "bool":
		return "want true or false"
	case strings.HasPrefix(typ, "float"):
		return "want a number"
	case strings.HasPrefix(typ, "int"), strings.HasPrefix(typ, "uint"), typ == "count":
		return "want a whole number"
	case typ == "duration":
		return "want a duration such as 1.5s"
	}
	return "want a " + typ
}

// wantArgs returns the cobra.PositionalArgs of a command that takes min
// to max arguments (max < 0: any number more), described by what ("one
// session NAME"). A wrong count is a usage error in reqs' words, never
// cobra's "accepts 1 arg(s), received 0".
func wantArgs(min, max int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		var msg string
		switch {
		case len(args) < min:
			msg = fmt.Sprintf("%s needs %s", c.CommandPath(), what)
		case max == 0 && len(args) > 0:
			msg = fmt.Sprintf("%s takes no arguments, and %s was given", c.CommandPath(), quoteArgs(args))
		case max >= 0 && len(args) > max:
			msg = fmt.Sprintf("%s takes %s, and %d arguments were given: %s", c.CommandPath(), what, len(args), quoteArgs(args))
		default:
			return nil
		}
		return &usageError{msg: msg, help: c.CommandPath()}
	}
}

// noArgs is wantArgs for a command that takes no arguments.
var noArgs = wantArgs(0, 0, "")

// quoteArgs lists arguments for a message, each quoted.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// statusError is a response status that --check-status turns into an
// exit status (3, 4 or 5).
type statusError struct {
	Code   int
	Reason string
}

func (e *statusError) Error() string { return fmt.Sprintf("http %d %s", e.Code, e.Reason) }

// errSilent is returned when the message is already printed.
var errSilent = errors.New("")

// exitCode maps a non-nil command error to the process status.
func exitCode(err error) int {
	var usage *usageError
	var item *itemError
	var status *statusError
	var run *runFailure
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &run):
		return run.code()
	case errors.As(err, &usage), errors.As(err, &item):
		return exitUsage
	case errors.As(err, &status):
		return status.Code / 100
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, httpclient.ErrTooManyRedirects):
		return exitRedirects
	case httpclient.IsTimeout(err):
		return exitTimeout
	}
	return exitError
}

// errorHint is what to do about err, appended to its line (the flag at
// fault and what to do), or "".
func errorHint(err error) string {
	if errors.Is(err, httpclient.ErrConnectTimeout) || errors.Is(err, httpclient.ErrReadTimeout) {
		return " (--timeout CONNECT,READ sets the limits)"
	}
	if note := partialNote(err); note != "" {
		return " (" + note + ")"
	}
	return ""
}

// partialNote says how to resume a download that stopped part way, ""
// when err is not one.
func partialNote(err error) string {
	var pe *download.PartialError
	if !errors.As(err, &pe) {
		return ""
	}
	return fmt.Sprintf("--continue -o %s resumes", pe.Path)
}
