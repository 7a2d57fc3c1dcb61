package httpclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient/internal/urlport"
)

// historyBodyLimit bounds how much of an intermediate response's body is
// kept in memory for Response.History (Requests keeps it whole); the rest
// is discarded with the connection.
const historyBodyLimit = 1 << 20

// FollowsRedirects reports whether a request with this method follows
// redirects by default in Requests' API: every method but HEAD, as
// Requests' head() passes allow_redirects=False (SendOptions.NoRedirects).
func FollowsRedirects(method string) bool {
	return method != http.MethodHead
}

// resolveRedirects follows the redirects that start with resp, as Requests'
// Session.resolve_redirects: each hop is a copy of the previous request
// with its URL, method, body, credentials and headers rebuilt by the small
// rules below, sent through sendWithRetries so cookies, auth challenges and
// retries apply per hop. The responses that redirected end up in the final
// response's History with their bodies read and the connection released.
func (s *Session) resolveRedirects(ctx context.Context, resp *Response, opts SendOptions) (*Response, error) {
	var history []*Response
	fragment := resp.Request.URL.Fragment
	limit := max(s.call(ctx).maxRedirects, 0)
	for resp.IsRedirect() {
		if len(history) >= limit {
			last := RedactURL(resp.URL.String())
			drain(resp.Body)
			return nil, newError(ErrTooManyRedirects, last, fmt.Errorf("exceeded %d redirects; last url %s", limit, last))
		}
		target, err := redirectTarget(resp.URL, resp.Header.Get("Location"), fragment)
		if err != nil {
			drain(resp.Body)
			return nil, err
		}
		fragment = target.Fragment
		if err := keepHistoryBody(resp); err != nil {
			return nil, err
		}
		resp.History = append([]*Response(nil), history...)
		history = append(history, resp)

		next := nextHop(resp.Request, resp.StatusCode, target)
		if next.HasBody() {
			// Say why the body is needed again (Requests'
			// UnrewindableBodyError names the redirect too).
			rc, err := next.GetBody()
			if err != nil {
				return nil, fmt.Errorf("%w (the %d redirect to %s needs it again)", err, resp.StatusCode, RedactURL(target.String()))
			}
			rc.Close()
		}
		resp, err = s.sendWithRetries(ctx, next)
		if err != nil {
			return nil, err
		}
	}
	resp.History = history
	return resp, nil
}

// keepHistoryBody reads up to historyBodyLimit bytes of an intermediate
// response's body into memory and closes the original, so the connection
// is reused and the body can still be printed (--all). A body that is cut
// short or does not decode keeps what was read and the redirect is still
// followed, as Requests' resolve_redirects ignores ChunkedEncodingError
// and ContentDecodingError there (and curl follows too): the body is not
// the result. Timeouts and other failures still end the exchange.
func keepHistoryBody(resp *Response) error {
	if resp.Body == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, historyBodyLimit))
	resp.Body.Close()
	if err != nil && !errors.Is(err, ErrChunkedEncoding) && !errors.Is(err, ErrContentDecoding) {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return nil
}

// nextHop builds the request for the redirect to target that a response
// with the given status gave to prev, following Requests'
// resolve_redirects: method rebuilt, body and its headers dropped unless
// the status is 307 or 308, credentials and cookies kept only on the same
// origin.
func nextHop(prev *PreparedRequest, status int, target *url.URL) *PreparedRequest {
	next := prev.Clone()
	next.URL = target
	next.Method = rebuildMethod(prev.Method, status)
	if status != http.StatusTemporaryRedirect && status != http.StatusPermanentRedirect {
		// Requests drops the body on every other redirect, even when the
		// method stays (a 301 to a PUT).
		next.SetBody(nil, 0)
		for _, h := range []string{"Content-Length", "Content-Type", "Transfer-Encoding"} {
			next.Header.Del(h)
		}
	}
	rebuildAuth(next, prev.URL)
	if !strings.EqualFold(prev.URL.Hostname(), target.Hostname()) {
		// A Host header typed for the first server names the wrong one.
		next.Header.Del("Host")
	}
	// Requests' rebuild_proxies: a Proxy-Authorization the caller set is
	// not carried to the next hop; the transport adds the credentials of
	// the proxy it picks for the new URL.
	next.Header.Del("Proxy-Authorization")
	return next
}

