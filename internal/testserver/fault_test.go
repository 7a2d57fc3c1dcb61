package testserver

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// faultServer starts a Fault over plain HTTP whose fallback answers
// "fallback", and a client that neither follows redirects nor decodes.
func faultServer(t *testing.T) (*Server, *Fault, *http.Client) {
	t.Helper()
	f := NewFault(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "fallback")
	}))
	s, err := StartServer(f, ServerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, f, c
}

type exchange struct {
	status int
	header http.Header
	body   []byte
	err    error // from reading the body
}

func do(t *testing.T, c *http.Client, method, u string, hdr http.Header, body io.Reader) exchange {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return exchange{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

func get(t *testing.T, c *http.Client, u string) exchange {
	t.Helper()
	return do(t, c, http.MethodGet, u, nil, nil)
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", b, err)
	}
	return m
}

func TestFaultCountAndFallback(t *testing.T) {
	t.Parallel()
	s, f, c := faultServer(t)
	for range 2 {
		if ex := get(t, c, s.URL+"/anything/x"); string(ex.body) != "fallback" {
			t.Fatalf("GET /anything/x = %q, want the fallback's answer", ex.body)
		}
	}
	get(t, c, s.URL+"/sse?n=0")
	tests := []struct{ path, want string }{
		{path: "/anything/x", want: "2\n"},
		{path: "/sse", want: "1\n"},
		{path: "/never", want: "0\n"},
		{path: "/count", want: "0\n"},
	}
	for _, tc := range tests {
		ex := get(t, c, s.URL+"/count?path="+url.QueryEscape(tc.path))
		if string(ex.body) != tc.want {
			t.Errorf("GET /count?path=%s = %q, want %q", tc.path, ex.body, tc.want)
		}
	}
	if got := f.Count("/anything/x"); got != 2 {
		t.Errorf("Fault.Count(/anything/x) = %d, want 2", got)
	}
	ex := get(t, c, s.URL+"/count")
	want := map[string]any{"/anything/x": 2.0, "/sse": 1.0}
	if diff := cmp.Diff(want, decodeJSON(t, ex.body)); diff != "" {
		t.Errorf("GET /count mismatch (-want +got):\n%s", diff)
	}
}

func TestFaultBadKnobs(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct{ path, wantMsg string }{
		{path: "/big?size=abc", wantMsg: `size="abc"`},
		{path: "/truncated?declared=10&sent=10", wantMsg: "must be less than declared=10"},
		{path: "/stall?for=2h", wantMsg: `for="2h"`},
		{path: "/trickle?every=1h", wantMsg: `every="1h"`},
		{path: "/flaky?status=42", wantMsg: `status="42"`},
		{path: "/pages?page=4&n=3", wantMsg: "beyond n=3"},
		{path: "/encoded?ce=gzip,lzma", wantMsg: `unknown coding "lzma"`},
		{path: "/encoded", wantMsg: `unknown coding ""`},
		{path: "/download-evil?kind=nope", wantMsg: "unknown kind"},
		{path: "/redirect-cross", wantMsg: "to=\"\": required"},
		{path: "/cookie-domain", wantMsg: "missing query parameter domain"},
		{path: "/digest-stale?algorithm=SHA-1", wantMsg: "unsupported"},
		{path: "/download?norange=maybe", wantMsg: `norange="maybe"`},
	}
	for _, tc := range tests {
		ex := get(t, c, s.URL+tc.path)
		if ex.status != http.StatusBadRequest || !strings.Contains(string(ex.body), tc.wantMsg) {
			t.Errorf("GET %s = %d %q, want 400 containing %q", tc.path, ex.status, ex.body, tc.wantMsg)
		}
	}
}

func TestFaultTruncated(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	ex := get(t, c, s.URL+"/truncated?declared=1000&sent=10")
	if ex.status != http.StatusOK || ex.header.Get("Content-Length") != "1000" {
		t.Fatalf("GET /truncated = %d, Content-Length %q; want 200, 1000", ex.status, ex.header.Get("Content-Length"))
	}
	if !errors.Is(ex.err, io.ErrUnexpectedEOF) {
		t.Errorf("reading /truncated body: err = %v, want unexpected EOF", ex.err)
	}
	if !bytes.Equal(ex.body, naivePattern(0, 10)) {
		t.Errorf("/truncated body = %q, want the first 10 pattern bytes", ex.body)
	}
}

func TestFaultStall(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)

	t.Run("completes after the pause", func(t *testing.T) {
		ex := get(t, c, s.URL+"/stall?bytes=3&for=1ms&total=10")
		if ex.err != nil || !bytes.Equal(ex.body, naivePattern(0, 10)) {
			t.Errorf("GET /stall?bytes=3&for=1ms&total=10 = %q, %v; want 10 pattern bytes", ex.body, ex.err)
		}
	})
	t.Run("sends nothing more while stalled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/stall?bytes=5&for=30s", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		first := make([]byte, 5)
		if _, err := io.ReadFull(resp.Body, first); err != nil || !bytes.Equal(first, naivePattern(0, 5)) {
			t.Fatalf("first bytes of /stall = %q, %v; want 5 pattern bytes", first, err)
		}
		got := make(chan error, 1)
		go func() {
			_, err := resp.Body.Read(make([]byte, 1))
			got <- err
		}()
		select {
		case err := <-got:
			t.Fatalf("read during the stall returned %v, want it to block", err)
		case <-time.After(100 * time.Millisecond):
		}
		cancel()
		<-got
	})
}

