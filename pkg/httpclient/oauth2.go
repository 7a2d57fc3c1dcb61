package httpclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth2Auth sends a bearer token obtained with the OAuth 2
// client-credentials grant (RFC 6749 §4.4), through
// golang.org/x/oauth2/clientcredentials. The token is fetched on the first
// request and reused for every later one (redirect hops, retries, pages)
// until it expires; then it is refreshed with the refresh token when the
// endpoint gave one, else fetched again.
//
// Token holds the current token: set it to reuse one kept from an earlier
// run (a session file), and read it after sending to keep it.
type OAuth2Auth struct {
	TokenURL, ClientID, ClientSecret string
	Scopes                           []string
	// Client sends the token requests; nil uses a client without
	// redirects' auth, cookies or proxies. The CLI passes
	// [Session.HTTPClient], so TLS and proxy settings apply.
	Client *http.Client

	mu    sync.Mutex
	Token *OAuth2Token
	// fresh says Token was fetched by this value, not handed in, so a
	// 401 cannot mean that a kept token was revoked.
	fresh bool
}

// OAuth2Token is an access token and what is needed to renew it.
type OAuth2Token struct {
	AccessToken  string
	RefreshToken string
	// Expiry is when the token stops being valid; zero when the endpoint
	// gave no expires_in.
	Expiry time.Time
}

// oauth2ExpiryMargin renews a token this long before it expires, so it
// does not expire in flight.
const oauth2ExpiryMargin = 10 * time.Second

// valid reports whether t can still be sent at now.
func (t *OAuth2Token) valid(now time.Time) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || now.Add(oauth2ExpiryMargin).Before(t.Expiry))
}

// Apply sets Authorization: Bearer with a valid token, fetching or
// refreshing it first when needed.
func (a *OAuth2Auth) Apply(req *http.Request) error {
	tok, err := a.token(req.Context())
	if err != nil {
		return err
	}
	return (&BearerAuth{Token: tok}).Apply(req)
}

// Challenge answers a 401 to a token kept from an earlier run (it may
// have been revoked) by fetching a new one and sending the request once
// more; a 401 to a token fetched now is the server's last word.
func (a *OAuth2Auth) Challenge(resp *http.Response) (bool, error) {
	if resp.StatusCode != http.StatusUnauthorized {
		return false, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fresh || a.Token == nil {
		return false, nil
	}
	a.Token = nil
	return true, nil
}

// CurrentToken returns the token in use (nil before the first request).
func (a *OAuth2Auth) CurrentToken() *OAuth2Token {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Token == nil {
		return nil
	}
	t := *a.Token
	return &t
}

func (a *OAuth2Auth) token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Token.valid(time.Now()) {
		return a.Token.AccessToken, nil
	}
	if a.TokenURL == "" {
		return "", errors.New("oauth2: no token URL")
	}
	client := a.Client
	if client == nil {
		client = &http.Client{}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	var tok *oauth2.Token
	var err error
	if a.Token != nil && a.Token.RefreshToken != "" {
		cfg := oauth2.Config{ClientID: a.ClientID, ClientSecret: a.ClientSecret, Scopes: a.Scopes,
			Endpoint: oauth2.Endpoint{TokenURL: a.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}}
		expired := &oauth2.Token{RefreshToken: a.Token.RefreshToken, Expiry: time.Unix(1, 0)}
		tok, err = cfg.TokenSource(ctx, expired).Token()
		if err != nil {
			// A refresh token the server no longer honours: start over.
			tok, err = nil, nil
		}
	}
	if tok == nil {
		// RFC 6749 §2.3.1: servers must accept HTTP Basic client
		// authentication; guessing (x/oauth2's auto-detection) would call
		// the endpoint twice on every failure.
		cfg := clientcredentials.Config{ClientID: a.ClientID, ClientSecret: a.ClientSecret, TokenURL: a.TokenURL,
			Scopes: a.Scopes, AuthStyle: oauth2.AuthStyleInHeader}
		tok, err = cfg.Token(ctx)
	}
	if err != nil {
		return "", oauth2Error(a.TokenURL, err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("oauth2: token endpoint %s: the answer has no access_token", RedactURL(a.TokenURL))
	}
	refresh := tok.RefreshToken
	if refresh == "" && a.Token != nil {
		refresh = a.Token.RefreshToken // RFC 6749 §6: the old one stays valid
	}
	a.Token = &OAuth2Token{AccessToken: tok.AccessToken, RefreshToken: refresh, Expiry: tok.Expiry}
	a.fresh = true
	return tok.AccessToken, nil
}

// oauth2Error words a token endpoint's failure with its error and
// error_description (RFC 6749 §5.2).
func oauth2Error(tokenURL string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := fmt.Sprintf("oauth2: token endpoint %s", RedactURL(tokenURL))
		if re.Response != nil {
			msg += fmt.Sprintf(" answered %d", re.Response.StatusCode)
		}
		switch {
		case re.ErrorCode != "" && re.ErrorDescription != "":
			msg += ": " + re.ErrorCode + ": " + re.ErrorDescription
		case re.ErrorCode != "":
			msg += ": " + re.ErrorCode
		default:
			if b := strings.TrimSpace(string(re.Body)); b != "" && len(b) < 200 {
				msg += ": " + b
			}
		}
		return errors.New(msg)
	}
	var rerr *RequestError
	if errors.As(err, &rerr) {
		// A transport error, already worded (and typed for exit codes).
		return fmt.Errorf("oauth2: token endpoint: %w", rerr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("oauth2: token endpoint %s: %s", RedactURL(tokenURL), strings.TrimPrefix(err.Error(), "oauth2: "))
}
