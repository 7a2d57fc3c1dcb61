package httpclient

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

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

// TestSessionHeadersKeepOrder: session headers go out in the order they
// were set, as Requests keeps them, after New's defaults; State and
// ApplyState carry that order to another session.
func TestSessionHeadersKeepOrder(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.SetHeader("X-Zulu", "1")
	s.SetHeader("X-Alpha", "2")
	s.SetHeader("User-Agent", "mine/1") // replaced in its place
	names := func(s *Session) []string {
		p, err := s.Prepare(&Request{URL: "http://example.test/"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range s.Head(p, "HTTP/1.1").Header {
			out = append(out, f.Name)
		}
		return out
	}
	want := []string{"Host", "User-Agent", "Accept-Encoding", "Accept", "Connection", "X-Zulu", "X-Alpha"}
	if diff := cmp.Diff(want, names(s)); diff != "" {
		t.Errorf("head order (-want +got):\n%s", diff)
	}
	other, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	other.ApplyState(s.State(time.Now()))
	if diff := cmp.Diff(want, names(other)); diff != "" {
		t.Errorf("head order after ApplyState (-want +got):\n%s", diff)
	}
}
