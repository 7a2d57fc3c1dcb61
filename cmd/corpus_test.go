package cmd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var updateCorpus = flag.Bool("update", false, "rewrite the golden recordings of testdata/corpus")

// corpusDir holds request files from public repositories, byte for byte,
// with their environment files in the repositories' layout; corpus.json
// names the origin and licence of each file and how each request file
// is run.
const corpusDir = "../testdata/corpus"

// corpusManifest is testdata/corpus/corpus.json.
type corpusManifest struct {
	// Files are every copied file, with its origin.
	Files []corpusFile `json:"files"`
	// Runs are the request files the test runs.
	Runs []corpusRun `json:"runs"`
}

type corpusFile struct {
	File       string `json:"file"`
	Repository string `json:"repository"`
	Commit     string `json:"commit"`
	Path       string `json:"path"`
	License    string `json:"license"`
}

type corpusRun struct {
	File string `json:"file"`
	// Args are the flags of the run, besides the capture server's:
	// --env, and --var for what the authors keep out of their
	// repositories (hosts, secrets).
	Args []string `json:"args,omitempty"`
	// Responses are what the capture server answers, by METHOD /path;
	// anything else gets 200 and {}.
	Responses []corpusResponse `json:"responses,omitempty"`
	// Scripts marks a file whose requests rely on JavaScript handlers
	// (run by the embedded engine).
	Scripts bool `json:"scripts,omitempty"`
	// Note says what in the file fails, and why the format says it must.
	Note string `json:"note,omitempty"`
}

