package sessionfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
)

func TestLockSessionSaveRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sessions", "example.com", "s.json")
	f, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock(%s): %v", path, err)
	}
	if f.Exists {
		t.Errorf("Lock(%s).Exists = true for a new session", path)
	}
	two, yes, three, ten := 2, true, 3*time.Second, 10*time.Second
	want := &Session{
		Version: Version,
		Headers: []Header{{"X-A", "1"}, {"X-A", "2"}},
		Auth:    &Auth{Type: "basic", Username: "u", Password: "p"},
		Cookies: []Cookie{
			{Name: "a", Value: "1", Domain: "example.com", HostOnly: true, Path: "/", Secure: true, HTTPOnly: true, SameSite: "Lax"},
			{Name: "b", Value: "2", Domain: "example.com", Path: "/x", Expires: time.Now().Add(time.Hour).Unix()},
		},
		Params: []Param{{"k", "v"}},
		Settings: Settings{
			Proxies:        map[string]string{"http": "http://proxy:3128"},
			Insecure:       &yes,
			Cert:           "/c.pem",
			CertKey:        "/k.pem",
			MaxRedirects:   &two,
			ConnectTimeout: &three,
			ReadTimeout:    &ten,
		},
	}
	if err := f.write(want); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	rf, err := Read(path)
	if err != nil || !rf.Exists {
		t.Fatalf("Read(%s) = %v, %v; want the saved session", path, rf, err)
	}
	got := rf.Session
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Read after Save (-want +got):\n%s", diff)
	}

	// The file is private, in a private directory.
	tests := []struct {
		path string
		want fs.FileMode
	}{
		{path, 0o600},
		{filepath.Dir(path), 0o700 | fs.ModeDir},
		{filepath.Join(dir, "sessions"), 0o700 | fs.ModeDir},
	}
	for _, tc := range tests {
		st, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode(); got != tc.want {
			t.Errorf("mode of %s = %v, want %v", tc.path, got, tc.want)
		}
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left after Save", e.Name())
		}
	}
}

func TestSaveDropsExpiredCookies(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	now := time.Now()
	s := &Session{Cookies: []Cookie{
		{Name: "gone", Value: "1", Domain: "h", Path: "/", Expires: now.Add(-time.Minute).Unix()},
		{Name: "kept", Value: "2", Domain: "h", Path: "/", Expires: now.Add(time.Hour).Unix()},
		{Name: "session", Value: "3", Domain: "h", Path: "/"},
	}}
	if err := writeSession(path, s, now); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(`"gone"`)) || !bytes.Contains(data, []byte(`"kept"`)) || !bytes.Contains(data, []byte(`"session"`)) {
		t.Errorf("saved file = %s; want kept and session cookies, not gone", data)
	}
}

func TestReadSessionDropsExpiredCookies(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	past := time.Now().Add(-time.Hour).Unix()
	body := fmt.Sprintf(`{"version":1,"cookies":[{"name":"old","value":"1","domain":"h","path":"/","expires":%d},{"name":"new","value":"2","domain":"h","path":"/"}]}`, past)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	rf, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	s := rf.Session
	if len(s.Cookies) != 1 || s.Cookies[0].Name != "new" {
		t.Errorf("Read(%s).Cookies = %v, want only \"new\"", body, s.Cookies)
	}
}

func TestLockSessionParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		// want are substrings of the error message.
		want []string
	}{
		{"syntax", "{\n  \"version\": 1,\n  \"cookies\": [,]\n}\n", []string{"line 3, column 15", "invalid character"}},
		{"truncated", "{\n  \"version\": 1,\n  \"cook", []string{"line 3", "unexpected EOF"}},
		{"wrong type", "{\"version\": 1, \"headers\": 5}", []string{"line 1, column 27", "at /headers: want array, not number"}},
		{"empty", "", []string{"empty file"}},
		{"newer version", `{"version": 99}`, []string{"version 99 is newer"}},
		{"httpie file", `{"__meta__": {"about": "HTTPie session file"}, "headers": {}}`, []string{"import-httpie"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "bad.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Lock(path)
			if err == nil {
				f.Close()
				t.Fatalf("Lock of %q succeeded, want an error", tc.content)
			}
			if !errors.Is(err, ErrParse) {
				t.Errorf("Lock of %q: error %v does not wrap ErrParse", tc.content, err)
			}
			for _, w := range append(tc.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Lock of %q: error %q does not contain %q", tc.content, err, w)
				}
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.content {
				t.Errorf("file changed from %q to %q", tc.content, got)
			}
			// The lock was released: it can be taken again at once.
			if err := os.WriteFile(path, []byte(`{"version":1}`), 0o600); err != nil {
				t.Fatal(err)
			}
			f, ok, err := TryLock(path)
			if err != nil || !ok {
				t.Fatalf("TryLock after fixing the file = %v, %v: the lock is still held after a parse error", ok, err)
			}
			f.Close()
		})
	}
}

func TestLockSessionWaits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	first, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	got := make(chan *File)
	go func() {
		if _, ok, err := TryLock(path); ok || err != nil {
			t.Errorf("TryLock of a held lock = %v, %v; want false, nil", ok, err)
		}
		close(waiting)
		f, err := Lock(path)
		if err != nil {
			t.Errorf("second Lock: %v", err)
		}
		got <- f
	}()
	<-waiting
	s := first.Session
	s.Cookies = append(s.Cookies, Cookie{Name: "a", Value: "1", Domain: "h", Path: "/"})
	if err := first.write(s); err != nil {
		t.Fatal(err)
	}
	first.Close()
	second := <-got
	defer second.Close()
	if len(second.Session.Cookies) != 1 {
		t.Errorf("after waiting, the second holder read %v, want the first holder's cookie", second.Session.Cookies)
	}
}

func TestSaveAfterCloseFails(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	f, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := f.write(&Session{}); err == nil {
		t.Errorf("write after Close succeeded, want an error")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("write after Close wrote %s", path)
	}
}

func TestCreateSessionRefusesExisting(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	if err := Create(path, &Session{}); err != nil {
		t.Fatalf("Create(%s): %v", path, err)
	}
	if err := Create(path, &Session{}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Create(%s) = %v, want fs.ErrExist", path, err)
	}
}

