package render

import (
	"bytes"
	"net/http"
	"testing"
)

func TestRequestHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		target string
		h      http.Header
		o      Options
		want   string
	}{
		{"host first then sorted", "GET", "/anything?a=1", http.Header{
			"User-Agent": {"reqs/1"}, "Accept": {"*/*"}, "Host": {"example.org"}, "X-Multi": {"1", "2"}, "Content-Type": {"application/json"},
		}, Options{}, "GET /anything?a=1 HTTP/1.1\nHost: example.org\nAccept: */*\nContent-Type: application/json\nUser-Agent: reqs/1\nX-Multi: 1\nX-Multi: 2\n\n"},
		{"names sorted without regard to case", "MKCOL", "/d", http.Header{"b-lower": {"1"}, "A-Upper": {"2"}}, Options{},
			"MKCOL /d HTTP/1.1\nA-Upper: 2\nb-lower: 1\n\n"},
		{"no headers", "GET", "/", nil, Options{}, "GET / HTTP/1.1\n\n"},
		{"colour", "POST", "/p", http.Header{"Host": {"h"}}, Options{Color: true},
			"\x1b[32;1mPOST\x1b[0m \x1b[36m/p\x1b[0m \x1b[34mHTTP/1.1\x1b[0m\n\x1b[36mHost\x1b[0m: h\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := RequestHead(&out, tc.method, tc.target, "HTTP/1.1", tc.h, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("RequestHead(%s %s, %v) =\n%q\nwant\n%q", tc.method, tc.target, tc.h, got, tc.want)
			}
		})
	}
}

func TestResponseHead(t *testing.T) {
	t.Parallel()
	h := http.Header{"Server": {"x"}, "Content-Type": {"text/plain"}, "Set-Cookie": {"a=1", "b=2"}, "Host": {"not first"}}
	tests := []struct {
		name   string
		status int
		reason string
		o      Options
		want   string
	}{
		{"sorted headers, multi-value lines", 200, "OK", Options{},
			"HTTP/1.1 200 OK\nContent-Type: text/plain\nHost: not first\nServer: x\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n"},
		{"standard reason when none given", 404, "", Options{},
			"HTTP/1.1 404 Not Found\nContent-Type: text/plain\nHost: not first\nServer: x\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n"},
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
		{500, "solarized", "\x1b[38;5;33mHTTP/2.0\x1b[0m \x1b[38;5;160;1m500\x1b[0m \x1b[38;5;160;1mInternal Server Error\x1b[0m\n\n"},
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