type corpusResponse struct {
	Request string            `json:"request"` // "POST /login"
	Status  int               `json:"status,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

func readCorpus(t *testing.T) *corpusManifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m corpusManifest
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("corpus.json: %v", err)
	}
	return &m
}

// TestCorpusOrigins: every file of the corpus is named in corpus.json
// with its repository, commit, path and a licence that allows copying it,
// and every run names a request file of the corpus.
func TestCorpusOrigins(t *testing.T) {
	m := readCorpus(t)
	known := map[string]bool{}
	repos := map[string]bool{}
	allowed := map[string]bool{"MIT": true, "Apache-2.0": true, "BSD-3-Clause": true, "OGL-UK-3.0": true, "CC0-1.0": true, "MPL-2.0": true}
	for _, f := range m.Files {
		if known[f.File] {
			t.Errorf("%s is listed twice", f.File)
		}
		known[f.File] = true
		repos[f.Repository] = true
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(f.Commit) || f.Path == "" || !allowed[f.License] {
			t.Errorf("%s: origin %+v is incomplete or its licence is not one that allows copying", f.File, f)
		}
		if !strings.HasPrefix(f.File, f.Repository+"/") || !strings.HasSuffix(f.File, "/"+f.Path) {
			t.Errorf("%s: not kept at REPOSITORY/PATH (%s/%s)", f.File, f.Repository, f.Path)
		}
	}
	err := filepath.WalkDir(corpusDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, path)
		rel = filepath.ToSlash(rel)
		if rel == "corpus.json" || rel == "README.md" || strings.HasPrefix(rel, "golden/") || strings.HasPrefix(rel, "LICENSES/") {
			return nil
		}
		if !known[rel] {
			t.Errorf("%s has no origin in corpus.json", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	runRepos := map[string]bool{}
	for _, r := range m.Runs {
		if !known[r.File] {
			t.Errorf("run %s: not a file of the corpus", r.File)
		}
		runs++
		runRepos[strings.Join(strings.SplitN(r.File, "/", 3)[:2], "/")] = true
	}
	if runs < 40 || len(runRepos) < 30 {
		t.Errorf("the corpus runs %d request files from %d repositories; it should run at least 40 from 30", runs, len(runRepos))
	}
}

// TestCorpus runs each request file of the corpus, unchanged, against a
// capture server that every request reaches whatever its host (through
// --unix-socket, TLS included), and compares what was sent — request
// line, headers, body — and the result lines with a golden recording
// checked by hand against what the file's author meant. The clock, the
// time zone and the randomness of the built-in variables are fixed, so
// nothing in a recording is normalized but the durations of the result
// lines. `go test ./cmd -run TestCorpus -update` rewrites the recordings.
func TestCorpus(t *testing.T) {
	m := readCorpus(t)
	for _, run := range m.Runs {
		t.Run(run.File, func(t *testing.T) {
			got := runCorpusFile(t, run)
			golden := filepath.Join(corpusDir, "golden", run.File+".txt")
			if *updateCorpus {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to record it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-golden +got):\n%s", run.File, diff)
			}
		})
	}
}

// corpusNow is the clock of every corpus run.
var corpusNow = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// runCorpusFile runs one request file and returns its recording.
func runCorpusFile(t *testing.T, run corpusRun) string {
	t.Helper()
	capture := startCapture(t, run.Responses)
	abs, err := filepath.Abs(filepath.Join(corpusDir, run.File))
	if err != nil {
		t.Fatal(err)
	}
	ios, _, stdout, stderr := TestIOStreams()
	ios.LookupEnv = func(string) (string, bool) { return "", false }
	ios.ReadFile = os.ReadFile
	c := newRunCmd(ios, func(ctx context.Context, o *runOptions) error {
		o.now = func() time.Time { return corpusNow }
		o.location = time.FixedZone("UTC+1", 3600)
		o.random = rand.New(rand.NewSource(1))
		return runFiles(ctx, o)
	})
	args := append([]string{"--unix-socket", capture.socket, "--verify", "no"}, run.Args...)
	c.SetArgs(append(args, abs))
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	err = c.ExecuteContext(context.Background())
	code := 0
	if err != nil {
		code = exitCode(err)
		var rf *runFailure
		if errors.As(err, &rf) {
			code = rf.code()
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# reqs run %s %s\n", strings.Join(run.Args, " "), run.File)
	fmt.Fprintf(&b, "exit status %d\n", code)
	if err != nil && !errors.Is(err, errSilent) {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	dir := filepath.Dir(abs) + string(filepath.Separator)
	clean := func(s string) string {
		s = strings.ReplaceAll(s, dir, "")
		return regexp.MustCompile(`\b\d+ ms\b`).ReplaceAllString(s, "X ms")
	}
	b.WriteString("\n--- stdout\n")
	b.WriteString(clean(stdout.String()))
	if stderr.Len() > 0 {
		b.WriteString("\n--- stderr\n")
		b.WriteString(clean(stderr.String()))
	}
	for i, req := range capture.recorded() {
		fmt.Fprintf(&b, "\n--- request %d\n%s", i+1, req)
	}
	return b.String()
}

// capture is a server on a Unix socket that records the requests it
// gets; a connection that starts a TLS handshake is served over TLS.
type capture struct {
	socket    string
	responses []corpusResponse
	mu        sync.Mutex
	requests  []string
}

func startCapture(t *testing.T, responses []corpusResponse) *capture {
	t.Helper()
	dir, err := os.MkdirTemp("", "corpus")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &capture{socket: filepath.Join(dir, "s"), responses: responses}
	ln, err := net.Listen("unix", c.socket)
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv := httptest.NewUnstartedServer(nil)
	tlsSrv.StartTLS()
	cfg := tlsSrv.TLS.Clone()
	tlsSrv.Close()
	cfg.NextProtos = []string{"http/1.1"}
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(&sniffListener{Listener: ln, tls: cfg})
	t.Cleanup(func() { srv.Close() })
	return c
}

// ServeHTTP records the request and answers as the run's responses say.
func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\nHost: %s\n", r.Method, r.RequestURI, r.Proto, r.Host)
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	if len(body) > 0 {
		fmt.Fprintf(&b, "\n%s\n--- end of body (%d bytes)\n", body, len(body))
	}
	c.mu.Lock()
	c.requests = append(c.requests, b.String())
	c.mu.Unlock()

	key := r.Method + " " + r.URL.Path
	for _, resp := range c.responses {
		if resp.Request != key {
			continue
		}
		for k, v := range resp.Headers {
			w.Header().Set(k, v)
		}
		if w.Header().Get("Content-Type") == "" && len(resp.Body) > 0 && resp.Body[0] != '"' {
			w.Header().Set("Content-Type", "application/json")
		}
		status := resp.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		if len(resp.Body) > 0 && resp.Body[0] == '"' {
			// A JSON string is a body of text.
			var text string
			_ = json.Unmarshal(resp.Body, &text)
			io.WriteString(w, text)
			return
		}
		w.Write(resp.Body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "{}")
}

func (c *capture) recorded() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.requests...)
}

// sniffListener serves a connection over TLS when its first byte starts a
// TLS handshake, so that http:// and https:// URLs reach one socket.
type sniffListener struct {
	net.Listener
	tls *tls.Config
}

func (l *sniffListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(conn)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	first, err := br.Peek(1)
	conn.SetReadDeadline(time.Time{})
	peeked := &peekedConn{Conn: conn, r: br}
	if err == nil && first[0] == 0x16 {
		return tls.Server(peeked, l.tls), nil
	}
	return peeked, nil
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
