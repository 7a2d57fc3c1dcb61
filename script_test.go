package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/reqs-cli/reqs/internal/testserver"
)

// update makes `go test -run TestScripts -update` rewrite the golden files
// that `cmp` compares against inside the scripts.
var update = flag.Bool("update", false, "rewrite cmp golden files in testdata/scripts")

// openStdinTimeout is how long `open-stdin` lets its command run.
const openStdinTimeout = 10 * time.Second

// openStdinTimedOut is open-stdin's exit status when the command had to be
// killed, as timeout(1) uses.
const openStdinTimedOut = 124

// TestMain makes this test binary double as the programs scripts run:
// testscript puts copies named "reqs" and "open-stdin" first on PATH, and
// a copy started under one of those names runs that program instead of
// the tests.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"reqs":       main,
		"onpty":      onptyMain,
		"open-stdin": openStdinMain,
		"within":     withinMain,
	})
}

// TestScripts runs every testdata/scripts/*.txtar scenario against its own
// fixtures (see setupScript).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/scripts",
		Setup:               setupScript,
		Cmds:                scriptCmds,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Condition:           scriptCondition,
	})
}

// scriptCondition answers the conditions scripts have beyond
// testscript's own: [websockets] holds when a Python with the websockets
// package (an independent WebSocket peer) is installed, which the script
// then runs as $PYTHON_WEBSOCKETS.
func scriptCondition(cond string) (bool, error) {
	switch cond {
	case "websockets":
		return pythonWebSockets() != "", nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// pythonWebSockets is the path of a Python that imports websockets ("" for
// none): python3 on PATH, else the system's.
var pythonWebSockets = sync.OnceValue(func() string {
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import websockets").Run() == nil {
			return path
		}
	}
	return ""
})

// fixturesKey is where setupScript leaves the script's fixtures for the
// custom commands.
type fixturesKey struct{}

// setupScript starts the servers of internal/testserver for one script
// (each script has its own, closed when it ends) and exports them as
// variables; StartFixtures documents each one (HTTPBIN, HTTPBIN_TLS, FAULT,
// PROXY, SOCKS, CA_FILE, ...). It also points HOME at $WORK/home (created)
// and REQS_CONFIG_DIR at $WORK/home/.config/reqs (not created: reqs must
// create it when it writes there).
//
// Scripts are hermetic without further work: testscript gives commands
// only PATH, HOME, TMPDIR, WORK and a few of its own variables, never the
// host's, so proxy, CA-bundle, netrc and colour variables (http_proxy,
// REQUESTS_CA_BUNDLE, SSL_CERT_FILE, NETRC, NO_COLOR, REQS_FORCE_TTY, ...)
// are unset unless a script sets them with `env`.
func setupScript(env *testscript.Env) error {
	f, err := testserver.StartFixtures(env.WorkDir)
	if err != nil {
		return err
	}
	env.Defer(f.Close)
	env.Values[fixturesKey{}] = f
	for _, kv := range f.Env() {
		name, value, _ := strings.Cut(kv, "=")
		env.Setenv(name, value)
	}
	home := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("PYTHON_WEBSOCKETS", pythonWebSockets())
	env.Setenv("REQS_CONFIG_DIR", filepath.Join(home, ".config", "reqs"))
	return nil
}

// scriptCmds are the commands scripts have beyond testscript's own; keep
// them sorted by name.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"exits":     cmdExits,
	"mkpattern": cmdMkpattern,
	"served":    cmdServed,
	"sleep":     cmdSleep,
	"waitfile":  cmdWaitfile,
}

// cmdExits is `exits N PROGRAM [ARG...]`: it runs PROGRAM as `exec` does
// (stdout and stderr can be checked afterwards) and fails unless the exit
// status is exactly N. `! exits` is not supported: the status says it all.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exits")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits STATUS PROGRAM [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exits: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdMkpattern is `mkpattern FILE SIZE`: it writes the first SIZE bytes
// (suffixes k, M, G) of the pattern that the FAULT server's /big, /download,
// /stall and /truncated bodies are made of, to compare downloads with `cmp`
// or to upload a known body.
func cmdMkpattern(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkpattern FILE SIZE")
	}
	size, err := testserver.ParseSize(args[1])
	if err != nil {
		ts.Fatalf("mkpattern: %v", err)
	}
	ts.Check(testserver.WritePatternFile(ts.MkAbs(args[0]), size))
}

