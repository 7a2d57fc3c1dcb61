package render

import (
	"bytes"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// fields builds header fields from name, value pairs.
func fields(nv ...string) []httpclient.HeaderField {
	var out []httpclient.HeaderField
	for i := 0; i+1 < len(nv); i += 2 {
		out = append(out, httpclient.HeaderField{Name: nv[i], Value: nv[i+1]})
	}
	return out
}

func TestRequestHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		head httpclient.RequestHead
		o    Options
		want string
	}{
		{"fields in the order given", httpclient.RequestHead{Method: "GET", Target: "/anything?a=1", Proto: "HTTP/1.1", Header: fields("Host", "example.org", "User-Agent", "reqs/1", "Accept", "*/*", "X-Multi", "1", "Content-Type", "application/json", "X-Multi", "2")}, Options{}, "GET /anything?a=1 HTTP/1.1\nHost: example.org\nUser-Agent: reqs/1\nAccept: */*\nX-Multi: 1\nContent-Type: application/json\nX-Multi: 2\n\n"},
		{"names keep their case", httpclient.RequestHead{Method: "MKCOL", Target: "/d", Proto: "HTTP/1.1", Header: fields("b-lower", "1", "A-Upper", "2")}, Options{},
			"MKCOL /d HTTP/1.1\nb-lower: 1\nA-Upper: 2\n\n"},
		{"sorted", httpclient.RequestHead{Method: "GET", Target: "/", Proto: "HTTP/1.1", Header: fields("Host", "h", "accept", "*/*", "X-B", "1")}, Options{SortHeaders: true},
			"GET / HTTP/1.1\naccept: */*\nHost: h\nX-B: 1\n\n"},
		{"no headers, HTTP/2", httpclient.RequestHead{Method: "GET", Target: "/", Proto: "HTTP/2"}, Options{}, "GET / HTTP/2\n\n"},
		{"colour", httpclient.RequestHead{Method: "POST", Target: "/p", Proto: "HTTP/1.1", Header: fields("Host", "h")}, Options{Color: true},
			"\x1b[32;1mPOST\x1b[0m \x1b[36m/p\x1b[0m \x1b[34mHTTP/1.1\x1b[0m\n\x1b[36mHost\x1b[0m: h\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := RequestHead(&out, tc.head, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("RequestHead(%v) =\n%q\nwant\n%q", tc.head, got, tc.want)
			}
		})
	}
}

func TestResponseHead(t *testing.T) {
	t.Parallel()
	h := fields("server", "x", "Content-Type", "text/plain", "Set-Cookie", "a=1", "Transfer-Encoding", "chunked", "Set-Cookie", "b=2")
	tests := []struct {
		name   string
		status int
		reason string
		o      Options
		want   string
	}{
		{"the server's order and case, repeated fields repeated", 200, "OK", Options{},
			"HTTP/1.1 200 OK\nserver: x\nContent-Type: text/plain\nSet-Cookie: a=1\nTransfer-Encoding: chunked\nSet-Cookie: b=2\n\n"},
		{"standard reason when none given", 404, "", Options{},
			"HTTP/1.1 404 Not Found\nserver: x\nContent-Type: text/plain\nSet-Cookie: a=1\nTransfer-Encoding: chunked\nSet-Cookie: b=2\n\n"},
		{"sorted by name, case aside, repeated fields in their order", 200, "OK", Options{SortHeaders: true},
			"HTTP/1.1 200 OK\nContent-Type: text/plain\nserver: x\nSet-Cookie: a=1\nSet-Cookie: b=2\nTransfer-Encoding: chunked\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := ResponseHead(&out, "HTTP/1.1", tc.status, tc.reason, h, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("ResponseHead(%d %q) =\n%q\nwant\n%q", tc.status, tc.reason, got, tc.want)
			}
		})
	}
}

func TestResponseHeadStatusColour(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		style  string
		want   string
	}{
		{200, "", "\x1b[34mHTTP/2.0\x1b[0m \x1b[32;1m200\x1b[0m \x1b[32;1mOK\x1b[0m\n\n"},
		{301, "auto", "\x1b[34mHTTP/2.0\x1b[0m \x1b[33;1m301\x1b[0m \x1b[33;1mMoved Permanently\x1b[0m\n\n"},
		{404, "auto", "\x1b[34mHTTP/2.0\x1b[0m \x1b[31;1m404\x1b[0m \x1b[31;1mNot Found\x1b[0m\n\n"},
		{503, "auto", "\x1b[34mHTTP/2.0\x1b[0m \x1b[31;1m503\x1b[0m \x1b[31;1mService Unavailable\x1b[0m\n\n"},
		{200, "monokai", "\x1b[38;5;81mHTTP/2.0\x1b[0m \x1b[38;5;148;1m200\x1b[0m \x1b[38;5;148;1mOK\x1b[0m\n\n"},
		{500, "solarized", "\x1b[38;5;32mHTTP/2.0\x1b[0m \x1b[38;5;166;1m500\x1b[0m \x1b[38;5;166;1mInternal Server Error\x1b[0m\n\n"},
		{500, "solarized-dark", "\x1b[38;5;32mHTTP/2.0\x1b[0m \x1b[38;5;166;1m500\x1b[0m \x1b[38;5;166;1mInternal Server Error\x1b[0m\n\n"},
		{302, "dracula", "\x1b[38;5;212mHTTP/2.0\x1b[0m \x1b[38;5;141;1m302\x1b[0m \x1b[38;5;141;1mFound\x1b[0m\n\n"},
		{200, "none", "HTTP/2.0 200 OK\n\n"},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		if err := ResponseHead(&out, "HTTP/2.0", tc.status, "", nil, Options{Color: true, Style: tc.style}); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != tc.want {
			t.Errorf("ResponseHead(%d, style %q) = %q, want %q", tc.status, tc.style, got, tc.want)
		}
	}
}
