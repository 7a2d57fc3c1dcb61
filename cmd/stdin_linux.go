//go:build linux

package cmd

import (
	"os"

	"golang.org/x/sys/unix"
)

// stdinHasData reports whether standard input holds bytes that could be
// read right now, without reading or waiting: the size left in a regular
// file, or the bytes queued in a pipe (TIOCINQ, Linux's FIONREAD).
func stdinHasData(f *os.File) bool {
	st, err := f.Stat()
	if err != nil {
		return false
	}
	if st.Mode().IsRegular() {
		pos, err := f.Seek(0, 1)
		return err == nil && st.Size() > pos
	}
	n, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
	return err == nil && n > 0
}
