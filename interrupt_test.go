package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/reqs-cli/reqs/internal/testserver"
)

// TestInterruptedDownload sends SIGINT to a download that is stalled half
// way: reqs must exit 130 and leave only NAME.part, never a file that
// looks complete.
func TestInterruptedDownload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fx, err := testserver.StartFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fx.Close()

	cmd := reqsCommand(t, "-o", "out.bin", fx.Getenv("FAULT")+"/stall?bytes=1000&total=5000&for=30s")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, "out.bin.part")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if st, err := os.Stat(part); err == nil && st.Size() == 1000 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("out.bin.part never held the first 1000 bytes; stderr: %s", stderr.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("interrupted download: %v, want exit status 130; stderr: %s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "out.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("out.bin exists after an interrupted download (stat error %v)", err)
	}
	if _, err := os.Stat(part); err != nil {
		t.Errorf("out.bin.part is gone, so --continue cannot resume: %v", err)
	}
	// The message says where the bytes are and how to go on.
	kept := regexp.MustCompile(`(?m)^reqs: error: interrupted; [0-9]+ bytes kept in \S*out\.bin\.part \(--continue -o \S*out\.bin resumes\)$`)
	if !kept.Match(stderr.Bytes()) {
		t.Errorf("stderr %q, want one line saying interrupted and where the bytes are kept", stderr.String())
	}
	if bytes.Contains(stderr.Bytes(), []byte("goroutine")) {
		t.Errorf("stderr has a stack trace: %s", stderr.String())
	}
}

// TestInterruptedRun sends SIGINT to `reqs run` while a request is under
// way (an HTTP request whose body stalls, a WebSocket conversation that
// waits for the server): reqs exits 130, and the request's result line
// says it was interrupted, in words.
func TestInterruptedRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fx, err := testserver.StartFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fx.Close()
	tests := []struct{ name, file, path string }{
		{"http", "GET " + fx.Getenv("FAULT") + "/stall?bytes=10&total=100&for=30s\n\n###\nGET " + fx.Getenv("FAULT") + "/get\n", "/stall"},
		{"websocket", "WEBSOCKET " + fx.Getenv("FAULT_WS") + "/ws/echo\n\n=== wait-for-server\n", "/ws/echo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, tc.name+".http")
			if err := os.WriteFile(file, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			report := filepath.Join(dir, tc.name+".xml")
			cmd := reqsCommand(t, "run", "--report", "junit="+report, file)
			cmd.Dir = dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(10 * time.Second); fx.Counters["fault"].Count(tc.path) == 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the request never reached the server; stderr: %s", stderr.String())
				}
			}
			time.Sleep(100 * time.Millisecond) // the exchange under way
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 130 {
				t.Fatalf("interrupted run: %v, want exit status 130; stdout: %s; stderr: %s", err, stdout.String(), stderr.String())
			}
			if want := regexp.MustCompile(`(?m)^  error: interrupted$`); !want.Match(stdout.Bytes()) {
				t.Errorf("stdout %q, want the request's result line to say it was interrupted", stdout.String())
			}
			// The report says what ran, the request cut short included.
			xml, err := os.ReadFile(report)
			if err != nil {
				t.Fatalf("no report after the interrupt: %v", err)
			}
			if !bytes.Contains(xml, []byte(`<error message="interrupted"`)) || !bytes.Contains(xml, []byte(`errors="1"`)) {
				t.Errorf("report %s, want the interrupted request as an error", xml)
			}
			if bytes.Contains(stdout.Bytes(), []byte("context")) || bytes.Contains(stderr.Bytes(), []byte("context")) {
				t.Errorf("an interrupted run speaks of Go's context: %s%s", stdout.String(), stderr.String())
			}
		})
	}
}
