package download

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

func TestDownloadName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cd, url, ct, want string
	}{
		{"disposition", `attachment; filename="report.pdf"`, "http://x/dl", "application/pdf", "report.pdf"},
		{"filename* wins", `attachment; filename="fallback.txt"; filename*=UTF-8''na%C3%AFve%20file.txt`, "http://x/dl", "", "naïve file.txt"},
		{"traversal", `attachment; filename="../../etc/passwd"`, "http://x/dl", "", "passwd"},
		{"server's name keeps no extension", `attachment; filename="README"`, "http://x/dl", "text/plain", "README"},
		{"absolute", `attachment; filename="/etc/passwd"`, "http://x/dl", "", "passwd"},
		{"backslashes", `attachment; filename="..\..\windows\evil.txt"`, "http://x/dl", "", "evil.txt"},
		{"hidden", `attachment; filename=".bashrc"`, "http://x/dl", "", "bashrc"},
		{"control characters", "attachment; filename=\"a\x01b\x7fc.txt\"", "http://x/dl", "", "abc.txt"},
		{"right-to-left override", `attachment; filename*=UTF-8''rtl%E2%80%AEtxt.exe`, "http://x/dl", "", "rtltxt.exe"},
		{"C1 control", `attachment; filename*=UTF-8''a%C2%9Bb.txt`, "http://x/dl", "", "ab.txt"},
		{"dots only falls back to url", `attachment; filename=".."`, "http://x/files/data.csv", "", "data.csv"},
		{"empty falls back to url", `attachment; filename=""`, "http://x/files/data.csv", "", "data.csv"},
		{"filename* in ISO-8859-1", `attachment; filename*=iso-8859-1''caf%E9.txt`, "http://x/dl", "", "café.txt"},
		{"ISO-8859-1 filename* wins", `attachment; filename="cafe.txt"; filename*=ISO-8859-1'fr'caf%E9%20cr%E8me.txt`, "http://x/dl", "", "café crème.txt"},
		{"raw ISO-8859-1 bytes", "attachment; filename=\"caf\xe9.txt\"", "http://x/dl", "", "café.txt"},
		{"invalid bytes in a UTF-8 filename* are dropped", `attachment; filename*=UTF-8''bad%FF.txt`, "http://x/dl", "", "bad.txt"},
		{"raw UTF-8 bytes", "attachment; filename=\"caf\xc3\xa9.txt\"", "http://x/dl", "", "café.txt"},
		{"unquoted with spaces", `attachment; filename=my file.txt`, "http://x/dl", "", "my file.txt"},
		{"url path escaped", "", "http://x/a/b%20c.tar.gz?x=1", "", "b c.tar.gz"},
		{"url bidi isolate", "", "http://x/a/%E2%81%A6x%E2%81%A9.txt", "", "x.txt"},
		{"url directory", "", "http://x/a/", "text/html; charset=utf-8", "index.html"},
		{"url root, json", "", "http://x/", "application/json", "index.json"},
		{"extension from type", "", "http://x/bytes/100", "image/png", "100.png"},
		{"octet-stream gets .bin as in HTTPie", "", "http://x/bytes/100", "application/octet-stream", "100.bin"},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := Name(tc.cd, u, tc.ct); got != tc.want {
			t.Errorf("%s: Name(%q, %q, %q) = %q, want %q", tc.name, tc.cd, tc.url, tc.ct, got, tc.want)
		}
	}
}

func TestDownloadNameLongURLGetsExtensionWithinBound(t *testing.T) {
	t.Parallel()
	u := &url.URL{Scheme: "http", Host: "x", Path: "/" + strings.Repeat("a", 255)}
	got := Name("", u, "application/json")
	if len(got)+len(partSuffix) > 255 || !strings.HasSuffix(got, ".json") {
		t.Errorf("Name(255-byte URL segment) = %d bytes %q, want NAME.part within 255 and .json kept", len(got), got)
	}
}

func TestSanitizeFilenameLong(t *testing.T) {
	t.Parallel()
	for _, n := range []int{250, 251, 253, 255, 400} {
		in := strings.Repeat("é", n/2) + ".txt"
		got := sanitizeFilename(in)
		if len(got)+len(partSuffix) > 255 || !strings.HasSuffix(got, ".txt") || !utf8.ValidString(got) {
			t.Errorf("sanitizeFilename(%d-byte name) = %d bytes %q, want valid UTF-8 ending in .txt whose .part is at most 255", len(in), len(got), got)
		}
	}
}