// cmdServed is `served NAME [PATH]`: it prints (to stdout, for `stdout`)
// how many requests the fixture NAME received on PATH, or on all paths.
// NAME is httpbin (HTTPBIN and HTTPBIN_ALT), httpbin-tls, unix, or fault
// (FAULT, FAULT_ALT, FAULT_TLS, FAULT_TLS12, TLS_EXPIRED, TLS_WRONGHOST and
// TLS_MTLS, which share one handler). Unlike $FAULT/count it sends nothing,
// so it works before reqs can make a request at all.
func cmdServed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: served NAME [PATH]")
	}
	f := ts.Value(fixturesKey{}).(*testserver.Fixtures)
	c := f.Counters[args[0]]
	if c == nil {
		ts.Fatalf("served: unknown fixture %q (httpbin, httpbin-tls, fault, unix)", args[0])
	}
	n := c.Total()
	if len(args) == 2 {
		n = c.Count(args[1])
	}
	fmt.Fprintf(ts.Stdout(), "%d\n", n)
}

// cmdSleep is `sleep DURATION` ("100ms", "1.5s"), which testscript lacks;
// use it only to let time pass (cookie expiry), never to wait for an event.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("sleep: %v", err)
	}
	time.Sleep(d)
}

// cmdWaitfile is `waitfile PATH [TIMEOUT]`: it waits until PATH exists
// (a file a background command writes), failing after TIMEOUT (default 10s).
func cmdWaitfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile PATH [TIMEOUT]")
	}
	timeout := 10 * time.Second
	if len(args) == 2 {
		d, err := time.ParseDuration(args[1])
		if err != nil {
			ts.Fatalf("waitfile: %v", err)
		}
		timeout = d
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(timeout)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s did not appear within %v", args[0], timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// withinMain is the `within` program: `exec within SECONDS PROGRAM ARGS`
// runs PROGRAM with stdin, stdout and stderr passed through and returns
// its exit status, unless it has not finished within SECONDS: then it
// kills it and exits 124, as timeout(1) does. Scenarios against hostile
// servers use it so that a hang fails in seconds, and a stream can be
// checked for what it printed before it ended.
func withinMain() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: within SECONDS PROGRAM [ARG...]")
		os.Exit(2)
	}
	secs, err := strconv.ParseFloat(os.Args[1], 64)
	if err != nil || secs <= 0 {
		fmt.Fprintf(os.Stderr, "within: bad SECONDS %q\n", os.Args[1])
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "within: %v\n", err)
		os.Exit(127)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timeout := time.Duration(secs * float64(time.Second))
	select {
	case err = <-done:
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		fmt.Fprintf(os.Stderr, "within: %s did not finish within %v\n", os.Args[2], timeout)
		os.Exit(openStdinTimedOut)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		os.Exit(0)
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		os.Exit(exitErr.ExitCode())
	}
	fmt.Fprintf(os.Stderr, "within: %v\n", err)
	os.Exit(1)
}

// openStdinMain is the `open-stdin` program: `exec open-stdin reqs ARGS`
// runs reqs with a standard input that is a pipe whose writing end stays
// open and never carries a byte, as under cron or CI, so a reqs that reads
// it would hang. open-stdin passes stdout, stderr and the exit status
// through, and kills the command and exits 124 if it has not finished
// within 10s.
func openStdinMain() {
	os.Exit(runOpenStdin(os.Args[1:], os.Stdout, os.Stderr, openStdinTimeout))
}

