//go:build !linux

package testserver

import (
	"errors"
	"runtime"
)

// NewNeverAccept creates a [NeverAccept] listener. Only Linux is supported:
// elsewhere the kernel may answer a full accept queue with a reset, which
// is a refused connection rather than a connect timeout.
func NewNeverAccept() (*NeverAccept, error) {
	return nil, errors.New("never-accept listener: not supported on " + runtime.GOOS)
}
