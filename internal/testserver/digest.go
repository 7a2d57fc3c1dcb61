package testserver

import (
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Digest is a handler protected by Digest auth (RFC 7616) for client
// tests, with nonces that can expire: every request without a valid
// answer gets a 401 challenge (realm "test", opaque "op") with a new
// nonce, and a correct answer gets 200 "ok nc=NC". Its arithmetic is its
// own, so a client is checked against an implementation other than the
// one it carries. Set the exported fields before the first request.
type Digest struct {
	User, Password string
	// Algorithm is MD5, SHA-256 or SHA-512-256, each optionally -sess.
	Algorithm string
	// QOP is "auth" or "auth-int".
	QOP string
	// ExpireAfterUse makes each nonce good for one successful request;
	// an answer to a used one gets stale=true.
	ExpireAfterUse bool

	mu          sync.Mutex
	nonces      map[string]bool // issued nonce → still valid
	serial      int
	requests    int
	alwaysStale bool
	bodies      []string
}

func (d *Digest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.requests++
	body, _ := io.ReadAll(r.Body)
	d.bodies = append(d.bodies, string(body))
	challenge := func(stale bool) {
		d.serial++
		nonce := fmt.Sprintf("nonce-%d", d.serial)
		if d.nonces == nil {
			d.nonces = map[string]bool{}
		}
		d.nonces[nonce] = true
		v := fmt.Sprintf(`Digest realm="test", nonce="%s", opaque="op", algorithm=%s, qop="%s"`, nonce, d.Algorithm, d.QOP)
		if stale {
			v += ", stale=true"
		}
		w.Header().Set("WWW-Authenticate", v)
		w.WriteHeader(http.StatusUnauthorized)
	}
	p, err := parseDigestAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		challenge(false)
		return
	}
	if d.alwaysStale {
		challenge(true)
		return
	}
	valid, issued := d.nonces[p["nonce"]]
	if !issued || p["opaque"] != "op" || p["uri"] != r.RequestURI || !d.correct(p, r.Method, body) {
		challenge(false)
		return
	}
	if !valid {
		challenge(true)
		return
	}
	if d.ExpireAfterUse {
		d.nonces[p["nonce"]] = false
	}
	fmt.Fprintf(w, "ok nc=%s", p["nc"])
}

// correct reports whether the answer's response is the one the user's
// password gives (RFC 7616 §3.4.1).
func (d *Digest) correct(p map[string]string, method string, body []byte) bool {
	alg := strings.ToUpper(d.Algorithm)
	newHash := digestHashes[strings.TrimSuffix(alg, "-SESS")]
	if newHash == nil || p["username"] != d.User || p["qop"] != d.QOP {
		return false
	}
	h := func(s string) string {
		x := newHash()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	ha1 := h(d.User + ":test:" + d.Password)
	if strings.HasSuffix(alg, "-SESS") {
		ha1 = h(ha1 + ":" + p["nonce"] + ":" + p["cnonce"])
	}
	a2 := method + ":" + p["uri"]
	if d.QOP == "auth-int" {
		a2 += ":" + h(string(body))
	}
	want := h(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], d.QOP, h(a2)}, ":"))
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(p["response"]))) == 1
}

// Requests counts the requests served so far.
func (d *Digest) Requests() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.requests
}

// AlwaysStale makes every answer from now on get a stale=true challenge.
func (d *Digest) AlwaysStale() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.alwaysStale = true
}

// ForgetNonces drops every nonce issued so far, as a restarted server
// does: an answer to one gets a new challenge without stale=true.
func (d *Digest) ForgetNonces() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nonces = nil
}

// LastBody is the body of the last request served.
func (d *Digest) LastBody() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.bodies) == 0 {
		return ""
	}
	return d.bodies[len(d.bodies)-1]
}
