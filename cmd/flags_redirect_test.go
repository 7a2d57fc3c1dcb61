package cmd

import (
	"errors"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

func TestRedirectFlagsMaxRedirects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag    int
		changed bool
		stored  int
		want    int
	}{
		{flag: 30, stored: 5, want: 5},
		{flag: 30, changed: true, stored: 5, want: 30},
		{flag: 2, stored: 5, want: 2},
		{flag: 0, changed: true, stored: 30, want: -1}, // none allowed
	}
	f := redirectFlags{MaxRedirects: -1}
	ios, _, _, _ := TestIOStreams()
	var usage *usageError
	if err := f.apply(&requestEnv{IO: ios, Session: &httpclient.Session{}}); !errors.As(err, &usage) {
		t.Errorf("--max-redirects -1: error = %v, want a usage error", err)
	}
	for _, tc := range tests {
		sess, err := httpclient.New(httpclient.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sess.MaxRedirects = tc.stored
		ios, _, _, _ := TestIOStreams()
		env := &requestEnv{IO: ios, URL: "http://x.test/", Request: &httpclient.Request{}, Session: sess,
			Changed: func(name string) bool { return tc.changed && name == "max-redirects" }}
		f := redirectFlags{MaxRedirects: tc.flag}
		if err := f.apply(env); err != nil {
			t.Fatal(err)
		}
		if sess.MaxRedirects != tc.want {
			t.Errorf("--max-redirects %d (changed %v) over a session's %d: got %d, want %d", tc.flag, tc.changed, tc.stored, sess.MaxRedirects, tc.want)
		}
	}
}

func TestRedirectFlagsFollows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flags  redirectFlags
		method string
		want   bool
	}{
		{redirectFlags{}, "GET", true},
		{redirectFlags{}, "POST", true},
		{redirectFlags{}, "HEAD", false},
		{redirectFlags{Follow: true}, "HEAD", true},
		{redirectFlags{NoFollow: true}, "GET", false},
		{redirectFlags{NoFollow: true, Follow: true}, "HEAD", false},
	}
	for _, tc := range tests {
		if got := tc.flags.follows(tc.method); got != tc.want {
			t.Errorf("follows(%s) with %+v = %v, want %v", tc.method, tc.flags, got, tc.want)
		}
	}
}
