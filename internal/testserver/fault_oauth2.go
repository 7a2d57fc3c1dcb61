package testserver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client credentials /oauth2/token accepts, and the scopes it grants.
const (
	OAuth2ClientID     = "reqs-client"
	OAuth2ClientSecret = "reqs-secret"
)

var oauth2Scopes = map[string]bool{"read": true, "write": true}

// oauth2Server is the state of /oauth2/token and /oauth2/resource.
type oauth2Server struct {
	mu      sync.Mutex
	n       int
	tokens  map[string]oauth2Grant // by access token
	refresh map[string]bool        // refresh tokens issued
}

// oauth2Grant is what an access token was issued for.
type oauth2Grant struct {
	grantType, scope string
	expires          time.Time
}

func newOAuth2Server() *oauth2Server {
	return &oauth2Server{tokens: map[string]oauth2Grant{}, refresh: map[string]bool{}}
}

// handleToken serves /oauth2/token, an RFC 6749 token endpoint:
//
//   - POST with a form body; the client authenticates with HTTP Basic or
//     client_id/client_secret fields as OAuth2ClientID/OAuth2ClientSecret,
//     else 401 invalid_client;
//   - grant_type=client_credentials with an optional scope of "read"
//     and/or "write" (else 400 invalid_scope);
//   - grant_type=refresh_token with a refresh token it issued (else 400
//     invalid_grant);
//   - any other grant_type: 400 unsupported_grant_type.
//
// Knobs in the token URL's query: expires_in=SECONDS (default 3600; 0
// leaves it out), refresh=1 also issues a refresh token. Requests are
// counted by /count as every route's.
func (o *oauth2Server) handleToken(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	expiresIn := k.int("expires_in", 3600, 0, 1<<30)
	withRefresh := k.int("refresh", 0, 0, 1) == 1
	if k.err != nil {
		http.Error(w, k.err.Error(), http.StatusBadRequest)
		return
	}
	fail := func(status int, code, desc string) {
		writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != OAuth2ClientID || secret != OAuth2ClientSecret {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
		fail(http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	grant := r.PostForm.Get("grant_type")
	scope := r.PostForm.Get("scope")
	o.mu.Lock()
	defer o.mu.Unlock()
	switch grant {
	case "client_credentials":
		for _, s := range strings.Fields(scope) {
			if !oauth2Scopes[s] {
				fail(http.StatusBadRequest, "invalid_scope", fmt.Sprintf("scope %q is not granted to this client", s))
				return
			}
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !o.refresh[rt] {
			fail(http.StatusBadRequest, "invalid_grant", "unknown refresh token")
			return
		}
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported", grant))
		return
	}
	o.n++
	access := "at-" + strconv.Itoa(o.n)
	g := oauth2Grant{grantType: grant, scope: scope}
	answer := map[string]any{"access_token": access, "token_type": "bearer"}
	if expiresIn > 0 {
		answer["expires_in"] = expiresIn
		g.expires = time.Now().Add(time.Duration(expiresIn) * time.Second)
	}
	if scope != "" {
		answer["scope"] = scope
	}
	if withRefresh {
		rt := "rt-" + strconv.Itoa(o.n)
		o.refresh[rt] = true
		answer["refresh_token"] = rt
	}
	o.tokens[access] = g
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, answer)
}

// handleResource serves /oauth2/resource: 200 {"authenticated": true,
// "token", "grant_type", "scope"} for a bearer token /oauth2/token issued
// and that has not expired, else 401 with an RFC 6750 challenge.
func (o *oauth2Server) handleResource(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	g, known := o.tokens[tok]
	o.mu.Unlock()
	if !ok || !known || !g.expires.IsZero() && time.Now().After(g.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"authenticated": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"authenticated": true, "token": tok, "grant_type": g.grantType, "scope": g.scope,
	})
}
