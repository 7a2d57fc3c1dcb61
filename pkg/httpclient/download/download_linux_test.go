package download

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"golang.org/x/sys/unix"
)

// TestDownloadToAPipe names a FIFO as the output, as -o /dev/stdout or
// -o /dev/null name a file that is not a regular one: the bytes must go
// into it, and it must not be replaced by a regular file renamed over it.
func TestDownloadToAPipe(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := unix.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	// A non-blocking reader lets the writer open the FIFO at once.
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	d := &File{Path: path}
	if _, err := d.Prepare(&httpclient.Request{}); err != nil {
		t.Fatal(err)
	}
	res, err := d.Save(response(200, "hello"))
	if err != nil {
		t.Fatalf("Save to a FIFO: %v", err)
	}
	if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("after Save, %s is %v (%v), want the FIFO still there", path, st.Mode(), err)
	}
	if _, err := os.Lstat(path + partSuffix); err == nil {
		t.Errorf("Save to a FIFO left %s%s", path, partSuffix)
	}
	got, _ := io.ReadAll(io.LimitReader(r, 64))
	if string(got) != "hello" || res.Path != path {
		t.Errorf("FIFO received %q, result path %q; want %q and %q", got, res.Path, "hello", path)
	}

	if _, err := (&File{Path: path, Resume: true}).Prepare(&httpclient.Request{}); err == nil {
		t.Error("resuming into a FIFO: no error")
	}
}
