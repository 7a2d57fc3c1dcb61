//go:build linux || darwin

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/sha256"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/rogpeppe/go-internal/txtar"
)

// recordHTTPie, when set to the path of HTTPie's `http`, makes
// TestHTTPieDocs run HTTPie itself on every command line and write what
// it sent and printed as the entries' .httpie goldens. Without it the
// test never runs HTTPie: it compares reqs with those recordings.
var recordHTTPie = flag.String("record-httpie", "", "run this HTTPie `http` to record testdata/httpie_docs.txtar's goldens")

// httpieDocsFile holds the command lines of HTTPie's documentation that
// TestHTTPieDocs runs, each with what HTTPie sent for it.
const httpieDocsFile = "testdata/httpie_docs.txtar"

// httpieDoc is one command line of HTTPie's documentation.
type httpieDoc struct {
	line    string // its line in HTTPie's docs/README.md
	command string // as the docs write it (a shell command line)
	// differs names the row of the README's "Coming from HTTPie" table
	// that says why reqs does not do what HTTPie does; empty when reqs
	// must send and print what HTTPie does.
	differs string
	httpie  string // what HTTPie sent and printed (recorded)
	reqs    string // what reqs sends and prints, when it differs
}

// readHTTPieDocs reads httpieDocsFile: a section "NNN" holds the command
// of docs/README.md line NNN, then optionally "differs: ROW"; "NNN.httpie"
// and "NNN.reqs" hold the summaries.
func readHTTPieDocs(t *testing.T) (*txtar.Archive, []*httpieDoc) {
	t.Helper()
	ar, err := txtar.ParseFile(httpieDocsFile)
	if err != nil {
		t.Fatal(err)
	}
	byLine := map[string]*httpieDoc{}
	var docs []*httpieDoc
	for _, f := range ar.Files {
		line, kind, _ := strings.Cut(f.Name, ".")
		d := byLine[line]
		if d == nil {
			d = &httpieDoc{line: line}
			byLine[line] = d
			docs = append(docs, d)
		}
		switch kind {
		case "":
			cmd, rest, _ := strings.Cut(string(f.Data), "\n")
			d.command = cmd
			if why, ok := strings.CutPrefix(strings.TrimSpace(rest), "differs: "); ok {
				d.differs = why
			}
		case "httpie":
			d.httpie = string(f.Data)
		case "reqs":
			d.reqs = string(f.Data)
		default:
			t.Fatalf("%s: unknown section %q", httpieDocsFile, f.Name)
		}
	}
	return ar, docs
}

