// Package digest is HTTP Digest access authentication (RFC 7616, with
// RFC 2617's and RFC 2069's older forms) for a client: an [Auth] that
// answers a server's WWW-Authenticate challenge, and the parser of the
// challenges themselves (RFC 9110 §11.6.1). Auth satisfies
// httpclient's Auth and ChallengeAuth interfaces, so a session answers
// challenges with it on every redirect hop and retry.
package digest

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient/internal/urlport"
)

// Auth answers HTTP Digest challenges (RFC 7616, and RFC 2617's
// older forms), like Requests' HTTPDigestAuth. The first request goes out
// without credentials; the server's 401 challenge is kept, and every later
// request to the same origin in this run (redirect hops, further pages) is
// answered from it with a fresh cnonce and the next nonce count, so only
// the first exchange costs a round trip. A 401 to credentials answered
// from a kept challenge (the server's nonce expired, or the path is
// another protection space) is answered once more from the new challenge,
// as Requests does; a stale=true answer (an expired nonce with good
// credentials) to fresh ones is retried once with the new nonce.
//
// Algorithms: MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256 and
// SHA-512-256-sess; when one header offers several Digest challenges the
// strongest algorithm wins. qop "auth" is preferred, "auth-int" is used
// when it is the only one offered, and a challenge without qop gets the
// RFC 2069 response. userhash=true is honoured.
type Auth struct {
	Username, Password string

	mu     sync.Mutex
	chal   *challenge
	origin string // scheme://host:port the challenge came from
	nc     uint32
	// staleNext marks that the next Apply is the single retry after a
	// stale=true answer; staleHeader is the Authorization it produced, so
	// a second stale answer to it is not retried again.
	staleNext   bool
	staleHeader string
	// freshNext marks that the next Apply answers a challenge received
	// in the same exchange; freshHeader is the Authorization it produced.
	// A 401 to any other Digest header (one computed from a kept
	// challenge) is answered again.
	freshNext   bool
	freshHeader string
	// lastHeader and lastOrigin describe the last request Apply saw, for
	// transports whose responses do not point back to their request.
	lastHeader, lastOrigin string
	// newCnonce makes the client nonce; tests fix it.
	newCnonce func() string
}

// Apply adds a Digest Authorization header once a challenge from the
// request's origin is known, and nothing before that.
func (a *Auth) Apply(req *http.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lastHeader = ""
	a.lastOrigin = originOf(req.URL)
	fresh := a.freshNext
	a.freshNext, a.freshHeader = false, ""
	if a.chal == nil || a.origin != a.lastOrigin {
		return nil
	}
	a.nc++
	cnonce := a.cnonce()
	var bodyHash string
	if a.chal.qop == "auth-int" {
		h, err := hashRequestBody(req, a.chal.algo.newHash)
		if err != nil {
			return fmt.Errorf("digest auth-int: %w", err)
		}
		bodyHash = h
	}
	v := a.chal.authorization(a.Username, a.Password, req.Method, req.URL.RequestURI(), a.nc, cnonce, bodyHash)
	req.Header.Set("Authorization", v)
	a.lastHeader = v
	if fresh {
		a.freshHeader = v
	}
	if a.staleNext {
		a.staleNext = false
		a.staleHeader = v
	}
	return nil
}

