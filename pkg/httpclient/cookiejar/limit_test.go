package cookiejar

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// names returns the names of the jar's cookies in creation order.
func jarNames(j *Jar) []string {
	var out []string
	for _, c := range j.All() {
		out = append(out, c.Domain+"/"+c.Name)
	}
	return out
}

// numbered returns Set-Cookie lines c<from>…c<to-1>, each with suffix.
func numbered(from, to int, suffix string) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("c%d=v%s", i, suffix))
	}
	return out
}

func TestJarLimitPerDomain(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	// Cookies of a host and of its parent domain share one registrable
	// domain, and so one budget.
	setCookies(t, j, "http://www.example.com/", numbered(0, 100, "; Path=/")...)
	setCookies(t, j, "http://example.com/", numbered(100, 200, "; Path=/")...)
	setCookies(t, j, "http://example.org/", numbered(0, 5, "; Path=/")...)
	if got := j.Len(); got != MaxCookiesPerDomain+5 {
		t.Fatalf("Len() = %d, want %d", got, MaxCookiesPerDomain+5)
	}
	// The oldest twenty of example.com's site went; example.org kept all.
	got := cookieHeader(t, j, "http://www.example.com/")
	want := ""
	for i := 20; i < 100; i++ {
		if want != "" {
			want += "; "
		}
		want += fmt.Sprintf("c%d=v", i)
	}
	if got != want {
		t.Errorf("www.example.com gets %q, want %q", got, want)
	}
	if got := cookieHeader(t, j, "http://example.org/"); got != "c0=v; c1=v; c2=v; c3=v; c4=v" {
		t.Errorf("example.org gets %q, want all five of its cookies", got)
	}
}

func TestJarLimitEvictsExpiredFirst(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "http://example.com/", "old=1; Path=/")
	setCookies(t, j, "http://example.com/", numbered(0, 10, "; Max-Age=60")...)
	setCookies(t, j, "http://example.com/", numbered(10, MaxCookiesPerDomain-1, "")...)
	now = now.Add(time.Hour)
	setCookies(t, j, "http://example.com/", "new=1")
	if got, want := j.Len(), MaxCookiesPerDomain-10+1; got != want {
		t.Fatalf("Len() = %d, want %d: the expired cookies make room", got, want)
	}
	if got := jarNames(j)[0]; got != "example.com/old" {
		t.Errorf("oldest cookie = %q, want example.com/old kept while expired ones could go", got)
	}
}

func TestJarLimitReplacingEvictsNothing(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	setCookies(t, j, "http://example.com/", numbered(0, MaxCookiesPerDomain, "")...)
	setCookies(t, j, "http://example.com/", "c0=new")
	names := jarNames(j)
	if len(names) != MaxCookiesPerDomain || names[0] != "example.com/c0" {
		t.Fatalf("after replacing c0: %d cookies, oldest %q; want %d, oldest example.com/c0", len(names), names[0], MaxCookiesPerDomain)
	}
	if got := j.All()[0].Value; got != "new" {
		t.Errorf("c0 = %q, want new", got)
	}
}

func TestJarLimitTotal(t *testing.T) {
	t.Parallel()
	now := jarEpoch
	j := testJar(&now)
	const perSite, sites = 150, 21 // 3150 cookies offered
	for s := range sites {
		setCookies(t, j, fmt.Sprintf("http://site%d.example/", s), numbered(0, perSite, "")...)
	}
	if got := j.Len(); got != MaxCookies {
		t.Fatalf("Len() = %d, want %d", got, MaxCookies)
	}
	if got := cookieHeader(t, j, "http://site0.example/"); got != "" {
		t.Errorf("site0 (the oldest) still gets %q, want its cookies evicted", got)
	}
	if got, want := jarNames(j)[0], "site1.example/c0"; got != want {
		t.Errorf("oldest cookie = %q, want %q", got, want)
	}
}

func TestJarLoadAppliesLimits(t *testing.T) {
	t.Parallel()
	var list []Cookie
	for i := range 2 * MaxCookiesPerDomain {
		list = append(list, Cookie{Name: fmt.Sprintf("c%d", i), Value: "v", Domain: "example.com", Path: "/"})
	}
	j := New()
	j.Load(list)
	names := jarNames(j)
	if len(names) != MaxCookiesPerDomain || names[0] != fmt.Sprintf("example.com/c%d", MaxCookiesPerDomain) {
		t.Errorf("Load of %d cookies kept %d, oldest %q; want the newest %d", len(list), len(names), names[0], MaxCookiesPerDomain)
	}
}

// BenchmarkJarSetCookieFlood is a response with 100,000 Set-Cookie fields
// (a robustness budget: processed in under a second), over plain http so that every
// cookie goes through the Secure-shadowing check.
func BenchmarkJarSetCookieFlood(b *testing.B) {
	h := http.Header{}
	for i := range 100_000 {
		h.Add("Set-Cookie", fmt.Sprintf("c%d=v; Path=/", i))
	}
	u, err := url.Parse("http://127.0.0.1:8080/")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		j := New()
		j.SetCookies(u, ParseSetCookies(h))
		if j.Len() != MaxCookiesPerDomain {
			b.Fatalf("Len() = %d, want %d", j.Len(), MaxCookiesPerDomain)
		}
	}
}