func TestFaultTrickle(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	resp, err := c.Get(s.URL + "/trickle?bytes=4&every=50ms")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != 4 {
		t.Errorf("GET /trickle?bytes=4 Content-Length = %d, want 4", resp.ContentLength)
	}
	// Bytes arrive apart, so the body takes several reads (4 unless the
	// test machine is too slow to read one byte before the next).
	var got []byte
	buf := make([]byte, 16)
	reads := 0
	for {
		n, err := resp.Body.Read(buf)
		got = append(got, buf[:n]...)
		if n > 0 {
			reads++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, naivePattern(0, 4)) || reads < 2 {
		t.Errorf("/trickle?bytes=4 body = %q in %d reads, want 4 pattern bytes in several reads", got, reads)
	}
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	if _, err := c.Get(s.URL + "/drop?times=1&key=k"); err == nil {
		t.Fatalf("first GET /drop succeeded, want a connection error")
	}
	ex := get(t, c, s.URL+"/drop?times=1&key=k")
	if ex.status != http.StatusOK || decodeJSON(t, ex.body)["attempt"] != 2.0 {
		t.Errorf("second GET /drop = %d %s, want 200 attempt 2", ex.status, ex.body)
	}
}

func TestFaultFlakyAndRetryAfter(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct {
		name       string
		path       string
		wantStatus []int
		wantRA     string // Retry-After of the first answer; "date" for an HTTP-date
	}{
		{name: "flaky default", path: "/flaky?key=a", wantStatus: []int{503, 503, 200, 200}},
		{name: "flaky status and count", path: "/flaky?key=b&fail=1&status=502", wantStatus: []int{502, 200}},
		{name: "flaky keys are independent", path: "/flaky?key=c&fail=1", wantStatus: []int{503, 200}},
		{name: "retry-after seconds", path: "/retry-after?key=a&secs=0", wantStatus: []int{429, 200}, wantRA: "0"},
		{name: "retry-after 503 twice", path: "/retry-after?key=b&secs=0&status=503&times=2", wantStatus: []int{503, 503, 200}, wantRA: "0"},
		{name: "retry-after date", path: "/retry-after?key=c&secs=0&date=1", wantStatus: []int{429, 200}, wantRA: "date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, want := range tc.wantStatus {
				ex := get(t, c, s.URL+tc.path)
				if ex.status != want || ex.header.Get("X-Attempt") != fmt.Sprint(i+1) {
					t.Fatalf("GET %s #%d = %d X-Attempt %q, want %d and %d", tc.path, i+1, ex.status, ex.header.Get("X-Attempt"), want, i+1)
				}
				m := decodeJSON(t, ex.body)
				if m["ok"] != (want == 200) {
					t.Errorf("GET %s #%d body %s, want ok=%v", tc.path, i+1, ex.body, want == 200)
				}
				if i == 0 && tc.wantRA != "" {
					ra := ex.header.Get("Retry-After")
					if tc.wantRA == "date" {
						if _, err := http.ParseTime(ra); err != nil {
							t.Errorf("GET %s Retry-After = %q, want an HTTP-date: %v", tc.path, ra, err)
						}
					} else if ra != tc.wantRA {
						t.Errorf("GET %s Retry-After = %q, want %q", tc.path, ra, tc.wantRA)
					}
				}
			}
		})
	}
}

