package jq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// results runs expr over the JSON text in and returns the compact results.
func results(t *testing.T, expr, in string) ([]string, error) {
	t.Helper()
	q, err := Compile(expr)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	d := NewDecoder(strings.NewReader(in))
	var out []string
	for {
		v, err := d.Decode()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for r, err := range q.Run(context.Background(), v) {
			if err != nil {
				return out, err
			}
			out = append(out, string(Marshal(r)))
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr, in string
		want           []string
	}{
		{"identity", ".", `{"a": [1, 2]}`, []string{`{"a":[1,2]}`}},
		{"field", ".a", `{"a": "x"}`, []string{`"x"`}},
		{"iterate", ".[]", `[1, "b", null, true]`, []string{`1`, `"b"`, `null`, `true`}},
		{"index", ".[0].id", `[{"id": 7}, {"id": 8}]`, []string{`7`}},
		{"large integer keeps its digits", ".id", `{"id": 12345678901234567890123}`, []string{`12345678901234567890123`}},
		{"int64 edge keeps its digits", ".", `9223372036854775807`, []string{`9223372036854775807`}},
		{"float keeps its digits", ".p", `{"p": 1.50}`, []string{`1.50`}},
		{"exponent keeps its digits", ".", `1e400`, []string{`1e400`}},
		{"arithmetic on large integers is exact", ". + 1", `12345678901234567890`, []string{`12345678901234567891`}},
		{"arithmetic on floats", ".a * 2", `{"a": 1.25}`, []string{`2.5`}},
		{"negative zero", ".", `-0`, []string{`-0`}},
		{"comparison with a decoded number", `.n == 3`, `{"n": 3}`, []string{`true`}},
		{"comparison with a decimal", `.n == 1.5`, `{"n": 1.50}`, []string{`true`}},
		{"duplicate key keeps the last", ".a", `{"a": 1, "a": 2}`, []string{`2`}},
		{"several documents", ".a", `{"a":1} {"a":2}` + "\n" + `{"a":3}`, []string{`1`, `2`, `3`}},
		{"empty input", ".", ``, nil},
		{"select", `.[] | select(.ok) | .n`, `[{"ok":true,"n":1},{"ok":false,"n":2}]`, []string{`1`}},
		{"halt stops quietly", `1, halt, 2`, `null`, []string{`1`}},
		{"env is empty", `$ENV | length`, `null`, []string{`0`}},
		{"unicode escapes decoded", `.`, `"caf\u00e9"`, []string{`"café"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := results(t, tc.expr, tc.in)
			if err != nil {
				t.Fatalf("%q over %q: %v", tc.expr, tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%q over %q (-want +got):\n%s", tc.expr, tc.in, diff)
			}
		})
	}
}

func TestRunError(t *testing.T) {
	t.Parallel()
	got, err := results(t, `.[] | .a`, `[{"a":1}, 2]`)
	if want := []string{"1"}; !cmp.Equal(got, want) {
		t.Errorf("results before the error = %v, want %v", got, want)
	}
	if err == nil || !strings.Contains(err.Error(), "expected an object but got: number (2)") {
		t.Errorf("error = %v, want gojq's message about the number", err)
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	q, err := Compile(`def f: f; f`)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range q.Run(ctx, nil) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
	}
}

func TestCompileError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr         string
		line, column int
		want         string
	}{
		{`.a]`, 1, 3, `invalid jq expression ".a]" at column 3: unexpected token "]"`},
		{`.a | `, 1, 6, `invalid jq expression ".a | " at column 6: unexpected EOF`},
		{`.[] | sellect(.x)`, 0, 0, `invalid jq expression ".[] | sellect(.x)": function not defined: sellect/1`},
		{`"é" | .a ]`, 1, 10, `invalid jq expression "\"é\" | .a ]" at column 10: unexpected token "]"`},
		{".a |\n .b )", 2, 5, `invalid jq expression ".a |\n .b )" at line 2, column 5: unexpected token ")"`},
		{`"abc`, 1, 5, `invalid jq expression "\"abc" at column 5: unterminated string literal`},
		// An unknown format is refused when compiling, as jq does, wherever
		// it stands, even in a function never called.
		{`@foo`, 0, 0, `invalid jq expression "@foo": format not defined: @foo`},
		{`.a | {x: @bar "v=\(.)"}`, 0, 0, `invalid jq expression ".a | {x: @bar \"v=\\(.)\"}": format not defined: @bar`},
		{`def f: [.[] | @nope]; 1`, 0, 0, `invalid jq expression "def f: [.[] | @nope]; 1": format not defined: @nope`},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tc.expr)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) error = %v, want *SyntaxError", tc.expr, err)
			}
			if se.Line != tc.line || se.Column != tc.column {
				t.Errorf("Compile(%q) at %d:%d, want %d:%d", tc.expr, se.Line, se.Column, tc.line, tc.column)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Compile(%q) error\n got %s\nwant %s", tc.expr, got, tc.want)
			}
		})
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		offset int64
	}{
		{`<html>`, 0},
		{`{"a": 1,}`, 7},
		{`[1, 2`, 5},
		{`{"a": 1} x`, 9},
		{"\ufeff[1, 2", 8}, // the byte order mark counts
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			_, err := results(t, ".", tc.in)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decoding %q: error = %v, want *DecodeError", tc.in, err)
			}
			if de.Offset != tc.offset {
				t.Errorf("decoding %q: offset %d, want %d (%v)", tc.in, de.Offset, tc.offset, err)
			}
		})
	}
}

func TestUnmarshal(t *testing.T) {
	t.Parallel()
	v, err := Unmarshal([]byte(` {"a": [1, 2.0]} `))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(Marshal(v)), `{"a":[1,2.0]}`; got != want {
		t.Errorf("Unmarshal round trip = %s, want %s", got, want)
	}
	for _, in := range []string{``, `1 2`, `{`} {
		if _, err := Unmarshal([]byte(in)); err == nil {
			t.Errorf("Unmarshal(%q) succeeded, want an error", in)
		}
	}
}

// TestDecodeBOM checks that a byte order mark before the body is skipped,
// as jq skips it; anywhere else it is not JSON.
func TestDecodeBOM(t *testing.T) {
	t.Parallel()
	tests := []struct{ expr, in, want string }{
		{".", "\ufeff{\"a\": 1}", "{\"a\":1}\n"},
		{".a", "\ufeff{\"a\": 1}", "1\n"}, // the leading-path decoder too
		{".", "\ufeff1 2", "1\n2\n"},
		{".", "\ufeff", ""},
		{".", "\ufeff ", ""},
		{".", "1", "1\n"},
		{".", "12", "12\n"},
		{".", "[1, \ufeff2]", "error: invalid json at offset 4: invalid character '\\ufeff' at start of value\n"},
	}
	for _, tc := range tests {
		for _, streaming := range []bool{false, true} {
			if got := collect(t, tc.expr, tc.in, streaming); got != tc.want {
				t.Errorf("%s over %q (RunReader %v) = %q, want %q", tc.expr, tc.in, streaming, got, tc.want)
			}
		}
	}
	if v, err := Unmarshal([]byte("\ufeff[]")); err != nil || string(Marshal(v)) != "[]" {
		t.Errorf("Unmarshal with a byte order mark = %v, %v; want []", v, err)
	}
}

// TestCompileFormats checks that the formats gojq knows still compile,
// and that "@foo" in a string is no format.
func TestCompileFormats(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		`@text`, `@json`, `@html`, `@uri`, `@urid`, `@csv`, `@tsv`, `@sh`, `@base64`, `@base64d`,
		`@json "x\(.)"`, `"@foo"`, `.["@foo"]`, `{"@foo": 1}`,
	} {
		if _, err := Compile(expr); err != nil {
			t.Errorf("Compile(%q): %v", expr, err)
		}
	}
}

// TestDecodeTooDeep checks that JSON nested past the decoder's depth is
// reported as such, not as text that is not JSON.
func TestDecodeTooDeep(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	for _, expr := range []string{".", ".[0]"} {
		_, err := results(t, expr, deep)
		var tooDeep *ErrTooDeep
		if !errors.As(err, &tooDeep) {
			t.Fatalf("%s over %d nested arrays: error %v, want *ErrTooDeep", expr, maxDepth+1, err)
		}
		if want := "json nested more than 10000 levels deep at offset 10000"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	}
	if got, want := collect(t, ".[0][0]", deep, true), "error: json nested more than 10000 levels deep at offset 10000\n"; got != want {
		t.Errorf(".[0][0] by its leading path = %q, want %q", got, want)
	}
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if _, err := results(t, "length", ok); err != nil {
		t.Errorf("%d nested arrays: %v", maxDepth, err)
	}
}

// TestDecodeShortFirstValue checks that looking for a byte order mark
// does not hold back a stream whose first value is shorter than one.
func TestDecodeShortFirstValue(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	go pw.Write([]byte("1\n"))
	d := NewDecoder(pr)
	v, err := d.Decode() // returns while the stream is still open
	if err != nil || v != 1 {
		t.Fatalf("first value = %v, %v; want 1", v, err)
	}
	go func() {
		pw.Write([]byte("\xef\xbb\xbf2"))
		pw.Close()
	}()
	if _, err := d.Decode(); err == nil {
		t.Error("a byte order mark after the first value was read as white space")
	}
}

// A reset decoder reads its new input as a new one would, also after an
// error or in the middle of a value.
func TestDecoderReset(t *testing.T) {
	t.Parallel()
	d := NewDecoder(strings.NewReader(`{"a": 1} {"b"`))
	if _, err := d.Decode(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode(); err == nil {
		t.Fatal("a cut value decoded")
	}
	for _, in := range []string{`{"x": 1}`, "\ufeff[2]", `"s"`} {
		d.Reset(strings.NewReader(in))
		got, err := d.Decode()
		want, _ := Unmarshal([]byte(in))
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after Reset, Decode of %q = %v, %v; want %v", in, got, err, want)
		}
		if _, err := d.Decode(); err != io.EOF {
			t.Errorf("after %q: %v, want io.EOF", in, err)
		}
	}
}