func TestListAndRemoveSessions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(hostDir, name, content string) {
		t.Helper()
		p := filepath.Join(dir, "sessions", hostDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("example.com", "b.json", `{"version":1,"cookies":[{"name":"x","value":"1","domain":"example.com","path":"/"}]}`)
	write("example.com", "a.json", `{"version":1}`)
	write("example.com", ".a.json.lock", ``)
	write("example.com", "notes.txt", `x`)
	write("localhost_8080", "dev.json", `{bad`)

	all, err := List(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Host, Name string
		Cookies    int
		Broken     bool
	}
	var got []row
	for _, s := range all {
		got = append(got, row{s.Host, s.Name, s.Cookies, s.Err != nil})
	}
	want := []row{
		{"example.com", "a", 0, false},
		{"example.com", "b", 1, false},
		{"localhost:8080", "dev", 0, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}

	one, err := List(dir, "localhost_8080")
	if err != nil || len(one) != 1 || one[0].Name != "dev" {
		t.Errorf("List(host localhost_8080) = %v, %v; want dev alone", one, err)
	}

	p := filepath.Join(dir, "sessions", "example.com", "a.json")
	if err := Remove(p); err != nil {
		t.Fatalf("Remove(%s): %v", p, err)
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s still exists after Remove", p)
	}
	if err := Remove(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Remove of a missing file = %v, want fs.ErrNotExist", err)
	}
}

func TestJarCookiesRoundTrip(t *testing.T) {
	t.Parallel()
	exp := time.Date(2099, 1, 2, 3, 4, 5, 0, time.UTC)
	jc := []cookiejar.Cookie{
		{Name: "a", Value: "1", Domain: "example.com", HostOnly: true, Path: "/", Secure: true, HttpOnly: true, SameSite: "Strict"},
		{Name: "b", Value: `"q"`, Domain: "example.com", Path: "/p", Expires: exp},
	}
	var s Session
	s.SetJarCookies(jc, time.Now())
	if diff := cmp.Diff(jc, s.JarCookies()); diff != "" {
		t.Errorf("JarCookies(SetJarCookies(x)) != x (-want +got):\n%s", diff)
	}
}

// BenchmarkSessionLoadSave10k measures one invocation's session work with
// 10,000 cookies: lock and read the file, load a jar, list it back and
// save.
func BenchmarkSessionLoadSave10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.json")
	s := &Session{}
	exp := time.Now().Add(24 * time.Hour).Unix()
	for i := range 10000 {
		s.Cookies = append(s.Cookies, Cookie{
			Name: fmt.Sprintf("cookie%05d", i), Value: strings.Repeat("v", 32),
			Domain: fmt.Sprintf("host%d.example.com", i%50), HostOnly: i%2 == 0, Path: "/", Expires: exp,
			Secure: i%3 == 0, HTTPOnly: true, SameSite: "Lax",
		})
	}
	if err := writeSession(path, s, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		f, err := Lock(path)
		if err != nil {
			b.Fatal(err)
		}
		jar := cookiejar.New()
		jar.Load(f.Session.JarCookies())
		f.Session.SetJarCookies(jar.All(), time.Now())
		if err := f.write(f.Session); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

func TestEncodeSessionRoundTrip(t *testing.T) {
	t.Parallel()
	tricky := "q\"uote \\ back\nline \u00e9 <&> \"cookies\": []"
	tests := []struct {
		name string
		s    *Session
	}{
		{"empty", &Session{Version: 1, Headers: []Header{}, Cookies: []Cookie{}}},
		{"tricky strings", &Session{
			Version: 1,
			Headers: []Header{{"X-A", tricky}, {"X-B", "\n  \"cookies\": []"}},
			Cookies: []Cookie{
				{Name: "a", Value: tricky, Domain: "h", HostOnly: true, Path: "/p\"", Expires: 42, Secure: true, HTTPOnly: true, SameSite: "None"},
				{Name: "b", Value: "", Domain: "h", Path: "/"},
			},
			Settings: Settings{Proxies: map[string]string{"b": "2", "a": "1"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, err := encodeSession(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseSession("x.json", data)
			if err != nil {
				t.Fatalf("parseSession(encodeSession(%+v)): %v\n%s", tc.s, err, data)
			}
			if diff := cmp.Diff(tc.s, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s\nfile:\n%s", diff, data)
			}
			again, _ := encodeSession(got)
			if !bytes.Equal(data, again) {
				t.Errorf("encoding is not stable:\n%s\nthen\n%s", data, again)
			}
		})
	}
}

func TestEncodeSessionOneCookiePerLine(t *testing.T) {
	t.Parallel()
	s := &Session{Version: 1, Cookies: []Cookie{
		{Name: "a", Value: "1", Domain: "h", HostOnly: true, Path: "/"},
		{Name: "b", Value: "2", Domain: "h", Path: "/", Expires: 7, SameSite: "Lax"},
	}}
	data, err := encodeSession(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "headers": [],
  "cookies": [
    {"name": "a", "value": "1", "domain": "h", "host_only": true, "path": "/", "secure": false, "http_only": false},
    {"name": "b", "value": "2", "domain": "h", "host_only": false, "path": "/", "expires": 7, "secure": false, "http_only": false, "same_site": "Lax"}
  ]
}
`
	if diff := cmp.Diff(want, string(data)); diff != "" {
		t.Errorf("encodeSession (-want +got):\n%s", diff)
	}
}