// decoders undo one content coding, by the name /encoded uses.
var decoders = map[string]func(io.Reader) (io.Reader, error){
	"gzip":        func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
	"deflate":     func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) },
	"deflate-raw": func(r io.Reader) (io.Reader, error) { return flate.NewReader(r), nil },
	"br":          func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
	"zstd": func(r io.Reader) (io.Reader, error) {
		d, err := zstd.NewReader(r)
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	},
	"identity": func(r io.Reader) (io.Reader, error) { return r, nil },
}

func TestFaultEncodings(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct {
		path       string
		applied    []string // in order applied
		wantHeader string
		want       []byte
	}{
		{path: "/zstd", applied: []string{"zstd"}, wantHeader: "zstd", want: []byte(EncodedBody)},
		{path: "/br", applied: []string{"br"}, wantHeader: "br", want: []byte(EncodedBody)},
		{path: "/stacked", applied: []string{"gzip", "br"}, wantHeader: "gzip, br", want: []byte(EncodedBody)},
		{path: "/deflate-raw", applied: []string{"deflate-raw"}, wantHeader: "deflate", want: []byte(EncodedBody)},
		{path: "/deflate-zlib", applied: []string{"deflate"}, wantHeader: "deflate", want: []byte(EncodedBody)},
		{path: "/encoded?ce=identity", applied: []string{"identity"}, wantHeader: "identity", want: []byte(EncodedBody)},
		{path: "/encoded?ce=zstd,gzip,deflate-raw", applied: []string{"zstd", "gzip", "deflate-raw"}, wantHeader: "zstd, gzip, deflate", want: []byte(EncodedBody)},
		{path: "/zstd?size=300000", applied: []string{"zstd"}, wantHeader: "zstd", want: naivePattern(0, 300000)},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			ex := get(t, c, s.URL+tc.path)
			if got := ex.header.Get("Content-Encoding"); got != tc.wantHeader {
				t.Fatalf("GET %s Content-Encoding = %q, want %q", tc.path, got, tc.wantHeader)
			}
			var r io.Reader = bytes.NewReader(ex.body)
			for i := len(tc.applied) - 1; i >= 0; i-- {
				var err error
				if r, err = decoders[tc.applied[i]](r); err != nil {
					t.Fatalf("GET %s: decoding %s: %v", tc.path, tc.applied[i], err)
				}
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Errorf("GET %s decoded = %.80q, %v; want %.80q", tc.path, got, err, tc.want)
			}
		})
	}
}

func TestFaultBadGzip(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	for _, kind := range []string{"", "garbage", "truncated", "crc"} {
		ex := get(t, c, s.URL+"/badgzip?kind="+kind)
		if ex.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET /badgzip?kind=%s Content-Encoding = %q, want gzip", kind, ex.header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(ex.body))
		if err == nil {
			_, err = io.ReadAll(zr)
		}
		if err == nil {
			t.Errorf("GET /badgzip?kind=%s decoded without error, want a gzip error", kind)
		}
	}
}

