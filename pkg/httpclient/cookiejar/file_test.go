package cookiejar

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// curlFileCookies are the cookies of testdata/cookiefile/curl.txt, a file
// in the form curl -c writes (plus a CRLF line and a missing value, which
// curl reads too).
var curlFileCookies = []Cookie{
	{Name: "sid", Value: "abc123", Domain: "localhost", HostOnly: true, Path: "/", HttpOnly: true},
	{Name: "pref", Value: "dark mode", Domain: "example.com", Path: "/", Secure: true, Expires: time.Unix(2000000000, 0).UTC()},
	{Name: "old", Value: "gone", Domain: "www.example.com", HostOnly: true, Path: "/app", Expires: time.Unix(1700000000, 0).UTC()},
	{Name: "empty", Value: "", Domain: "example.org", Path: "/"},
}

func TestReadCookieFile(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/cookiefile/curl.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadCookieFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(curlFileCookies, got); diff != "" {
		t.Errorf("ReadCookieFile(curl.txt) mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteCookieFileGolden(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteCookieFile(&b, curlFileCookies); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/cookiefile/reqs.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("WriteCookieFile mismatch with reqs.txt (-want +got):\n%s", diff)
	}
	// What we write reads back as what was written.
	back, err := ReadCookieFile(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(curlFileCookies, back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestReadCookieFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"too few fields", "example.com\tTRUE\t/\n", "line 1: want 7 tab-separated fields, found 3"},
		{"bad flag", "x\tTRUE\t/\tMAYBE\t0\tn\tv\n", "secure is \"MAYBE\""},
		{"bad expiry", "\n\nx\tTRUE\t/\tFALSE\tsoon\tn\tv\n", "line 3: expires is \"soon\""},
		{"no name", "x\tTRUE\t/\tFALSE\t0\t\t\n", "no name"},
		{"no domain", "\tTRUE\t/\tFALSE\t0\tn\tv\n", "no domain"},
	}
	long := "\nx\tTRUE\t/\tFALSE\t0\tn\t" + strings.Repeat("v", maxCookieLine) + "\n"
	tests = append(tests, struct{ name, in, want string }{"long line", long, "line 2 is longer than 1048576 bytes"})
	for _, tc := range tests {
		_, err := ReadCookieFile(strings.NewReader(tc.in))
		if !errors.Is(err, ErrCookieFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ReadCookieFile(%.80q) error = %v, want ErrCookieFile containing %q", tc.name, tc.in, err, tc.want)
		}
	}
}

// A file as Python's http.cookiejar.MozillaCookieJar saves a Requests
// session's cookies: session cookies with an empty expires field, and a
// cookie set without a value ("Set-Cookie: flag") with an empty name and
// its name in the value field, which curl and Python read as that name.
func TestReadCookieFilePython(t *testing.T) {
	t.Parallel()
	const in = "# Netscape HTTP Cookie File\n" +
		"# http://curl.haxx.se/rfc/cookie_spec.html\n" +
		"# This is a generated file!  Do not edit.\n\n" +
		"127.0.0.1\tFALSE\t/\tFALSE\t\t\tflag\n" +
		"127.0.0.1\tFALSE\t/\tFALSE\t\ta\t1\n" +
		".example.com\tTRUE\t/app\tTRUE\t2000000000\tb\t2\n"
	got, err := ReadCookieFile(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cookie{
		{Name: "flag", Value: "", Domain: "127.0.0.1", HostOnly: true, Path: "/"},
		{Name: "a", Value: "1", Domain: "127.0.0.1", HostOnly: true, Path: "/"},
		{Name: "b", Value: "2", Domain: "example.com", Path: "/app", Secure: true, Expires: time.Unix(2000000000, 0).UTC()},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadCookieFile(MozillaCookieJar file) mismatch (-want +got):\n%s", diff)
	}
}

func TestReadCookieFileByteOrderMark(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"\ufeff# Netscape HTTP Cookie File\r\nexample.com\tFALSE\t/\tFALSE\t0\ta\t1\r\n",
		"\ufeffexample.com\tFALSE\t/\tFALSE\t0\ta\t1\n",
	} {
		got, err := ReadCookieFile(strings.NewReader(in))
		want := []Cookie{{Name: "a", Value: "1", Domain: "example.com", HostOnly: true, Path: "/"}}
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("ReadCookieFile(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

// Indented comment lines are comments, and spaces before the domain are
// skipped, as curl and Python read them.
func TestReadCookieFileIndented(t *testing.T) {
	t.Parallel()
	const in = "  # a comment\n\t# another\n  example.com\tFALSE\t/\tFALSE\t0\ta\t1\n  #HttpOnly_example.com\tFALSE\t/\tFALSE\t0\tb\t2\n"
	got, err := ReadCookieFile(strings.NewReader(in))
	want := []Cookie{
		{Name: "a", Value: "1", Domain: "example.com", HostOnly: true, Path: "/"},
		{Name: "b", Value: "2", Domain: "example.com", HostOnly: true, Path: "/", HttpOnly: true},
	}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("ReadCookieFile(%q) = %+v, %v; want %+v", in, got, err, want)
	}
}

func TestLoadCookieFileErrorNamesFileOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(path, []byte("x TRUE / FALSE 0 n v\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := New().LoadCookieFile(path)
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Path != path || !errors.Is(err, ErrCookieFile) {
		t.Fatalf("LoadCookieFile(bad file) = %v, want an *os.PathError for %s wrapping ErrCookieFile", err, path)
	}
	if strings.Count(err.Error(), path) != 1 {
		t.Errorf("error %q names the file more than once", err)
	}
}

func TestWriteCookieFileKeepsLines(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	c := []Cookie{{Name: "n", Value: "a\tb\nc", Domain: "x", HostOnly: true, Path: "/"}}
	if err := WriteCookieFile(&b, c); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCookieFile(&b)
	if err != nil || len(got) != 1 || got[0].Value != "abc" {
		t.Errorf("a value with a tab and a newline read back as %+v, %v; want one cookie n=abc", got, err)
	}
}

func TestJarCookieFileRoundTrip(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "https://www.example.com/app/x", "a=1; Path=/; Domain=example.com; Secure; HttpOnly", "b=2; Max-Age=3600")
	path := filepath.Join(t.TempDir(), "jar.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := j.SaveCookieFile(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("cookie file mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files after saving, want only the cookie file (no temporary left)", len(entries))
	}
	k := testJar(&now)
	if err := k.LoadCookieFile(path); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(j.All(), k.All()); diff != "" {
		t.Errorf("jar after a save and a load differs (-saved +loaded):\n%s", diff)
	}
}

func TestSaveCookieFileReportsFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "jar.txt")
	if err := New().SaveCookieFile(path); err == nil {
		t.Errorf("SaveCookieFile into a missing directory succeeded")
	}
}

// FuzzReadCookieFile checks that any input is either refused or read into
// cookies that, written out, read back as the same number of cookies.
func FuzzReadCookieFile(f *testing.F) {
	for _, name := range []string{"curl.txt", "reqs.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata/cookiefile", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("#HttpOnly_.x\tTRUE\t/\tTRUE\t99999999999999\tn\tv\r\n"))
	f.Add([]byte("x\tFALSE\t/\tFALSE\t0\t\r\tv\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cookies, err := ReadCookieFile(bytes.NewReader(data))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteCookieFile(&b, cookies); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCookieFile(&b)
		if err != nil {
			t.Fatalf("reading back what was written: %v\n%s", err, b.String())
		}
		if len(back) != len(cookies) {
			t.Fatalf("read %d cookies, wrote them, read back %d\n%s", len(cookies), len(back), b.String())
		}
	})
}
