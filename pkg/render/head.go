package render

import (
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// RequestHead writes an HTTPie-style request head: the line
// "METHOD target PROTO" (target is the path and query as sent, such as
// "/anything?a=1"), then one "Name: value" line per header value with Host
// first and the others sorted by name, then an empty line.
func RequestHead(w io.Writer, method, target, proto string, h http.Header, o Options) error {
	p := o.palette()
	var b []byte
	if p == nil {
		b = append(b, method...)
		b = append(b, ' ')
		b = append(b, target...)
		b = append(b, ' ')
		b = append(b, proto...)
	} else {
		b = paint(b, p.method, method)
		b = append(b, ' ')
		b = paint(b, p.target, target)
		b = append(b, ' ')
		b = paint(b, p.proto, proto)
	}
	b = append(b, '\n')
	b = appendHeaders(b, h, true, p)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}

// ResponseHead writes "PROTO STATUS REASON", then one "Name: value" line
// per header value sorted by name, then an empty line. An empty reason is
// replaced by the standard one for the status. With colour, the status
// line is green for 2xx, yellow for 3xx and red for 4xx and 5xx.
func ResponseHead(w io.Writer, proto string, status int, reason string, h http.Header, o Options) error {
	if reason == "" {
		reason = http.StatusText(status)
	}
	p := o.palette()
	var b []byte
	if p == nil {
		b = append(b, proto...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(status), 10)
		if reason != "" {
			b = append(b, ' ')
			b = append(b, reason...)
		}
	} else {
		b = paint(b, p.proto, proto)
		b = append(b, ' ')
		c := statusColor(p, status)
		b = paint(b, c, strconv.Itoa(status))
		if reason != "" {
			b = append(b, ' ')
			b = paint(b, c, reason)
		}
	}
	b = append(b, '\n')
	b = appendHeaders(b, h, false, p)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}

// statusColor picks the colour of a status code by its class.
func statusColor(p *palette, status int) []byte {
	switch {
	case status >= 200 && status < 300:
		return p.status2xx
	case status >= 300 && status < 400:
		return p.status3xx
	case status >= 400:
		return p.status4xx
	}
	return p.proto // 1xx: informational, neither good nor bad
}

// appendHeaders appends one line per header value, names sorted without
// regard to case (Host first when hostFirst), values in the order given.
func appendHeaders(b []byte, h http.Header, hostFirst bool, p *palette) []byte {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, c := names[i], names[j]
		if hostFirst {
			ah, ch := strings.EqualFold(a, "Host"), strings.EqualFold(c, "Host")
			if ah != ch {
				return ah
			}
		}
		la, lc := strings.ToLower(a), strings.ToLower(c)
		if la != lc {
			return la < lc
		}
		return a < c
	})
	for _, name := range names {
		for _, v := range h[name] {
			if p == nil {
				b = append(b, name...)
				b = append(b, ": "...)
				b = append(b, v...)
			} else {
				b = paint(b, p.headerName, name)
				b = append(b, ": "...)
				b = paint(b, p.headerValue, v)
			}
			b = append(b, '\n')
		}
	}
	return b
}
