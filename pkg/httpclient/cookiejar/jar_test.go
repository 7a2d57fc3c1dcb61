package cookiejar

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jarEpoch is the fixed clock of the jar tests.
var jarEpoch = time.Date(2013, 1, 1, 12, 0, 0, 0, time.UTC)

// testJar returns a jar whose clock stands still at *now.
func testJar(now *time.Time) *Jar {
	j := New()
	j.now = func() time.Time { return *now }
	return j
}

// setCookies parses Set-Cookie header lines as net/http does and stores
// them as a response from rawURL.
func setCookies(t *testing.T, j *Jar, rawURL string, lines ...string) {
	t.Helper()
	h := http.Header{}
	for _, l := range lines {
		h.Add("Set-Cookie", l)
	}
	resp := &http.Response{Header: h}
	j.SetCookies(mustURL(t, rawURL), resp.Cookies())
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", raw, err)
	}
	return u
}

// cookieHeader is what the jar would send to rawURL, as a Cookie header.
func cookieHeader(t *testing.T, j *Jar, rawURL string) string {
	t.Helper()
	var parts []string
	for _, c := range j.Cookies(mustURL(t, rawURL)) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// query is one request and the Cookie header the jar must send with it.
type query struct {
	url, want string
}

func TestJarRFC6265Examples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// from is the URL of the response that sets the cookies.
		from    string
		set     []string
		queries []query
	}{
		{
			// RFC 6265 §3.1: a host-only cookie.
			name: "host only",
			from: "http://example.com/",
			set:  []string{"SID=31d4d96e407aad42"},
			queries: []query{
				{"http://example.com/", "SID=31d4d96e407aad42"},
				{"http://example.com/some/path", "SID=31d4d96e407aad42"},
				{"http://www.example.com/", ""},
				{"http://example.org/", ""},
			},
		},
		{
			// §3.1: Domain widens the scope to subdomains.
			name: "domain and path",
			from: "http://example.com/",
			set:  []string{"SID=31d4d96e407aad42; Path=/; Domain=example.com"},
			queries: []query{
				{"http://example.com/", "SID=31d4d96e407aad42"},
				{"http://www.example.com/x", "SID=31d4d96e407aad42"},
				{"http://a.b.example.com/", "SID=31d4d96e407aad42"},
				{"http://notexample.com/", ""},
			},
		},
		{
			// §3.1: Secure and HttpOnly, and a second cookie for the domain.
			name: "secure httponly and domain",
			from: "https://example.com/",
			set: []string{
				"SID=31d4d96e407aad42; Path=/; Secure; HttpOnly",
				"lang=en-US; Path=/; Domain=example.com",
			},
			queries: []query{
				{"https://example.com/", "SID=31d4d96e407aad42; lang=en-US"},
				{"http://example.com/", "lang=en-US"},
				{"https://www.example.com/", "lang=en-US"},
			},
		},
		{
			// §3.1: a persistent cookie, then a past Expires removes it.
			name: "expires then delete",
			from: "http://example.com/",
			set: []string{
				"lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT",
				"lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT",
			},
			queries: []query{{"http://example.com/", ""}},
		},
		{
			name:    "expires in the future is kept",
			from:    "http://example.com/",
			set:     []string{"lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT"},
			queries: []query{{"http://example.com/", "lang=en-US"}},
		},
		{
			// §5.3 step 5: a public suffix is rejected as a domain.
			name: "public suffix domain rejected",
			from: "http://www.example.com/",
			set: []string{
				"a=1; Domain=com",
				"b=2; Domain=.com",
				"c=3; Domain=co.uk",
			},
			queries: []query{{"http://www.example.com/", ""}, {"http://other.com/", ""}},
		},
		{
			name:    "public suffix as the host is host-only",
			from:    "http://co.uk/",
			set:     []string{"a=1; Domain=co.uk"},
			queries: []query{{"http://co.uk/", "a=1"}, {"http://example.co.uk/", ""}},
		},
		{
			name:    "foreign domain rejected",
			from:    "http://www.example.com/",
			set:     []string{"a=1; Domain=example.org", "b=2; Domain=www2.example.com", "c=3; Domain=ww.example.com"},
			queries: []query{{"http://www.example.com/", ""}, {"http://example.org/", ""}, {"http://www2.example.com/", ""}},
		},
		{
			name:    "parent domain accepted",
			from:    "http://www.example.com/",
			set:     []string{"a=1; Domain=.EXAMPLE.com"},
			queries: []query{{"http://example.com/", "a=1"}, {"http://foo.example.com/", "a=1"}},
		},
		{
			// §5.1.3: an IP address domain-matches only itself.
			name: "ip address",
			from: "http://127.0.0.1:8080/",
			set:  []string{"a=1", "b=2; Domain=127.0.0.1", "c=3; Domain=0.0.1"},
			queries: []query{
				{"http://127.0.0.1:9999/", "a=1; b=2"},
				{"http://127.0.0.2/", ""},
			},
		},
		{
			name:    "localhost",
			from:    "http://localhost:8080/",
			set:     []string{"a=1", "b=2; Domain=localhost"},
			queries: []query{{"http://localhost/", "a=1; b=2"}, {"http://127.0.0.1/", ""}},
		},
		{
			// Requests sends Secure cookies over https only, localhost too.
			name:    "secure never over http",
			from:    "https://localhost/",
			set:     []string{"s=1; Secure", "p=2"},
			queries: []query{{"http://localhost/", "p=2"}, {"https://localhost/", "s=1; p=2"}},
		},
		{
			// RFC 6265bis §5.7: plain http cannot set a Secure cookie.
			name:    "secure from http ignored",
			from:    "http://example.com/",
			set:     []string{"s=1; Secure", "p=2"},
			queries: []query{{"https://example.com/", "p=2"}},
		},
		{
			// §5.1.4 default-path: up to the last slash.
			name: "default path",
			from: "http://example.com/docs/index.html",
			set:  []string{"a=1"},
			queries: []query{
				{"http://example.com/docs", "a=1"},
				{"http://example.com/docs/", "a=1"},
				{"http://example.com/docs/x/y", "a=1"},
				{"http://example.com/docsx", ""},
				{"http://example.com/", ""},
			},
		},
		{
			name:    "path attribute without slash uses default path",
			from:    "http://example.com/a/b",
			set:     []string{"a=1; Path=x"},
			queries: []query{{"http://example.com/a/z", "a=1"}, {"http://example.com/b", ""}},
		},
		{
			// §5.4 step 2: longer paths first, then creation order.
			name: "order by path length then creation",
			from: "http://example.com/",
			set:  []string{"z=1; Path=/", "y=2; Path=/a/b", "x=3; Path=/a", "w=4; Path=/"},
			queries: []query{
				{"http://example.com/a/b/c", "y=2; x=3; z=1; w=4"},
				{"http://example.com/a/", "x=3; z=1; w=4"},
			},
		},
		{
			name:    "max-age wins over expires",
			from:    "http://example.com/",
			set:     []string{"a=1; Max-Age=60; Expires=Sun, 06 Nov 1994 08:49:37 GMT"},
			queries: []query{{"http://example.com/", "a=1"}},
		},
		{
			name:    "max-age zero deletes",
			from:    "http://example.com/",
			set:     []string{"a=1", "a=2; Max-Age=0"},
			queries: []query{{"http://example.com/", ""}},
		},
		{
			name:    "same name replaces value",
			from:    "http://example.com/",
			set:     []string{"a=1", "b=2", "a=3"},
			queries: []query{{"http://example.com/", "a=3; b=2"}},
		},
		{
			name:    "same name other path is another cookie",
			from:    "http://example.com/",
			set:     []string{"a=1; Path=/", "a=2; Path=/x"},
			queries: []query{{"http://example.com/x", "a=2; a=1"}, {"http://example.com/", "a=1"}},
		},
		{
			name:    "quoted value sent back quoted",
			from:    "http://example.com/",
			set:     []string{`q="x"`, "p=y"},
			queries: []query{{"http://example.com/", `q="x"; p=y`}},
		},
		{
			name:    "international domain name",
			from:    "http://bücher.example/",
			set:     []string{"a=1; Domain=XN--BCHER-KVA.example"},
			queries: []query{{"http://xn--bcher-kva.example/", "a=1"}, {"http://www.bücher.example/", "a=1"}},
		},
		{
			name:    "not http",
			from:    "ftp://example.com/",
			set:     []string{"a=1"},
			queries: []query{{"ftp://example.com/", ""}, {"http://example.com/", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := jarEpoch
			j := testJar(&now)
			setCookies(t, j, tc.from, tc.set...)
			for _, q := range tc.queries {
				if got := cookieHeader(t, j, q.url); got != q.want {
					t.Errorf("after %q from %s, Cookies(%s) = %q, want %q", tc.set, tc.from, q.url, got, q.want)
				}
			}
		})
	}
}

