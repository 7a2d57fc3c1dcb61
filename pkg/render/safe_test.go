package render

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// hostile is what a server sends to take over a terminal: an OSC title
// ended by BEL, a CSI clear, a C1 CSI (UTF-8 and a raw byte), DEL.
const hostile = "a\x1b]0;pwned\x07b\x1b[2Jc\u009b31md\x9b2Je\x7ff\tg\r\n"

func TestAppendSafe(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text\twith\r\nlines", "plain text\twith\r\nlines"},
		{hostile, `a\x1b]0;pwned\x07b\x1b[2Jc\u009b31md\x9b2Je\x7ff` + "\tg\r\n"},
		{"naïve 日本 \U0001F600", "naïve 日本 \U0001F600"},
		{"latin1 caf\xe9", "latin1 caf\xe9"}, // not a control in any charset
		{"\x00\x08\x0b\x0c\x1f", `\x00\x08\x0b\x0c\x1f`},
		{"\u0080\u009f\u00a0", `\u0080\u009f` + "\u00a0"},
	}
	for _, tc := range tests {
		got, n := appendSafe(nil, tc.in, nil, false, true)
		if string(got) != tc.want || n != len(tc.in) {
			t.Errorf("appendSafe(%q) = %q, %d; want %q, %d", tc.in, got, n, tc.want, len(tc.in))
		}
	}
	got, _ := appendSafe(nil, "x\x1by", []byte("\x1b[32m"), true, true)
	if want := "x\x1b[0m\x1b[7m\\x1b\x1b[0m\x1b[32my"; string(got) != want {
		t.Errorf("appendSafe with colour = %q, want %q", got, want)
	}
}

// TestTerminalWriterSplitCharacters writes one byte at a time: characters
// and C1 controls cut between writes are still recognised.
func TestTerminalWriterSplitCharacters(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewTerminalWriter(&out, false)
	for _, c := range []byte(hostile + "é\u009b") {
		if _, err := w.Write([]byte{c}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want, _ := appendSafe(nil, hostile+"é\u009b", nil, false, true)
	if out.String() != string(want) {
		t.Errorf("byte-by-byte TerminalWriter = %q, want %q", out.String(), want)
	}
}

// TestBodyTerminalSafety: on a terminal, control characters are escaped
// in every kind of body; piped, the body is byte for byte.
func TestBodyTerminalSafety(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"text/plain", "application/octet-stream", "text/html", "application/xml", "application/json", "application/yaml", "text/css", "application/x-www-form-urlencoded", ""} {
		for _, o := range []Options{{Terminal: true}, {Terminal: true, Color: true, Format: true}} {
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(hostile), ct, o); err != nil {
				t.Fatal(err)
			}
			if bad := terminalUnsafe(out.Bytes()); bad != "" {
				t.Errorf("Body(%q, %+v) = %q: %s", ct, o, out.String(), bad)
			}
			if !o.Color && !strings.Contains(out.String(), `\x1b`) && out.String() != BinaryNote {
				t.Errorf("Body(%q, %+v) = %q, want ESC shown as \\x1b", ct, o, out.String())
			}
		}
		var out bytes.Buffer
		if err := Body(&out, strings.NewReader(hostile), ct, Options{}); err != nil || out.String() != hostile {
			t.Errorf("piped Body(%q) = %q, %v; want the bytes unchanged", ct, out.String(), err)
		}
	}
}