func TestFaultCharsets(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	latin1Dec := func(b []byte) (string, error) { return charmap.ISO8859_1.NewDecoder().String(string(b)) }
	sjisDec := func(b []byte) (string, error) { return japanese.ShiftJIS.NewDecoder().String(string(b)) }
	tests := []struct {
		path        string
		contentType string
		decode      func([]byte) (string, error)
		wantRaw     []byte // a byte sequence the raw body must contain
		wantText    string // the decoded body must contain
	}{
		{path: "/latin1", contentType: "text/html", decode: latin1Dec, wantRaw: []byte("Caf\xe9 cr\xe8me"), wantText: "<p>" + Latin1Text + "</p>"},
		{path: "/latin1-text", contentType: "text/plain", decode: latin1Dec, wantRaw: []byte("Caf\xe9 cr\xe8me"), wantText: Latin1Text + "\n"},
		{path: "/sjis", contentType: "text/html", decode: sjisDec, wantRaw: []byte{0x82, 0xb1, 0x82, 0xf1}, wantText: `<meta charset="Shift_JIS">`},
		{path: "/sjis", contentType: "text/html", decode: sjisDec, wantRaw: []byte{0x82, 0xb1}, wantText: "<p>" + SJISText + "</p>"},
		{path: "/sjis-header", contentType: "text/plain; charset=shift_jis", decode: sjisDec, wantRaw: []byte{0x82, 0xb1}, wantText: SJISText + "\n"},
	}
	for _, tc := range tests {
		ex := get(t, c, s.URL+tc.path)
		if got := ex.header.Get("Content-Type"); got != tc.contentType {
			t.Errorf("GET %s Content-Type = %q, want %q", tc.path, got, tc.contentType)
		}
		if !bytes.Contains(ex.body, tc.wantRaw) {
			t.Errorf("GET %s body %q lacks the bytes %q", tc.path, ex.body, tc.wantRaw)
		}
		text, err := tc.decode(ex.body)
		if err != nil || !strings.Contains(text, tc.wantText) {
			t.Errorf("GET %s decoded = %q, %v; want it to contain %q", tc.path, text, err, tc.wantText)
		}
	}
}

var nextLink = regexp.MustCompile(`<([^>]*)>; rel="next"`)

func TestFaultPages(t *testing.T) {
	t.Parallel()
	s, f, c := faultServer(t)
	tests := []struct {
		name     string
		start    string
		wantJSON []pageItem
		wantText string
	}{
		{name: "absolute links", start: "/pages?n=3&per=2", wantJSON: []pageItem{{1, 1}, {1, 2}, {2, 3}, {2, 4}, {3, 5}, {3, 6}}},
		{name: "relative links", start: "/pages?n=2&per=1&rel=1", wantJSON: []pageItem{{1, 1}, {2, 2}}},
		{name: "single page", start: "/pages?n=1&per=1", wantJSON: []pageItem{{1, 1}}},
		{name: "text pages", start: "/pages-text?n=3", wantText: "page 1 of 3\npage 2 of 3\npage 3 of 3\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var items []pageItem
			var text strings.Builder
			next, _ := url.Parse(s.URL + tc.start)
			for pages := 0; next != nil; pages++ {
				if pages > 10 {
					t.Fatalf("following %s: more than 10 pages", tc.start)
				}
				ex := get(t, c, next.String())
				if tc.wantJSON != nil {
					var page []pageItem
					if err := json.Unmarshal(ex.body, &page); err != nil {
						t.Fatalf("GET %s: %v", next, err)
					}
					items = append(items, page...)
				} else {
					text.Write(ex.body)
				}
				link := ex.header.Get("Link")
				if !strings.Contains(link, `rel="last"`) {
					t.Errorf("GET %s Link = %q, want a rel=\"last\"", next, link)
				}
				m := nextLink.FindStringSubmatch(link)
				if m == nil {
					next = nil
					continue
				}
				if strings.Contains(tc.start, "rel=1") == strings.HasPrefix(m[1], "http") {
					t.Errorf("GET %s next = %q, want relative=%v", next, m[1], strings.Contains(tc.start, "rel=1"))
				}
				ref, err := url.Parse(m[1])
				if err != nil {
					t.Fatal(err)
				}
				next = next.ResolveReference(ref)
			}
			if diff := cmp.Diff(tc.wantJSON, items); tc.wantJSON != nil && diff != "" {
				t.Errorf("items from %s (-want +got):\n%s", tc.start, diff)
			}
			if got := text.String(); tc.wantJSON == nil && got != tc.wantText {
				t.Errorf("text from %s = %q, want %q", tc.start, got, tc.wantText)
			}
		})
	}
	if got := f.Count("/pages"); got != 6 {
		t.Errorf("Count(/pages) = %d, want 6 (3+2+1 pages)", got)
	}
}