func TestJarHTTPCannotReplaceSecure(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "https://www.example.com/", "s=secure; Secure; Domain=example.com")
	tests := []struct {
		name, from, set string
	}{
		{"same name over http", "http://www.example.com/", "s=plain"},
		{"deletion over http", "http://www.example.com/", "s=; Max-Age=0"},
		{"from a subdomain over http", "http://a.example.com/", "s=plain; Domain=example.com"},
	}
	for _, tc := range tests {
		setCookies(t, j, tc.from, tc.set)
		if got, want := cookieHeader(t, j, "https://www.example.com/"), "s=secure"; got != want {
			t.Errorf("%s: after %q from %s, Cookies = %q, want %q", tc.name, tc.set, tc.from, got, want)
		}
	}
	// Over https it can be replaced.
	setCookies(t, j, "https://www.example.com/", "s=new; Domain=example.com")
	if got, want := cookieHeader(t, j, "https://www.example.com/"), "s=new"; got != want {
		t.Errorf("after replacing over https, Cookies = %q, want %q", got, want)
	}
}

func TestJarExpiry(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "http://example.com/", "short=1; Max-Age=1", "long=2; Max-Age=3600", "session=3")
	if got, want := cookieHeader(t, j, "http://example.com/"), "short=1; long=2; session=3"; got != want {
		t.Fatalf("at once: Cookies = %q, want %q", got, want)
	}
	now = now.Add(2 * time.Second)
	if got, want := cookieHeader(t, j, "http://example.com/"), "long=2; session=3"; got != want {
		t.Errorf("2s later: Cookies = %q, want %q", got, want)
	}
	if got := len(j.All()); got != 2 {
		t.Errorf("2s later: len(All()) = %d, want 2", got)
	}
}

