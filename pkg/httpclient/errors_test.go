package httpclient_test

import (
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"http://u:s3cret@example.com/x", "http://u:xxxxx@example.com/x"},
		{"http://u@example.com/x", "http://u@example.com/x"},
		{"http://example.com/a:b@c", "http://example.com/a:b@c"},
		// Unparseable, yet the password goes.
		{"http://u:s3cret%zz@example.com/", "http://u:xxxxx@example.com/"},
		{"http://u:s3cret@exa mple.com/", "http://u:xxxxx@exa mple.com/"},
		{"http://u:s3cret@example.com:99999", "http://u:xxxxx@example.com:99999"},
		{"not a url %zz", "not a url %zz"},
	} {
		if got := httpclient.RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
