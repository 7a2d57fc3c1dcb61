//go:build linux || darwin

package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/reqs-cli/reqs/internal/testserver"
)

// TestInterruptEveryPhase runs reqs on a terminal (a pseudo-terminal for
// its standard input, output and error) and sends it SIGINT while it
// connects, reads a body, highlights one, and prints into a terminal that
// takes nothing more: each time reqs exits with status 130 promptly
// (SPEC: within half a second; here, bounded in seconds), never running
// on in a phase that does not watch for Ctrl-C.
func TestInterruptEveryPhase(t *testing.T) {
	t.Parallel()
	fx, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fx.Close)
	fault := fx.Getenv("FAULT")
	tests := []struct {
		name string
		args []string
		// ready is what the terminal shows once reqs is in the phase; ""
		// waits a moment instead (nothing shows while connecting).
		ready string
		// stopReading stops reading the terminal once ready shows, so
		// that reqs's writes block.
		stopReading bool
	}{
		{"connecting", []string{"http://" + fx.Getenv("NEVER_ACCEPT") + "/"}, "", false},
		{"reading", []string{fault + "/stall?bytes=10&total=1000&for=60s"}, "Content-Type", false},
		{"highlighting", []string{"--style", "monokai", fault + "/hostile/highlight?kind=js&size=1048576"}, "Content-Type", false},
		{"printing", []string{"--pretty", "none", fault + "/big?size=64M"}, "Content-Type", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer ptmx.Close()
			cmd := exec.Command("reqs", tc.args...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
			cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "REQS_CONFIG_DIR=" + t.TempDir(), "TERM=xterm-256color"}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			tty.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()

			screen := &syncBuffer{}
			stop := make(chan struct{})
			go func() {
				buf := make([]byte, 4096)
				for {
					select {
					case <-stop:
						return
					default:
					}
					n, err := ptmx.Read(buf)
					screen.Write(buf[:n])
					if err != nil {
						return
					}
				}
			}()
			if tc.ready == "" {
				// Nothing shows while connecting, and a signal before reqs
				// watches for it ends the process the default way: let it
				// start, even on a loaded machine (the connection never
				// completes, so the phase lasts).
				time.Sleep(2 * time.Second)
			} else if !screen.waitFor(tc.ready, time.Minute) {
				cmd.Process.Kill()
				t.Fatalf("reqs never reached the phase; the terminal shows %q", tail(screen.String()))
			}
			if tc.stopReading {
				close(stop)
				time.Sleep(300 * time.Millisecond) // the terminal fills up and writes block
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			select {
			case err := <-done:
				took := time.Since(sent)
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 130 {
					t.Fatalf("interrupted while %s: %v, want exit status 130; terminal %q", tc.name, err, tail(screen.String()))
				}
				t.Logf("interrupted while %s: exited 130 after %v", tc.name, took.Round(time.Millisecond))
				if took > 2*time.Second {
					t.Errorf("interrupted while %s, reqs took %v to exit, want well under a second", tc.name, took)
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("interrupted while %s, reqs was still running 10 s later; terminal %q", tc.name, tail(screen.String()))
			}
		})
	}
}

// tail is the end of what a terminal shows, for messages.
func tail(s string) string {
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	return strings.ToValidUTF8(s, "?")
}
