package config

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

// ErrUnstorableAuth is an Auth a session file cannot hold, such as a
// netrc file or a credential helper.
var ErrUnstorableAuth = errors.New("this kind of auth cannot be saved")

// ApplyTo installs the stored session into sess, through
// [httpclient.Session.ApplyState]: its headers, credentials, query
// parameters and cookies. The stored redirect limit and transport
// settings are the caller's to merge with its own.
func (s *Session) ApplyTo(sess *httpclient.Session) error {
	st := httpclient.State{Cookies: s.JarCookies()}
	for _, h := range s.Headers {
		if st.Header == nil {
			st.Header = http.Header{}
		}
		st.Header.Add(h.Name, h.Value)
	}
	if s.Auth != nil {
		a, err := s.Auth.httpAuth()
		if err != nil {
			return err
		}
		st.Auth = a
	}
	for _, p := range s.Params {
		st.Params = append(st.Params, httpclient.Param{Name: p.Name, Value: p.Value})
	}
	sess.ApplyState(st)
	return nil
}

// TakeBack stores what a session's use changed, from
// [httpclient.Session.State] as the caller trimmed it: the cookies
// replace the stored ones (those expired at now dropped), each header
// replaces the stored values of its name, the params replace the stored
// ones, and a non-nil Auth replaces the stored credentials. An Auth a
// file cannot hold is ErrUnstorableAuth, and everything else is taken.
func (s *Session) TakeBack(st httpclient.State, now time.Time) error {
	s.SetJarCookies(st.Cookies, now)
	for name, values := range st.Header {
		if httpclient.IsSessionHeader(name) {
			s.SetHeader(name, values...)
		}
	}
	s.Params = nil
	for _, p := range st.Params {
		s.Params = append(s.Params, Param{Name: p.Name, Value: p.Value})
	}
	if st.Auth == nil {
		return nil
	}
	a, ok := StoredAuth(st.Auth)
	if !ok {
		return ErrUnstorableAuth
	}
	s.Auth = a
	return nil
}

// httpAuth builds the stored credentials' Auth.
func (a *Auth) httpAuth() (httpclient.Auth, error) {
	switch strings.ToLower(a.Type) {
	case "basic", "":
		return &httpclient.BasicAuth{Username: a.Username, Password: a.Password}, nil
	case "digest":
		return &digest.Auth{Username: a.Username, Password: a.Password}, nil
	case "bearer":
		return &httpclient.BearerAuth{Token: a.Token}, nil
	case "oauth2":
		o := &httpclient.OAuth2Auth{TokenURL: a.TokenURL, ClientID: a.Username, ClientSecret: a.Password, Scopes: strings.Fields(a.Scope)}
		if a.Token != "" || a.RefreshToken != "" {
			o.Token = &httpclient.OAuth2Token{AccessToken: a.Token, RefreshToken: a.RefreshToken}
			if a.Expires != 0 {
				o.Token.Expiry = time.Unix(a.Expires, 0)
			}
		}
		return o, nil
	case "aws-sigv4":
		return &httpclient.SigV4Auth{AccessKeyID: a.Username, SecretAccessKey: a.Password, SessionToken: a.Token, Region: a.Region, Service: a.Service}, nil
	}
	return nil, errors.New("unknown auth type " + strconv.Quote(a.Type))
}

// StoredAuth is the stored form of an Auth; ok is false for kinds a
// session file cannot hold.
func StoredAuth(a httpclient.Auth) (*Auth, bool) {
	switch a := a.(type) {
	case *httpclient.BasicAuth:
		return &Auth{Type: "basic", Username: a.Username, Password: a.Password}, true
	case *digest.Auth:
		return &Auth{Type: "digest", Username: a.Username, Password: a.Password}, true
	case *httpclient.BearerAuth:
		return &Auth{Type: "bearer", Token: a.Token}, true
	case *httpclient.OAuth2Auth:
		s := &Auth{Type: "oauth2", Username: a.ClientID, Password: a.ClientSecret, TokenURL: a.TokenURL, Scope: strings.Join(a.Scopes, " ")}
		if t := a.CurrentToken(); t != nil {
			s.Token, s.RefreshToken = t.AccessToken, t.RefreshToken
			if !t.Expiry.IsZero() {
				s.Expires = t.Expiry.Unix()
			}
		}
		return s, true
	case *httpclient.SigV4Auth:
		return &Auth{Type: "aws-sigv4", Username: a.AccessKeyID, Password: a.SecretAccessKey, Token: a.SessionToken, Region: a.Region, Service: a.Service}, true
	}
	return nil, false
}
