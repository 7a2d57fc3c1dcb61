//go:build linux || darwin

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/reqs-cli/reqs/internal/testserver"
)

// TestCertPassphrasePrompt runs reqs with a pseudo-terminal as stdin and
// stderr: an encrypted client key or PKCS#12 bundle without
// --cert-key-pass makes it ask for the passphrase there, without echo,
// and the mTLS server then accepts the certificate.
func TestCertPassphrasePrompt(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	tests := []struct {
		name string
		args []string
		file string
	}{
		{"pkcs12", []string{"--cert", f.Getenv("CLIENT_P12")}, f.Getenv("CLIENT_P12")},
		{"encrypted PEM key", []string{"--cert", f.Getenv("CLIENT_CERT"), "--cert-key", f.Getenv("CLIENT_KEY_ENC")}, f.Getenv("CLIENT_KEY_ENC")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer ptmx.Close()
			args := append([]string{"--verify", f.Getenv("CA_FILE")}, tc.args...)
			cmd := exec.Command("reqs", append(args, f.Getenv("TLS_MTLS")+"/anything/pty")...)
			var stdout bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &stdout, tty
			// A clean environment: no proxies, CA bundles or config from the host.
			cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "REQS_CONFIG_DIR=" + t.TempDir()}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			tty.Close()

			screen := &syncBuffer{}
			go io.Copy(screen, ptmx)
			prompt := "reqs: passphrase for " + tc.file + ": "
			if !screen.waitFor(prompt, time.Minute) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no prompt %q; the terminal shows %q", prompt, screen.String())
			}
			if _, err := ptmx.Write([]byte(testserver.ClientKeyPassword + "\r")); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("reqs: %v; terminal %q", err, screen.String())
				}
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatalf("reqs did not finish; terminal %q", screen.String())
			}
			if !strings.Contains(stdout.String(), "/anything/pty") {
				t.Errorf("stdout = %q, want the mTLS server's answer", stdout.String())
			}
			if strings.Contains(screen.String(), testserver.ClientKeyPassword) {
				t.Errorf("the passphrase was echoed: terminal %q", screen.String())
			}
		})
	}
}

// TestRunPrompt: a `# @prompt NAME` variable of a request file is asked
// for on the terminal, once for the run; a name that reads as a secret
// is asked for without echo.
func TestRunPrompt(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	dir := t.TempDir()
	file := filepath.Join(dir, "prompt.http")
	src := "# @prompt otp One-time password\n# @prompt password\nGET {{host}}/anything\nX-OTP: {{otp}}\nX-Pass: {{password}}\n\n" +
		"?? jq .headers[\"X-Otp\"][0] == \"123456\"\n?? jq .headers[\"X-Pass\"][0] == \"pa55\"\n\n" +
		"###\n# @prompt otp\nGET {{host}}/anything/again?otp={{otp}}\n\n?? jq .args.otp[0] == \"123456\"\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	cmd := exec.Command("reqs", "run", "--var", "host="+f.Getenv("HTTPBIN"), file)
	var stdout bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &stdout, tty
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "REQS_CONFIG_DIR=" + t.TempDir()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen := &syncBuffer{}
	go io.Copy(screen, ptmx)
	for _, step := range []struct{ prompt, answer string }{
		{"reqs: otp (One-time password): ", "123456\r"},
		{"reqs: password: ", "pa55\r"},
	} {
		if !screen.waitFor(step.prompt, time.Minute) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no prompt %q; the terminal shows %q", step.prompt, screen.String())
		}
		if _, err := ptmx.Write([]byte(step.answer)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("reqs run: %v; terminal %q, stdout %q", err, screen.String(), stdout.String())
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("reqs run did not finish; terminal %q", screen.String())
	}
	if !strings.Contains(stdout.String(), "2 requests, 2 passed") {
		t.Errorf("stdout = %q, want both requests to pass", stdout.String())
	}
	if n := strings.Count(screen.String(), "reqs: otp"); n != 1 {
		t.Errorf("otp was asked for %d times, want once; terminal %q", n, screen.String())
	}
	if strings.Contains(screen.String(), "pa55") {
		t.Errorf("the password was echoed: terminal %q", screen.String())
	}
}

// syncBuffer collects what the terminal shows, for one reader and one
// writer goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor reports whether s shows up within d.
func (b *syncBuffer) waitFor(s string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(b.String(), s) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