func TestNumberedNameFits(t *testing.T) {
	t.Parallel()
	name := sanitizeFilename(strings.Repeat("x", 300) + ".tar")
	for _, i := range []int{0, 1, 99, 1000} {
		got := numberedName(name, i)
		if len(got)+len(partSuffix) > 255 || !strings.HasSuffix(got, ".tar") {
			t.Errorf("numberedName(%d bytes, %d) = %d bytes, want .part within 255 and .tar kept", len(name), i, len(got))
		}
	}
}

func TestPartPath(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("b", 253)
	tests := []struct{ target, want string }{
		{"dir/a.bin", "dir/a.bin.part"},
		{long, long[:250] + ".part"},
		{"d/" + strings.Repeat("é", 126), "d/" + strings.Repeat("é", 125) + ".part"},
	}
	for _, tc := range tests {
		if got := PartPath(tc.target); got != tc.want {
			t.Errorf("PartPath(%q) = %q, want %q", tc.target, got, tc.want)
		}
	}
}

// response makes a response whose body is s.
func response(status int, s string, header ...string) *httpclient.Response {
	h := http.Header{"Content-Length": {strconv.Itoa(len(s))}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &httpclient.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(s)), URL: &url.URL{Scheme: "http", Host: "x", Path: "/f.txt"}}
}

// failAfter returns data then err.
type failAfter struct {
	data string
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestDownloadSave(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection closed early")
	tests := []struct {
		name     string
		existing map[string]string // files before the download
		resume   bool
		resp     *httpclient.Response
		wantErr  bool
		wantFile string // content of Path, "" when it must not exist
		wantPart string // content of Path.part, "" when it must not exist
	}{
		{"complete", nil, false, response(200, "hello"), false, "hello", ""},
		{"replaces a file named by the caller", map[string]string{"f": "old"}, false, response(200, "hello"), false, "hello", ""},
		{"short leaves only the part", nil, false, response(200, "hello", "Content-Length", "10"), true, "", "hello"},
		{"read error leaves only the part", nil, false, &httpclient.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(&failAfter{"hel", boom})}, true, "", "hel"},
		{"resume appends", map[string]string{"f.part": "hel"}, true, response(206, "lo", "Content-Range", "bytes 3-4/5"), false, "hello", ""},
		{"resume a file from another tool", map[string]string{"f": "hel"}, true, response(206, "lo", "Content-Range", "bytes 3-4/5"), false, "hello", ""},
		{"resume from the wrong byte", map[string]string{"f.part": "hel"}, true, response(206, "llo", "Content-Range", "bytes 2-4/5"), true, "", "hel"},
		{"200 to a resume restarts", map[string]string{"f.part": "old bytes"}, true, response(200, "hello"), false, "hello", ""},
		{"restart replaces an old part", map[string]string{"f.part": "old bytes"}, false, response(200, "hello"), false, "hello", ""},
		{"416 of the same size completes", map[string]string{"f.part": "hello"}, true, response(416, "", "Content-Range", "bytes */5"), false, "hello", ""},
		{"416 of another size is not saved", map[string]string{"f.part": "hello!"}, true, response(416, "", "Content-Range", "bytes */5"), false, "", "hello!"},
		{"404 is not saved", nil, false, response(404, "nope"), false, "", ""},
		{"206 not from the start is not saved", nil, false, response(206, "lo", "Content-Range", "bytes 3-4/5"), true, "", ""},
		{"206 from the start is kept as a part", nil, false, response(206, "hel", "Content-Range", "bytes 0-2/5"), true, "", "hel"},
		{"encoded rest does not continue decoded bytes", map[string]string{"f.part": "hel"}, true, response(206, "lo", "Content-Range", "bytes 3-4/5", "Content-Encoding", "gzip"), true, "", "hel"},
		{"identity coding resumes", map[string]string{"f.part": "hel"}, true, response(206, "lo", "Content-Range", "bytes 3-4/5", "Content-Encoding", "identity"), false, "hello", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, content := range tc.existing {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "f")
			d := &File{Path: path, Resume: tc.resume}
			if _, err := d.Prepare(&httpclient.Request{}); err != nil {
				t.Fatal(err)
			}
			_, err := d.Save(tc.resp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Save: error %v, want error %v", err, tc.wantErr)
			}
			checkFile(t, path, tc.wantFile)
			checkFile(t, path+partSuffix, tc.wantPart)
		})
	}
}

