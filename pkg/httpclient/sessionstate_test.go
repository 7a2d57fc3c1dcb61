package httpclient

import "testing"

func TestIsSessionHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"X-API-Key", true},
		{"Authorization", true},
		{"User-Agent", true},
		{"Content-Type", false},
		{"content-length", false},
		{"If-None-Match", false},
		{"Cookie", false},
	}
	for _, tc := range tests {
		if got := IsSessionHeader(tc.name); got != tc.want {
			t.Errorf("IsSessionHeader(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