// TestHTTPieDocs runs command lines of HTTPie's own documentation with
// reqs, hosts pointed at an in-process recording server, and checks that
// each sends (and prints, and exits with) what HTTPie 3.2 does on the same
// line, recorded in httpieDocsFile, or that the README's "Coming from
// HTTPie" table names the difference.
func TestHTTPieDocs(t *testing.T) {
	t.Parallel()
	ar, docs := readHTTPieDocs(t)
	if len(docs) < 60 {
		t.Fatalf("%s holds %d command lines, want at least 60", httpieDocsFile, len(docs))
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	table := readmeSection(string(readme), "### Coming from HTTPie")
	h := newDocsHarness(t)
	same, differ := 0, 0
	for _, d := range docs {
		if *recordHTTPie != "" {
			d.httpie = h.run(t, d, *recordHTTPie)
			continue
		}
		got := h.run(t, d, "reqs")
		switch {
		case d.differs == "" && got != d.httpie:
			t.Errorf("docs/README.md:%s: %s\nreqs differs from HTTPie and the README names no reason:\n%s", d.line, d.command, lineDiff(d.httpie, got))
		case d.differs == "":
			same++
		case !strings.Contains(table, d.differs):
			t.Errorf("docs/README.md:%s: %s\nreqs differs for %q, which the README's Coming from HTTPie table does not say", d.line, d.command, d.differs)
		case d.httpie == got:
			t.Errorf("docs/README.md:%s: %s\nmarked as differing (%s), but reqs does what HTTPie does", d.line, d.command, d.differs)
		case *update:
			d.reqs = got
			differ++
		case got != d.reqs:
			t.Errorf("docs/README.md:%s: %s\nreqs no longer does what its recording says:\n%s", d.line, d.command, lineDiff(d.reqs, got))
		default:
			differ++
		}
	}
	t.Logf("%d command lines of HTTPie's docs: %d as HTTPie, %d differing as the README says", len(docs), same, differ)
	if want := fmt.Sprintf("runs %d command lines of\nHTTPie's own documentation", len(docs)); *recordHTTPie == "" && !t.Failed() && !strings.Contains(table, want) {
		t.Errorf("the README's Coming from HTTPie section does not say it %s", want)
	}
	if want := fmt.Sprintf("%d do what HTTPie does; the %d others", same, differ); *recordHTTPie == "" && !t.Failed() && !strings.Contains(table, want) {
		t.Errorf("the README's Coming from HTTPie section does not say %q", want)
	}
	if *recordHTTPie != "" || *update {
		writeHTTPieDocs(t, ar, docs)
	}
}

// writeHTTPieDocs rewrites httpieDocsFile with the docs' summaries.
func writeHTTPieDocs(t *testing.T, ar *txtar.Archive, docs []*httpieDoc) {
	t.Helper()
	out := &txtar.Archive{Comment: ar.Comment}
	for _, d := range docs {
		cmd := d.command + "\n"
		if d.differs != "" {
			cmd += "differs: " + d.differs + "\n"
		}
		out.Files = append(out.Files, txtar.File{Name: d.line, Data: []byte(cmd)}, txtar.File{Name: d.line + ".httpie", Data: []byte(d.httpie)})
		if d.differs != "" && d.reqs != "" {
			out.Files = append(out.Files, txtar.File{Name: d.line + ".reqs", Data: []byte(d.reqs)})
		}
	}
	if err := os.WriteFile(httpieDocsFile, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readmeSection returns the README text from heading to the next heading
// of the same or a higher level.
func readmeSection(readme, heading string) string {
	i := strings.Index(readme, "\n"+heading+"\n")
	if i < 0 {
		return ""
	}
	rest := readme[i+1+len(heading):]
	level := strings.Repeat("#", strings.Count(strings.Fields(heading)[0], "#"))
	for _, h := range []string{"\n" + level + " ", "\n" + level[:len(level)-1] + " "} {
		if len(h) > 2 {
			if j := strings.Index(rest, h); j >= 0 {
				rest = rest[:j]
			}
		}
	}
	return rest
}

// lineDiff shows want and got line by line where they differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			fmt.Fprintf(&b, "  %s\n", wl)
			continue
		}
		if i < len(w) {
			fmt.Fprintf(&b, "- %s\n", wl)
		}
		if i < len(g) {
			fmt.Fprintf(&b, "+ %s\n", gl)
		}
	}
	return b.String()
}

// docsHarness runs the docs' command lines against one recording server
// in one work directory, in order (sessions and files carry over, as they
// do for a reader trying the docs one after the other).
type docsHarness struct {
	work, home string
	srv, tls   *httptest.Server
	socket     string
	caFile     string

	mu   sync.Mutex
	seen []string // summaries of the requests received
}

func newDocsHarness(t *testing.T) *docsHarness {
	t.Helper()
	dir := t.TempDir()
	h := &docsHarness{work: filepath.Join(dir, "work"), home: filepath.Join(dir, "home")}
	for _, d := range []string{h.work, h.home, filepath.Join(h.work, "files"), filepath.Join(h.home, "files")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"files/data.json": `{"name": "John", "langs": ["go", "python"]}` + "\n",
		"files/text.txt":  "Hello, text file\n",
		"files/data.xml":  "<?xml version=\"1.0\"?>\n<person><name>John</name></person>\n",
		"files/data.bin":  "%PDF-1.4 not really\x00\x01\x02",
	}
	for name, content := range files {
		for _, base := range []string{h.work, h.home} {
			if err := os.WriteFile(filepath.Join(base, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	bin := httpbin.New()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.record(r)
		switch r.URL.Path {
		case "/httpie/cli/archive/master.tar.gz":
			w.Header().Set("Content-Type", "application/gzip")
			w.Header().Set("Content-Disposition", `attachment; filename=cli-master.tar.gz`)
			w.Write(docsTarball())
			return
		case "/file":
			w.Header().Set("Content-Type", "application/zip")
			io.WriteString(w, strings.Repeat("PK zip bytes ", 100))
			return
		}
		bin.ServeHTTP(w, r)
	})
	h.srv = httptest.NewServer(handler)
	t.Cleanup(h.srv.Close)
	h.tls = httptest.NewTLSServer(handler)
	t.Cleanup(h.tls.Close)
	h.caFile = filepath.Join(dir, "ca.pem")
	pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: h.tls.Certificate().Raw})
	if err := os.WriteFile(h.caFile, pemCert, 0o644); err != nil {
		t.Fatal(err)
	}
	h.socket = filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", h.socket)
	if err != nil {
		t.Fatal(err)
	}
	usrv := &http.Server{Handler: handler}
	go usrv.Serve(ln)
	t.Cleanup(func() { usrv.Close() })
	return h
}