// checkFile fails unless p holds want, or does not exist when want is "".
func checkFile(t *testing.T, p, want string) {
	t.Helper()
	b, err := os.ReadFile(p)
	switch {
	case want == "" && err == nil:
		t.Errorf("%s exists with %q, want no such file", filepath.Base(p), b)
	case want != "" && string(b) != want:
		t.Errorf("%s = %q (%v), want %q", filepath.Base(p), b, err, want)
	}
}

func TestDownloadPrepare(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path+partSuffix, []byte("12345"), 0o644)
	req := &httpclient.Request{}
	d := &File{Path: path, Resume: true}
	added, err := d.Prepare(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Range"); got != "bytes=5-" || d.Offset() != 5 {
		t.Errorf("Prepare: Range %q, offset %d; want bytes=5- and 5", got, d.Offset())
	}
	if got := req.Header.Get("Accept-Encoding"); got != "identity" {
		t.Errorf("Prepare: Accept-Encoding %q, want identity", got)
	}
	if strings.Join(added, ",") != "Accept-Encoding,Range" {
		t.Errorf("Prepare added %q, want Accept-Encoding and Range", added)
	}
	if _, err := (&File{Resume: true}).Prepare(&httpclient.Request{}); err == nil {
		t.Error("Prepare with Resume and no Path: no error")
	}
}

func TestResumeOffset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.part"), []byte("12345"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("123"), 0o644)
	os.Symlink(filepath.Join(dir, "b"), filepath.Join(dir, "c.part"))
	for _, tc := range []struct {
		name    string
		want    int64
		wantErr bool
	}{{"a", 5, false}, {"b", 3, false}, {"none", 0, false}, {"c", 0, true}} {
		got, err := resumeOffset(filepath.Join(dir, tc.name))
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("resumeOffset(%s) = %d, %v; want %d, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestDownloadNeverWritesThroughALink plants a .part symlink to a victim
// file: a fresh download must not touch the victim, and a resume must
// refuse the link.
func TestDownloadNeverWritesThroughALink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	path := filepath.Join(dir, "f")
	if err := os.Symlink(victim, path+partSuffix); err != nil {
		t.Fatal(err)
	}
	if _, err := (&File{Path: path}).Save(response(200, "hello")); err != nil {
		t.Fatalf("Save: %v", err)
	}
	checkFile(t, victim, "precious")
	checkFile(t, path, "hello")

	// Resuming through a link: the offset is taken, and then the open
	// refuses the link (it was swapped in after Prepare).
	path2 := filepath.Join(dir, "g")
	os.WriteFile(path2+partSuffix, []byte("hel"), 0o644)
	d := &File{Path: path2, Resume: true}
	if _, err := d.Prepare(&httpclient.Request{}); err != nil {
		t.Fatal(err)
	}
	os.Remove(path2 + partSuffix)
	os.Symlink(victim, path2+partSuffix)
	if _, err := d.Save(response(206, "lo", "Content-Range", "bytes 3-4/5")); err == nil {
		t.Error("resume through a symlinked .part: no error")
	}
	checkFile(t, victim, "precious")
}

func TestDownloadChoosesAFreeName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"a.txt", "a-1.txt.part", "b"} {
		os.WriteFile(filepath.Join(dir, f), []byte("old"), 0o644)
	}
	os.Symlink("nowhere", filepath.Join(dir, "a-2.txt")) // a dangling link is taken too
	tests := []struct{ cd, want string }{
		{`attachment; filename="a.txt"`, "a-3.txt"},
		{`attachment; filename="b"`, "b-1"},
		{`attachment; filename="c.tar"`, "c.tar"},
	}
	for _, tc := range tests {
		res, err := (&File{Dir: dir}).Save(response(200, "new", "Content-Disposition", tc.cd))
		if err != nil || res.Path != filepath.Join(dir, tc.want) {
			t.Errorf("Save(%s) = %v, %v; want %s", tc.cd, res.Path, err, tc.want)
			continue
		}
		checkFile(t, res.Path, "new")
	}
	checkFile(t, filepath.Join(dir, "a.txt"), "old")
}

