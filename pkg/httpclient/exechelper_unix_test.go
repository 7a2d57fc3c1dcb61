//go:build unix

package httpclient

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killPIDFile ends the process whose id a test's helper wrote to path,
// if it still runs.
func killPIDFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// TestExecAuthTimeoutEndsProcessGroup: a helper that runs past its
// timeout is ended with the children it started, not only itself.
func TestExecAuthTimeoutEndsProcessGroup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "helper.sh")
	// The child holds no pipe of the helper's, so only the group kill
	// can end it.
	body := "sleep 30 < /dev/null > /dev/null 2>&1 &\necho $! > " + pidFile + "\nwait\n"
	if err := os.WriteFile(script, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killPIDFile(t, pidFile) })
	// On a loaded machine the timeout can pass before the shell has even
	// started its child; then there is nothing to check, and the helper
	// gets a longer time on the next try.
	var pid int
	for timeout := 300 * time.Millisecond; pid == 0; timeout *= 4 {
		if timeout > time.Minute {
			t.Fatal("the helper never started its child")
		}
		req, _ := http.NewRequest("GET", "http://a.test/", nil)
		err := (&ExecAuth{Args: []string{"sh", script}, Timeout: timeout}).Apply(req)
		if err == nil || !strings.Contains(err.Error(), "did not answer within") {
			t.Fatalf("Apply = %v, want a timeout", err)
		}
		b, err := os.ReadFile(pidFile)
		if err != nil {
			continue
		}
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	// SIGKILL was sent before Apply returned; the child is gone once
	// init has reaped it.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the helper's child %d still runs after the helper timed out", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExecAuthBackgroundChild: a helper that answers and exits, leaving
// a child (a cache daemon) that holds its output open, has answered.
func TestExecAuthBackgroundChild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "helper.sh")
	body := "cat > /dev/null\nsleep 30 &\necho $! > " + pidFile + "\necho '{\"headers\": {\"X-Token\": \"t\"}}'\n"
	if err := os.WriteFile(script, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killPIDFile(t, pidFile) })
	req, _ := http.NewRequest("GET", "http://a.test/", nil)
	if err := (&ExecAuth{Args: []string{"sh", script}}).Apply(req); err != nil {
		t.Fatalf("Apply: %v, want the helper's answer", err)
	}
	if got := req.Header.Get("X-Token"); got != "t" {
		t.Errorf("X-Token = %q, want t", got)
	}
}
