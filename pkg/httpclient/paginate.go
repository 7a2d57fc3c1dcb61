package httpclient

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
)

// DefaultMaxPages bounds how many pages a pagination follows.
const DefaultMaxPages = 100

// Errors that end a pagination early. What was yielded before is whole,
// so a caller may treat them as warnings.
var (
	// ErrTooManyPages: a next page exists past PageOptions.MaxPages.
	ErrTooManyPages = errors.New("too many pages")
	// ErrPageLoop: a next link points to a page already fetched.
	ErrPageLoop = errors.New("the next link points to a page already fetched")
)

// PageOptions configure Pages.
type PageOptions struct {
	// SendOptions are used for each page after the first.
	SendOptions
	// MaxPages bounds the pages yielded, the first included; 0 means
	// DefaultMaxPages.
	MaxPages int
}

// Pages iterates over first and the pages its rel="next" links lead to,
// each fetched with NextPage's rules (a GET modelled on the request that
// produced the previous page). Each page is closed when the loop body
// for it returns, so read its body there. The iteration ends after the
// last page, or with one error: a failed exchange, a page whose status is
// not 2xx, ErrPageLoop, or ErrTooManyPages.
//
//	for page, err := range s.Pages(ctx, resp, httpclient.PageOptions{})
func (s *Session) Pages(ctx context.Context, first *Response, opts PageOptions) iter.Seq2[*Response, error] {
	return func(yield func(*Response, error) bool) {
		limit := opts.MaxPages
		if limit <= 0 {
			limit = DefaultMaxPages
		}
		resp := first
		defer func() {
			if resp != nil {
				resp.Close()
			}
		}()
		if !yield(first, nil) {
			return
		}
		seen := map[string]bool{first.URL.String(): true}
		for n := 2; ; n++ {
			next, ok := NextPageURL(resp)
			switch {
			case !ok:
				return
			case seen[next.String()]:
				yield(nil, fmt.Errorf("page %d: %w", n-1, ErrPageLoop))
				return
			case n > limit:
				yield(nil, fmt.Errorf("%w: more than %d", ErrTooManyPages, limit))
				return
			}
			seen[next.String()] = true
			nresp, err := s.Send(ctx, nextPageRequest(resp.Request, next), opts.SendOptions)
			resp.Close()
			resp = nresp
			if err != nil {
				yield(nil, err)
				return
			}
			if resp.StatusCode/100 != 2 {
				yield(nil, fmt.Errorf("page %d (%s): HTTP %d %s", n, resp.URL.Redacted(), resp.StatusCode, resp.Reason))
				return
			}
			if !yield(resp, nil) {
				return
			}
		}
	}
}

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