// TestDownloadLongNames is the endless loop of 251–255-byte names: each
// must be saved under a legal name.
func TestDownloadLongNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, n := range []int{250, 251, 253, 255, 300} {
		for range 2 { // the second one needs a numbered name
			name := strings.Repeat("n", n-4) + ".bin"
			res, err := (&File{Dir: dir}).Save(response(200, "x", "Content-Disposition", `attachment; filename="`+name+`"`))
			if err != nil {
				t.Fatalf("Save(%d-byte name): %v", n, err)
			}
			if b := filepath.Base(res.Path); len(b)+len(partSuffix) > 255 || !strings.HasSuffix(b, ".bin") {
				t.Errorf("Save(%d-byte name) chose %d bytes %q", n, len(b), b)
			}
			checkFile(t, res.Path, "x")
		}
	}
	// A legal 253-byte name given by the caller works; its .part is cut.
	path := filepath.Join(dir, strings.Repeat("o", 253))
	if _, err := (&File{Path: path}).Save(response(200, "ok")); err != nil {
		t.Fatalf("Save(-o 253-byte name): %v", err)
	}
	checkFile(t, path, "ok")
}

func TestDownloadNoFreeName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "z"), nil, 0o644)
	for i := 1; i < maxNameTries; i++ {
		os.WriteFile(filepath.Join(dir, "z-"+strconv.Itoa(i)), nil, 0o644)
	}
	_, err := (&File{Dir: dir}).Save(response(200, "x", "Content-Disposition", `attachment; filename="z"`))
	if !errors.Is(err, ErrNoFreeName) {
		t.Errorf("Save with every name taken: %v, want ErrNoFreeName", err)
	}
}

// TestDownloadNeverReplacesAFileThatAppeared creates the chosen name while
// the body is read: the finished file takes the next free name instead.
func TestDownloadNeverReplacesAFileThatAppeared(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := &File{Dir: dir, Start: func(res *Result, body io.Reader) io.Reader {
		os.WriteFile(res.Path, []byte("appeared"), 0o644)
		return body
	}}
	res, err := d.Save(response(200, "mine", "Content-Disposition", `attachment; filename="r.txt"`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != filepath.Join(dir, "r-1.txt") {
		t.Errorf("Save put the file at %s, want r-1.txt", res.Path)
	}
	checkFile(t, filepath.Join(dir, "r.txt"), "appeared")
	checkFile(t, filepath.Join(dir, "r-1.txt"), "mine")
}

func TestLinkRename(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("a"), 0o644)
	os.WriteFile(b, []byte("b"), 0o644)
	if err := linkRename(a, b); !errors.Is(err, os.ErrExist) {
		t.Errorf("linkRename onto an existing file: %v, want ErrExist", err)
	}
	c := filepath.Join(dir, "c")
	if err := linkRename(a, c); err != nil {
		t.Fatal(err)
	}
	checkFile(t, c, "a")
	checkFile(t, a, "")
}

func TestContentRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                  string
		start, total        int64
		startOK, totalKnown bool
	}{
		{in: "bytes 100-999/1000", start: 100, startOK: true, total: 1000, totalKnown: true},
		{in: "bytes 0-0/1", start: 0, startOK: true, total: 1, totalKnown: true},
		{in: "bytes */3000", total: 3000, totalKnown: true},
		{in: "bytes 5-9/*", start: 5, startOK: true},
		{in: "items 0-9/10"},
		{in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			start, ok := contentRangeStart(tc.in)
			if ok != tc.startOK || ok && start != tc.start {
				t.Errorf("contentRangeStart(%q) = %d, %v; want %d, %v", tc.in, start, ok, tc.start, tc.startOK)
			}
			total, ok := contentRangeTotal(tc.in)
			if ok != tc.totalKnown || ok && total != tc.total {
				t.Errorf("contentRangeTotal(%q) = %d, %v; want %d, %v", tc.in, total, ok, tc.total, tc.totalKnown)
			}
		})
	}
}

