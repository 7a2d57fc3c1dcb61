package render

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// RequestHead writes an HTTPie-style request head: the line
// "METHOD target PROTO" (target is the path and query as sent, such as
// "/anything?a=1"), then one "Name: value" line per header field in the
// order given (the order they go on the wire), then an empty line.
func RequestHead(w io.Writer, head httpclient.RequestHead, o Options) error {
	p := o.palette()
	var b []byte
	if p == nil {
		b = append(b, head.Method...)
		b = append(b, ' ')
		b = append(b, head.Target...)
		b = append(b, ' ')
		b = append(b, head.Proto...)
	} else {
		b = paint(b, p.method, head.Method)
		b = append(b, ' ')
		b = paint(b, p.target, head.Target)
		b = append(b, ' ')
		b = paint(b, p.proto, head.Proto)
	}
	b = append(b, '\n')
	b = appendHeaders(b, sortedFields(head.Header, o.SortHeaders), p, o.Terminal)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}

// ResponseHead writes "PROTO STATUS REASON", then one "Name: value" line
// per header field in the order given (the server's), then an empty
// line. An empty reason is replaced by the standard one for the status.
// With colour, the status line is green for 2xx, yellow for 3xx and red
// for 4xx and 5xx.
func ResponseHead(w io.Writer, proto string, status int, reason string, h []httpclient.HeaderField, o Options) error {
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
			b = appendText(b, nil, reason, o.Terminal, false)
		}
	} else {
		b = paint(b, p.proto, proto)
		b = append(b, ' ')
		c := statusColor(p, status)
		b = paint(b, c, strconv.Itoa(status))
		if reason != "" {
			b = append(b, ' ')
			b = appendText(b, c, reason, o.Terminal, true)
		}
	}
	b = append(b, '\n')
	b = appendHeaders(b, sortedFields(h, o.SortHeaders), p, o.Terminal)
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

// sortedFields returns h sorted by name, case aside, when sorted is set
// (fields of one name keep their order), else h itself.
func sortedFields(h []httpclient.HeaderField, sorted bool) []httpclient.HeaderField {
	if !sorted {
		return h
	}
	h = slices.Clone(h)
	slices.SortStableFunc(h, func(a, b httpclient.HeaderField) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return h
}

// appendHeaders appends one line per header field, in order; on a
// terminal, control characters in names and values are escaped (see
// safe.go).
func appendHeaders(b []byte, h []httpclient.HeaderField, p *palette, terminal bool) []byte {
	for _, f := range h {
		if p == nil {
			b = appendText(b, nil, f.Name, terminal, false)
			b = append(b, ": "...)
			b = appendText(b, nil, f.Value, terminal, false)
		} else {
			b = appendText(b, p.headerName, f.Name, terminal, true)
			b = append(b, ": "...)
			b = appendText(b, p.headerValue, f.Value, terminal, true)
		}
		b = append(b, '\n')
	}
	return b
}

// appendText appends s in the colour pre (none when empty), with control
// characters escaped when the output is a terminal; color says whether
// escapes are coloured.
func appendText(dst, pre []byte, s string, terminal, color bool) []byte {
	if !terminal {
		return paint(dst, pre, s)
	}
	dst = append(dst, pre...)
	dst, _ = appendSafe(dst, s, pre, color, true)
	if len(pre) > 0 {
		dst = append(dst, ansiReset...)
	}
	return dst
}
