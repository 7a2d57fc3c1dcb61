//go:build linux

package cookiejar

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A cookie jar that is not a regular file (curl -c /dev/null, a named
// pipe) is written to, not replaced by a file; a directory is refused.
func TestSaveCookieFileNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Held open for reading and writing, the pipe accepts a writer
	// without blocking, and a read finds nothing rather than waiting.
	fd, err := syscall.Open(fifo, syscall.O_RDWR|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	j := New()
	setCookies(t, j, "http://example.com/", "a=1")
	if err := j.SaveCookieFile(fifo); err != nil {
		t.Fatalf("SaveCookieFile(fifo): %v", err)
	}
	buf := make([]byte, 4096)
	n, err := syscall.Read(fd, buf)
	if err != nil || !bytes.Contains(buf[:max(n, 0)], []byte("example.com\tFALSE\t/\tFALSE\t0\ta\t1\n")) {
		t.Errorf("the pipe holds %q (%v), want the cookie file", buf[:max(n, 0)], err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("after SaveCookieFile the pipe's mode is %v (%v), want it still a pipe", st.Mode(), err)
	}

	err = j.SaveCookieFile(dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("SaveCookieFile(a directory) = %v, want an error saying it is a directory", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want the pipe alone (no temporary file left)", len(entries))
	}
}