// docsTarball is a small gzipped tar, as GitHub's archive download is.
func docsTarball() []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	body := "# HTTPie\n"
	tw.WriteHeader(&tar.Header{Name: "cli-master/README.md", Mode: 0o644, Size: int64(len(body)), ModTime: time.Unix(0, 0)})
	io.WriteString(tw, body)
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// hostMap points the docs' hosts at the harness's servers.
func (h *docsHarness) hostMap(cmd string) string {
	plain := strings.TrimPrefix(h.srv.URL, "http://")
	_, port, _ := net.SplitHostPort(plain)
	secure := strings.TrimPrefix(h.tls.URL, "https://")
	cmd = strings.NewReplacer(
		"https://pie.dev", "https://"+secure,
		"https://api.github.com", "http://"+plain,
		"https://github.com", "http://"+plain,
		"%2Fvar%2Frun%2Fdocker.sock", url.PathEscape(h.socket),
		"admin.example.org", "localhost:"+port,
		"localhost:8000", "localhost:"+port,
		"10.10.1.10:3128", plain,
		" :3000/", " :"+port+"/",
		" :/foo", " :"+port+"/foo",
		"/tmp/session.json", "./tmp-session.json",
		// go-httpbin's paths for pie.dev's: the qop comes first, and
		// cookies are set under /cookies.
		"/digest-auth/httpie/", "/digest-auth/auth/",
		"/cookie/set?", "/cookies/set?",
	).Replace(cmd)
	// A host, not a mail address (john@example.org) or a header's value.
	return docsHosts.ReplaceAllString(cmd, "${1}"+plain)
}

// docsHosts matches the docs' other hosts where they stand as hosts.
var docsHosts = regexp.MustCompile(`(^|[\s/=])(?:example\.org|pie\.dev|server\.chess)\b`)

