//go:build !linux

package cmd

import "os"

// stdinHasData reports whether standard input is a regular file with
// bytes left; pipes cannot be inspected without reading here.
func stdinHasData(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	pos, err := f.Seek(0, 1)
	return err == nil && st.Size() > pos
}