func TestFaultStreams(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct{ path, ctype, want string }{
		{path: "/sse?delay=0", ctype: "text/event-stream", want: "id: 1\nevent: tick\ndata: {\"n\": 1}\n\nid: 2\nevent: tick\ndata: {\"n\": 2}\n\nid: 3\nevent: tick\ndata: {\"n\": 3}\n\n"},
		{path: "/sse?n=1", ctype: "text/event-stream", want: "id: 1\nevent: tick\ndata: {\"n\": 1}\n\n"},
		{path: "/ndjson?n=2&delay=1ms", ctype: "application/x-ndjson", want: "{\"n\": 1}\n{\"n\": 2}\n"},
		{path: "/ndjson", ctype: "application/x-ndjson", want: "{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n"},
	}
	for _, tc := range tests {
		ex := get(t, c, s.URL+tc.path)
		if ex.header.Get("Content-Type") != tc.ctype || string(ex.body) != tc.want {
			t.Errorf("GET %s = %q %q, want %q %q", tc.path, ex.header.Get("Content-Type"), ex.body, tc.ctype, tc.want)
		}
	}
}

func TestFaultCookies(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct{ path, want string }{
		{path: "/cookie-maxage", want: "a=1; Path=/; Max-Age=1"},
		{path: "/cookie-maxage?name=x&value=y&maxage=0", want: "x=y; Path=/; Max-Age=0"},
		{path: "/cookie-secure", want: "s=1; Path=/; Secure"},
		{path: "/cookie-domain?domain=co.uk", want: "d=1; Path=/; Domain=co.uk"},
		{path: "/cookie-domain?domain=localhost&name=n&value=v", want: "n=v; Path=/; Domain=localhost"},
	}
	for _, tc := range tests {
		ex := get(t, c, s.URL+tc.path)
		if got := ex.header.Get("Set-Cookie"); got != tc.want {
			t.Errorf("GET %s Set-Cookie = %q, want %q", tc.path, got, tc.want)
		}
	}
	ex := do(t, c, http.MethodGet, s.URL+"/echo-cookies", http.Header{"Cookie": {"a=1; b=two"}}, nil)
	want := map[string]any{"cookie": "a=1; b=two", "cookies": map[string]any{"a": "1", "b": "two"}}
	if diff := cmp.Diff(want, decodeJSON(t, ex.body)); diff != "" {
		t.Errorf("GET /echo-cookies (-want +got):\n%s", diff)
	}
}

