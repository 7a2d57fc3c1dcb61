package httpfile

import "testing"

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://u:pw@h/p", "http://u:xxxxx@h/p"},
		{"u:pw@h/p", "u:xxxxx@h/p"},
		{"http://u@h/p", "http://u@h/p"},
		{"http://u:pw@[::1", "http://u:xxxxx@[::1"},
		{"{{host}}/get", "{{host}}/get"},
		{"/path?q=a@b", "/path?q=a@b"},
		{"BAR http://u:pw@h/ x y", "BAR http://u:xxxxx@h/ x y"},
		{"http://u:pw@h/ a b", "http://u:xxxxx@h/ a b"},
	}
	for _, tc := range tests {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := redactLine("GET  http://u:pw@h/ a"), "GET http://u:xxxxx@h/ a"; got != want {
		t.Errorf("redactLine = %q, want %q", got, want)
	}
	if got, want := (&Request{Method: "GET", URL: "https://u:pw@h/"}).DisplayName(), "GET https://u:xxxxx@h/"; got != want {
		t.Errorf("DisplayName = %q, want %q", got, want)
	}
}
