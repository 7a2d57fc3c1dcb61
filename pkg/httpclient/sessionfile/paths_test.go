package sessionfile

import (
	"errors"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSessionPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value, hostDir string
		want           string
		wantErr        bool
	}{
		{"work", "example.com", "/cfg/sessions/example.com/work.json", false},
		{"a.b_c-d", "localhost_8080", "/cfg/sessions/localhost_8080/a.b_c-d.json", false},
		{"./s.json", "example.com", "./s.json", false},
		{"/tmp/x", "example.com", "/tmp/x", false},
		{"x.json", "", "x.json", false},
		{"..", "example.com", "", true},
		{"a b", "example.com", "", true},
		{"", "example.com", "", true},
		{"work", "", "", true},
	}
	for _, tc := range tests {
		got, err := Path("/cfg", tc.value, tc.hostDir)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("Path(/cfg, %q, %q) = %q, %v; want %q, error %v", tc.value, tc.hostDir, got, err, tc.want, tc.wantErr)
		}
	}
	if _, err := Path("/cfg", "a b", "h"); !errors.Is(err, ErrName) {
		t.Errorf("Path of a bad name = %v, want ErrName", err)
	}
}

func TestHostDir(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"http://Example.com/x", "example.com"},
		{"http://example.com:80/", "example.com"},
		{"https://example.com:443/", "example.com"},
		{"http://example.com:443/", "example.com_443"},
		{"https://example.com:80/", "example.com_80"},
		{"http://127.0.0.1:8080/", "127.0.0.1_8080"},
		{"http://[::1]:8080/", "[__1]_8080"},
		{"http://[::1]/", "[__1]"},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		got := HostDir(u)
		if got != tc.want {
			t.Errorf("HostDir(%s) = %q, want %q", tc.url, got, tc.want)
		}
		// The listing's host, given back as --host, names the same directory.
		if back, _ := HostFlagDir(HostFromDir(got)); back != got {
			t.Errorf("HostFlagDir(HostFromDir(%q)) = %q, want %q", got, back, got)
		}
	}
}

func TestHostFlagDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"example.com", "example.com", false},
		{"Example.com:8080", "example.com_8080", false},
		{"127.0.0.1:3000", "127.0.0.1_3000", false},
		{"[::1]:8080", "[__1]_8080", false},
		{"::1", "[__1]", false},
		{"", "", true},
		{"../etc", "", true},
	}
	for _, tc := range tests {
		got, err := HostFlagDir(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("HostFlagDir(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestHostFromDir(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"example.com", "example.com"},
		{"example.com_8080", "example.com:8080"},
		{"my_host", "my_host"},
		{"[__1]_8080", "[::1]:8080"},
		{"[__1]", "[::1]"},
	}
	for _, tc := range tests {
		if got := HostFromDir(tc.in); got != tc.want {
			t.Errorf("HostFromDir(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSetHeader(t *testing.T) {
	t.Parallel()
	s := &Session{Headers: []Header{{"X-A", "1"}, {"X-B", "2"}, {"x-a", "3"}}}
	s.SetHeader("X-A", "4", "5")
	want := []Header{{"X-A", "4"}, {"X-A", "5"}, {"X-B", "2"}} // where X-A was first set
	if diff := cmp.Diff(want, s.Headers); diff != "" {
		t.Errorf("SetHeader(X-A, 4, 5) (-want +got):\n%s", diff)
	}
}

// FuzzSessionName checks isSessionName against HTTPie's rule.
func FuzzSessionName(f *testing.F) {
	for _, s := range []string{"", "api", "my.session-1_x", "a/b", "sé", ".."} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isSessionName(s), re.MatchString(s); got != want {
			t.Errorf("isSessionName(%q) = %v, the rule says %v", s, got, want)
		}
	})
}