func TestJarAllKeepsAttributes(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "https://www.example.com/app/page",
		"a=1; Domain=example.com; Path=/app; Max-Age=60; Secure; HttpOnly; SameSite=Strict",
		"b=2; SameSite=Lax",
		"c=3; Expires=Sun, 06 Nov 1994 08:49:37 GMT",
	)
	want := []Cookie{
		{Name: "a", Value: "1", Domain: "example.com", Path: "/app", Expires: jarEpoch.Add(time.Minute),
			Secure: true, HttpOnly: true, SameSite: "Strict"},
		{Name: "b", Value: "2", Domain: "www.example.com", HostOnly: true, Path: "/app", SameSite: "Lax"},
	}
	if diff := cmp.Diff(want, j.All()); diff != "" {
		t.Errorf("All() mismatch (-want +got):\n%s", diff)
	}
}

func TestJarLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		load    []Cookie
		url     string
		want    string
		wantLen int
	}{
		{
			name:    "expired dropped",
			load:    []Cookie{{Name: "old", Value: "1", Domain: "example.com", HostOnly: true, Path: "/", Expires: jarEpoch.Add(-time.Second)}},
			url:     "http://example.com/",
			want:    "",
			wantLen: 0,
		},
		{
			name: "order is creation order",
			load: []Cookie{
				{Name: "b", Value: "1", Domain: "example.com", HostOnly: true, Path: "/"},
				{Name: "a", Value: "2", Domain: "example.com", HostOnly: true, Path: "/"},
			},
			url:     "http://example.com/",
			want:    "b=1; a=2",
			wantLen: 2,
		},
		{
			name: "control characters dropped, tab kept",
			load: []Cookie{
				{Name: "bad", Value: "a\x01b", Domain: "example.com", HostOnly: true, Path: "/"},
				{Name: "del\x7f", Value: "1", Domain: "example.com", HostOnly: true, Path: "/"},
				{Name: "lf", Value: "a\nb", Domain: "example.com", HostOnly: true, Path: "/"},
				{Name: "tab", Value: "a\tb", Domain: "example.com", HostOnly: true, Path: "/"},
			},
			url:     "http://example.com/",
			want:    "tab=a\tb",
			wantLen: 1,
		},
		{
			name:    "domain canonicalised and path defaulted",
			load:    []Cookie{{Name: "a", Value: "1", Domain: ".Example.COM"}},
			url:     "http://www.example.com/x",
			want:    "a=1",
			wantLen: 1,
		},
		{
			name:    "no name or domain dropped",
			load:    []Cookie{{Value: "1", Domain: "example.com"}, {Name: "a", Value: "1"}},
			url:     "http://example.com/",
			want:    "",
			wantLen: 0,
		},
		{
			name: "later duplicate wins",
			load: []Cookie{
				{Name: "a", Value: "1", Domain: "example.com", Path: "/"},
				{Name: "a", Value: "2", Domain: "example.com", Path: "/"},
			},
			url:     "http://example.com/",
			want:    "a=2",
			wantLen: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := jarEpoch
			j := testJar(&now)
			j.Load(tc.load)
			if got := cookieHeader(t, j, tc.url); got != tc.want {
				t.Errorf("Load(%v); Cookies(%s) = %q, want %q", tc.load, tc.url, got, tc.want)
			}
			if got := len(j.All()); got != tc.wantLen {
				t.Errorf("Load(%v); len(All()) = %d, want %d", tc.load, got, tc.wantLen)
			}
		})
	}
}