// rebuildMethod is Requests' rebuild_method: 303 turns everything but HEAD
// into GET, 302 too (what browsers do, RFC 9110 §15.4.3 allows it), 301
// turns POST into GET, and 307/308 keep the method.
func rebuildMethod(method string, status int) string {
	switch {
	case status == http.StatusSeeOther && method != http.MethodHead:
		return http.MethodGet
	case status == http.StatusFound && method != http.MethodHead:
		return http.MethodGet
	case status == http.StatusMovedPermanently && method == http.MethodPost:
		return http.MethodGet
	}
	return method
}

// rebuildAuth is Requests' rebuild_auth for next, coming from the URL
// from: when shouldStripAuth says the hop leaves the origin, the
// Authorization header and an explicit Cookie header are removed and the
// credentials dropped, unless they choose per host themselves
// (HostScopedAuth: netrc), in which case they are evaluated again for the
// new host when it is sent.
func rebuildAuth(next *PreparedRequest, from *url.URL) {
	if !shouldStripAuth(from, next.URL) {
		return
	}
	next.Header.Del("Authorization")
	// Cookies for the new host come from the jar; one typed on the
	// command line was meant for the first host only.
	next.Header.Del("Cookie")
	if hs, ok := next.Auth.(HostScopedAuth); !ok || !hs.HostScoped() {
		next.Auth = nil
	}
}

// shouldStripAuth is Requests' should_strip_auth: credentials are dropped
// when the host changes, or the scheme or port changes, except for an
// http → https upgrade of the same host on the default ports.
func shouldStripAuth(from, to *url.URL) bool {
	if !strings.EqualFold(from.Hostname(), to.Hostname()) {
		return true
	}
	fromScheme, toScheme := strings.ToLower(from.Scheme), strings.ToLower(to.Scheme)
	fromPort, toPort := from.Port(), to.Port()
	if fromScheme == "http" && (fromPort == "" || fromPort == "80") &&
		toScheme == "https" && (toPort == "" || toPort == "443") {
		return false
	}
	changedPort := fromPort != toPort
	changedScheme := fromScheme != toScheme
	def := urlport.Default(fromScheme)
	if !changedScheme && (fromPort == "" || fromPort == def) && (toPort == "" || toPort == def) {
		return false
	}
	return changedPort || changedScheme
}

// redirectTarget resolves a Location value against the URL that sent it,
// as Requests does: a scheme-relative "//host/x" takes base's scheme, a
// relative one is joined to base, the result is requoted, and a target
// without a fragment inherits fragment (the last one seen in the chain).
// Only http and https targets are allowed.
func redirectTarget(base *url.URL, location, fragment string) (*url.URL, error) {
	loc := strings.TrimSpace(location)
	if strings.HasPrefix(loc, "//") {
		loc = base.Scheme + ":" + loc
	}
	ref, err := url.Parse(requoteURI(loc))
	if err != nil {
		return nil, newError(ErrInvalidURL, base.String(), fmt.Errorf("redirect to %q: %w", RedactURL(location), unwrapURLError(err)))
	}
	var target *url.URL
	if ref.Scheme != "" {
		scheme := strings.ToLower(ref.Scheme)
		if scheme != "http" && scheme != "https" {
			return nil, newError(ErrInvalidURL, base.String(), fmt.Errorf("redirect to %q refused: only http and https urls are followed", RedactURL(location)))
		}
		target, err = PrepareURL(loc)
		if err != nil {
			// PrepareURL's words are for a URL typed by the user; say
			// where this one came from.
			var re *RequestError
			if errors.As(err, &re) && re.Err != nil {
				err = newError(ErrInvalidURL, base.String(), fmt.Errorf("the server redirected to an invalid URL: %w", re.Err))
			}
			return nil, err
		}
	} else {
		target = base.ResolveReference(ref)
	}
	// Credentials in a Location are never sent or shown.
	target.User = nil
	if target.Fragment == "" && fragment != "" {
		target.Fragment = fragment
	}
	return target, nil
}
