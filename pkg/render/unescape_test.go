package render

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestJSONUnescape(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`"caf\u00e9"`, `"café"`},
		{`"\u65e5\u672c"`, `"日本"`},
		{`"\ud83d\ude00 smile"`, `"😀 smile"`},                              // surrogate pair
		{`"\u0022 \u005c \u000a \u001f"`, `"\u0022 \u005c \u000a \u001f"`}, // quote, backslash, controls stay
		{`"\ud83d alone"`, `"\ud83d alone"`},                               // lone high surrogate stays
		{`"\ude00 alone"`, `"\ude00 alone"`},                               // lone low surrogate stays
		{`"\u00E9\n"`, `"é\n"`},                                            // upper-case hex; other escapes untouched
		{`{"k\u00e9y": ["\u00e9"]}`, "{\n    \"kéy\": [\n        \"é\"\n    ]\n}"},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			var r = strings.NewReader(tc.in)
			var src = iotestReader(r, oneByte)
			var out bytes.Buffer
			if err := JSON(&out, src, Options{Unescape: true}); err != nil {
				t.Fatalf("JSON(%q): %v", tc.in, err)
			}
			if got := strings.TrimSuffix(out.String(), "\n"); got != tc.want {
				t.Errorf("JSON(%q, Unescape, one byte at a time=%v) = %q, want %q", tc.in, oneByte, got, tc.want)
			}
		}
	}
	// Without the option escapes are kept byte for byte.
	var out bytes.Buffer
	if err := JSON(&out, strings.NewReader(`"caf\u00e9"`), Options{}); err != nil || strings.TrimSpace(out.String()) != `"caf\u00e9"` {
		t.Errorf("JSON without Unescape = %q, %v; want the escape kept", out.String(), err)
	}
}

func iotestReader(r *strings.Reader, oneByte bool) interface{ Read([]byte) (int, error) } {
	if oneByte {
		return iotest.OneByteReader(r)
	}
	return r
}

// FuzzJSONUnescape checks that decoding escapes never changes what a
// document means: the output is JSON that decodes to the input's value.
func FuzzJSONUnescape(f *testing.F) {
	for _, s := range []string{`"caf\u00e9"`, `["\ud83d\ude00", "\ud83d", "\u0022"]`, `{"\u00e9": 1}`, `"\\u00e9"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		var out bytes.Buffer
		if err := JSON(&out, strings.NewReader(in), Options{Unescape: true}); err != nil {
			t.Fatalf("JSON(%q): %v", in, err)
		}
		var want, got any
		decode := func(b []byte, v *any) error {
			d := json.NewDecoder(bytes.NewReader(b))
			d.UseNumber() // numbers are compared as written, not as float64
			return d.Decode(v)
		}
		decode([]byte(in), &want)
		if err := decode(out.Bytes(), &got); err != nil {
			t.Fatalf("JSON(%q) wrote invalid JSON %q: %v", in, out.String(), err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("JSON(%q) = %q, which means %#v, not %#v", in, out.String(), got, want)
		}
	})
}
