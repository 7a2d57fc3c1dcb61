package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReleaseVersionInUserAgent builds reqs with the -X flag the release
// configuration uses for the version and checks that `reqs version` and
// the User-Agent a server receives name the same version.
func TestReleaseVersionInUserAgent(t *testing.T) {
	t.Parallel()
	cfg, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`-X (\S+\.version)=\{\{\.Version\}\}`).FindSubmatch(cfg)
	if m == nil {
		t.Fatal(".goreleaser.yaml sets no version variable with -X")
	}
	const want = "9.8.7-test"
	bin := filepath.Join(t.TempDir(), "reqs")
	build := exec.Command("go", "build", "-ldflags", "-X "+string(m[1])+"="+want, "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("reqs version: %v", err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if first != "reqs "+want {
		t.Errorf("reqs version printed %q, want %q", first, "reqs "+want)
	}

	agents := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents <- r.Header.Get("User-Agent")
	}))
	defer srv.Close()
	req := exec.Command(bin, srv.URL)
	req.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	if out, err := req.CombinedOutput(); err != nil {
		t.Fatalf("reqs %s: %v\n%s", srv.URL, err, out)
	}
	if got := <-agents; got != "reqs/"+want {
		t.Errorf("server received User-Agent %q, want %q (the version reqs version prints)", got, "reqs/"+want)
	}
}
