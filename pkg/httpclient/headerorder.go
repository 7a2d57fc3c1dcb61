package httpclient

import (
	"net/http"
	"sort"
	"strings"
)

// defaultHeaderOrder is where the session's default headers go, as
// Requests' default_headers lists them.
var defaultHeaderOrder = []string{"User-Agent", "Accept-Encoding", "Accept", "Connection"}

// appendNames appends each name not yet in order (compared without
// regard to case); a name already there keeps its place and takes the
// new spelling, as Requests' CaseInsensitiveDict does on update.
func appendNames(order []string, names ...string) []string {
	for _, name := range names {
		found := false
		for i, have := range order {
			if strings.EqualFold(have, name) {
				order[i], found = name, true
				break
			}
		}
		if !found {
			order = append(order, name)
		}
	}
	return order
}

// sortedNames returns h's names, sorted.
func sortedNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// unlisted returns the names of h that order does not list, sorted.
func unlisted(h http.Header, order []string) []string {
	listed := map[string]bool{}
	for _, name := range order {
		listed[http.CanonicalHeaderKey(name)] = true
	}
	var out []string
	for _, name := range sortedNames(h) {
		if !listed[http.CanonicalHeaderKey(name)] {
			out = append(out, name)
		}
	}
	return out
}

// keepPresent drops the names h does not hold.
func keepPresent(order []string, h http.Header) []string {
	out := order[:0]
	for _, name := range order {
		if _, ok := h[http.CanonicalHeaderKey(name)]; ok {
			out = append(out, name)
		}
	}
	return out
}

// trailingHeaders go after the request's own headers: the framing, the
// jar's cookies and the credentials are added last, as Requests'
// prepare_cookies, prepare_body and prepare_auth do.
var trailingHeaders = []string{"Cookie", "Content-Length", "Transfer-Encoding", "Authorization"}

// RequestHead is a request head as it goes on the wire: the request
// line's parts and the header lines in the order they are sent.
type RequestHead struct {
	Method, Target, Proto string
	Header                []HeaderField
}

// Head returns the head p is sent with over proto ("HTTP/1.1", "HTTP/2"
// or "HTTP/3"): Host first, then p's headers in p.HeaderOrder, then the jar's
// cookies, the body framing and the auth's credentials. Over HTTP/2 the
// connection-specific fields HTTP/2 forbids (Connection, Keep-Alive,
// Proxy-Connection, Transfer-Encoding, Upgrade) are left out, as net/http
// leaves them out, and Host stands for the :authority pseudo-header; the
// same goes for HTTP/3 (RFC 9114 §4.2), as quic-go sends it.
// An empty User-Agent means none is sent. It is what -v and --offline print.
// Once p has been sent over a TLS HTTP/2 connection, Head over "HTTP/2"
// is the HEADERS frame's fields as they went out (lower-case, in the
// HTTP/2 client's order, host for :authority), read back from the wire.
func (s *Session) Head(p *PreparedRequest, proto string) RequestHead {
	if proto == "HTTP/2" && p.sentHead != nil {
		// The fields the connection recorded going out, in their order.
		return RequestHead{Method: p.Method, Target: p.URL.RequestURI(), Proto: proto, Header: p.sentHead}
	}
	h := s.wireHeaders(p)
	order := s.headerOrder(p)
	rank := map[string]int{}
	spelling := map[string]string{}
	for i, name := range order {
		rank[strings.ToLower(name)] = i
		spelling[strings.ToLower(name)] = name
	}
	rankOf := func(name string) int {
		if r, ok := rank[strings.ToLower(name)]; ok {
			return r
		}
		return len(order)
	}
	names := sortedNames(h)
	sort.SliceStable(names, func(i, j int) bool { return rankOf(names[i]) < rankOf(names[j]) })
	head := RequestHead{Method: p.Method, Target: p.URL.RequestURI(), Proto: proto}
	multiplexed := proto == "HTTP/2" || proto == "HTTP/3"
	for _, name := range names {
		if multiplexed && http2Forbidden(name) {
			continue
		}
		spelled := name
		if sp, ok := spelling[strings.ToLower(name)]; ok && !multiplexed {
			spelled = sp
		}
		for _, v := range h[name] {
			if name == "User-Agent" && v == "" {
				continue
			}
			head.Header = append(head.Header, HeaderField{Name: spelled, Value: v})
		}
	}
	return head
}

// http2Forbidden reports whether HTTP/2 forbids the field (RFC 9113
// §8.2.2); net/http drops these from HTTP/2 requests.
func http2Forbidden(name string) bool {
	switch strings.ToLower(name) {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

// headerOrder is the order p's header lines go on the wire in, each name
// spelled as it is to be sent: Host (which net/http writes first), p's
// headers, then the trailing ones.
func (s *Session) headerOrder(p *PreparedRequest) []string {
	order := make([]string, 0, len(p.HeaderOrder)+len(trailingHeaders)+1)
	order = append(order, "Host")
	seen := map[string]bool{"host": true}
	add := func(name string) {
		l := strings.ToLower(name)
		if !seen[l] {
			seen[l] = true
			order = append(order, name)
		}
	}
	for _, name := range p.HeaderOrder {
		add(name)
	}
	for _, name := range unlisted(p.Header, p.HeaderOrder) {
		add(name)
	}
	for _, name := range trailingHeaders {
		add(name)
	}
	return order
}
