package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ct, in string
		style        string
		want         []string // substrings of the output
	}{
		{"yaml keys and strings", "application/yaml", "name: ann\nage: 3\n", "monokai",
			[]string{"\x1b[38;5;197mname\x1b[0m", "ann"}},
		{"javascript keywords", "application/javascript", "function f() { return 1; }\n", "monokai",
			[]string{"\x1b[38;5;81mfunction\x1b[0m"}},
		{"css", "text/css", "body { color: red; }\n", "auto", []string{"body"}},
		{"graphql", "application/graphql", "query Q { user { id } }\n", "auto", []string{"\x1b[35mquery\x1b[0m"}},
		{"markdown heading", "text/markdown", "# Title\n\ntext `code`\n", "auto", []string{"\x1b[1m# Title\n\x1b[0m", "\x1b[32m`code`\x1b[0m"}},
		{"form", "application/x-www-form-urlencoded", "a=1&b=x%20y", "auto",
			[]string{"\x1b[34;1ma\x1b[0m=\x1b[32m1\x1b[0m&\x1b[34;1mb\x1b[0m=\x1b[32mx%20y\x1b[0m"}},
		{"control characters are escaped", "application/yaml", "a: \"\x1b]0;owned\x07\"\n", "auto", []string{`\x1b]0;owned\x07`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(tc.in), tc.ct, Options{Color: true, Terminal: true, Style: tc.style}); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Body(%q, %s) = %q, want it to contain %q", tc.in, tc.ct, got, w)
				}
			}
			if strings.Contains(got, "\x1b]") || strings.Contains(got, "\x07") {
				t.Errorf("Body(%q) passed a control sequence through: %q", tc.in, got)
			}
		})
	}
}

func TestHighlightBounds(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("key: value\n", highlightLimit/11+10)
	var out bytes.Buffer
	if err := Body(&out, strings.NewReader(big), "application/yaml", Options{Color: true, Terminal: true}); err != nil {
		t.Fatal(err)
	}
	if out.String() != big {
		t.Errorf("a body over %d bytes was changed; want it written as it is", highlightLimit)
	}
	// Piped (no terminal), --pretty=colors leaves YAML alone.
	out.Reset()
	if err := Body(&out, strings.NewReader("a: 1\n"), "application/yaml", Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "a: 1\n" {
		t.Errorf("piped YAML = %q, want it unchanged", got)
	}
}
