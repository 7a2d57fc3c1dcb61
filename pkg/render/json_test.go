package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

// ansiEscape matches the SGR sequences the palettes produce.
var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansiEscape.ReplaceAllString(s, "") }

func formatJSON(t testing.TB, in string, o Options) string {
	t.Helper()
	var out bytes.Buffer
	if err := JSON(&out, strings.NewReader(in), o); err != nil {
		t.Fatalf("JSON(%q, %+v) error: %v", in, o, err)
	}
	return out.String()
}

func TestJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		o    Options
		want string
	}{
		{"nested", `{"a":{"b":[1,{"c":true}]},"d":null}`, Options{},
			"{\n    \"a\": {\n        \"b\": [\n            1,\n            {\n                \"c\": true\n            }\n        ]\n    },\n    \"d\": null\n}\n"},
		{"empty containers stay compact", `{ "o" : { } , "a" : [ ] , "n": [{}, []] }`, Options{},
			"{\n    \"o\": {},\n    \"a\": [],\n    \"n\": [\n        {},\n        []\n    ]\n}\n"},
		{"top-level empty object", `{}`, Options{}, "{}\n"},
		{"top-level empty array", ` [ ] `, Options{}, "[]\n"},
		{"unicode escapes kept", `["caf\u00e9","\ud83d\ude00","\"\\\/\b\f\n\r\t","é😀"]`, Options{},
			"[\n    \"caf\\u00e9\",\n    \"\\ud83d\\ude00\",\n    \"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\n    \"é😀\"\n]\n"},
		{"numbers verbatim", `[1e10,1.50,-0,0.0e-0,12345678901234567890123,-1E+2]`, Options{},
			"[\n    1e10,\n    1.50,\n    -0,\n    0.0e-0,\n    12345678901234567890123,\n    -1E+2\n]\n"},
		{"top-level string", ` "x" `, Options{}, "\"x\"\n"},
		{"top-level number", `42`, Options{}, "42\n"},
		{"top-level literals", "true false\nnull", Options{}, "true\nfalse\nnull\n"},
		{"ndjson", "{\"a\":1}\n{\"b\":[2]}\n", Options{}, "{\n    \"a\": 1\n}\n{\n    \"b\": [\n        2\n    ]\n}\n"},
		{"ndjson without separators", `{"a":1}[2]`, Options{}, "{\n    \"a\": 1\n}\n[\n    2\n]\n"},
		{"empty input", " \n\t ", Options{}, ""},
		{"indent 2", `{"a":[1]}`, Options{Indent: 2}, "{\n  \"a\": [\n    1\n  ]\n}\n"},
		{"indent 4 by default", `{"a":[1]}`, Options{Indent: 0}, "{\n    \"a\": [\n        1\n    ]\n}\n"},
		{"server order kept", `{"b":1,"a":2}`, Options{}, "{\n    \"b\": 1,\n    \"a\": 2\n}\n"},
		{"sort keys", `{"b":1,"a":{"z":[{"y":1,"x":2}],"c":3},"\u0041":0}`, Options{SortKeys: true, Indent: 2},
			"{\n  \"\\u0041\": 0,\n  \"a\": {\n    \"c\": 3,\n    \"z\": [\n      {\n        \"x\": 2,\n        \"y\": 1\n      }\n    ]\n  },\n  \"b\": 1\n}\n"},
		{"sort keys keeps duplicate order", `{"b":1,"a":1,"b":2}`, Options{SortKeys: true},
			"{\n    \"a\": 1,\n    \"b\": 1,\n    \"b\": 2\n}\n"},
		{"sort keys at several top-level values", `{"b":1,"a":2} [{"d":1,"c":2}]`, Options{SortKeys: true, Indent: 1},
			"{\n \"a\": 2,\n \"b\": 1\n}\n[\n {\n  \"c\": 2,\n  \"d\": 1\n }\n]\n"},
		{"colour", `{"k":["s",1,true,null]}`, Options{Color: true},
			"{\n    \x1b[34;1m\"k\"\x1b[0m: [\n        \x1b[32m\"s\"\x1b[0m,\n        \x1b[36m1\x1b[0m,\n        \x1b[35mtrue\x1b[0m,\n        \x1b[35mnull\x1b[0m\n    ]\n}\n"},
		{"colour with style none", `{"k":1}`, Options{Color: true, Style: "none"}, "{\n    \"k\": 1\n}\n"},
		{"colour monokai punctuation", `[]`, Options{Color: true, Style: "monokai"}, "\x1b[38;5;255m[]\x1b[0m\n"},
		{"colour monokai in true colour", `[1]`, Options{Color: true, Style: "monokai", TrueColor: true, Indent: 1}, "\x1b[38;2;248;248;242m[\x1b[0m\n \x1b[38;2;174;129;255m1\x1b[0m\n\x1b[38;2;248;248;242m]\x1b[0m\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := formatJSON(t, tc.in, tc.o); got != tc.want {
				t.Errorf("JSON(%q, %+v) =\n%q\nwant\n%q", tc.in, tc.o, got, tc.want)
			}
		})
	}
}