func runOpenStdin(args []string, stdout, stderr io.Writer, timeout time.Duration) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: open-stdin PROGRAM [ARG...]")
		return 2
	}
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(stderr, "open-stdin: %v\n", err)
		return 1
	}
	defer w.Close() // only once the command has ended
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r, stdout, stderr
	err = cmd.Start()
	r.Close() // the command holds its own copy
	if err != nil {
		fmt.Fprintf(stderr, "open-stdin: %v\n", err)
		return 127
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err = <-done:
	case <-timer.C:
		cmd.Process.Kill()
		<-done
		fmt.Fprintf(stderr, "open-stdin: %s did not finish within %v with its standard input open\n", args[0], timeout)
		return openStdinTimedOut
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		return exitErr.ExitCode()
	default:
		fmt.Fprintf(stderr, "open-stdin: %v\n", err)
		return 1
	}
}

// reqsBinary returns the path of a reqs executable for Go tests that start
// reqs processes themselves (for example many at once on one session). It
// is the copy of this test binary that TestMain's testscript.Main put
// first on PATH under the name "reqs", so it is never stale and costs no
// build; it exists only when the tests run through TestMain.
func reqsBinary(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("reqs")
	if err != nil {
		t.Fatalf("no reqs on PATH: %v", err)
	}
	if dir := filepath.Base(filepath.Dir(filepath.Dir(path))); !strings.HasPrefix(dir, "testscript-main") {
		t.Fatalf("reqs on PATH is %s, not the copy testscript.Main installs", path)
	}
	return path
}

// reqsCommand returns a command running reqs with args in a hermetic
// environment: PATH, a fresh HOME with REQS_CONFIG_DIR inside it, TMPDIR,
// and GOCOVERDIR when coverage is collected; nothing else from the host.
func reqsCommand(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(reqsBinary(t), args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"REQS_CONFIG_DIR=" + filepath.Join(home, ".config", "reqs"),
		"TMPDIR=" + os.TempDir(),
	}
	if dir := os.Getenv("GOCOVERDIR"); dir != "" {
		cmd.Env = append(cmd.Env, "GOCOVERDIR="+dir)
	}
	return cmd
}

func TestOpenStdin(t *testing.T) {
	t.Parallel()
	reqs := reqsBinary(t)
	tests := []struct {
		name       string
		args       []string
		timeout    time.Duration // zero: the script default; -race binaries pause 1s at exit
		wantStatus int
		wantStdout string
		wantStderr string
	}{
		{name: "a command that never reads stdin finishes", args: []string{reqs, "--offline", "http://127.0.0.1:1/x", "a=1"}, wantStatus: 0, wantStdout: `{"a":"1"}`},
		{name: "the exit status passes through", args: []string{reqs, "--no-such-flag"}, wantStatus: 64, wantStderr: "no-such-flag"},
		{name: "a command that reads stdin is killed", args: []string{reqs, "--offline", "http://127.0.0.1:1/x", "@-"}, timeout: 500 * time.Millisecond, wantStatus: openStdinTimedOut, wantStderr: "did not finish within"},
		{name: "no program", args: nil, wantStatus: 2, wantStderr: "usage: open-stdin"},
		{name: "missing program", args: []string{filepath.Join(t.TempDir(), "missing")}, wantStatus: 127, wantStderr: "open-stdin:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr strings.Builder
			timeout := tc.timeout
			if timeout == 0 {
				timeout = openStdinTimeout
			}
			got := runOpenStdin(tc.args, &stdout, &stderr, timeout)
			if got != tc.wantStatus || !strings.Contains(stdout.String(), tc.wantStdout) || !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("runOpenStdin(%q) = %d, stdout %q, stderr %q; want %d, stdout containing %q, stderr containing %q",
					tc.args, got, stdout.String(), stderr.String(), tc.wantStatus, tc.wantStdout, tc.wantStderr)
			}
		})
	}
}

func TestReqsCommandIsHermetic(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("REQUESTS_CA_BUNDLE", "/nonexistent")
	cmd := reqsCommand(t, "version")
	for _, kv := range cmd.Env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "PATH", "HOME", "REQS_CONFIG_DIR", "TMPDIR", "GOCOVERDIR":
		default:
			t.Errorf("reqsCommand environment has %s", kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "reqs ") {
		t.Errorf("reqs version = %q, %v; want a line starting with \"reqs \"", out, err)
	}
}
