// Package cookiejar is an RFC 6265 cookie jar that can list its cookies
// and load them back, so that a session saved to disk keeps them, and the
// Netscape cookie file that curl, wget and browser exporters read and
// write. net/http/cookiejar cannot enumerate what it holds, which is why
// this one exists.
package cookiejar

import (
	"cmp"
	"container/list"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Cookie is one cookie as a [Jar] stores it: the attributes RFC 6265 §5.3
// keeps, in a form that can be written to disk and read back.
type Cookie struct {
	Name string
	// Value is kept exactly as the server sent it, surrounding double
	// quotes included, and sent back the same way (RFC 6265 §4.1.1).
	Value string
	// Domain is the host (HostOnly) or the domain the cookie belongs to:
	// lower case, ASCII (IDNA), without a leading dot.
	Domain string
	// HostOnly cookies go to Domain exactly, never to its subdomains: the
	// server gave no Domain attribute (RFC 6265 §5.3 step 6).
	HostOnly bool
	// Path is the cookie's path; it is sent to this path and below.
	Path string
	// Expires is when the cookie stops being sent; zero means a session
	// cookie, which lives as long as the jar (and, in a stored session,
	// as long as the session file).
	Expires time.Time
	// Secure cookies are sent over https only: never over plain http, not
	// even to localhost (as in Requests).
	Secure bool
	// HttpOnly is kept for fidelity; a command-line client has no scripts
	// to hide the cookie from.
	HttpOnly bool
	// SameSite is "Strict", "Lax", "None" or empty when unspecified. It is
	// kept, not enforced: a command-line client makes no cross-site
	// requests on a page's behalf.
	SameSite string
}

// Expired reports whether c is no longer sent at time now.
func (c *Cookie) Expired(now time.Time) bool {
	return !c.Expires.IsZero() && !c.Expires.After(now)
}

// Browser limits on a jar's size (RFC 6265 §6.1 asks for at least 50 per
// domain and 3000 in all; Chromium keeps 180 per registrable domain). A
// server that floods Set-Cookie fields cannot grow a session until every
// later request is refused with 431.
const (
	// MaxCookiesPerDomain is how many cookies a [Jar] keeps per
	// registrable domain (eTLD+1, or the host itself for IP addresses
	// and public suffixes); the oldest goes first.
	MaxCookiesPerDomain = 180
	// MaxCookies is how many cookies a [Jar] keeps in all; the oldest
	// goes first.
	MaxCookies = 3000
)

// Jar is an RFC 6265 cookie jar that, unlike net/http/cookiejar, can list
// its cookies and be loaded from a list, so sessions on disk can save it.
// Domain attributes are checked against the public suffix list
// (golang.org/x/net/publicsuffix): a server cannot set a cookie for "com"
// or "co.uk". It keeps at most [MaxCookiesPerDomain] cookies per domain and
// [MaxCookies] in all, evicting the oldest, and adding a cookie costs the
// same however many are stored. The zero value is not usable; call
// [New]. A Jar is safe for concurrent use.
type Jar struct {
	mu      sync.Mutex
	entries map[string]*jarEntry
	// order holds every entry, oldest first; sites holds them by
	// registrable domain, so that matching, shadowing and eviction look
	// at one site's cookies (at most MaxCookiesPerDomain), never all.
	order   list.List
	sites   map[string]*jarSite
	nextSeq uint64
	// now is the clock; tests replace it.
	now func() time.Time
}

// jarEntry is a stored cookie and its creation order, which breaks ties
// between cookies of equal path length (RFC 6265 §5.4 step 2).
type jarEntry struct {
	Cookie
	seq  uint64
	key  string
	site string
	// inOrder and inSite are the entry's places in Jar.order and in its
	// site's list.
	inOrder, inSite *list.Element
}

// jarSite is the cookies of one registrable domain, oldest first, with
// what lets adding a cookie skip scanning them: how many Secure cookies
// each name has, and a time before which none of them expires.
type jarSite struct {
	list.List
	secure map[string]int
	// expiresAfter is at or before the earliest expiry of the site's
	// cookies (zero: none expires).
	expiresAfter time.Time
}

// noteExpiry lowers s.expiresAfter to t when t is a real expiry.
func (s *jarSite) noteExpiry(t time.Time) {
	if !t.IsZero() && (s.expiresAfter.IsZero() || t.Before(s.expiresAfter)) {
		s.expiresAfter = t
	}
}

var _ http.CookieJar = (*Jar)(nil)

// New returns an empty jar.
func New() *Jar {
	return &Jar{entries: map[string]*jarEntry{}, sites: map[string]*jarSite{}, now: time.Now}
}

// jarKey identifies a cookie: RFC 6265 §5.3 step 11 replaces a cookie of
// the same name, domain and path.
func jarKey(domain, path, name string) string {
	return domain + ";" + path + ";" + name
}

// cookieSite is the registrable domain (eTLD+1) a cookie domain or a
// request host belongs to, or the name itself when it has none (an IP
// address, localhost, a public suffix). Every cookie a host may receive
// or replace has a domain of the host's site, since domain matching never
// crosses a registrable domain.
func cookieSite(domain string) string {
	if isIPHost(domain) {
		return domain
	}
	site, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return domain
	}
	return site
}

