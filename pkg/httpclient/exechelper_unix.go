//go:build unix

package httpclient

import (
	"os/exec"
	"syscall"
)

// inOwnProcessGroup makes cmd lead a process group of its own and makes
// its cancellation (the timeout, Ctrl-C) kill that whole group: a helper
// that is a shell script leaves its children (curl, a token fetcher)
// running otherwise, and they keep its output pipes open.
func inOwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// The negative pid names the group, which the helper leads.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