// TestJSONChunkBoundaries feeds input one byte at a time, so every token
// straddles a read, and checks the output does not change.
func TestJSONChunkBoundaries(t *testing.T) {
	t.Parallel()
	inputs := []string{
		`{"a":"x\u00e9\\y","b":[1.5e-3,true,false,null,{},[]],"c":{"d":-0}}`,
		"[\"" + strings.Repeat("long string ", 20000) + "\", " + strings.Repeat("9", 100000) + "]",
		`{"z":1,"y":[{"b":2,"a":3}]}`,
	}
	for _, o := range []Options{{}, {Color: true}, {SortKeys: true}} {
		for _, in := range inputs {
			want := formatJSON(t, in, o)
			var got bytes.Buffer
			if err := JSON(&got, iotest.OneByteReader(strings.NewReader(in)), o); err != nil {
				t.Fatalf("JSON(one byte at a time %.40q, %+v) error: %v", in, o, err)
			}
			if got.String() != want {
				t.Errorf("JSON(one byte at a time %.40q, %+v) differs from a whole read", in, o)
			}
		}
	}
}

func TestJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		offset     int64
		msg        string
		wantOutput string
	}{
		{`{"a" 1}`, 5, "after object key", "{\n    \"a\""},
		{`[1,]`, 3, "beginning of value", "[\n    1,\n    "},
		{`{"a":1,}`, 7, "object key", "{\n    \"a\": 1,\n    "},
		{`[1 2]`, 3, "after array element", "[\n    1"},
		{`{"a":1]`, 6, "after object value", "{\n    \"a\": 1"},
		{`[01]`, 1, "invalid number", "[\n    "},
		{`[1.]`, 1, "invalid number", "[\n    "},
		{`[-]`, 1, "invalid number", "[\n    "},
		{`[1x]`, 1, "after number", "[\n    "},
		{`[tru]`, 1, "in literal true", "[\n    "},
		{`[nul`, 1, "unexpected end of input in literal null", "[\n    "},
		{`[truex]`, 1, "after true", "[\n    "},
		{`["a\x"]`, 3, "invalid escape", "[\n    \"a"},
		{`["\u12G4"]`, 2, "\\u escape", "[\n    \""},
		{"[\"a\tb\"]", 3, "control character", "[\n    \"a"},
		{`["abc`, 5, "unexpected end of input in string", "[\n    \"abc"},
		{`{"a":[1,2`, 9, "unexpected end of input in array", "{\n    \"a\": [\n        1,\n        2"},
		{`{"a":`, 5, "unexpected end of input in value", "{\n    \"a\": "},
		{`x`, 0, "beginning of value", ""},
		{`{"a":1} }`, 8, "beginning of value", "{\n    \"a\": 1\n}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.in[:min(len(tc.in), 20)], func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := JSON(&out, strings.NewReader(tc.in), Options{})
			var syn *SyntaxError
			if !errors.As(err, &syn) {
				t.Fatalf("JSON(%q) error = %v, want a *SyntaxError", tc.in, err)
			}
			if syn.Offset != tc.offset || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("JSON(%q) error = %q (offset %d), want offset %d and %q", tc.in, err, syn.Offset, tc.offset, tc.msg)
			}
			if tc.wantOutput != "" && out.String() != tc.wantOutput {
				t.Errorf("JSON(%q) wrote %q before failing, want %q", tc.in, out.String(), tc.wantOutput)
			}
		})
	}
}

// TestJSONDepth: documents 10,000 and more levels deep are formatted (they
// were thrown away and printed raw), with indentation that stops growing
// at maxIndentDepth; only beyond maxJSONDepth is nesting an error.
func TestJSONDepth(t *testing.T) {
	t.Parallel()
	const depth = 12000
	var out bytes.Buffer
	if err := JSON(&out, strings.NewReader(strings.Repeat("[", depth)+strings.Repeat("]", depth)), Options{}); err != nil {
		t.Fatalf("JSON(%d levels): %v", depth, err)
	}
	lines := strings.Split(out.String(), "\n")
	if want := 2*depth - 1 + 1; len(lines) != want+1 && len(lines) != want {
		t.Errorf("JSON(%d levels) wrote %d lines, want %d", depth, len(lines), want)
	}
	widest := 0
	for _, l := range lines {
		widest = max(widest, len(l))
	}
	if want := maxIndentDepth*4 + len("[]"); widest > want {
		t.Errorf("JSON(%d levels): widest line %d bytes, want at most %d", depth, widest, want)
	}

	err := JSON(io.Discard, strings.NewReader(strings.Repeat("[", maxJSONDepth+1)), Options{})
	var syn *SyntaxError
	if !errors.As(err, &syn) || syn.Offset != maxJSONDepth || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("JSON(%d levels) error = %v, want nesting deeper at offset %d", maxJSONDepth+1, err, maxJSONDepth)
	}
}

func TestJSONReadAndWriteErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	t.Run("read error", func(t *testing.T) {
		t.Parallel()
		r := io.MultiReader(strings.NewReader(`[1,`), iotest.ErrReader(boom))
		if err := JSON(io.Discard, r, Options{}); !errors.Is(err, boom) {
			t.Errorf("JSON(reader failing after `[1,`) error = %v, want %v", err, boom)
		}
	})
	t.Run("write error", func(t *testing.T) {
		t.Parallel()
		in := "[" + strings.Repeat(`"abcdefgh",`, 1<<16) + "1]"
		err := JSON(failingWriter{boom}, strings.NewReader(in), Options{})
		if !errors.Is(err, boom) {
			t.Errorf("JSON(to a failing writer) error = %v, want %v", err, boom)
		}
	})
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// TestJSONKeepWhitespace checks the colour-only mode used by --pretty=colors:
// colours added, every input byte kept.
func TestJSONKeepWhitespace(t *testing.T) {
	t.Parallel()
	in := "{ \"a\" :[1 , \"x\",{}, [ ],\n\ttrue]}\n[]  3"
	var out bytes.Buffer
	f := newJSONFormatter(&out, strings.NewReader(in), Options{Color: true}, false)
	if err := f.finish(f.run()); err != nil {
		t.Fatalf("colouring %q: %v", in, err)
	}
	if got := stripANSI(out.String()); got != in {
		t.Errorf("colouring %q, then removing colour = %q, want the input", in, got)
	}
	if !strings.Contains(out.String(), "\x1b[34;1m\"a\"\x1b[0m") {
		t.Errorf("colouring %q = %q, want the key coloured", in, out.String())
	}
}

// FuzzJSON checks, for any input encoding/json accepts, that formatting
// changes nothing but white space, that sorting keys keeps every value, and
// that the colour-only mode keeps every byte; and that no input panics.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.50,{"b":null}],"c":"\u00e9"}`, `[]`, `{}`, `"x"`, `-1e-7`, `[{"b":1,"a":2}]`, `{"a":1,"a":2}`} {
		f.Add([]byte(s), uint8(4))
	}
	f.Fuzz(func(t *testing.T, in []byte, indent uint8) {
		o := Options{Indent: int(indent % 9)}
		var out bytes.Buffer
		err := JSON(&out, bytes.NewReader(in), o)
		if !json.Valid(in) {
			return
		}
		if err != nil {
			t.Fatalf("JSON(%q) error %v on valid JSON", in, err)
		}
		var want, got bytes.Buffer
		json.Compact(&want, in)
		if err := json.Compact(&got, out.Bytes()); err != nil {
			t.Fatalf("JSON(%q) = %q, not valid JSON: %v", in, out.Bytes(), err)
		}
		if got.String() != want.String() {
			t.Fatalf("JSON(%q) compacted = %q, want %q", in, got.String(), want.String())
		}

		var sorted bytes.Buffer
		o.SortKeys = true
		if err := JSON(&sorted, iotest.HalfReader(bytes.NewReader(in)), o); err != nil {
			t.Fatalf("JSON(%q, sorted) error %v", in, err)
		}
		if a, b := decodeJSON(t, in), decodeJSON(t, sorted.Bytes()); !reflect.DeepEqual(a, b) {
			t.Fatalf("JSON(%q, sorted) = %q, decodes to %v, want %v", in, sorted.Bytes(), b, a)
		}

		var colored bytes.Buffer
		fm := newJSONFormatter(&colored, bytes.NewReader(in), Options{Color: true}, false)
		if err := fm.finish(fm.run()); err != nil {
			t.Fatalf("colouring %q: %v", in, err)
		}
		if got := stripANSI(colored.String()); got != string(in) {
			t.Fatalf("colouring %q, then removing colour = %q, want the input", in, got)
		}
	})
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	return v
}

// benchDocument returns about size bytes of JSON shaped like an API
// response: an array of records with strings, escapes, numbers, literals
// and nesting.
func benchDocument(size int) []byte {
	b := make([]byte, 0, size+1024)
	b = append(b, '[')
	for i := 0; len(b) < size; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `,"name":"user `...)
		b = strconv.AppendInt(b, int64(i*7919), 36)
		b = append(b, `","email":"user@example.org","score":`...)
		b = strconv.AppendFloat(b, float64(i)*1.25, 'f', 2, 64)
		b = append(b, `,"active":true,"note":null,"bio":"caf\u00e9 \"quoted\" line\nbreak","tags":["a","bb","ccc"],"geo":{"lat":48.8566,"lng":2.3522,"alt":-1e-3}}`...)
	}
	return append(b, ']')
}

var benchDoc = sync.OnceValue(func() []byte { return benchDocument(50 << 20) })

func BenchmarkJSON(b *testing.B) {
	doc := benchDoc()
	for _, bc := range []struct {
		name string
		o    Options
	}{
		{"plain", Options{}},
		{"color", Options{Color: true}},
		{"sortkeys", Options{SortKeys: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if err := JSON(io.Discard, bytes.NewReader(doc), bc.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