func TestJarRoundTrip(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "http://example.com/", "z=1", "a=2; Domain=example.com; Max-Age=100", "m=3; Path=/p")
	saved := j.All()
	j2 := testJar(&now)
	j2.Load(saved)
	if diff := cmp.Diff(saved, j2.All()); diff != "" {
		t.Errorf("Load(All()) changed the cookies (-before +after):\n%s", diff)
	}
	// A cookie set after loading keeps the order: it is the newest.
	setCookies(t, j2, "http://example.com/", "b=4")
	if got, want := cookieHeader(t, j2, "http://example.com/"), "z=1; a=2; b=4"; got != want {
		t.Errorf("after Load and a new cookie, Cookies = %q, want %q", got, want)
	}
}

func TestJarHugeMaxAgeClamped(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "http://example.com/", "a=1; Max-Age=9223372036854775807")
	all := j.All()
	if len(all) != 1 || !all[0].Expires.Equal(maxExpiry) {
		t.Errorf("Max-Age=MaxInt64: All() = %v, want one cookie expiring %v", all, maxExpiry)
	}
}

func TestPathMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		req, cookie string
		want        bool
	}{
		{"/", "/", true},
		{"/a", "/", true},
		{"/a", "/a", true},
		{"/a/", "/a", true},
		{"/a/b", "/a", true},
		{"/ab", "/a", false},
		{"/a/b", "/a/", true},
		{"/a", "/a/", false},
		{"/", "/a", false},
	}
	for _, tc := range tests {
		if got := pathMatch(tc.req, tc.cookie); got != tc.want {
			t.Errorf("pathMatch(%q, %q) = %v, want %v", tc.req, tc.cookie, got, tc.want)
		}
	}
}