// SetCookies stores the cookies a response from u set, following RFC 6265
// §5.3: cookies with an illegal Domain attribute (another site, a public
// suffix, a mismatched IP address) are ignored, and a cookie already
// expired (Max-Age ≤ 0 or Expires in the past) deletes the stored cookie
// of the same name, domain and path. Only http and https URLs set cookies.
//
// As RFC 6265bis §5.7 (and browsers and curl) do, plain http can neither
// set a Secure cookie nor replace one: a network attacker on http must not
// plant or overwrite cookies that https pages rely on.
func (j *Jar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 || !isHTTPScheme(u.Scheme) {
		return
	}
	host, ok := canonicalHost(u.Hostname())
	if !ok {
		return
	}
	defPath := defaultCookiePath(u.EscapedPath())
	https := strings.EqualFold(u.Scheme, "https")
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	for _, hc := range cookies {
		c, ok := j.newCookie(hc, host, defPath, now)
		if !ok || !https && (c.Secure || j.shadowsSecure(c, now)) {
			continue
		}
		j.store(c, now)
	}
}

// store adds c, replacing a cookie of the same name, domain and path (the
// replacement keeps the old creation time, RFC 6265 §5.3 step 11.3), or
// deletes that cookie when c has expired. A new cookie evicts the oldest
// of its site, then the oldest of all, when a limit is reached.
func (j *Jar) store(c Cookie, now time.Time) {
	if hasCookieCTL(c.Name) || hasCookieCTL(c.Value) {
		return
	}
	key := jarKey(c.Domain, c.Path, c.Name)
	old, ok := j.entries[key]
	if c.Expired(now) {
		if ok {
			j.remove(old)
		}
		return
	}
	if ok {
		l := j.sites[old.site]
		if old.Secure {
			l.secure[old.Name]--
		}
		if c.Secure {
			l.secure[c.Name]++
		}
		l.noteExpiry(c.Expires)
		old.Cookie = c
		return
	}
	site := cookieSite(c.Domain)
	l := j.sites[site]
	if l == nil {
		l = &jarSite{secure: map[string]int{}}
		j.sites[site] = l
	}
	if l.Len() >= MaxCookiesPerDomain {
		j.dropExpired(l, now)
	}
	for l.Len() >= MaxCookiesPerDomain {
		j.remove(l.Front().Value.(*jarEntry))
	}
	for len(j.entries) >= MaxCookies {
		j.remove(j.order.Front().Value.(*jarEntry))
	}
	e := &jarEntry{Cookie: c, seq: j.nextSeq, key: key, site: site}
	j.nextSeq++
	e.inOrder = j.order.PushBack(e)
	e.inSite = l.PushBack(e)
	j.entries[key] = e
	if c.Secure {
		l.secure[c.Name]++
	}
	l.noteExpiry(c.Expires)
}

// remove takes e out of the jar.
func (j *Jar) remove(e *jarEntry) {
	delete(j.entries, e.key)
	j.order.Remove(e.inOrder)
	if l := j.sites[e.site]; l != nil {
		l.Remove(e.inSite)
		if e.Secure {
			l.secure[e.Name]--
			if l.secure[e.Name] == 0 {
				delete(l.secure, e.Name)
			}
		}
		if l.Len() == 0 {
			delete(j.sites, e.site)
		}
	}
}

// dropExpired removes the expired cookies of one site, when one may have
// expired at all.
func (j *Jar) dropExpired(l *jarSite, now time.Time) {
	if l.expiresAfter.IsZero() || l.expiresAfter.After(now) {
		return
	}
	l.expiresAfter = time.Time{}
	for el := l.Front(); el != nil; {
		e := el.Value.(*jarEntry)
		el = el.Next()
		if e.Expired(now) {
			j.remove(e)
			continue
		}
		l.noteExpiry(e.Expires)
	}
}