func TestFaultDownload(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct {
		name       string
		path       string
		hdr        http.Header
		wantStatus int
		wantBody   []byte
		wantHeader map[string]string
	}{
		{name: "whole", path: "/download?size=100&name=file.bin", wantStatus: 200, wantBody: naivePattern(0, 100),
			wantHeader: map[string]string{"Content-Disposition": `attachment; filename="file.bin"`, "Content-Length": "100", "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}},
		{name: "no name", path: "/download?size=5&type=text/plain", wantStatus: 200, wantBody: naivePattern(0, 5),
			wantHeader: map[string]string{"Content-Disposition": "", "Content-Type": "text/plain"}},
		{name: "range from offset", path: "/download?size=100", hdr: http.Header{"Range": {"bytes=90-"}}, wantStatus: 206, wantBody: naivePattern(90, 10),
			wantHeader: map[string]string{"Content-Range": "bytes 90-99/100"}},
		{name: "range past the end", path: "/download?size=100", hdr: http.Header{"Range": {"bytes=100-"}}, wantStatus: 416,
			wantHeader: map[string]string{"Content-Range": "bytes */100"}},
		{name: "if-range matching etag", path: "/download?size=100", hdr: http.Header{"Range": {"bytes=50-"}, "If-Range": {`"pattern-100"`}}, wantStatus: 206, wantBody: naivePattern(50, 50)},
		{name: "if-range stale etag", path: "/download?size=100", hdr: http.Header{"Range": {"bytes=50-"}, "If-Range": {`"other"`}}, wantStatus: 200, wantBody: naivePattern(0, 100)},
		{name: "norange ignores range", path: "/download?size=100&norange=1", hdr: http.Header{"Range": {"bytes=50-"}}, wantStatus: 200, wantBody: naivePattern(0, 100)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := do(t, c, http.MethodGet, s.URL+tc.path, tc.hdr, nil)
			if ex.status != tc.wantStatus {
				t.Fatalf("GET %s %v = %d, want %d", tc.path, tc.hdr, ex.status, tc.wantStatus)
			}
			if tc.wantBody != nil && !bytes.Equal(ex.body, tc.wantBody) {
				t.Errorf("GET %s %v body = %.40q, want %.40q", tc.path, tc.hdr, ex.body, tc.wantBody)
			}
			for k, v := range tc.wantHeader {
				if got := ex.header.Get(k); got != v {
					t.Errorf("GET %s %v %s = %q, want %q", tc.path, tc.hdr, k, got, v)
				}
			}
		})
	}
	for kind, cd := range evilDispositions {
		ex := get(t, c, s.URL+"/download-evil?kind="+kind)
		if got := ex.header.Get("Content-Disposition"); got != cd || string(ex.body) != "evil\n" {
			t.Errorf("GET /download-evil?kind=%s = %q %q, want %q \"evil\\n\"", kind, got, ex.body, cd)
		}
	}
	if got := get(t, c, s.URL+"/download-evil").header.Get("Content-Disposition"); got != evilDispositions["traversal"] {
		t.Errorf("GET /download-evil Content-Disposition = %q, want the traversal one", got)
	}
}

func TestFaultEchoes(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)

	ex := get(t, c, s.URL+"/redirect-cross?to="+url.QueryEscape("file:///etc/passwd")+"&status=307")
	if ex.status != 307 || ex.header.Get("Location") != "file:///etc/passwd" {
		t.Errorf("GET /redirect-cross = %d Location %q, want 307 file:///etc/passwd", ex.status, ex.header.Get("Location"))
	}
	if ex := get(t, c, s.URL+"/redirect-cross?to=/x"); ex.status != 302 || ex.header.Get("Location") != "/x" {
		t.Errorf("GET /redirect-cross?to=/x = %d Location %q, want 302 /x", ex.status, ex.header.Get("Location"))
	}

	authTests := []struct {
		hdr  http.Header
		want map[string]any
	}{
		{hdr: nil, want: map[string]any{"authorization": "", "present": false}},
		{hdr: http.Header{"Authorization": {"Bearer t0k"}}, want: map[string]any{"authorization": "Bearer t0k", "present": true}},
	}
	for _, tc := range authTests {
		ex := do(t, c, http.MethodGet, s.URL+"/auth-echo", tc.hdr, nil)
		if diff := cmp.Diff(tc.want, decodeJSON(t, ex.body)); diff != "" {
			t.Errorf("GET /auth-echo with %v (-want +got):\n%s", tc.hdr, diff)
		}
	}

	ex = do(t, c, http.MethodPatch, s.URL+"/headers-echo?q=1", http.Header{"X-Multi": {"a", "b"}}, nil)
	m := decodeJSON(t, ex.body)
	if m["method"] != "PATCH" || m["uri"] != "/headers-echo?q=1" || m["proto"] != "HTTP/1.1" || m["host"] != s.Addr {
		t.Errorf("GET /headers-echo = %s, want method PATCH, uri /headers-echo?q=1, proto HTTP/1.1, host %s", ex.body, s.Addr)
	}
	if got := m["headers"].(map[string]any)["X-Multi"]; !cmp.Equal(got, []any{"a", "b"}) {
		t.Errorf("GET /headers-echo X-Multi = %v, want [a b]", got)
	}

	if diff := cmp.Diff(map[string]any{"tls": false, "proto": "HTTP/1.1"}, decodeJSON(t, get(t, c, s.URL+"/tls-info").body)); diff != "" {
		t.Errorf("GET /tls-info over http (-want +got):\n%s", diff)
	}
}

