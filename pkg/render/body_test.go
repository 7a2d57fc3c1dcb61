package render

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		ct   string
		o    Options
		want string
	}{
		{"raw copy without options", "{\"a\":1}", "application/json", Options{}, "{\"a\":1}"},
		{"JSON formatted", `{"a":[1]}`, "application/json; charset=utf-8", Options{Format: true},
			"{\n    \"a\": [\n        1\n    ]\n}\n"},
		{"JSON suffix type formatted", `{"a":1}`, "application/problem+json", Options{Format: true, Indent: 2},
			"{\n  \"a\": 1\n}\n"},
		{"JSON sniffed from text/plain", "  [1]", "text/plain", Options{Format: true}, "[\n    1\n]\n"},
		{"JSON sniffed without a type", `{"a":1}`, "", Options{Format: true}, "{\n    \"a\": 1\n}\n"},
		{"not sniffed from octet-stream", `{"a":1}`, "application/octet-stream", Options{Format: true}, `{"a":1}`},
		{"BOM dropped when formatting", "\xef\xbb\xbf{\"a\":1}", "application/json", Options{Format: true}, "{\n    \"a\": 1\n}\n"},
		{"invalid JSON served as JSON kept as it is", `{"a": 1, oops}`, "application/json", Options{Format: true}, `{"a": 1, oops}`},
		{"invalid JSON on a terminal gets a final newline", `{"a": oops`, "application/json", Options{Format: true, Terminal: true}, "{\"a\": oops\n"},
		{"text that looks like JSON kept as it is", "{curly} text\n", "text/plain", Options{Format: true, Color: true}, "{curly} text\n"},
		{"JSON coloured without formatting", "{\"a\" : 1}", "application/json", Options{Color: true},
			"{\x1b[34;1m\"a\"\x1b[0m : \x1b[36m1\x1b[0m}"},
		{"sorted keys", `{"b":1,"a":2}`, "application/json", Options{Format: true, SortKeys: true},
			"{\n    \"a\": 2,\n    \"b\": 1\n}\n"},
		{"plain text on a terminal gets a final newline", "hello", "text/plain", Options{Format: true, Terminal: true}, "hello\n"},
		{"no newline added when not formatting", "hello", "text/plain", Options{Terminal: true}, "hello"},
		{"no newline added to a pipe", "hello", "text/plain", Options{Format: true}, "hello"},
		{"empty body on a terminal stays empty", "", "application/json", Options{Format: true, Terminal: true}, ""},
		{"XML indented when formatting", "<a x='1'>t</a>", "application/xml", Options{Format: true}, "<a x=\"1\">t</a>\n"},
		{"HTML unchanged without colour", "<p x='1'>t</p>", "text/html", Options{Format: true}, "<p x='1'>t</p>"},
		{"binary note on a terminal", "PK\x03\x04\x00\x00rest", "application/zip", Options{Terminal: true}, BinaryNote},
		{"binary note for invalid UTF-8 of a non-text type", "\xff\xd8\xff\xe0JFIF", "image/jpeg", Options{Terminal: true, Format: true}, BinaryNote},
		{"NUL makes even text binary", "text\x00more", "text/plain", Options{Terminal: true}, BinaryNote},
		{"invalid UTF-8 text is not binary", "caf\xe9", "text/plain; charset=latin1", Options{Terminal: true}, "caf\xe9"},
		{"binary kept when not a terminal", "a\x00b", "application/octet-stream", Options{Format: true}, "a\x00b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(tc.in), tc.ct, tc.o); err != nil {
				t.Fatalf("Body(%q, %q, %+v) error: %v", tc.in, tc.ct, tc.o, err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("Body(%q, %q, %+v) =\n%q\nwant\n%q", tc.in, tc.ct, tc.o, got, tc.want)
			}
		})
	}
}

// TestBodyBinaryStopsReading checks that a binary body on a terminal is not
// drained: the caller may close it without downloading it.
func TestBodyBinaryStopsReading(t *testing.T) {
	t.Parallel()
	in := append([]byte{0x89, 'P', 'N', 'G', 0}, make([]byte, 1<<20)...)
	r := bytes.NewReader(in)
	var out bytes.Buffer
	if err := Body(&out, r, "image/png", Options{Terminal: true}); err != nil {
		t.Fatalf("Body(1 MiB PNG) error: %v", err)
	}
	if out.String() != BinaryNote {
		t.Errorf("Body(1 MiB PNG) = %q, want the binary note", out.String())
	}
	if read := len(in) - r.Len(); read > bodySniffSize {
		t.Errorf("Body(1 MiB PNG) read %d bytes, want at most %d", read, bodySniffSize)
	}
}

// readFromRecorder is a writer that notes whether io.Copy used its
// ReadFrom, the path to the kernel's copy fast paths.
type readFromRecorder struct {
	bytes.Buffer
	used bool
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.used = true
	return r.Buffer.ReadFrom(src)
}

func TestBodyRawCopyKeepsReaderFrom(t *testing.T) {
	t.Parallel()
	var w readFromRecorder
	in := "{\"a\":1}\x00binary"
	src := struct{ io.Reader }{strings.NewReader(in)} // no WriterTo, which io.Copy would prefer
	if err := Body(&w, src, "application/json", Options{}); err != nil {
		t.Fatalf("Body error: %v", err)
	}
	if !w.used || w.String() != in {
		t.Errorf("Body(%q, no options) wrote %q (ReadFrom used: %v), want the input through ReadFrom", in, w.String(), w.used)
	}
}