// shadowsSecure is RFC 6265bis §5.7 step 16: a cookie from an insecure
// origin may not replace a stored Secure cookie of the same name whose
// domain and path overlap its own.
func (j *Jar) shadowsSecure(c Cookie, now time.Time) bool {
	l := j.sites[cookieSite(c.Domain)]
	if l == nil || l.secure[c.Name] == 0 {
		return false
	}
	for el := l.Front(); el != nil; el = el.Next() {
		e := el.Value.(*jarEntry)
		if !e.Secure || e.Name != c.Name || e.Expired(now) {
			continue
		}
		if (domainMatch(e.Domain, c.Domain) || domainMatch(c.Domain, e.Domain)) && pathMatch(c.Path, e.Path) {
			return true
		}
	}
	return false
}

// hasCookieCTL reports whether s has a control character other than tab:
// such a cookie can never be sent in a Cookie header, and RFC 6265bis
// (§5.6 step 1) has user agents ignore it entirely — from a server, a
// session file or a cookie file alike.
func hasCookieCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// newCookie turns a parsed Set-Cookie from host into a stored cookie, or
// reports false when RFC 6265 §5.3 says to ignore it.
func (j *Jar) newCookie(hc *http.Cookie, host, defPath string, now time.Time) (Cookie, bool) {
	if hc.Name == "" {
		return Cookie{}, false
	}
	domain, hostOnly, ok := cookieDomain(host, hc.Domain)
	if !ok {
		return Cookie{}, false
	}
	c := Cookie{
		Name:     hc.Name,
		Value:    hc.Value,
		Domain:   domain,
		HostOnly: hostOnly,
		Path:     hc.Path,
		Secure:   hc.Secure,
		HttpOnly: hc.HttpOnly,
		SameSite: sameSiteName(hc.SameSite),
	}
	if hc.Quoted {
		c.Value = `"` + hc.Value + `"`
	}
	if c.Path == "" || c.Path[0] != '/' {
		c.Path = defPath
	}
	// Max-Age wins over Expires (RFC 6265 §5.3 step 3). net/http reports
	// "Max-Age=0" and negative values as MaxAge < 0.
	switch {
	case hc.MaxAge < 0:
		c.Expires = time.Unix(0, 0).UTC()
	case hc.MaxAge > 0:
		c.Expires = addSeconds(now, hc.MaxAge)
	case !hc.Expires.IsZero():
		c.Expires = clampExpiry(hc.Expires.UTC())
	case hc.RawExpires != "":
		// net/http reads two layouts only; RFC 6265 §5.1.1 reads the
		// others servers send ("Thu, 1 Jan 1970", "01-Jan-70", asctime).
		if t, ok := parseCookieDate(hc.RawExpires); ok {
			c.Expires = clampExpiry(t)
		}
	}
	return c, true
}

// parseCookieDate is RFC 6265 §5.1.1's cookie-date algorithm: the first
// token that reads as a time, then a day of the month, a month and a year
// (two-digit years 70-99 are 19xx, 00-69 20xx), in any order, amid any
// delimiters. It reports false for a date the algorithm refuses.
func parseCookieDate(s string) (time.Time, bool) {
	var (
		hour, minute, sec, day, year int
		month                        time.Month
		haveTime, haveDay            bool
		haveMonth, haveYear          bool
	)
	for _, tok := range strings.FieldsFunc(s, isCookieDateDelimiter) {
		if !haveTime {
			if h, m, sc, ok := cookieDateTime(tok); ok {
				hour, minute, sec, haveTime = h, m, sc, true
				continue
			}
		}
		if !haveDay {
			if n, ok := cookieDateDigits(tok, 1, 2); ok {
				day, haveDay = n, true
				continue
			}
		}
		if !haveMonth && len(tok) >= 3 {
			if m, ok := cookieDateMonths[strings.ToLower(tok[:3])]; ok {
				month, haveMonth = m, true
				continue
			}
		}
		if !haveYear {
			if n, ok := cookieDateDigits(tok, 2, 4); ok {
				year, haveYear = n, true
				continue
			}
		}
	}
	switch {
	case year >= 70 && year <= 99:
		year += 1900
	case year >= 0 && year <= 69:
		year += 2000
	}
	if !haveTime || !haveDay || !haveMonth || !haveYear ||
		day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // 31 April, 30 February
	}
	return t, true
}

