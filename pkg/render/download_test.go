package render

import (
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{"dots only falls back to url", `attachment; filename=".."`, "http://x/files/data.csv", "", "data.csv"},
		{"empty falls back to url", `attachment; filename=""`, "http://x/files/data.csv", "", "data.csv"},
		{"unquoted with spaces", `attachment; filename=my file.txt`, "http://x/dl", "", "my file.txt"},
		{"url path escaped", "", "http://x/a/b%20c.tar.gz?x=1", "", "b c.tar.gz"},
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
		if got := DownloadName(tc.cd, u, tc.ct); got != tc.want {
			t.Errorf("%s: DownloadName(%q, %q, %q) = %q, want %q", tc.name, tc.cd, tc.url, tc.ct, got, tc.want)
		}
	}
}

func TestSanitizeFilenameLong(t *testing.T) {
	t.Parallel()
	got := SanitizeFilename(strings.Repeat("é", 200) + ".txt")
	if len(got) > 255 || !strings.HasSuffix(got, ".txt") {
		t.Errorf("SanitizeFilename(400-byte name) = %d bytes %q, want at most 255 ending in .txt", len(got), got)
	}
}

func TestUniquePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"a.txt", "a-1.txt.part", "b"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, want string }{
		{"a.txt", "a-2.txt"},
		{"b", "b-1"},
		{"c.tar", "c.tar"},
	}
	for _, tc := range tests {
		if got := UniquePath(dir, tc.name); got != filepath.Join(dir, tc.want) {
			t.Errorf("UniquePath(%q) = %q, want %q", tc.name, got, filepath.Join(dir, tc.want))
		}
	}
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
		offset   int64
		total    int64
		body     io.Reader
		wantErr  bool
		wantFile string // content of Path, "" when it must not exist
		wantPart string // content of Path.part, "" when it must not exist
	}{
		{"complete", nil, 0, 5, strings.NewReader("hello"), false, "hello", ""},
		{"unknown size", nil, 0, -1, strings.NewReader("hello"), false, "hello", ""},
		{"short leaves only the part", nil, 0, 10, strings.NewReader("hello"), true, "", "hello"},
		{"read error leaves only the part", nil, 0, -1, &failAfter{"hel", boom}, true, "", "hel"},
		{"resume appends", map[string]string{"f.part": "hel"}, 3, 5, strings.NewReader("lo"), false, "hello", ""},
		{"resume a file from another tool", map[string]string{"f": "hel"}, 3, 5, strings.NewReader("lo"), false, "hello", ""},
		{"restart truncates", map[string]string{"f.part": "old bytes"}, 0, 5, strings.NewReader("hello"), false, "hello", ""},
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
			d := &Download{Path: path, Offset: tc.offset, Total: tc.total, Progress: NewProgress(io.Discard, tc.total, tc.offset, false, "")}
			_, err := d.Save(tc.body)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Save: error %v, want error %v", err, tc.wantErr)
			}
			check := func(p, want string) {
				b, err := os.ReadFile(p)
				switch {
				case want == "" && err == nil:
					t.Errorf("%s exists with %q, want no such file", filepath.Base(p), b)
				case want != "" && string(b) != want:
					t.Errorf("%s = %q (%v), want %q", filepath.Base(p), b, err, want)
				}
			}
			check(path, tc.wantFile)
			check(path+PartSuffix, tc.wantPart)
		})
	}
}

func TestResumeOffset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.part"), []byte("12345"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("123"), 0o644)
	for _, tc := range []struct {
		name string
		want int64
	}{{"a", 5}, {"b", 3}, {"c", 0}} {
		got, err := ResumeOffset(filepath.Join(dir, tc.name))
		if err != nil || got != tc.want {
			t.Errorf("ResumeOffset(%s) = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
}
