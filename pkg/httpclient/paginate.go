package httpclient

import (
	"context"
	"net/http"
	"net/url"
)

// DefaultMaxPages bounds how many pages a pagination follows.
const DefaultMaxPages = 100

// NextPageURL returns the target of resp's rel="next" link, if any.
func NextPageURL(resp *Response) (*url.URL, bool) {
	l, ok := LinkByRel(resp.Links(), "next")
	if !ok {
		return nil, false
	}
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, false
	}
	return u, true
}

// NextPage fetches the page resp's rel="next" link points to, with the
// request that produced resp as its model: same headers, same credentials
// (dropped, as on a redirect, when the link leaves the origin), cookies
// from the session's jar. It returns nil and no error when there is no
// next link. The caller closes resp's body.
func (s *Session) NextPage(ctx context.Context, resp *Response, opts SendOptions) (*Response, error) {
	target, ok := NextPageURL(resp)
	if !ok {
		return nil, nil
	}
	next := nextPageRequest(resp.Request, target)
	return s.Send(ctx, next, opts)
}

// nextPageRequest copies prev for a GET of target: pages are read, so a
// body and its headers are not carried over.
func nextPageRequest(prev *PreparedRequest, target *url.URL) *PreparedRequest {
	next := prev.Clone()
	next.URL = target
	next.Method = http.MethodGet
	next.SetBody(nil, 0)
	for _, h := range []string{"Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Range", "If-Range"} {
		next.Header.Del(h)
	}
	rebuildAuth(next, prev.URL)
	if target.Hostname() != prev.URL.Hostname() {
		next.Header.Del("Host")
	}
	return next
}