func FuzzSanitizeFilename(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../etc/passwd", "rtl\u202etxt.exe", "a\x1b]0;t\x07b", "\xff\xfe", strings.Repeat("é", 130) + ".txt", "..", " . "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := sanitizeFilename(in)
		if len(got)+len(partSuffix) > 255 {
			t.Errorf("sanitizeFilename(%q) = %d bytes; NAME.part is over 255", in, len(got))
		}
		if !utf8.ValidString(got) {
			t.Errorf("sanitizeFilename(%q) = %q, not valid UTF-8", in, got)
		}
		if strings.ContainsAny(got, `/\`) || got == "." || got == ".." || strings.HasPrefix(got, ".") {
			t.Errorf("sanitizeFilename(%q) = %q, not a bare visible name", in, got)
		}
		for _, r := range got {
			if unsafeNameRune(r) {
				t.Errorf("sanitizeFilename(%q) = %q, keeps %U", in, got, r)
			}
		}
		if sanitizeFilename(got) != got {
			t.Errorf("sanitizeFilename(%q) = %q, which sanitises to something else again", in, got)
		}
		for _, i := range []int{1, 1000} {
			if n := numberedName(got, i); got != "" && len(n)+len(partSuffix) > 255 {
				t.Errorf("numberedName(%q, %d) = %d bytes; .part over 255", got, i, len(n))
			}
		}
	})
}

// TestDownloadShortensANameTooLongForTheFileSystem puts the download in a
// directory whose path is close to PATH_MAX: a 250-byte name fails with
// ENAMETOOLONG, which must shorten the name, not loop or stop.
func TestDownloadShortensANameTooLongForTheFileSystem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for len(dir) < 3900 {
		dir = filepath.Join(dir, strings.Repeat("d", min(200, 3900-len(dir))))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("cannot make a %d-byte directory path: %v", len(dir), err)
	}
	name := strings.Repeat("n", 246) + ".bin"
	res, err := (&File{Dir: dir}).Save(response(200, "x", "Content-Disposition", `attachment; filename="`+name+`"`))
	if err != nil {
		t.Fatalf("Save(250-byte name in a %d-byte directory): %v", len(dir), err)
	}
	if b := filepath.Base(res.Path); len(b) >= len(name) || !strings.HasSuffix(b, ".bin") {
		t.Errorf("Save chose %d bytes %q, want a shorter name keeping .bin", len(b), b)
	}
	checkFile(t, res.Path, "x")
}

// TestDownloadFollowsALinkTheCallerNamed saves to a path that is a symbolic
// link: the file it names gets the body and the link stays a link, as with
// curl -o and HTTPie, rather than being replaced by a regular file.
func TestDownloadFollowsALinkTheCallerNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "real.txt")
	os.WriteFile(real, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	res, err := (&File{Path: link}).Save(response(200, "hello"))
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("after Save, %s is %v (%v), want still a link", link, st.Mode(), err)
	}
	checkFile(t, real, "hello")
	checkFile(t, real+partSuffix, "")
	if res.Path != real {
		t.Errorf("result path %q, want %q", res.Path, real)
	}

	// Resuming through the link resumes the file it names.
	os.WriteFile(real, []byte("hel"), 0o644)
	d := &File{Path: link, Resume: true}
	req := &httpclient.Request{}
	if _, err := d.Prepare(req); err != nil || req.Header.Get("Range") != "bytes=3-" {
		t.Fatalf("Prepare through a link: Range %q, %v; want bytes=3-", req.Header.Get("Range"), err)
	}
	if _, err := d.Save(response(206, "lo", "Content-Range", "bytes 3-4/5")); err != nil {
		t.Fatalf("Save: %v", err)
	}
	checkFile(t, real, "hello")
}

func TestWindowsSafeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"report.pdf":       "report.pdf",
		"a:b.txt":          "a_b.txt",
		`x<y>z"q|w?e*.txt`: "x_y_z_q_w_e_.txt",
		"CON":              "_CON",
		"nul.txt":          "_nul.txt",
		"Com1.tar.gz":      "_Com1.tar.gz",
		"lpt9":             "_lpt9",
		"COM10":            "COM10",
		"console.txt":      "console.txt",
		"aux .txt":         "_aux .txt",
		"café:crème.txt":   "café_crème.txt",
	} {
		if got := windowsSafeName(in); got != want {
			t.Errorf("windowsSafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitizeFilenameWindows(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`..\evil:stream.txt`: "evil_stream.txt",
		"../CON.txt":         "_CON.txt",
		"plain.txt":          "plain.txt",
	} {
		if got := sanitizeName(in, true); got != want {
			t.Errorf("sanitizeName(%q, windows) = %q, want %q", in, got, want)
		}
		if got := sanitizeName(in, false); strings.ContainsAny(got, "/\\") || got == "" {
			t.Errorf("sanitizeName(%q) = %q, want a bare name", in, got)
		}
	}
}

func TestPrepareRefusesDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := &File{Path: dir}
	if _, err := d.Prepare(&httpclient.Request{}); !errors.Is(err, ErrDirectory) {
		t.Errorf("Prepare with Path a directory: %v, want ErrDirectory", err)
	}
}