// Challenge keeps the server's Digest challenge from a 401 and asks for
// the request to be sent again when it carried no Digest credentials yet,
// carried credentials computed from a challenge kept from an earlier
// exchange, or when the server only found its nonce stale. A 401 to
// credentials computed from a fresh challenge means they are wrong: the
// response is returned as it is.
func (a *Auth) Challenge(resp *http.Response) (bool, error) {
	if resp.StatusCode != http.StatusUnauthorized {
		return false, nil
	}
	ch, ok := pickChallenge(resp.Header.Values("WWW-Authenticate"))
	if !ok {
		return false, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	sent := a.lastHeader
	if resp.Request != nil {
		sent = resp.Request.Header.Get("Authorization")
	}
	retry := false
	switch {
	case !hasScheme(sent, "digest"):
		retry = true
	case sent != a.freshHeader:
		// Answered from a kept challenge: the server wants a new one.
		retry = true
		a.staleNext = ch.stale
	case ch.stale && sent != a.staleHeader:
		retry = true
		a.staleNext = true
	}
	// The newest challenge is kept even when not retried: after a second
	// stale answer, later requests start from the fresh nonce.
	if a.chal == nil || a.chal.nonce != ch.nonce {
		a.nc = 0
	}
	a.chal = ch
	a.freshNext = retry
	a.origin = a.lastOrigin
	if resp.Request != nil {
		a.origin = originOf(resp.Request.URL)
	}
	return retry, nil
}

func (a *Auth) cnonce() string {
	if a.newCnonce != nil {
		return a.newCnonce()
	}
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// originOf is the canonical root URL that bounds a Digest protection
// space (RFC 7616 §3.3): scheme, host and port.
func originOf(u *url.URL) string {
	if u == nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = urlport.Default(u.Scheme)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// hasScheme reports whether an Authorization value uses the scheme.
func hasScheme(authorization, scheme string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	return strings.EqualFold(name, scheme)
}

// hashRequestBody hashes the body for qop=auth-int from a fresh copy, so
// the body sent is untouched.
func hashRequestBody(req *http.Request, newHash func() hash.Hash) (string, error) {
	h := newHash()
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return "", fmt.Errorf("the body cannot be read twice")
		}
		rc, err := req.GetBody()
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// algorithm is one hash of RFC 7616 §3.2 with its strength rank.
type algorithm struct {
	name    string
	sess    bool
	rank    int
	newHash func() hash.Hash
}

// algorithms are the algorithms Auth can answer; "MD5" is the
// default when a challenge names none.
var algorithms = map[string]algorithm{
	"MD5":              {name: "MD5", rank: 1, newHash: md5.New},
	"MD5-SESS":         {name: "MD5-sess", sess: true, rank: 1, newHash: md5.New},
	"SHA-256":          {name: "SHA-256", rank: 2, newHash: sha256.New},
	"SHA-256-SESS":     {name: "SHA-256-sess", sess: true, rank: 2, newHash: sha256.New},
	"SHA-512-256":      {name: "SHA-512-256", rank: 3, newHash: sha512.New512_256},
	"SHA-512-256-SESS": {name: "SHA-512-256-sess", sess: true, rank: 3, newHash: sha512.New512_256},
}

func (d algorithm) h(s string) string {
	h := d.newHash()
	io.WriteString(h, s)
	return hex.EncodeToString(h.Sum(nil))
}

// challenge is one usable Digest challenge.
type challenge struct {
	realm, nonce, opaque string
	// algoNamed is false when the challenge named no algorithm, so the
	// answer does not name one either (RFC 2617 servers).
	algoNamed bool
	algo      algorithm
	qop       string // "auth", "auth-int" or "" (RFC 2069)
	stale     bool
	userhash  bool
}

// pickChallenge finds, among every challenge of the WWW-Authenticate
// header lines, the Digest one with the strongest algorithm this package
// can answer.
func pickChallenge(headers []string) (*challenge, bool) {
	var best *challenge
	for _, line := range headers {
		for _, c := range parseChallenges(line) {
			if !strings.EqualFold(c.Scheme, "digest") {
				continue
			}
			dc, ok := newChallenge(c.Params)
			if ok && (best == nil || dc.algo.rank > best.algo.rank) {
				best = dc
			}
		}
	}
	return best, best != nil
}

// newChallenge checks a Digest challenge's parameters; ok is false
// when it lacks a nonce or asks for an algorithm or qop this package
// cannot answer.
func newChallenge(params map[string]string) (*challenge, bool) {
	nonce, ok := params["nonce"]
	if !ok {
		return nil, false
	}
	algoName, named := params["algorithm"]
	if !named {
		algoName = "MD5"
	}
	algo, ok := algorithms[strings.ToUpper(algoName)]
	if !ok {
		return nil, false
	}
	dc := &challenge{
		realm:     params["realm"],
		nonce:     nonce,
		opaque:    params["opaque"],
		algoNamed: named,
		algo:      algo,
		stale:     strings.EqualFold(params["stale"], "true"),
		userhash:  strings.EqualFold(params["userhash"], "true"),
	}
	if q, ok := params["qop"]; ok {
		var hasAuth, hasAuthInt bool
		for _, o := range strings.Split(q, ",") {
			switch strings.ToLower(strings.TrimSpace(o)) {
			case "auth":
				hasAuth = true
			case "auth-int":
				hasAuthInt = true
			}
		}
		switch {
		case hasAuth:
			dc.qop = "auth"
		case hasAuthInt:
			dc.qop = "auth-int"
		default:
			return nil, false
		}
	}
	return dc, true
}

// response computes the request-digest of RFC 7616 §3.4.1. bodyHash is
// H(entity-body), used only for qop=auth-int.
func (c *challenge) response(username, password, method, uri string, nc uint32, cnonce, bodyHash string) string {
	h := c.algo.h
	ha1 := h(username + ":" + c.realm + ":" + password)
	if c.algo.sess {
		ha1 = h(ha1 + ":" + c.nonce + ":" + cnonce)
	}
	a2 := method + ":" + uri
	if c.qop == "auth-int" {
		a2 += ":" + bodyHash
	}
	ha2 := h(a2)
	if c.qop == "" {
		return h(ha1 + ":" + c.nonce + ":" + ha2)
	}
	return h(fmt.Sprintf("%s:%s:%08x:%s:%s:%s", ha1, c.nonce, nc, cnonce, c.qop, ha2))
}

// authorization builds the Authorization header value answering c.
func (c *challenge) authorization(username, password, method, uri string, nc uint32, cnonce, bodyHash string) string {
	var b strings.Builder
	b.WriteString("Digest ")
	switch {
	case c.userhash:
		fmt.Fprintf(&b, "username=%s", quoteParam(c.algo.h(username+":"+c.realm)))
	case needsExtValue(username):
		// RFC 7616 §3.4: a name a quoted-string cannot carry (control
		// characters, bytes that are not UTF-8) goes in username* with
		// RFC 5987 encoding. Other non-ASCII names go in username as
		// UTF-8, as curl and browsers send them: servers (Apache,
		// go-httpbin) compare those bytes and rarely read username*.
		fmt.Fprintf(&b, "username*=UTF-8''%s", extValueEscape(username))
	default:
		fmt.Fprintf(&b, "username=%s", quoteParam(username))
	}
	fmt.Fprintf(&b, ", realm=%s, nonce=%s, uri=%s", quoteParam(c.realm), quoteParam(c.nonce), quoteParam(uri))
	if c.algoNamed {
		fmt.Fprintf(&b, ", algorithm=%s", c.algo.name)
	}
	fmt.Fprintf(&b, ", response=%s", quoteParam(c.response(username, password, method, uri, nc, cnonce, bodyHash)))
	if c.opaque != "" {
		fmt.Fprintf(&b, ", opaque=%s", quoteParam(c.opaque))
	}
	if c.qop != "" {
		fmt.Fprintf(&b, ", qop=%s, nc=%08x, cnonce=%s", c.qop, nc, quoteParam(cnonce))
	}
	if c.userhash {
		b.WriteString(", userhash=true")
	}
	return b.String()
}

var paramQuoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func quoteParam(s string) string { return `"` + paramQuoter.Replace(s) + `"` }

func needsExtValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 && s[i] != '\t' || s[i] == 0x7f {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// extValueEscape percent-encodes every byte outside RFC 5987's attr-char.
func extValueEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || strings.IndexByte("!#$&+^`|", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// authChallenge is one challenge of a WWW-Authenticate (or
// Proxy-Authenticate) header: a scheme with either auth-params (names
// lower-cased, quoted-strings unescaped; the first of a repeated name wins)
// or a token68.
type authChallenge struct {
	Scheme  string
	Params  map[string]string
	Token68 string
}

// parseChallenges splits a WWW-Authenticate value into its challenges
// (RFC 9110 §11.6.1): `Basic realm="a", Digest realm="b, c", nonce=x`
// is two. It never fails: malformed parts are skipped as leniently as
// browsers do.
func parseChallenges(s string) []authChallenge {
	var out []authChallenge
	cur := -1
	commaSinceScheme := false
	i, n := 0, len(s)
	for i < n {
		c := s[i]
		if c == ' ' || c == '\t' || c == ',' {
			if c == ',' {
				commaSinceScheme = true
			}
			i++
			continue
		}
		if c == '"' {
			// A quoted string where a name belongs: skip it.
			_, i = readQuoted(s, i)
			continue
		}
		start := i
		for i < n && !isChallengeDelim(s[i]) {
			i++
		}
		tok := s[start:i]
		if tok == "" {
			// A stray '='.
			i++
			continue
		}
		j := skipSpace(s, i)
		if j < n && s[j] == '=' {
			k := skipSpace(s, j+1)
			token68Slot := cur >= 0 && !commaSinceScheme && out[cur].Token68 == "" && len(out[cur].Params) == 0
			if token68Slot && (k >= n || s[k] == ',' || s[k] == '=') {
				// A token68 such as "YWJj==": the '=' padding is part of it.
				e := j
				for e < n && s[e] == '=' {
					e++
				}
				out[cur].Token68 = tok + s[j:e]
				i = e
				continue
			}
			if k < n && s[k] == '=' {
				for k < n && s[k] == '=' {
					k++
				}
				i = k
				continue
			}
			var val string
			if k < n && s[k] == '"' {
				val, i = readQuoted(s, k)
			} else {
				e := k
				for e < n && s[e] != ',' && s[e] != ' ' && s[e] != '\t' {
					e++
				}
				val, i = s[k:e], e
			}
			if cur >= 0 && out[cur].Token68 == "" {
				name := strings.ToLower(tok)
				if _, dup := out[cur].Params[name]; !dup {
					out[cur].Params[name] = val
				}
			}
			continue
		}
		if cur >= 0 && !commaSinceScheme && out[cur].Token68 == "" && len(out[cur].Params) == 0 {
			out[cur].Token68 = tok
			continue
		}
		out = append(out, authChallenge{Scheme: tok, Params: map[string]string{}})
		cur = len(out) - 1
		commaSinceScheme = false
	}
	return out
}

func isChallengeDelim(c byte) bool {
	return c == ' ' || c == '\t' || c == ',' || c == '=' || c == '"'
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// readQuoted reads the quoted-string starting at s[i] == '"', undoing
// backslash escapes; an unterminated string runs to the end.
func readQuoted(s string, i int) (string, int) {
	var b strings.Builder
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), i + 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), i
}

// unreserved reports whether c is an unreserved character of RFC 3986
// §2.3, which an ext-value carries as it is.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
