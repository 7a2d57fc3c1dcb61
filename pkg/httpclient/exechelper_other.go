//go:build !unix

package httpclient

import "os/exec"

// inOwnProcessGroup leaves cmd as os/exec makes it: cancellation kills
// the helper's own process, not the children it started.
func inOwnProcessGroup(*exec.Cmd) {}