var cookieDateMonths = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// isCookieDateDelimiter is RFC 6265's delimiter: %x09 / %x20-2F / %x3B-40 /
// %x5B-60 / %x7B-7E.
func isCookieDateDelimiter(r rune) bool {
	return r == '\t' || r >= 0x20 && r <= 0x2f || r >= 0x3b && r <= 0x40 ||
		r >= 0x5b && r <= 0x60 || r >= 0x7b && r <= 0x7e
}

// cookieDateDigits reads min to max digits at the start of tok, followed
// by nothing or by a non-digit and anything.
func cookieDateDigits(tok string, min, max int) (int, bool) {
	n, i := 0, 0
	for i < len(tok) && i <= max && tok[i] >= '0' && tok[i] <= '9' {
		n = n*10 + int(tok[i]-'0')
		i++
	}
	if i < min || i > max {
		return 0, false
	}
	return n, true
}

// cookieDateTime reads hms-time: three fields of one or two digits
// separated by colons, followed by nothing or a non-digit and anything.
func cookieDateTime(tok string) (h, m, s int, ok bool) {
	var f [3]int
	for k := range f {
		i := 0
		for i < len(tok) && i <= 2 && tok[i] >= '0' && tok[i] <= '9' {
			f[k] = f[k]*10 + int(tok[i]-'0')
			i++
		}
		if i < 1 || i > 2 {
			return 0, 0, 0, false
		}
		tok = tok[i:]
		if k < 2 {
			if tok == "" || tok[0] != ':' {
				return 0, 0, 0, false
			}
			tok = tok[1:]
		}
	}
	return f[0], f[1], f[2], true
}

// maxExpiry is the latest expiry kept: later dates are clamped so that the
// cookie still fits a four-digit year when written to disk.
var maxExpiry = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// addSeconds returns now plus s seconds, clamped to maxExpiry instead of
// overflowing.
func addSeconds(now time.Time, s int) time.Time {
	if int64(s) > maxExpiry.Unix()-now.Unix() {
		return maxExpiry
	}
	return now.Add(time.Duration(s) * time.Second).UTC().Truncate(time.Second)
}

func clampExpiry(t time.Time) time.Time {
	if t.After(maxExpiry) {
		return maxExpiry
	}
	return t
}

// sameSiteName spells an http.SameSite as the attribute value.
func sameSiteName(s http.SameSite) string {
	switch s {
	case http.SameSiteStrictMode:
		return "Strict"
	case http.SameSiteLaxMode:
		return "Lax"
	case http.SameSiteNoneMode:
		return "None"
	}
	return ""
}

// cookieDomain applies RFC 6265 §5.3 steps 4-6 to a cookie from host with
// the Domain attribute attr. It returns the domain to store, whether the
// cookie is host-only, and false when the cookie must be ignored.
func cookieDomain(host, attr string) (domain string, hostOnly, ok bool) {
	attr = strings.TrimPrefix(attr, ".") // §5.2.3: a leading dot is ignored
	if attr == "" {
		return host, true, true
	}
	attr, ok = canonicalHost(attr)
	if !ok || strings.HasSuffix(attr, ".") {
		return "", false, false
	}
	if isIPHost(host) {
		// An IP address only domain-matches itself (§5.1.3).
		return host, true, attr == host
	}
	// §5.3 step 5: a public suffix is only acceptable as the very host,
	// and then the cookie is host-only.
	if ps, _ := publicsuffix.PublicSuffix(attr); ps == attr {
		return host, true, host == attr
	}
	if !domainMatch(host, attr) {
		return "", false, false
	}
	return attr, false, true
}