func TestFaultBigAndUploadSink(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	tests := []struct {
		path       string
		method     string
		wantLength string
		wantSize   int
	}{
		{path: "/big", method: "GET", wantLength: "1048576", wantSize: 1 << 20},
		{path: "/big?size=3M", method: "GET", wantLength: "3145728", wantSize: 3 << 20},
		{path: "/big?size=1000&chunked=1", method: "GET", wantLength: "", wantSize: 1000},
		{path: "/big?size=1000", method: "HEAD", wantLength: "1000", wantSize: 0},
	}
	for _, tc := range tests {
		ex := do(t, c, tc.method, s.URL+tc.path, nil, nil)
		if ex.header.Get("Content-Length") != tc.wantLength || len(ex.body) != tc.wantSize || !bytes.Equal(ex.body, naivePattern(0, int64(tc.wantSize))) {
			t.Errorf("%s %s = Content-Length %q, %d bytes; want %q, %d pattern bytes", tc.method, tc.path, ex.header.Get("Content-Length"), len(ex.body), tc.wantLength, tc.wantSize)
		}
	}

	sum := sha256.Sum256(naivePattern(0, 100000))
	uploads := []struct {
		name string
		body io.Reader
		want uploadSummary
	}{
		{name: "sized", body: bytes.NewReader(naivePattern(0, 100000)), want: uploadSummary{
			Method: "PUT", Bytes: 100000, SHA256: hex.EncodeToString(sum[:]), ContentType: "application/x-test", ContentLength: 100000, TransferEncoding: []string{}}},
		{name: "chunked", body: io.MultiReader(bytes.NewReader(naivePattern(0, 100000))), want: uploadSummary{
			Method: "PUT", Bytes: 100000, SHA256: hex.EncodeToString(sum[:]), ContentType: "application/x-test", ContentLength: -1, TransferEncoding: []string{"chunked"}}},
	}
	for _, tc := range uploads {
		ex := do(t, c, http.MethodPut, s.URL+"/upload-sink", http.Header{"Content-Type": {"application/x-test"}}, tc.body)
		var got uploadSummary
		if err := json.Unmarshal(ex.body, &got); err != nil {
			t.Fatalf("PUT /upload-sink (%s) = %q: %v", tc.name, ex.body, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("PUT /upload-sink (%s) (-want +got):\n%s", tc.name, diff)
		}
	}
}

// digestAnswer computes an RFC 7616 answer to the challenge in ch.
func digestAnswer(ch, method, uri, user, pass string, nc int) string {
	p, _ := parseDigestAuthorization(ch)
	alg := p["algorithm"]
	newHash := map[string]func() hash.Hash{"MD5": md5.New, "SHA-256": sha256.New, "SHA-512-256": sha512.New512_256}[strings.TrimSuffix(alg, "-sess")]
	h := func(s string) string {
		d := newHash()
		d.Write([]byte(s))
		return hex.EncodeToString(d.Sum(nil))
	}
	cnonce := "0a4f113b"
	ncs := fmt.Sprintf("%08x", nc)
	ha1 := h(user + ":" + p["realm"] + ":" + pass)
	if strings.HasSuffix(alg, "-sess") {
		ha1 = h(ha1 + ":" + p["nonce"] + ":" + cnonce)
	}
	resp := h(strings.Join([]string{ha1, p["nonce"], ncs, cnonce, "auth", h(method + ":" + uri)}, ":"))
	return fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s", response="%s", opaque="%s"`,
		user, p["realm"], p["nonce"], uri, alg, ncs, cnonce, resp, p["opaque"])
}

