package jq

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/big"
	"strings"
	"testing"
)

// TestEncode: Encode writes what Marshal returns, for every kind of value
// gojq yields.
func TestEncode(t *testing.T) {
	t.Parallel()
	n, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	values := []any{
		nil, true, false, 0, -7, 1 << 40, 1.5, math.NaN(), math.Inf(1), 1e-7, 1e21, n,
		"", "plain", "quote \" back \\ tab \t nl \n", "\x00\x1f\x7f", "café 😀", "bad \xff utf8", "\u2028<>&",
		[]any{}, map[string]any{}, []any{1, "a", []any{nil}},
		map[string]any{"b": 1, "a": []any{true}, "": map[string]any{"z": 1, "y": 2}, "é": 3, "B": 4},
	}
	for _, v := range values {
		var b bytes.Buffer
		if err := Encode(&b, v); err != nil {
			t.Fatalf("Encode(%#v): %v", v, err)
		}
		if got, want := b.String(), string(Marshal(v)); got != want {
			t.Errorf("Encode(%#v) = %s, want %s as Marshal", v, got, want)
		}
	}
}

// TestCopy: Copy writes what Encode writes of the decoded value, the
// result of `.`, for each value of a stream; it says where input stops
// being JSON.
func TestCopy(t *testing.T) {
	t.Parallel()
	in := ` [1, [2.50, {"b": 1, "a": "x\u0041", "b": 2}], [], {}, "s\ud83d\ude00", -0, 1E2]
	{"k": [3, 2]} null "end"` + "\n"
	d := NewDecoder(strings.NewReader(in))
	var got bytes.Buffer
	for {
		err := d.Copy(&got)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got.WriteByte('\n')
	}
	var want bytes.Buffer
	d = NewDecoder(strings.NewReader(in))
	for {
		v, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		want.Write(Marshal(v))
		want.WriteByte('\n')
	}
	if got.String() != want.String() {
		t.Errorf("Copy =\n%s\nwant, as Marshal(Decode()):\n%s", got.String(), want.String())
	}

	for _, bad := range []string{`[1, 2, }`, `[1, {"a": ]`, `[1, 2`, `{"a": 1,`} {
		_, want := NewDecoder(strings.NewReader(bad)).Decode()
		err := NewDecoder(strings.NewReader(bad)).Copy(io.Discard)
		var de *DecodeError
		if !errors.As(err, &de) || err.Error() != want.Error() {
			t.Errorf("Copy(%q): %v, want the *DecodeError Decode returns: %v", bad, err, want)
		}
	}
}

func TestIsIdentity(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]bool{".": true, " . ": true, ".a": false, ".[]": false, "(.)": false, ". | .": false} {
		q, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.IsIdentity(); got != want {
			t.Errorf("Compile(%q).IsIdentity() = %v, want %v", expr, got, want)
		}
	}
}
