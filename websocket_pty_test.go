//go:build linux || darwin

package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/reqs-cli/reqs/internal/testserver"
)

// wsTerminal runs reqs ARGS with a pseudo-terminal as its stdin, stdout
// and stderr, as a person at a terminal does, and returns the screen and
// a function that types on it.
func wsTerminal(t *testing.T, args ...string) (screen *syncBuffer, typeText func(string), wait func() error) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ptmx.Close() })
	cmd := exec.Command("reqs", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	// A clean environment: no proxies, CA bundles, colours or config from
	// the host.
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "REQS_CONFIG_DIR=" + t.TempDir(), "NO_COLOR=1", "TERM=xterm"}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen = &syncBuffer{}
	go io.Copy(screen, ptmx)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	typeText = func(s string) {
		if _, err := ptmx.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	wait = func() error {
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Fatalf("reqs did not finish; the terminal shows %q", screen.String())
			return nil
		}
	}
	return screen, typeText, wait
}

// expect waits until the screen shows want.
func expect(t *testing.T, screen *syncBuffer, want string) {
	t.Helper()
	if !screen.waitFor(want, time.Minute) {
		t.Fatalf("the terminal never showed %q; it shows %q", want, screen.String())
	}
}

// TestWebSocketInteractive: on a terminal each line typed is a text
// message, received messages are printed as they arrive (JSON
// formatted), and Ctrl-D closes normally, waiting for the server's close:
// exit 0.
func TestWebSocketInteractive(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	ws := "ws" + strings.TrimPrefix(f.Getenv("FAULT"), "http")
	screen, typeText, wait := wsTerminal(t, ws+"/ws/echo")
	expect(t, screen, "101 Switching Protocols")
	typeText(`{"a": [1, 2]}` + "\r")
	// The formatted echo (the terminal turns its newlines into CR LF).
	expect(t, screen, "{\r\n    \"a\": [\r\n        1,\r\n        2\r\n    ]\r\n}")
	typeText("hello\r")
	expect(t, screen, "hello\r\nhello\r\n")
	typeText("\x04") // Ctrl-D
	if err := wait(); err != nil {
		t.Fatalf("reqs after Ctrl-D: %v, want a normal close (exit 0); the terminal shows %q", err, screen.String())
	}
}

// TestWebSocketInteractiveVerbose: -v shows the upgrade exchange, marks
// what was sent (>) and received (<), and shows the close frames.
func TestWebSocketInteractiveVerbose(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	ws := "ws" + strings.TrimPrefix(f.Getenv("FAULT"), "http")
	screen, typeText, wait := wsTerminal(t, "-v", ws+"/ws/echo")
	expect(t, screen, "Upgrade: websocket")
	expect(t, screen, "HTTP/1.1 101 Switching Protocols")
	typeText("hi\r")
	expect(t, screen, "> hi\r\n")
	expect(t, screen, "< hi\r\n")
	typeText("\x04")
	expect(t, screen, "> close 1000")
	expect(t, screen, "< close 1000")
	if err := wait(); err != nil {
		t.Fatalf("reqs -v after Ctrl-D: %v; the terminal shows %q", err, screen.String())
	}
}

// TestWebSocketInteractiveCloseNotAnswered: Ctrl-D to a server that never
// answers the close: reqs gives it 5 s, then exits 1 saying so.
func TestWebSocketInteractiveCloseNotAnswered(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	ws := "ws" + strings.TrimPrefix(f.Getenv("FAULT"), "http")
	screen, typeText, wait := wsTerminal(t, ws+"/ws/hostile/noclose")
	expect(t, screen, "101 Switching Protocols")
	typeText("\x04")
	err = wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("reqs: %v, want exit status 1; the terminal shows %q", err, screen.String())
	}
	expect(t, screen, "reqs: error: the server did not answer the WebSocket close within 5s")
}