// run runs one command line with tool (reqs or HTTPie's http) as `http`,
// in a shell, on a terminal's standard input as a reader at a prompt
// would, and summarises what the server received, what was printed and
// the exit status.
func (h *docsHarness) run(t *testing.T, d *httpieDoc, tool string) string {
	t.Helper()
	h.mu.Lock()
	h.seen = nil
	h.mu.Unlock()
	// The docs' netrc example, for the server's host, is there for the
	// lines of the netrc section alone.
	netrc := filepath.Join(h.home, ".netrc")
	os.Remove(netrc)
	if strings.Contains(d.command, "basic-auth/httpie/test") {
		if err := os.WriteFile(netrc, []byte("machine 127.0.0.1\nlogin httpie\npassword test\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmdline := h.hostMap(d.command)
	// The tool stands for `http` wherever the line runs it.
	cmdline = regexp.MustCompile(`(^|\| |; do |\$\()http `).ReplaceAllString(cmdline, "${1}"+tool+" ")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	go io.Copy(io.Discard, ptmx)
	c := exec.Command("bash", "-c", cmdline)
	c.Dir = h.work
	c.Stdin = tty
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	c.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + h.home, "LANG=C.UTF-8",
		"REQS_CONFIG_DIR=" + filepath.Join(h.home, ".config", "reqs"),
		"HTTPIE_CONFIG_DIR=" + filepath.Join(h.home, ".config", "httpie"),
		"REQUESTS_CA_BUNDLE=" + h.caFile,
	}
	err = c.Run()
	tty.Close()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", cmdline, err)
	}
	var b strings.Builder
	h.mu.Lock()
	for i, s := range h.seen {
		fmt.Fprintf(&b, "request %d\n%s", i+1, s)
	}
	sent := len(h.seen) > 0
	if !sent {
		b.WriteString("no request\n")
	}
	h.mu.Unlock()
	out := stdout.Bytes()
	if strings.Contains(d.command, "> request.http") {
		out, _ = os.ReadFile(filepath.Join(h.work, "request.http"))
		b.WriteString("request.http holds:\n")
	}
	b.WriteString(h.printed(out, !sent))
	fmt.Fprintf(&b, "exit %d\n", code)
	for _, f := range []string{"image.png", "file.zip", "cli-master/README.md", "png", "cli-master.tar.gz", "master.tar.gz"} {
		if _, err := os.Stat(filepath.Join(h.work, f)); err == nil {
			fmt.Fprintf(&b, "file %s\n", f)
			os.RemoveAll(filepath.Join(h.work, f))
		}
	}
	os.RemoveAll(filepath.Join(h.work, "cli-master"))
	return h.normalize(b.String())
}

// normalize replaces the servers' addresses, which change from run to
// run.
func (h *docsHarness) normalize(s string) string {
	plain := strings.TrimPrefix(h.srv.URL, "http://")
	_, port, _ := net.SplitHostPort(plain)
	secure := strings.TrimPrefix(h.tls.URL, "https://")
	return strings.NewReplacer(plain, "HOST", secure, "TLSHOST", "localhost:"+port, "localhost:PORT", url.PathEscape(h.socket), "SOCKET", h.socket, "SOCKET").Replace(s)
}

// skipHeaders are the request headers whose values say which client sent
// them (User-Agent, the encodings each can decode) or how a connection is
// kept, not what the request asks.
var skipHeaders = map[string]bool{"Accept-Encoding": true, "Connection": true}

// record summarises a request as the server received it: method, target,
// headers (sorted; a default User-Agent left out), framing and body
// (JSON compared as values, multipart as parts, deflated bodies inflated).
func (h *docsHarness) record(r *http.Request) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.RequestURI)
	fmt.Fprintf(&b, "host %s\n", r.Host)
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	multi := strings.HasPrefix(mediaType, "multipart/")
	var names []string
	for name := range r.Header {
		if skipHeaders[name] || name == "Content-Length" && multi {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			switch {
			case name == "User-Agent" && (strings.HasPrefix(v, "HTTPie/") || strings.HasPrefix(v, "reqs/")):
				v = "(default)"
			case name == "Content-Type" && multi:
				v = mediaType
			case name == "Authorization" && strings.HasPrefix(v, "Digest "):
				v = digestSummary(v)
			}
			fmt.Fprintf(&b, "header %s: %s\n", name, v)
		}
	}
	if len(r.TransferEncoding) > 0 {
		fmt.Fprintf(&b, "transfer-encoding %s\n", strings.Join(r.TransferEncoding, ", "))
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rawLen := len(body)
	if r.Header.Get("Content-Encoding") == "deflate" {
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			if inflated, err := io.ReadAll(zr); err == nil {
				body = inflated
				b.WriteString("body inflated\n")
			}
		}
	}
	b.WriteString(bodySummary(body, multi, params["boundary"]))
	summary := b.String()
	if n := r.Header.Get("Content-Length"); n != "" && !multi && (strings.Contains(summary, "\nbody json ") || strings.Contains(summary, "\nbody inflated")) {
		// JSON is compared as a value and a deflated body once inflated:
		// their bytes (spacing, compression) may differ, so their length
		// is checked, not compared.
		verdict := "matches the body"
		if n != fmt.Sprint(r.ContentLength) || r.ContentLength != int64(rawLen) {
			verdict = "does not match the body"
		}
		summary = strings.Replace(summary, "header Content-Length: "+n+"\n", "header Content-Length: "+verdict+"\n", 1)
	}
	h.mu.Lock()
	h.seen = append(h.seen, summary)
	h.mu.Unlock()
}

// bodySummary describes a request body: JSON as its value, multipart as
// its parts, anything else as its bytes.
func bodySummary(body []byte, multi bool, boundary string) string {
	if len(body) == 0 {
		return "body empty\n"
	}
	if multi {
		var b strings.Builder
		mr := multipart.NewReader(bytes.NewReader(body), boundary)
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				if err != io.EOF {
					fmt.Fprintf(&b, "multipart unreadable\n")
				}
				break
			}
			data, _ := io.ReadAll(p)
			fmt.Fprintf(&b, "part name=%q filename=%q type=%q %q\n", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data)
		}
		return b.String()
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		canon, _ := json.Marshal(v)
		// A body may echo what a server got from the client before
		// (a pipe from one request to the next): its name and encodings.
		return fmt.Sprintf("body json %s\n", clientNames.Replace(string(canon)))
	}
	if len(body) > 300 {
		return fmt.Sprintf("body %d bytes sha256 %x\n", len(body), sha256.Sum256(body))
	}
	return fmt.Sprintf("body %q\n", body)
}

// clientNames replaces what differs between two clients' requests by
// design: their names and the encodings they can decode.
var clientNames = strings.NewReplacer("HTTPie/3.2.1", "(client)", "reqs/dev", "(client)", "gzip, deflate, br, zstd", "(encodings)", "gzip, deflate", "(encodings)")

