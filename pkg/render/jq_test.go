package render

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/jq"
)

func TestJQ(t *testing.T) {
	t.Parallel()
	const doc = `{"a": [1, "x\u001b[2J", {"b": null}], "n": 12345678901234567890}` + "\n" + `{"a": []}`
	tests := []struct {
		name, expr string
		raw        bool
		o          Options
		want       string
	}{
		{"compact when neither formatting nor colouring", ".a", false, Options{}, "[1,\"x\\u001b[2J\",{\"b\":null}]\n[]\n"},
		{"numbers keep their digits", ".n", false, Options{}, "12345678901234567890\nnull\n"},
		{"one line per result", ".a[]?", false, Options{}, "1\n\"x\\u001b[2J\"\n{\"b\":null}\n"},
		{"formatted", ".a[2]", false, Options{Format: true, Indent: 2}, "{\n  \"b\": null\n}\nnull\n"},
		{"coloured without formatting stays compact", ".a[2]", false, Options{Color: true},
			"{\x1b[34;1m\"b\"\x1b[0m:\x1b[35mnull\x1b[0m}\n\x1b[35mnull\x1b[0m\n"},
		{"raw strings", ".a[1] // empty", true, Options{}, "x\x1b[2J\n"},
		{"raw strings on a terminal are made safe", ".a[1] // empty", true, Options{Terminal: true}, "x\\x1b[2J\n"},
		{"raw leaves other results as JSON", ".a[0] // empty", true, Options{}, "1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, err := jq.Compile(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := JQ(context.Background(), &out, strings.NewReader(doc), "application/json", Filter{Query: q, Raw: tc.raw}, tc.o); err != nil {
				t.Fatalf("JQ(%q): %v", tc.expr, err)
			}
			got := out.String()
			if got != tc.want {
				t.Errorf("JQ(%q, %+v)\n got %q\nwant %q", tc.expr, tc.o, got, tc.want)
			}
		})
	}
}

// TestJQTerminalCompact checks that compact results on a terminal
// (--pretty=none) never pass a C1 control such as the 8-bit CSI to it:
// it is written as its JSON escape, and piped as it is.
func TestJQTerminalCompact(t *testing.T) {
	t.Parallel()
	const doc = `{"k\u0085": "a\u009b2J\u001b[1m\u00e9"}`
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Terminal: true}, "{\"k\\u0085\":\"a\\u009b2J\\u001b[1m\u00e9\"}\n"},
		{Options{}, "{\"k\u0085\":\"a\u009b2J\\u001b[1m\u00e9\"}\n"},
	} {
		q, _ := jq.Compile(".")
		var out bytes.Buffer
		if err := JQ(context.Background(), &out, strings.NewReader(doc), "application/json", Filter{Query: q}, tc.o); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != tc.want {
			t.Errorf("JQ(.) with %+v\n got %q\nwant %q", tc.o, got, tc.want)
		}
	}
}

func TestJQNotJSON(t *testing.T) {
	t.Parallel()
	q, _ := jq.Compile(".")
	body := "<!DOCTYPE html><html><head><title>a long page title</title></head></html>"
	err := JQ(context.Background(), &bytes.Buffer{}, strings.NewReader(body), "text/html", Filter{Query: q}, Options{})
	var nj *NotJSONError
	if !errors.As(err, &nj) {
		t.Fatalf("JQ over HTML: error %v, want *NotJSONError", err)
	}
	want := `the body is not json (text/html, starting "<!DOCTYPE html><html><head><title>a long"…): invalid json at offset 0: invalid character '<' at start of value`
	if got := err.Error(); got != want {
		t.Errorf("error\n got %s\nwant %s", got, want)
	}
}

// TestJQStream checks that with Filter.Stream each result is written as
// soon as its value has arrived, before the body ends (--stream --jq).
func TestJQStream(t *testing.T) {
	t.Parallel()
	q, _ := jq.Compile(".n")
	pr, pw := io.Pipe()
	out := &notifyWriter{ch: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() {
		done <- JQ(context.Background(), out, pr, "application/x-ndjson", Filter{Query: q, Stream: true}, Options{})
	}()
	pw.Write([]byte(`{"n": 1}` + "\n"))
	<-out.ch // the first result, while the body is still open
	pw.Write([]byte(`{"n": 2}` + "\n"))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestJQTooLargeHint checks that the advice to start with a path is given
// only to an expression that does not.
func TestJQTooLargeHint(t *testing.T) {
	t.Parallel()
	big := &jq.ErrTooLarge{Limit: 256 << 20}
	const msg = "a value over 256 MiB of json text would be held in memory"
	for _, tc := range []struct{ expr, want string }{
		{"length", msg + "; an expression starting with a path such as .items[] or .[0] decodes only that part"},
		{".items[] | .id", msg},
		{".[0]", msg},
	} {
		q, err := jq.Compile(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := tooLarge(big, q).Error(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.expr, got, tc.want)
		}
	}
	other := errors.New("x")
	if got := tooLarge(other, nil); got != other {
		t.Errorf("another error became %v", got)
	}
}

// heapWriter discards what it is given and samples the heap as it does:
// what a writer's producer holds while it writes.
type heapWriter struct{ max uint64 }

func (h *heapWriter) Write(p []byte) (int, error) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	h.max = max(h.max, s[0].Value.Uint64())
	return len(p), nil
}

// TestJQIdentityStreams: --jq . copies the body as it reads it, so a
// document whose decoded form would pass the memory budget (4 MiB of
// small objects decode to about 100 MiB) comes out whole, in gojq's
// form, while the heap holds a few MiB. (Not parallel: it samples the
// heap.)
func TestJQIdentityStreams(t *testing.T) {
	in := "[" + strings.Repeat(`{"b":1,"a":[]},`, 1<<18) + `{}]` + "\n" + `{"z": 1, "y": "\u00e9"}`
	q, err := jq.Compile(".")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var h heapWriter
	if err := JQ(context.Background(), &h, strings.NewReader(in), "application/json", Filter{Query: q, Stream: true}, Options{}); err != nil {
		t.Fatal(err)
	}
	if h.max > 64<<20 {
		t.Errorf("JQ(.) over 4 MiB of objects: the heap held %d MiB while writing, want a few", h.max>>20)
	}
	for _, o := range []Options{{}, {Format: true}} {
		var out bytes.Buffer
		if err := JQ(context.Background(), &out, strings.NewReader(in), "application/json", Filter{Query: q}, o); err != nil {
			t.Fatalf("JQ(., %+v): %v", o, err)
		}
		got := out.String()
		want := "[" + strings.Repeat(`{"a":[],"b":1},`, 1<<18) + "{}]\n" + `{"y":"é","z":1}` + "\n"
		if o.Format {
			if !strings.HasPrefix(got, "[\n    {\n        \"a\": [],\n        \"b\": 1\n    },") || !strings.HasSuffix(got, "{\n    \"y\": \"é\",\n    \"z\": 1\n}\n") {
				t.Errorf("JQ(., indented) = %.60q … %.60q", got, got[max(0, len(got)-60):])
			}
			continue
		}
		if got != want {
			t.Errorf("JQ(.) = %.60q … %.60q, want keys sorted as gojq does", got, got[max(0, len(got)-60):])
		}
	}
}