func TestDefaultCookiePath(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "/"},
		{"x", "/"},
		{"/", "/"},
		{"/a", "/"},
		{"/a/", "/a"},
		{"/a/b", "/a"},
		{"/a/b/c.html", "/a/b"},
	}
	for _, tc := range tests {
		if got := defaultCookiePath(tc.in); got != tc.want {
			t.Errorf("defaultCookiePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseSetCookies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line      string
		wantName  string
		wantValue string
		wantPath  string
		wantOK    bool
	}{
		{line: "a=1; Path=/x", wantName: "a", wantValue: "1", wantPath: "/x", wantOK: true},
		{line: `b="x y"`, wantName: "b", wantValue: "x y", wantOK: true},
		{line: "c=café; Path=/", wantName: "c", wantValue: "café", wantPath: "/", wantOK: true},
		{line: `d={"k":1}; Path=/; HttpOnly`, wantName: "d", wantValue: `{"k":1}`, wantPath: "/", wantOK: true},
		{line: `e=a\b`, wantName: "e", wantValue: `a\b`, wantOK: true},
		{line: "=novalue", wantOK: false},
		{line: "noequals", wantOK: false},
		{line: "bad name=1", wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			t.Parallel()
			got := ParseSetCookies(http.Header{"Set-Cookie": {tc.line}})
			if !tc.wantOK {
				if len(got) != 0 {
					t.Errorf("ParseSetCookies(%q) = %v, want no cookie", tc.line, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("ParseSetCookies(%q) = %v, want one cookie", tc.line, got)
			}
			c := got[0]
			if c.Name != tc.wantName || c.Value != tc.wantValue || c.Path != tc.wantPath {
				t.Errorf("ParseSetCookies(%q) = name %q value %q path %q, want %q %q %q", tc.line, c.Name, c.Value, c.Path, tc.wantName, tc.wantValue, tc.wantPath)
			}
		})
	}
}

// TestJarKeepsLenientCookies checks that cookies net/http would drop reach
// the jar and are sent back byte for byte.
func TestJarKeepsLenientCookies(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("http://example.com/")
	jar := New()
	jar.SetCookies(u, ParseSetCookies(http.Header{"Set-Cookie": {`d={"k":1}; Path=/`, "c=café"}}))
	var got []string
	for _, c := range jar.Cookies(u) {
		got = append(got, c.Name+"="+c.Value)
	}
	want := []string{`d={"k":1}`, "c=café"}
	if !slices.Equal(got, want) {
		t.Errorf("jar.Cookies(%v) = %q, want %q", u, got, want)
	}
}

// Expires dates that net/http cannot read (a one-digit day, a two-digit
// year, asctime's layout) are read as RFC 6265 §5.1.1 says, so a server
// deleting a cookie with one of them does delete it.
func TestJarExpiresLooseDates(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	for _, date := range []string{
		"Thu, 1 Jan 1970 00:00:01 GMT",
		"Thu, 01-Jan-70 00:00:01 GMT",
		"Thursday, 01-Jan-70 00:00:01 GMT",
		"Thu Jan  1 00:00:01 1970",
		"01 Jan 99 00:00:00 GMT",
	} {
		j := testJar(&now)
		setCookies(t, j, "http://example.com/", "a=1", "b=2")
		setCookies(t, j, "http://example.com/", "a=; Expires="+date)
		if got, want := cookieHeader(t, j, "http://example.com/"), "b=2"; got != want {
			t.Errorf("after a=; Expires=%s: Cookies = %q, want %q", date, got, want)
		}
	}
	j := testJar(&now)
	setCookies(t, j, "http://example.com/", "a=1; Expires=Sat, 9 Jan 2044 08:00:00 GMT")
	if got, want := j.All()[0].Expires, time.Date(2044, 1, 9, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Expires=Sat, 9 Jan 2044 08:00:00 GMT stored as %v, want %v", got, want)
	}
}

func TestParseCookieDate(t *testing.T) {
	t.Parallel()
	date := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"Sun, 06 Nov 1994 08:49:37 GMT", date(1994, 11, 6, 8, 49, 37)},
		{"Sunday, 06-Nov-94 08:49:37 GMT", date(1994, 11, 6, 8, 49, 37)},
		{"Sun Nov  6 08:49:37 1994", date(1994, 11, 6, 8, 49, 37)},
		{"6 november 2030 8:9:7", date(2030, 11, 6, 8, 9, 7)},
		{"Thu, 01-Jan-69 00:00:00 GMT", date(2069, 1, 1, 0, 0, 0)},
		{"Thu, 01-Jan-70 00:00:00 GMT", date(1970, 1, 1, 0, 0, 0)},
		{"Mon, 1st Feb 2021 10:00:00 GMT", date(2021, 2, 1, 10, 0, 0)},
		{"Thu, 31 Apr 2025 00:00:00 GMT", time.Time{}},
		{"Thu, 32 Jan 2025 00:00:00 GMT", time.Time{}},
		{"Thu, 01 Jan 2025 24:00:00 GMT", time.Time{}},
		{"Thu, 01 Jan 1600 00:00:00 GMT", time.Time{}},
		{"Thu, 01 Jan 2025", time.Time{}},
		{"Thu, 01 2025 00:00:00 GMT", time.Time{}},
		{"Thu, 001 Jan 2025 00:00:00 GMT", time.Time{}},
		{"tomorrow", time.Time{}},
		{"", time.Time{}},
	}
	for _, tc := range tests {
		got, ok := parseCookieDate(tc.in)
		if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
			t.Errorf("parseCookieDate(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
}
