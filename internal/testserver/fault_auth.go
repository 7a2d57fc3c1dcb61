package testserver

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"
)

// Digest credentials and realm of /digest-stale.
const (
	DigestUser     = "u"
	DigestPassword = "p"
	DigestRealm    = "reqs-fault"
	digestOpaque   = "5ccc069c403ebaf9f0171e9517f40e41"
)

// nonceState is what /digest-stale does with a correct answer to a nonce.
type nonceState int

const (
	// nonceGoesStale: the first challenge's nonce; a correct answer to it
	// gets 401 stale=true and a fresh nonce.
	nonceGoesStale nonceState = iota + 1
	// nonceFresh: a correct answer is accepted.
	nonceFresh
)

// digestHashes are the algorithms /digest-stale offers (RFC 7616 §3.2).
var digestHashes = map[string]func() hash.Hash{
	"MD5":         md5.New,
	"SHA-256":     sha256.New,
	"SHA-512-256": sha512.New512_256,
}

// handleDigestStale serves /digest-stale?algorithm=MD5: Digest auth (RFC
// 7616, qop=auth; user "u", password "p", realm "reqs-fault") that answers
// the first correct attempt with 401 and stale=true, as a server whose
// nonce expired does, and accepts the retry with the fresh nonce:
//
//  1. no credentials: 401 with a challenge (nonce A)
//  2. correct answer with nonce A: 401, challenge with stale=true (nonce B)
//  3. correct answer with nonce B: 200 {"authenticated": true, "user": "u", "nc": NC}
//
// A wrong answer gets a new challenge without stale (so a client stops);
// a correct answer with an unknown nonce gets stale=true. algorithm may be
// MD5 (default), SHA-256, SHA-512-256, or any of them with -sess; the
// answer's uri must equal the request target.
func (f *Fault) handleDigestStale(w http.ResponseWriter, r *http.Request) {
	alg := r.URL.Query().Get("algorithm")
	if alg == "" {
		alg = "MD5"
	}
	if _, ok := digestHashes[strings.TrimSuffix(alg, "-sess")]; !ok {
		http.Error(w, fmt.Sprintf("bad query parameter algorithm=%q: unsupported", alg), http.StatusBadRequest)
		return
	}
	params, err := parseDigestAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		f.digestChallenge(w, alg, nonceGoesStale, false, err.Error())
		return
	}
	if err := checkDigest(params, r, alg); err != nil {
		f.digestChallenge(w, alg, nonceGoesStale, false, err.Error())
		return
	}
	f.mu.Lock()
	state := f.nonces[params["nonce"]]
	if state == nonceGoesStale {
		delete(f.nonces, params["nonce"])
	}
	f.mu.Unlock()
	if state != nonceFresh {
		f.digestChallenge(w, alg, nonceFresh, true, "nonce is stale")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"authenticated": true, "user": params["username"], "nc": params["nc"]})
}

// digestChallenge answers 401 with a new nonce in the given state.
func (f *Fault) digestChallenge(w http.ResponseWriter, alg string, state nonceState, stale bool, why string) {
	var b [16]byte
	rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	f.mu.Lock()
	f.nonces[nonce] = state
	f.mu.Unlock()
	ch := fmt.Sprintf(`Digest realm="%s", qop="auth", algorithm=%s, nonce="%s", opaque="%s"`, DigestRealm, alg, nonce, digestOpaque)
	if stale {
		ch += ", stale=true"
	}
	w.Header().Set("WWW-Authenticate", ch)
	writeJSON(w, http.StatusUnauthorized, map[string]any{"authenticated": false, "reason": why})
}