func TestJSONTerminalStrings(t *testing.T) {
	t.Parallel()
	in := "{\"k\u009b\": \"a\u009bb\x7fc\xc2\"}"
	var out bytes.Buffer
	if err := Body(&out, strings.NewReader(in), "application/json", Options{Terminal: true, Format: true}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n    \"k\\u009b\": \"a\\u009bb\\u007fc\xc2\"\n}\n"; out.String() != want {
		t.Errorf("Body(%q) on a terminal = %q, want %q", in, out.String(), want)
	}
}

func TestResponseHeadTerminalSafety(t *testing.T) {
	t.Parallel()
	h := []httpclient.HeaderField{{Name: "X-Title", Value: hostile}}
	for _, o := range []Options{{Terminal: true}, {Terminal: true, Color: true}} {
		var out bytes.Buffer
		if err := ResponseHead(&out, "HTTP/1.1", 200, "OK\x1b[2J", h, o); err != nil {
			t.Fatal(err)
		}
		if bad := terminalUnsafe(out.Bytes()); bad != "" {
			t.Errorf("ResponseHead(%+v) = %q: %s", o, out.String(), bad)
		}
	}
	var out bytes.Buffer
	ResponseHead(&out, "HTTP/1.1", 200, "OK", h, Options{})
	if !strings.Contains(out.String(), hostile) {
		t.Errorf("piped ResponseHead = %q, want the value unchanged", out.String())
	}
}

// sgrCode matches the colour codes reqs itself writes.
var sgrCode = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// terminalUnsafe describes the first thing in out that could drive a
// terminal (ESC other than an SGR colour code, BEL, a C1 control as a
// character or a raw byte), or returns "".
func terminalUnsafe(out []byte) string {
	rest := sgrCode.ReplaceAll(out, nil)
	for i := 0; i < len(rest); {
		r, size := utf8.DecodeRune(rest[i:])
		switch {
		case r == 0x1b || r == 0x07:
			return "contains " + string(appendEscape(nil, r, true, nil, false))
		case r == utf8.RuneError && size == 1 && rest[i] >= 0x80 && rest[i] < 0xa0:
			return "contains a raw C1 byte"
		case r >= 0x80 && r < 0xa0:
			return "contains a C1 control"
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f:
			return "contains a C0 control or DEL"
		}
		i += size
	}
	return ""
}

// FuzzTerminalSafety runs any body and header through every terminal
// path (plain, markup, JSON, streams, heads) with and without colour and
// formatting: nothing that comes out may contain ESC (other than reqs' own
// SGR colour codes), BEL or a C1 control.
func FuzzTerminalSafety(f *testing.F) {
	for _, s := range []string{hostile, `{"a": "\u001b[2J"}`, "{\"a\": \"\x1b\"}", "<a x=\"\x1b]0;t\x07\">\x9b</a>", "data: \x1b[2J\n\n", "[1, \"\u009b\"]\n", "\xc2", "\xe2\x80"} {
		for _, ct := range []string{"text/plain", "application/json", "text/html", "application/xml", "application/yaml", "application/x-www-form-urlencoded", "text/event-stream", "application/x-ndjson", ""} {
			f.Add(s, ct)
		}
	}
	f.Fuzz(func(t *testing.T, body, ct string) {
		for _, o := range []Options{{Terminal: true}, {Terminal: true, Color: true, Format: true, Unescape: true}} {
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(body), ct, o); err != nil {
				t.Fatalf("Body: %v", err)
			}
			if bad := terminalUnsafe(out.Bytes()); bad != "" {
				t.Errorf("Body(%q, %q, %+v) = %q: %s", body, ct, o, out.String(), bad)
			}
			out.Reset()
			if err := Stream(&out, iotestOneByte(body), ct, o); err != nil {
				t.Fatalf("Stream: %v", err)
			}
			if bad := terminalUnsafe(out.Bytes()); bad != "" {
				t.Errorf("Stream(%q, %q, %+v) = %q: %s", body, ct, o, out.String(), bad)
			}
			out.Reset()
			ResponseHead(&out, "HTTP/1.1", 200, body, []httpclient.HeaderField{{Name: "X", Value: body}}, o)
			if bad := terminalUnsafe(out.Bytes()); bad != "" {
				t.Errorf("ResponseHead(%q, %+v) = %q: %s", body, o, out.String(), bad)
			}
		}
	})
}

// iotestOneByte reads s a few bytes at a time, as a slow stream arrives.
func iotestOneByte(s string) io.Reader {
	return &smallReads{s: s}
}

type smallReads struct{ s string }

func (r *smallReads) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 3)], r.s)
	r.s = r.s[n:]
	return n, nil
}

func TestEscapeControls(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http 404 Not Found":      "http 404 Not Found",
		"http 404 Gone \u009b2J":  `http 404 Gone \u009b2J`,
		"naïve \x1b]0;t\x07 name": `naïve \x1b]0;t\x07 name`,
	} {
		if got := EscapeControls(in); got != want {
			t.Errorf("EscapeControls(%q) = %q, want %q", in, got, want)
		}
	}
}
