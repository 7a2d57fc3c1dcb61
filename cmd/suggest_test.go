package cmd

import "testing"

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"get", "put", "post", "session", "version", "config", "httpbin"}
	tests := []struct {
		typed, want string
		ok          bool
	}{
		{"sesion", "session", true},
		{"verison", "version", true},
		{"gte", "get", true},
		{"Sessoin", "session", true},
		{"push", "", false}, // two edits from put: a lower-case method, not a typo
		{"session", "", false},
		{"example", "", false},
		{"htpbin", "httpbin", true},
	}
	for _, tc := range tests {
		got, ok := closest(tc.typed, names)
		if got != tc.want || ok != tc.ok {
			t.Errorf("closest(%q) = %q, %v; want %q, %v", tc.typed, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"verbos", "verbose", 1}, {"gte", "get", 1}, {"kitten", "sitting", 3},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
