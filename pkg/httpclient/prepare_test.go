package httpclient

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestRequoteURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/a b", "/a%20b"},
		{"/caf\u00e9", "/caf%C3%A9"},
		{"/%7Euser", "/~user"}, // escaped unreserved is decoded
		{"/a%2Fb", "/a%2Fb"},   // escaped reserved is kept
		{"/q?x=1&y=a b", "/q?x=1&y=a%20b"},
		{"/bad%zzescape", "/bad%25zzescape"}, // invalid escape: '%' itself escaped
		{"/50%", "/50%25"},
		{"/path;p=1/[x]", "/path;p=1/[x]"},
		{"/\"quoted\"", "/%22quoted%22"},
		{"/a|b", "/a%7Cb"},
	}
	for _, tc := range tests {
		if got := requoteURI(tc.in); got != tc.want {
			t.Errorf("requoteURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrepareURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "http://example.org", want: "http://example.org/"},
		{in: "HTTPS://example.org/a b?q=1 2", want: "https://example.org/a%20b?q=1%202"},
		{in: "http://b\u00fccher.example/", want: "http://xn--bcher-kva.example/"},
		{in: "http://user:pw@example.org:8080/x", want: "http://user:pw@example.org:8080/x"},
		{in: "http://[::1]:8080/x", want: "http://[::1]:8080/x"},
		{in: "http://example.org?x=1", want: "http://example.org/?x=1"},
		{in: "example.org", wantErr: true},
		{in: "ftp://example.org/", wantErr: true},
		{in: "http:///path", wantErr: true},
		{in: "http://example.org:80a/", wantErr: true},
		{in: "http://example.org:99999999/", wantErr: true},
		{in: "HTTP://Example.ORG/Path", want: "http://example.org/Path"},
		{in: "http://[::1/", wantErr: true},
		{in: "http://[fe80::1%25eth0]:8080/", want: "http://[fe80::1%25eth0]:8080/"},
		{in: "http://example.org/a/../b/./c?x=/../#f", want: "http://example.org/b/c?x=/../#f"},
		{in: "http://example.org/../../x", want: "http://example.org/x"},
		{in: "http://example.org/a/b/..", want: "http://example.org/a/"},
		{in: "http://example.org/a/.", want: "http://example.org/a/"},
		{in: "http://example.org/.well-known/a..b", want: "http://example.org/.well-known/a..b"},
		{in: "http://\xff.example/", wantErr: true},
		{in: "http://xn--a.example/", wantErr: true},
		{in: "http://xn--.example/", wantErr: true},
		{in: "http://xn--bcher-kva.example/", want: "http://xn--bcher-kva.example/"},
		{in: "http://my_host/", want: "http://my_host/"},
		{in: "http://example.org:/x", want: "http://example.org/x"},
		{in: "http://u@[::1]:/x", want: "http://u@[::1]/x"},
	}
	for _, tc := range tests {
		u, err := PrepareURL(tc.in)
		if tc.wantErr {
			if err == nil || !errors.Is(err, ErrInvalidURL) {
				t.Errorf("PrepareURL(%q) error = %v, want ErrInvalidURL", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("PrepareURL(%q): %v", tc.in, err)
			continue
		}
		if got := u.String(); got != tc.want {
			t.Errorf("PrepareURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRemoveDotSegments(t *testing.T) {
	t.Parallel()
	// RFC 3986 §5.4's examples, reduced to their paths.
	tests := map[string]string{
		"/a/b/c/./../../g":    "/a/g",
		"/mid/content=5/../6": "/mid/6",
		"/a/b/c/g/.":          "/a/b/c/g/",
		"/a/b/c/..":           "/a/b/",
		"/..":                 "/",
		"/../../g":            "/g",
		"/a//../b":            "/a/b",
		"/g.":                 "/g.",
		"/..g":                "/..g",
		"/":                   "/",
	}
	for in, want := range tests {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrepareURLAsIsKeepsDotSegments(t *testing.T) {
	t.Parallel()
	const in = "http://example.org/a/../b/./c"
	u, err := prepareURLAsIs(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.String(); got != in {
		t.Errorf("prepareURLAsIs(%q) = %q, want it unchanged", in, got)
	}
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Prepare(&Request{URL: in, PathAsIs: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.URL.String(); got != in {
		t.Errorf("Prepare with PathAsIs = %q, want %q", got, in)
	}
}

func TestPrepareMergesSessionDefaults(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Params = []Param{{"s", "1"}}
	p, err := s.Prepare(&Request{
		Method: "GET",
		URL:    "http://example.org/x?a=0",
		Header: http.Header{"User-Agent": {"custom"}, "X-Two": {"1", "2"}},
		Unset:  []string{"Accept-Encoding"},
		Params: []Param{{"b", "c d"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.URL.RawQuery, "a=0&s=1&b=c+d"; got != want {
		t.Errorf("query = %q, want %q", got, want)
	}
	if got := p.Header.Get("User-Agent"); got != "custom" {
		t.Errorf("User-Agent = %q, want the request's value to win", got)
	}
	if _, ok := p.Header["Accept-Encoding"]; ok {
		t.Errorf("Accept-Encoding still set after Unset: %v", p.Header)
	}
	if got := p.Header.Values("X-Two"); len(got) != 2 {
		t.Errorf("X-Two = %v, want two values", got)
	}
	if p.HasBody() {
		t.Errorf("GET without data has a body")
	}
}

func TestPrepareRejectsBadHeaders(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	for _, h := range []http.Header{{"Bad Name": {"x"}}, {"X-Ok": {"a\r\nInjected: 1"}}} {
		if _, err := s.Prepare(&Request{URL: "http://example.org", Header: h}); !errors.Is(err, ErrInvalidHeader) {
			t.Errorf("Prepare with header %v: err = %v, want ErrInvalidHeader", h, err)
		}
	}
}

func TestPrepareURLCredentialsBecomeBasicAuth(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	p, err := s.Prepare(&Request{URL: "http://u:p%40ss@example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	ba, ok := p.Auth.(*BasicAuth)
	if !ok || ba.Username != "u" || ba.Password != "p@ss" {
		t.Fatalf("Auth = %#v, want BasicAuth u / p@ss", p.Auth)
	}
	if p.URL.User != nil {
		t.Errorf("URL still carries credentials: %s", p.URL)
	}
}

// TestPrepareURLCredentialsAsBearer: with CredentialScheme bearer the
// URL's password is the token, or its user when it has no password; the
// header never goes out as an empty "Bearer ".
func TestPrepareURLCredentialsAsBearer(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"http://u:tok@example.org/", "Bearer tok"},
		{"http://tok@example.org/", "Bearer tok"},
		{"http://tok:@example.org/", "Bearer tok"},
	}
	for _, tc := range tests {
		s, _ := New(Options{})
		s.CredentialScheme = AuthBearer
		p, err := s.Prepare(&Request{URL: tc.url})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", p.URL.String(), nil)
		if err := p.Auth.Apply(req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Authorization"); got != tc.want {
			t.Errorf("%s with bearer: Authorization %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestPrepareFormAndJSON(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	p, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Form: []Param{{"a", "1 2"}, {"b&", "="}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, p); got != "a=1+2&b%26=%3D" {
		t.Errorf("form body = %q", got)
	}
	if got := p.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/x-www-form-urlencoded") {
		t.Errorf("form Content-Type = %q", got)
	}
	p, err = s.Prepare(&Request{Method: "POST", URL: "http://x/", JSON: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentLength != 7 || p.Header.Get("Content-Type") != "application/json" {
		t.Errorf("JSON: length %d, type %q", p.ContentLength, p.Header.Get("Content-Type"))
	}
	if _, err := s.Prepare(&Request{URL: "http://x/", JSON: []byte(`{}`), Body: BytesBody([]byte("x"))}); !errors.Is(err, ErrInvalidBody) {
		t.Errorf("JSON and Body together: err = %v, want ErrInvalidBody", err)
	}
}

func TestMultipartLengthMatchesStream(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 10000)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := FileFromPath("upload", path, "application/octet-stream")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := New(Options{})
	p, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Form: []Param{{"name", "gopher \"q\""}}, Files: []File{f}, Boundary: "BOUNDARY42"})
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, p)
	if int64(len(body)) != p.ContentLength {
		t.Fatalf("multipart body is %d bytes, Content-Length says %d", len(body), p.ContentLength)
	}
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
	if err != nil || params["boundary"] != "BOUNDARY42" {
		t.Fatalf("Content-Type %q: boundary not kept (%v)", p.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(strings.NewReader(body), "BOUNDARY42")
	form, err := mr.ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if got := form.Value["name"]; len(got) != 1 || got[0] != `gopher "q"` {
		t.Errorf("field name = %q", got)
	}
	if fh := form.File["upload"]; len(fh) != 1 || fh[0].Size != 10000 || fh[0].Filename != "data.bin" {
		t.Errorf("file part = %+v", fh)
	}
	// A second read (a 307 replay) gives the same bytes.
	if again := readBody(t, p); again != body {
		t.Errorf("replayed multipart body differs")
	}
}

func TestReaderBodyReplay(t *testing.T) {
	t.Parallel()
	b := ReaderBody(strings.NewReader("piped"), -1)
	for i := 0; i < 2; i++ {
		rc, err := b.Open()
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != "piped" {
			t.Errorf("open %d read %q, want %q", i, got, "piped")
		}
	}
	big := ReaderBody(io.LimitReader(zeros{}, ReplayLimit+1), -1)
	rc, _ := big.Open()
	io.Copy(io.Discard, rc)
	rc.Close()
	if _, err := big.Open(); !errors.Is(err, ErrInvalidBody) {
		t.Errorf("reopening a body over ReplayLimit: err = %v, want ErrInvalidBody", err)
	}

	// A first reader closed before the end (the server answered early) is
	// completed from the source on the next open.
	early := ReaderBody(strings.NewReader("abcdef"), -1)
	rc, _ = early.Open()
	buf := make([]byte, 2)
	io.ReadFull(rc, buf)
	rc.Close()
	rc, err := early.Open()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(rc); string(got) != "abcdef" {
		t.Errorf("replay after an early close = %q, want %q", got, "abcdef")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func readBody(t *testing.T, p *PreparedRequest) string {
	t.Helper()
	rc, err := p.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMountLongestPrefixWins(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	a, b := roundTripName("a"), roundTripName("b")
	s.Mount("http://example.org/", a)
	s.Mount("http://example.org/api/", b)
	tests := []struct{ url, want string }{
		{"http://example.org/api/x", "b"},
		{"http://example.org/other", "a"},
		{"http://EXAMPLE.org/api/", "b"},
	}
	for _, tc := range tests {
		u, _ := PrepareURL(tc.url)
		got, _ := s.transportFor(u)
		rt, ok := got.(roundTripName)
		if !ok || string(rt) != tc.want {
			t.Errorf("transportFor(%s) = %v, want %s", tc.url, got, tc.want)
		}
	}
	u, _ := PrepareURL("http://elsewhere/")
	if got, _ := s.transportFor(u); got != nil {
		if _, ok := got.(roundTripName); ok {
			t.Errorf("unmounted URL used a mounted transport")
		}
	}
}

type roundTripName string

func (roundTripName) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("unused")
}

// A line break in a field or file name must not end the part's header
// (which would let the name write headers or parts of its own): control
// characters are sent as %XX, as browsers and urllib3 send them.
func TestMultipartNamesKeepPartFraming(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	file := File{Field: "f\r\nX-Injected: 1", Filename: "a\nb.txt", ContentType: "text/plain", Size: 2,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("hi")), nil }}
	p, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Form: []Param{{"n\nl\t\"q\"\\", "v"}}, Files: []File{file}, Boundary: "B"})
	if err != nil {
		t.Fatal(err)
	}
	want := "--B\r\nContent-Disposition: form-data; name=\"n%0Al%09\\\"q\\\"\\\\\"\r\n\r\nv\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"f%0D%0AX-Injected: 1\"; filename=\"a%0Ab.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B--\r\n"
	if got := readBody(t, p); got != want {
		t.Errorf("multipart body =\n%q\nwant\n%q", got, want)
	}

	file.ContentType = "text/plain\r\nX-Injected: 1"
	if _, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Files: []File{file}}); !errors.Is(err, ErrInvalidBody) {
		t.Errorf("content type with a line break: err = %v, want ErrInvalidBody", err)
	}
}

// A boundary with a space or '=' is quoted in Content-Type, or the server
// reads the parameter up to the space and finds no part; one RFC 2046
// does not allow is refused with a message of its own.
func TestMultipartBoundaryQuoted(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	for _, b := range []string{"a b", "x/y=z", "plain-1"} {
		p, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Form: []Param{{"a", "1"}}, Multipart: true, Boundary: b})
		if err != nil {
			t.Fatalf("boundary %q: %v", b, err)
		}
		_, params, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil || params["boundary"] != b {
			t.Errorf("boundary %q: Content-Type %q reads as %q (%v)", b, p.Header.Get("Content-Type"), params["boundary"], err)
			continue
		}
		form, err := multipart.NewReader(strings.NewReader(readBody(t, p)), params["boundary"]).ReadForm(1 << 10)
		if err != nil || len(form.Value["a"]) != 1 {
			t.Errorf("boundary %q: body does not read back: %v", b, err)
		}
	}
	if got := contentTypeOf(s.Prepare(&Request{Method: "POST", URL: "http://x/", Multipart: true, Boundary: "plain"})); got != "multipart/form-data; boundary=plain" {
		t.Errorf("plain boundary: Content-Type %q, want it unquoted", got)
	}
	for _, b := range []string{`a"b`, "ä", "trailing ", strings.Repeat("x", 71)} {
		err := CheckBoundary(b)
		if err == nil || strings.Contains(err.Error(), "mime:") {
			t.Errorf("CheckBoundary(%q) = %v, want a message of its own", b, err)
		}
		if _, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Multipart: true, Boundary: b}); !errors.Is(err, ErrInvalidBody) {
			t.Errorf("Prepare with boundary %q: err = %v, want ErrInvalidBody", b, err)
		}
	}
}

func contentTypeOf(p *PreparedRequest, err error) string {
	if err != nil {
		return err.Error()
	}
	return p.Header.Get("Content-Type")
}

// A multipart Content-Type given by the caller is kept as written and gets
// the boundary the body is framed with, as HTTPie adds it; without one the
// server cannot find the parts. A form under such a type is multipart.
func TestMultipartGivenContentType(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	tests := []struct {
		name      string
		req       Request
		wantType  string
		wantError bool
	}{
		{"form-data keeps its type", Request{Form: []Param{{"a", "1"}}, Boundary: "xoxo", Header: http.Header{"Content-Type": {"multipart/form-data"}}}, "multipart/form-data; boundary=xoxo", false},
		{"another subtype", Request{Form: []Param{{"a", "1"}}, Multipart: true, Boundary: "xoxo", Header: http.Header{"Content-Type": {"multipart/letter"}}}, "multipart/letter; boundary=xoxo", false},
		{"parameters kept", Request{Form: []Param{{"a", "1"}}, Boundary: "xoxo", Header: http.Header{"Content-Type": {"multipart/mixed; charset=utf-8"}}}, "multipart/mixed; charset=utf-8; boundary=xoxo", false},
		{"quoted boundary", Request{Form: []Param{{"a", "1"}}, Boundary: "a b", Header: http.Header{"Content-Type": {"Multipart/Form-Data"}}}, `Multipart/Form-Data; boundary="a b"`, false},
		{"the header's boundary frames the body", Request{Form: []Param{{"a", "1"}}, Header: http.Header{"Content-Type": {"multipart/form-data; boundary=given"}}}, "multipart/form-data; boundary=given", false},
		{"two boundaries disagree", Request{Form: []Param{{"a", "1"}}, Boundary: "other", Header: http.Header{"Content-Type": {"multipart/form-data; boundary=given"}}}, "", true},
		{"not multipart: the form stays url-encoded", Request{Form: []Param{{"a", "1"}}, Header: http.Header{"Content-Type": {"text/plain"}}}, "text/plain", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Method, tc.req.URL = "POST", "http://x/"
			p, err := s.Prepare(&tc.req)
			if tc.wantError {
				if !errors.Is(err, ErrInvalidBody) {
					t.Fatalf("Prepare = %v, want ErrInvalidBody", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
			}
			_, params, err := mime.ParseMediaType(tc.wantType)
			if b := params["boundary"]; err == nil && b != "" {
				form, err := multipart.NewReader(strings.NewReader(readBody(t, p)), b).ReadForm(1 << 10)
				if err != nil || len(form.Value["a"]) != 1 {
					t.Errorf("body does not read back with boundary %q: %v", b, err)
				}
			}
		})
	}
}

// --chunked applies to a multipart body too: it goes without a length.
func TestMultipartChunked(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	p, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Form: []Param{{"a", "1"}}, Multipart: true, Chunked: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentLength != -1 {
		t.Errorf("ContentLength = %d, want -1 (chunked)", p.ContentLength)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A one-shot source that ends within the read-ahead limit becomes a body
// of known length (sent with Content-Length); a longer one streams with
// an unknown length, and only limit+1 bytes are read before sending.
func TestReadAheadBody(t *testing.T) {
	t.Parallel()
	const limit = 16
	tests := []struct {
		name     string
		size     int
		wantSize int64
	}{
		{"empty", 0, 0},
		{"short", 5, 5},
		{"exactly the limit", limit, limit},
		{"one byte over", limit + 1, -1},
		{"far over", 10 * limit, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := strings.Repeat("x", tc.size)
			src := &countingReader{r: strings.NewReader(want)}
			b, err := ReadAheadBody(src, limit)
			if err != nil {
				t.Fatal(err)
			}
			if b.Size() != tc.wantSize {
				t.Errorf("ReadAheadBody(%d bytes).Size() = %d, want %d", tc.size, b.Size(), tc.wantSize)
			}
			if max := int64(limit + 1); src.n > max {
				t.Errorf("read %d bytes before sending, want at most %d", src.n, max)
			}
			for i := 0; i < 2; i++ { // a redirect or retry sends it again
				rc, err := b.Open()
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(rc)
				rc.Close()
				if string(got) != want {
					t.Errorf("open %d read %d bytes, want %d", i, len(got), len(want))
				}
			}
		})
	}
	if b, _ := ReadAheadBody(strings.NewReader("abc"), 0); b.Size() != 3 {
		t.Errorf("ReadAheadBody with limit 0 (the default) sized %d, want 3", b.Size())
	}
	failing := io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(errors.New("pipe broke")))
	if _, err := ReadAheadBody(failing, limit); err == nil || !strings.Contains(err.Error(), "pipe broke") {
		t.Errorf("ReadAheadBody of a failing source: err = %v, want the source's error", err)
	}
}

func TestUnixSocketURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, socket, url string
		ok, err         bool
	}{
		{"http+unix://%2Fvar%2Frun%2Fdocker.sock/info", "/var/run/docker.sock", "http://localhost/info", true, false},
		{"HTTP+UNIX://%2Ftmp%2Fs.sock/a?b=1#f", "/tmp/s.sock", "http://localhost/a?b=1#f", true, false},
		{"http+unix://rel.sock", "rel.sock", "http://localhost", true, false},
		{"http+unix:///info", "", "", true, true},
		{"http+unix://%zz/info", "", "", true, true},
		{"http://localhost/info", "", "", false, false},
		{"localhost/info", "", "", false, false},
	}
	for _, tc := range tests {
		socket, u, ok, err := UnixSocketURL(tc.in)
		if socket != tc.socket || u != tc.url || ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("UnixSocketURL(%q) = %q, %q, %v, %v; want %q, %q, %v, error %v", tc.in, socket, u, ok, err, tc.socket, tc.url, tc.ok, tc.err)
		}
		if err != nil && !errors.Is(err, ErrInvalidURL) {
			t.Errorf("UnixSocketURL(%q) error %v is not ErrInvalidURL", tc.in, err)
		}
	}
}

func TestHasScheme(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"http://x": true, "HTTPS://x": true, "svn+ssh://x": true, "a.b-c://x": true,
		"1http://x": false, "://x": false, "example.org": false, "a/b://x": false, "x:1/y": false,
	}
	for in, want := range tests {
		if got := HasScheme(in); got != want {
			t.Errorf("HasScheme(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestMultipartPartHeaders: a file part carries headers of its own, as
// the fourth element of a Requests files tuple, rendered in urllib3's
// order (Content-Disposition, Content-Type, Content-Location, then the
// others); one that would break the part's framing is refused.
func TestMultipartPartHeaders(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{})
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("hi")), nil }
	file := File{Field: "f", Filename: "a.txt", Size: 2, Open: open,
		Header: http.Header{"X-B": {"2"}, "Content-Id": {"<part1>"}, "Content-Location": {"a.txt"}, "Content-Type": {"text/x-special"}}}
	p, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Files: []File{file}, Boundary: "B"})
	if err != nil {
		t.Fatal(err)
	}
	want := "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/x-special\r\n" +
		"Content-Location: a.txt\r\nContent-Id: <part1>\r\nX-B: 2\r\n\r\nhi\r\n--B--\r\n"
	if got := readBody(t, p); got != want {
		t.Errorf("multipart body =\n%q\nwant\n%q", got, want)
	}
	for _, h := range []http.Header{{"X-A": {"1\r\nX-Injected: 1"}}, {"Bad Name": {"1"}}} {
		file.Header = h
		if _, err := s.Prepare(&Request{Method: "POST", URL: "http://x/", Files: []File{file}}); !errors.Is(err, ErrInvalidBody) {
			t.Errorf("part header %v: err = %v, want ErrInvalidBody", h, err)
		}
	}
}
