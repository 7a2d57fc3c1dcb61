package urlport

import "testing"

func TestDefault(t *testing.T) {
	t.Parallel()
	for scheme, want := range map[string]string{"http": "80", "HTTPS": "443", "https": "443", "ws": "", "": ""} {
		if got := Default(scheme); got != want {
			t.Errorf("Default(%q) = %q, want %q", scheme, got, want)
		}
	}
}