// digestSummary keeps the parts of a Digest answer that do not change
// from one run to the next.
func digestSummary(v string) string {
	var keep []string
	for _, part := range strings.Split(strings.TrimPrefix(v, "Digest "), ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "username", "realm", "uri", "algorithm", "qop":
			keep = append(keep, k+"="+strings.Trim(val, `"`))
		}
	}
	sort.Strings(keep)
	return "Digest " + strings.Join(keep, " ")
}

var (
	requestLine = regexp.MustCompile(`^[A-Z][A-Z0-9-]* \S+ HTTP/[0-9.]+$`)
	statusLine  = regexp.MustCompile(`^HTTP/[0-9.]+ \d{3}( |$)`)
)

// printed describes what was printed, part by part in order: H a request
// head, B a request body, h a response head, b a response body, m the
// metadata. When nothing was sent (--offline), what was printed of the
// request is also summarised as the server would have received it.
func (h *docsHarness) printed(out []byte, offline bool) string {
	if len(out) == 0 {
		return "printed nothing\n"
	}
	if bytes.IndexByte(out, 0) >= 0 || !utf8Valid(out) {
		return fmt.Sprintf("printed %d binary bytes\n", len(out))
	}
	lines := strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n")
	var parts []string
	var requests []string
	body := func(i int) (int, bool) { // lines up to the next part
		content := false
		for ; i < len(lines); i++ {
			l := lines[i]
			if requestLine.MatchString(l) || statusLine.MatchString(l) || strings.HasPrefix(l, "Elapsed time:") {
				break
			}
			content = content || strings.TrimSpace(l) != ""
		}
		return i, content
	}
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case requestLine.MatchString(l):
			start := i
			for i++; i < len(lines) && lines[i] != ""; i++ {
			}
			head := strings.Join(lines[start:i], "\n")
			end, content := body(i)
			parts = append(parts, "H")
			if content {
				parts = append(parts, "B")
			}
			if offline {
				requests = append(requests, offlineRequest(head, strings.TrimSpace(strings.Join(lines[i:end], "\n"))))
			}
			i = end
		case statusLine.MatchString(l):
			for i++; i < len(lines) && lines[i] != ""; i++ {
			}
			end, content := body(i)
			parts = append(parts, "h")
			if content {
				parts = append(parts, "b")
			}
			i = end
		case strings.HasPrefix(l, "Elapsed time:"):
			parts = append(parts, "m")
			for i++; i < len(lines) && strings.Contains(lines[i], ":") && lines[i] != ""; i++ {
			}
		default:
			end, content := body(i)
			if content {
				parts = append(parts, "b")
				if offline && len(parts) == 1 {
					// --offline --print=B: the request body alone.
					requests = append(requests, "printed "+bodySummary([]byte(strings.TrimSpace(strings.Join(lines[i:end], "\n"))), false, ""))
				}
			}
			if end == i {
				end++
			}
			i = end
		}
	}
	s := "printed " + strings.Join(parts, " ") + "\n"
	for _, o := range requests {
		s += o
	}
	return s
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// offlineRequest summarises a printed request head and body as record
// does a received one, so that --offline output compares by content, not
// layout.
func offlineRequest(head, body string) string {
	lines := strings.Split(head, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "printed request %s\n", lines[0])
	var hs []string
	ct := ""
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		name, value = http.CanonicalHeaderKey(strings.TrimSpace(name)), strings.TrimSpace(value)
		if skipHeaders[name] || name == "User-Agent" && (strings.HasPrefix(value, "HTTPie/") || strings.HasPrefix(value, "reqs/")) {
			continue
		}
		if name == "Content-Type" {
			ct = value
		}
		if name == "Content-Length" && strings.HasPrefix(ct, "multipart/") || name == "Content-Length" && strings.Contains(strings.ToLower(head), "multipart/") {
			continue
		}
		if name == "Content-Length" && json.Valid([]byte(body)) {
			// As record does: JSON is compared as a value, its length checked.
			value = map[bool]string{true: "matches the body", false: "does not match the body"}[value == fmt.Sprint(len(body))]
		}
		if name == "Content-Type" && strings.HasPrefix(value, "multipart/") {
			mt, params, _ := mime.ParseMediaType(value)
			if params["boundary"] != "" && len(params["boundary"]) > 20 {
				value = mt + "; boundary=(random)"
			}
		}
		hs = append(hs, name+": "+value)
	}
	slices.Sort(hs)
	for _, h := range hs {
		fmt.Fprintf(&b, "printed header %s\n", h)
	}
	mt, params, _ := mime.ParseMediaType(ct)
	b.WriteString("printed " + bodySummary([]byte(body), strings.HasPrefix(mt, "multipart/"), params["boundary"]))
	return b.String()
}
