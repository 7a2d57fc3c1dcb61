//go:build linux || darwin

package cmd

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// readSecret turns the terminal's echo off, then prints prompt on w and
// reads one line from f. In that order, because a user who types (or a
// program that answers) as soon as the prompt shows must not see the
// secret echoed: switching echo off after printing leaves a window in
// which it is not yet off.
func readSecret(f *os.File, w io.Writer, prompt string) (string, error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return "", err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return "", err
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	fmt.Fprint(w, prompt)
	var line []byte
	var b [1]byte
	for {
		n, err := f.Read(b[:])
		if n > 0 {
			switch b[0] {
			case '\n':
				return string(line), nil
			case '\r':
			default:
				line = append(line, b[0])
			}
			continue
		}
		if err == io.EOF && len(line) > 0 {
			return string(line), nil
		}
		if err == nil {
			err = io.EOF
		}
		return "", err
	}
}
