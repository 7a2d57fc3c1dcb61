//go:build linux || darwin

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// onpty limits: how long one `expect` waits for its text, and how long
// the program is given to end once the dialogue is over.
const (
	onptyExpectWait = 30 * time.Second
	onptyEndWait    = 30 * time.Second
)

// onptyMain is the `onpty` program: `exec onpty DIALOGUE PROGRAM [ARG...]`
// runs PROGRAM with a new pseudo-terminal as its controlling terminal,
// standard input, output and error, as a person at a terminal runs it,
// and plays the dialogue file DIALOGUE on it, line by line:
//
//	expect TEXT   wait (up to 30 s) until the screen shows TEXT after
//	              what the previous expect matched
//	type TEXT     type TEXT on the keyboard (\r is Enter, \x04 Ctrl-D)
//	# ...         a comment; blank lines are skipped
//
// TEXT takes the escapes \r, \n, \t, \\ and \xHH; the screen's CR LF line
// ends read as \n. When the dialogue is over, onpty waits (up to 30 s)
// for PROGRAM to end, then prints the whole screen (CR LF as \n) on its
// standard output, for `stdout`, and exits with PROGRAM's status. An
// expect that times out, or a PROGRAM that does not end, prints the
// screen too and exits 124, as timeout(1) does.
//
// testscript's own ttyin cannot do this: it types its whole input at
// once, before the program has shown anything, and leaves standard output
// off the terminal.
func onptyMain() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: onpty DIALOGUE PROGRAM [ARG...]")
		os.Exit(2)
	}
	steps, err := readDialogue(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "onpty: %v\n", err)
		os.Exit(2)
	}
	os.Exit(runOnPTY(steps, os.Args[2], os.Args[3:], os.Stdout, os.Stderr))
}

// dialogueStep is one line of a dialogue: expect or type, and its text.
type dialogueStep struct {
	expect bool
	text   string
	line   int
}

func readDialogue(name string) ([]dialogueStep, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var steps []dialogueStep
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, text, _ := strings.Cut(line, " ")
		if verb != "expect" && verb != "type" {
			return nil, fmt.Errorf("%s:%d: want expect TEXT or type TEXT, not %q", name, n, line)
		}
		text, err := unescapeDialogue(text)
		if err != nil || text == "" {
			return nil, fmt.Errorf("%s:%d: bad text %q", name, n, line)
		}
		steps = append(steps, dialogueStep{expect: verb == "expect", text: text, line: n})
	}
	return steps, sc.Err()
}

// unescapeDialogue reads \r, \n, \t, \\ and \xHH in s.
func unescapeDialogue(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("a trailing backslash")
		}
		i++
		switch s[i] {
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '\\':
			b.WriteByte('\\')
		case 'x':
			if i+3 > len(s) {
				return "", errors.New("a short \\x escape")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", err
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// screen is what a terminal shows, written by one goroutine and read by
// another.
type screen struct {
	mu   sync.Mutex
	buf  []byte
	done chan struct{} // closed when the terminal's output ended
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	return len(p), nil
}

// text is the screen with CR LF line ends as LF.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.ReplaceAll(string(s.buf), "\r\n", "\n")
}

// find waits until the screen shows want at or after from, and returns
// where the match ends (-1 after d).
func (s *screen) find(want string, from int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		if i := strings.Index(s.text()[from:], want); i >= 0 {
			return from + i + len(want)
		}
		if time.Now().After(deadline) {
			return -1
		}
		select {
		case <-s.done:
			// Nothing more will come: one last look.
			if i := strings.Index(s.text()[from:], want); i >= 0 {
				return from + i + len(want)
			}
			return -1
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func runOnPTY(steps []dialogueStep, program string, args []string, stdout, stderr io.Writer) int {
	ptmx, tty, err := pty.Open()
	if err != nil {
		fmt.Fprintf(stderr, "onpty: %v\n", err)
		return 1
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		fmt.Fprintf(stderr, "onpty: %v\n", err)
		return 1
	}
	cmd := exec.Command(program, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	err = cmd.Start()
	tty.Close() // the program holds its own copies
	if err != nil {
		fmt.Fprintf(stderr, "onpty: %v\n", err)
		return 127
	}
	scr := &screen{done: make(chan struct{})}
	go func() {
		io.Copy(scr, ptmx) // ends (EIO) once the program closed the terminal
		close(scr.done)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	fail := func(format string, a ...any) int {
		cmd.Process.Kill()
		<-exited
		io.WriteString(stdout, scr.text())
		fmt.Fprintf(stderr, "onpty: "+format+"\n", a...)
		return openStdinTimedOut
	}
	pos := 0
	for _, st := range steps {
		if st.expect {
			end := scr.find(st.text, pos, onptyExpectWait)
			if end < 0 {
				return fail("line %d: the terminal did not show %q after %q", st.line, st.text, scr.text()[:pos])
			}
			pos = end
			continue
		}
		if _, err := io.WriteString(ptmx, st.text); err != nil {
			return fail("line %d: typing: %v", st.line, err)
		}
	}
	select {
	case err = <-exited:
	case <-time.After(onptyEndWait):
		return fail("%s did not end within %v of the dialogue's end", program, onptyEndWait)
	}
	select {
	case <-scr.done:
	case <-time.After(2 * time.Second): // a child still holds the terminal
	}
	io.WriteString(stdout, scr.text())
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		return exitErr.ExitCode()
	}
	fmt.Fprintf(stderr, "onpty: %v\n", err)
	return 1
}
