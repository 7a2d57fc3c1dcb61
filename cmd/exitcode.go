package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// Exit statuses, SPEC §7. exitCode is the only place that maps errors to them.
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
// item, bad URL, unreadable file. It exits 64.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

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