// checkDigest verifies a Digest answer against DigestUser/DigestPassword.
func checkDigest(p map[string]string, r *http.Request, alg string) error {
	switch {
	case p["username"] != DigestUser:
		return fmt.Errorf("unknown user %q", p["username"])
	case p["realm"] != DigestRealm:
		return fmt.Errorf("realm %q, want %q", p["realm"], DigestRealm)
	case p["uri"] != r.RequestURI:
		return fmt.Errorf("uri %q does not match request target %q", p["uri"], r.RequestURI)
	case p["opaque"] != digestOpaque:
		return errors.New("opaque not returned")
	case p["algorithm"] != "" && !strings.EqualFold(p["algorithm"], alg):
		return fmt.Errorf("algorithm %q, want %q", p["algorithm"], alg)
	}
	newHash := digestHashes[strings.TrimSuffix(alg, "-sess")]
	h := func(s string) string {
		d := newHash()
		d.Write([]byte(s))
		return hex.EncodeToString(d.Sum(nil))
	}
	ha1 := h(DigestUser + ":" + DigestRealm + ":" + DigestPassword)
	if strings.HasSuffix(alg, "-sess") {
		ha1 = h(ha1 + ":" + p["nonce"] + ":" + p["cnonce"])
	}
	ha2 := h(r.Method + ":" + p["uri"])
	var want string
	switch p["qop"] {
	case "auth":
		if p["nc"] == "" || p["cnonce"] == "" {
			return errors.New("qop=auth without nc or cnonce")
		}
		want = h(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], "auth", ha2}, ":"))
	case "": // RFC 2069 compatibility
		want = h(ha1 + ":" + p["nonce"] + ":" + ha2)
	default:
		return fmt.Errorf("qop %q not offered", p["qop"])
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(p["response"]))) != 1 {
		return errors.New("wrong response")
	}
	return nil
}

// parseDigestAuthorization parses `Digest k=v, k="quoted \" value", ...`
// into lower-cased keys and unquoted values.
func parseDigestAuthorization(header string) (map[string]string, error) {
	scheme, rest, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Digest") {
		return nil, errors.New("no Digest credentials")
	}
	params := map[string]string{}
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			return params, nil
		}
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return nil, fmt.Errorf("malformed parameter %q", rest)
		}
		key = strings.ToLower(strings.TrimSpace(key))
		after = strings.TrimLeft(after, " \t")
		var val strings.Builder
		if strings.HasPrefix(after, `"`) {
			i := 1
			for ; i < len(after) && after[i] != '"'; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				val.WriteByte(after[i])
			}
			if i >= len(after) {
				return nil, fmt.Errorf("unterminated quoted value for %q", key)
			}
			rest = after[i+1:]
		} else {
			v, r, _ := strings.Cut(after, ",")
			val.WriteString(strings.TrimSpace(v))
			rest = r
		}
		params[key] = val.String()
	}
}

// handleRedirectCross serves /redirect-cross?to=URL&status=302: a redirect
// with Location: URL exactly as given (absolute, relative, another host or
// scheme, even file:), for redirect and auth-stripping tests.
func handleRedirectCross(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	to := k.str("to", "")
	status := k.int("status", http.StatusFound, 300, 399)
	if to == "" && k.err == nil {
		k.fail("to", "", errors.New("required"))
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Location", to)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "redirecting to %s\n", to)
}

// handleAuthEcho serves /auth-echo: {"authorization": the Authorization
// header received ("" when none), "present": whether there was one}.
func handleAuthEcho(w http.ResponseWriter, r *http.Request) {
	_, present := r.Header["Authorization"]
	writeJSON(w, http.StatusOK, map[string]any{
		"authorization": r.Header.Get("Authorization"),
		"present":       present,
	})
}

// handleHeadersEcho serves /headers-echo: {"method", "uri" (the request
// target as sent), "host", "proto", "headers": {Canonical-Name: [values]}}.
// Unlike go-httpbin's /headers it keeps repeated values apart and hides
// nothing.
func handleHeadersEcho(w http.ResponseWriter, r *http.Request) {
	headers := r.Header.Clone()
	if headers == nil {
		headers = http.Header{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"method":  r.Method,
		"uri":     r.RequestURI,
		"host":    r.Host,
		"proto":   r.Proto,
		"headers": headers,
	})
}

// handleTLSInfo serves /tls-info: {"tls": false} over plain HTTP; over TLS
// {"tls": true, "version": "TLS 1.3", "alpn": "h2", "cipher_suite": Go's
// name, "server_name": the SNI sent, "client_cert": the client
// certificate's subject CN or ""}, and the HTTP "proto" in both cases.
func handleTLSInfo(w http.ResponseWriter, r *http.Request) {
	info := map[string]any{"tls": r.TLS != nil, "proto": r.Proto}
	if cs := r.TLS; cs != nil {
		info["version"] = tls.VersionName(cs.Version)
		info["alpn"] = cs.NegotiatedProtocol
		info["cipher_suite"] = tls.CipherSuiteName(cs.CipherSuite)
		info["server_name"] = cs.ServerName
		info["client_cert"] = ""
		if len(cs.PeerCertificates) > 0 {
			info["client_cert"] = cs.PeerCertificates[0].Subject.CommonName
		}
	}
	writeJSON(w, http.StatusOK, info)
}
