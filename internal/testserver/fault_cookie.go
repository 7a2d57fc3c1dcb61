package testserver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The cookie routes write Set-Cookie by hand rather than through
// [http.Cookie], which would refuse the odd domains the tests need.

// setCookie sets one cookie and answers {"set": the Set-Cookie value}.
func setCookie(w http.ResponseWriter, value string) {
	w.Header().Add("Set-Cookie", value)
	writeJSON(w, http.StatusOK, map[string]string{"set": value})
}

func cookieNameValue(r *http.Request, defName string) (string, string) {
	k := newKnobs(r)
	return k.str("name", defName), k.str("value", "1")
}

// handleCookieMaxAge serves /cookie-maxage?name=a&value=1&maxage=1:
// Set-Cookie: NAME=VALUE; Path=/; Max-Age=MAXAGE (0 or negative deletes it).
func handleCookieMaxAge(w http.ResponseWriter, r *http.Request) {
	name, value := cookieNameValue(r, "a")
	k := newKnobs(r)
	maxAge := k.int("maxage", 1, -1<<31, 1<<31-1)
	if !k.ok(w) {
		return
	}
	setCookie(w, fmt.Sprintf("%s=%s; Path=/; Max-Age=%d", name, value, maxAge))
}

// handleCookieSecure serves /cookie-secure?name=s&value=1:
// Set-Cookie: NAME=VALUE; Path=/; Secure. A client keeps it only from an
// https origin (RFC 6265bis) and sends it only over https.
func handleCookieSecure(w http.ResponseWriter, r *http.Request) {
	name, value := cookieNameValue(r, "s")
	setCookie(w, fmt.Sprintf("%s=%s; Path=/; Secure", name, value))
}

// handleCookieDomain serves /cookie-domain?domain=D&name=d&value=1:
// Set-Cookie: NAME=VALUE; Path=/; Domain=D, with D written as given (a
// public suffix, a foreign domain or an IP address included), so a client's
// domain rules can be tested.
func handleCookieDomain(w http.ResponseWriter, r *http.Request) {
	name, value := cookieNameValue(r, "d")
	domain := r.URL.Query().Get("domain")
	if domain == "" {
		http.Error(w, "missing query parameter domain", http.StatusBadRequest)
		return
	}
	setCookie(w, fmt.Sprintf("%s=%s; Path=/; Domain=%s", name, value, domain))
}

// handleEchoCookies serves /echo-cookies: {"cookie": the Cookie header as
// received (several headers joined with "; "), "cookies": {name: value}}.
func handleEchoCookies(w http.ResponseWriter, r *http.Request) {
	cookies := map[string]string{}
	for _, c := range r.Cookies() {
		cookies[c.Name] = c.Value
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"cookie":  strings.Join(r.Header.Values("Cookie"), "; "),
		"cookies": cookies,
	})
}

// handleCookieFlood serves /cookie-flood?n=100000: n Set-Cookie fields
// c0=v … c<n-1>=v (Path=/), then {"set": n}. A client must handle them in
// bounded time and keep only the newest of them.
func handleCookieFlood(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 100_000, 0, 200_000)
	if !k.ok(w) {
		return
	}
	h := w.Header()
	for i := range n {
		h.Add("Set-Cookie", "c"+strconv.Itoa(i)+"=v; Path=/")
	}
	writeJSON(w, http.StatusOK, map[string]int{"set": n})
}