func TestFaultDigestStale(t *testing.T) {
	t.Parallel()
	s, _, c := faultServer(t)
	for _, alg := range []string{"", "MD5", "SHA-256", "SHA-512-256", "MD5-sess", "SHA-256-sess"} {
		t.Run("algorithm="+alg, func(t *testing.T) {
			uri := "/digest-stale?algorithm=" + alg
			ex := get(t, c, s.URL+uri)
			ch := ex.header.Get("WWW-Authenticate")
			if ex.status != 401 || strings.Contains(ch, "stale") || !strings.HasPrefix(ch, "Digest ") {
				t.Fatalf("GET %s without credentials = %d %q, want 401 and a challenge without stale", uri, ex.status, ch)
			}
			wantAlg := alg
			if wantAlg == "" {
				wantAlg = "MD5"
			}
			if !strings.Contains(ch, "algorithm="+wantAlg+",") {
				t.Errorf("challenge %q does not offer algorithm %s", ch, wantAlg)
			}
			ex = do(t, c, "GET", s.URL+uri, http.Header{"Authorization": {digestAnswer(ch, "GET", uri, DigestUser, DigestPassword, 1)}}, nil)
			ch2 := ex.header.Get("WWW-Authenticate")
			if ex.status != 401 || !strings.Contains(ch2, "stale=true") {
				t.Fatalf("first correct answer = %d %q, want 401 with stale=true", ex.status, ch2)
			}
			ex = do(t, c, "GET", s.URL+uri, http.Header{"Authorization": {digestAnswer(ch2, "GET", uri, DigestUser, DigestPassword, 1)}}, nil)
			want := map[string]any{"authenticated": true, "user": "u", "nc": "00000001"}
			if diff := cmp.Diff(want, decodeJSON(t, ex.body)); ex.status != 200 || diff != "" {
				t.Errorf("answer to the fresh nonce = %d (-want +got):\n%s", ex.status, diff)
			}
			// The fresh nonce stays valid for later requests.
			ex = do(t, c, "GET", s.URL+uri, http.Header{"Authorization": {digestAnswer(ch2, "GET", uri, DigestUser, DigestPassword, 2)}}, nil)
			if ex.status != 200 {
				t.Errorf("second use of the fresh nonce = %d, want 200", ex.status)
			}
		})
	}

	wrong := []struct {
		name string
		auth func(ch string) string
	}{
		{name: "wrong password", auth: func(ch string) string { return digestAnswer(ch, "GET", "/digest-stale", "u", "nope", 1) }},
		{name: "wrong user", auth: func(ch string) string { return digestAnswer(ch, "GET", "/digest-stale", "x", "p", 1) }},
		{name: "wrong uri", auth: func(ch string) string { return digestAnswer(ch, "GET", "/elsewhere", "u", "p", 1) }},
		{name: "basic", auth: func(string) string { return "Basic dTpw" }},
		{name: "unterminated", auth: func(string) string { return `Digest username="u` }},
	}
	for _, tc := range wrong {
		ch := get(t, c, s.URL+"/digest-stale").header.Get("WWW-Authenticate")
		ex := do(t, c, "GET", s.URL+"/digest-stale", http.Header{"Authorization": {tc.auth(ch)}}, nil)
		if ex.status != 401 || strings.Contains(ex.header.Get("WWW-Authenticate"), "stale") {
			t.Errorf("%s: = %d %q, want 401 without stale", tc.name, ex.status, ex.header.Get("WWW-Authenticate"))
		}
	}
}

func TestParseDigestAuthorization(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    map[string]string
		wantErr bool
	}{
		{in: `Digest a=1, b="two, three", C="q\"uote"`, want: map[string]string{"a": "1", "b": "two, three", "c": `q"uote`}},
		{in: `digest  x = y ,, z="" `, want: map[string]string{"x": "y", "z": ""}},
		{in: `Digest`, want: map[string]string{}},
		{in: `Basic abc`, wantErr: true},
		{in: `Digest novalue`, wantErr: true},
		{in: `Digest a="open`, wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseDigestAuthorization(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && !cmp.Equal(got, tc.want)) {
			t.Errorf("parseDigestAuthorization(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