// Cookies returns the cookies to send to u, longest path first, then
// oldest first (RFC 6265 §5.4). Secure cookies are returned for https
// only. Only Name and Value are set.
func (j *Jar) Cookies(u *url.URL) []*http.Cookie {
	if !isHTTPScheme(u.Scheme) {
		return nil
	}
	host, ok := canonicalHost(u.Hostname())
	if !ok {
		return nil
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	https := strings.EqualFold(u.Scheme, "https")
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	var match []*jarEntry
	l := j.sites[cookieSite(host)]
	if l == nil {
		return nil
	}
	for el := l.Front(); el != nil; {
		e := el.Value.(*jarEntry)
		el = el.Next()
		if e.Expired(now) {
			j.remove(e)
			continue
		}
		if e.Secure && !https {
			continue
		}
		if e.HostOnly {
			if host != e.Domain {
				continue
			}
		} else if !domainMatch(host, e.Domain) {
			continue
		}
		if !pathMatch(path, e.Path) {
			continue
		}
		match = append(match, e)
	}
	slices.SortFunc(match, func(a, b *jarEntry) int {
		if la, lb := len(a.Path), len(b.Path); la != lb {
			return cmp.Compare(lb, la)
		}
		return cmp.Compare(a.seq, b.seq)
	})
	out := make([]*http.Cookie, len(match))
	for i, e := range match {
		out[i] = &http.Cookie{Name: e.Name, Value: e.Value}
	}
	return out
}

// All returns every unexpired cookie in creation order; expired cookies
// are dropped from the jar on the way.
func (j *Jar) All() []Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	out := make([]Cookie, 0, len(j.entries))
	for el := j.order.Front(); el != nil; {
		e := el.Value.(*jarEntry)
		el = el.Next()
		if e.Expired(now) {
			j.remove(e)
			continue
		}
		out = append(out, e.Cookie)
	}
	return out
}

// Load adds cookies to the jar, as if each had just been set, in order:
// a later cookie of the same name, domain and path replaces an earlier
// one, and the list order becomes the creation order. Expired cookies and
// cookies without a name or a domain are dropped, and the jar's limits
// apply. Domain is lower-cased and a missing Path becomes "/".
func (j *Jar) Load(cookies []Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	for _, c := range cookies {
		if c.Name == "" || c.Expired(now) {
			continue
		}
		domain, ok := canonicalHost(strings.TrimPrefix(c.Domain, "."))
		if !ok || domain == "" {
			continue
		}
		c.Domain = domain
		if c.Path == "" || c.Path[0] != '/' {
			c.Path = "/"
		}
		j.store(c, now)
	}
}

// Len returns how many cookies the jar holds, expired ones included until
// the next All or Cookies call drops them.
func (j *Jar) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.entries)
}

func isHTTPScheme(s string) bool {
	return strings.EqualFold(s, "http") || strings.EqualFold(s, "https")
}

// canonicalHost lower-cases host and converts an international name to
// its ASCII (IDNA) form; ok is false when the name cannot be converted.
func canonicalHost(host string) (string, bool) {
	host = strings.ToLower(host)
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			a, err := idna.Lookup.ToASCII(host)
			if err != nil {
				return "", false
			}
			return a, true
		}
	}
	return host, true
}

func isIPHost(host string) bool {
	return net.ParseIP(host) != nil
}

// domainMatch is RFC 6265 §5.1.3: host is domain or a subdomain of it, and
// not an IP address.
func domainMatch(host, domain string) bool {
	if host == domain {
		return true
	}
	return strings.HasSuffix(host, domain) &&
		host[len(host)-len(domain)-1] == '.' &&
		!isIPHost(host)
}

// pathMatch is RFC 6265 §5.1.4.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return cookiePath[len(cookiePath)-1] == '/' || reqPath[len(cookiePath)] == '/'
}

// defaultCookiePath is RFC 6265 §5.1.4's default-path of a request path.
func defaultCookiePath(p string) string {
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndex(p, "/")
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// ParseSetCookies returns the cookies of h's Set-Cookie lines, as
// [http.Response.Cookies] does, except that a cookie whose value net/http
// finds invalid (non-ASCII bytes, double quotes or backslashes inside it,
// as in c={"k":1}) is kept with its value exactly as sent instead of being
// dropped: Requests' cookie jar keeps such cookies, and a session must not
// lose them. Lines without a valid name are skipped.
func ParseSetCookies(h http.Header) []*http.Cookie {
	lines := h.Values("Set-Cookie")
	out := make([]*http.Cookie, 0, len(lines))
	for _, line := range lines {
		if c, ok := parseSetCookieLenient(line); ok {
			out = append(out, c)
		}
	}
	return out
}

// parseSetCookieLenient parses one Set-Cookie line; see [ParseSetCookies].
func parseSetCookieLenient(line string) (*http.Cookie, bool) {
	if c, err := http.ParseSetCookie(line); err == nil {
		return c, true
	}
	pair, attrs, _ := strings.Cut(line, ";")
	name, value, ok := strings.Cut(pair, "=")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" {
		return nil, false
	}
	// Parse the name and the attributes with a stand-in value, then put
	// the value back as sent.
	c, err := http.ParseSetCookie(name + "=v;" + attrs)
	if err != nil {
		return nil, false
	}
	c.Value, c.Quoted, c.Raw = value, false, line
	return c, true
}