// TestBodyLargeInvalidJSON checks the fallback past the hold limit: the
// formatted start and the raw rest together keep every input byte.
func TestBodyLargeInvalidJSON(t *testing.T) {
	t.Parallel()
	in := "[" + strings.Repeat(`{"k":"v"},`, jsonHoldLimit/10+100) + `oops, {"raw":1}]`
	for _, o := range []Options{{Format: true}, {Format: true, SortKeys: true}, {Format: true, Color: true}} {
		var out bytes.Buffer
		if err := Body(&out, strings.NewReader(in), "application/json", o); err != nil {
			t.Fatalf("Body(large invalid JSON, %+v) error: %v", o, err)
		}
		got := strings.Join(strings.Fields(stripANSI(out.String())), "")
		if want := strings.Join(strings.Fields(in), ""); got != want {
			t.Errorf("Body(large invalid JSON, %+v): without white space and colour the output differs from the input (len %d, want %d)", o, len(got), len(want))
		}
		if !strings.HasPrefix(out.String(), "[\n") || !strings.HasSuffix(out.String(), `oops, {"raw":1}]`) {
			t.Errorf("Body(large invalid JSON, %+v) = %.20q...%q, want formatted start and raw end", o, out.String(), out.String()[out.Len()-20:])
		}
	}
}

func TestBodyLargeValidJSON(t *testing.T) {
	t.Parallel()
	in := benchDocument(3 << 20)
	var want, got bytes.Buffer
	if err := JSON(&want, bytes.NewReader(in), Options{}); err != nil {
		t.Fatalf("JSON(3 MiB document) error: %v", err)
	}
	if err := Body(&got, bytes.NewReader(in), "application/json", Options{Format: true}); err != nil {
		t.Fatalf("Body(3 MiB document) error: %v", err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("Body(3 MiB document) differs from JSON of it")
	}
}

func TestBodyMarkupColour(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, ct, want string
	}{
		{"element and attributes", `<a href="x" id='y' x=z>t</a>`, "text/html",
			"\x1b[34;1m<a\x1b[0m \x1b[36mhref\x1b[0m=\x1b[32m\"x\"\x1b[0m \x1b[36mid\x1b[0m=\x1b[32m'y'\x1b[0m \x1b[36mx\x1b[0m=\x1b[32mz\x1b[0m\x1b[34;1m>\x1b[0mt\x1b[34;1m</a>\x1b[0m"},
		{"comment and declaration", `<?xml version="1.0"?><!-- a -- b --><r/>`, "application/xml",
			"\x1b[35m<?xml version=\"1.0\"?>\x1b[0m\x1b[90m<!-- a -- b -->\x1b[0m\x1b[34;1m<r/>\x1b[0m"},
		{"cdata", `<r><![CDATA[a>b]]></r>`, "text/xml",
			"\x1b[34;1m<r>\x1b[0m\x1b[35m<![CDATA[a>b]]>\x1b[0m\x1b[34;1m</r>\x1b[0m"},
		{"less-than in text", "a < b <<c>", "text/html", "a < b <\x1b[34;1m<c>\x1b[0m"},
		{"unfinished tag at the end", "x<", "text/html", "x<"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(tc.in), tc.ct, Options{Color: true}); err != nil {
				t.Fatalf("Body(%q, %q) error: %v", tc.in, tc.ct, err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("Body(%q, %q, colour) =\n%q\nwant\n%q", tc.in, tc.ct, got, tc.want)
			}
			if stripped := stripANSI(out.String()); stripped != tc.in {
				t.Errorf("Body(%q, %q, colour) without colour = %q, want the input", tc.in, tc.ct, stripped)
			}
		})
	}
}

func TestLooksBinary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		head  string
		mt    string
		atEOF bool
		want  bool
	}{
		{"plain", "", true, false},
		{"caf\xc3", "", false, false}, // a character cut by the sniff limit
		{"caf\xc3", "", true, true},   // the same at the end of the body
		{"\xff", "application/pdf", true, true},
		{"\xff", "application/json", true, false},
		{"a\x00", "text/plain", true, true},
	}
	for _, tc := range tests {
		if got := looksBinary([]byte(tc.head), tc.mt, tc.atEOF); got != tc.want {
			t.Errorf("looksBinary(%q, %q, atEOF=%v) = %v, want %v", tc.head, tc.mt, tc.atEOF, got, tc.want)
		}
	}
}

func TestIsTextType(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"text/plain; charset=latin1": true, "Application/JSON": true, "application/problem+json": true,
		"application/xhtml+xml": true, "application/javascript": true, "text/csv": true,
		"application/x-yaml": true, "image/png": false, "application/octet-stream": false, "": false,
	}
	for ct, want := range tests {
		if got := IsTextType(ct); got != want {
			t.Errorf("IsTextType(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestIsJSONArray(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ct, in string
		want   bool
	}{
		{"application/json", "[1,2]", true},
		{"application/json", " \r\n\t[", true},
		{"application/json", "\xef\xbb\xbf[1]", true},
		{"Application/JSON; charset=utf-8", "[1]", true},
		{"application/vnd.api+json", "[]", true},
		{"application/json", `{"a": [1]}`, false},
		{"application/json", "", false},
		{"application/json", "   ", false},
		{"application/json", "null", false},
		{"application/json", "\xef[", false},
		{"application/json", strings.Repeat(" ", 5000) + "[", false},
		// Only a JSON type is merged, not text that looks like JSON.
		{"text/plain", "[1]", false},
		{"", "[1]", false},
	}
	for _, tc := range tests {
		br := bufio.NewReader(strings.NewReader(tc.in))
		if got := IsJSONArray(tc.ct, br); got != tc.want {
			t.Errorf("IsJSONArray(%q, %q) = %v, want %v", tc.ct, tc.in, got, tc.want)
		}
		if rest, _ := io.ReadAll(br); string(rest) != tc.in {
			t.Errorf("IsJSONArray(%q, %q) consumed input: %q left", tc.ct, tc.in, rest)
		}
	}
}
