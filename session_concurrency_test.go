package main

import (
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// sessionCookieNames reads a session file and returns its cookie names,
// sorted; the file must parse.
func sessionCookieNames(t *testing.T, path string) []string {
	t.Helper()
	f, err := sessionfile.Read(path)
	if err != nil {
		t.Fatalf("session file %s does not parse: %v", path, err)
	}
	s := f.Session
	if !f.Exists {
		t.Fatalf("session file %s does not exist", path)
	}
	var names []string
	for _, c := range s.Cookies {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

// TestSessionConcurrentWriters starts 20 reqs processes at once on one
// session, each setting its own cookie: the lock held across each
// read-modify-write means none is lost (HTTPie loses some).
func TestSessionConcurrentWriters(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "shared.json")

	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([][]byte, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := reqsCommand(t, "-qq", "--session", path, fmt.Sprintf("%s/cookies/set?c%02d=%d", srv.URL, i, i))
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v\n%s", i, err, outs[i])
		}
	}

	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("c%02d", i))
	}
	if got := sessionCookieNames(t, path); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after %d concurrent writers the session holds cookies %q, want %q", n, got, want)
	}
}

// TestSessionKilledWriter kills reqs processes while they hold a session:
// during a slow exchange, and at random moments of a run that saves a
// large file. The file always parses, and the next writer is not blocked
// by the dead one's lock.
func TestSessionKilledWriter(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")

	// A large session, so that saving takes long enough to be caught.
	seed := &sessionfile.Session{}
	for i := range 5000 {
		seed.Cookies = append(seed.Cookies, sessionfile.Cookie{
			Name: fmt.Sprintf("seed%04d", i), Value: strings.Repeat("x", 40),
			Domain: "127.0.0.1", HostOnly: true, Path: "/",
		})
	}
	if err := sessionfile.Create(path, seed); err != nil {
		t.Fatal(err)
	}

	// Killed in the middle of a slow exchange, while holding the lock.
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	slow := reqsCommand(t, "-qq", "--session", path, srv.URL+"/delay/10")
	if err := slow.Start(); err != nil {
		t.Fatal(err)
	}
	waitLocked(t, path)
	if err := slow.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	slow.Wait()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("a writer killed before saving changed the session file")
	}

	// Killed at random moments, the save included.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 12 {
		cmd := reqsCommand(t, "-qq", "--session", path, fmt.Sprintf("%s/cookies/set?k%02d=1", srv.URL, i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		sessionCookieNames(t, path)
	}

	// The dead writers' locks are gone: the next writer gets through and
	// its cookie is saved next to the seeded ones.
	cmd := reqsCommand(t, "-qq", "--session", path, srv.URL+"/cookies/set?last=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("writer after the killed ones: %v\n%s", err, out)
	}
	names := sessionCookieNames(t, path)
	if i := sort.SearchStrings(names, "last"); i == len(names) || names[i] != "last" {
		t.Errorf("the last writer's cookie is missing from the session")
	}
	if i := sort.SearchStrings(names, "seed4999"); i == len(names) || names[i] != "seed4999" {
		t.Errorf("seeded cookies were lost from the session")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "s.json" && !strings.HasSuffix(e.Name(), ".lock") && !strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("unexpected file %s beside the session", e.Name())
		}
	}
}

// waitLocked waits until some process holds the session's lock.
func waitLocked(t *testing.T, path string) {
	t.Helper()
	lock := flock.New(sessionfile.LockPath(path))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := lock.TryLock()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
		lock.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no reqs process took the lock of %s", path)
}
