package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestBodyBlockEndsWithNewline(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"abc", "abc\n"},
		{"abc\n", "abc\n"},
		{"", ""},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		n, err := BodyBlock(&out, strings.NewReader(tc.in), "text/plain", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want || n != int64(len(tc.want)) {
			t.Errorf("BodyBlock(%q) wrote %q (n=%d), want %q", tc.in, out.String(), n, tc.want)
		}
	}
}
