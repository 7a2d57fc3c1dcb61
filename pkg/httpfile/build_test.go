package httpfile

import (
	"encoding/base64"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

func TestEncodeURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://h/search?q=New York", "http://h/search?q=New%20York"},
		{"http://h/서울", "http://h/%EC%84%9C%EC%9A%B8"},
		{"http://h/a%20b?x=1&y=%ED", "http://h/a%20b?x=1&y=%ED"},
		{"http://bücher.example/ä", "http://bücher.example/%C3%A4"},
		{"localhost:8080/a b", "localhost:8080/a%20b"},
		{"http://h", "http://h"},
		{"http://h/tab\there", "http://h/tab%09here"},
	}
	for _, tc := range tests {
		if got := encodeURL(tc.in); got != tc.want {
			t.Errorf("encodeURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAuthorization(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		in, want string
		dig      *digest.Auth
	}{
		{"Basic ann:secret", "Basic " + b64("ann:secret"), nil},
		{"Basic ann secret", "Basic " + b64("ann:secret"), nil},
		{"basic ann:se cret", "Basic " + b64("ann:se cret"), nil},
		{"Basic YW5uOnNlY3JldA==", "Basic YW5uOnNlY3JldA==", nil},
		{"Bearer a b", "Bearer a b", nil},
		{"Digest ann secret", "", &digest.Auth{Username: "ann", Password: "secret"}},
		{`Digest username="ann", realm="r", nonce="n"`, `Digest username="ann", realm="r", nonce="n"`, nil},
		{"Basic", "Basic", nil},
	}
	for _, tc := range tests {
		got, auth := authorization(tc.in)
		if got != tc.want {
			t.Errorf("authorization(%q) = %q, want %q", tc.in, got, tc.want)
		}
		d, _ := auth.(*digest.Auth)
		switch {
		case (d == nil) != (tc.dig == nil):
			t.Errorf("authorization(%q) auth = %v, want %v", tc.in, auth, tc.dig)
		case d != nil && (d.Username != tc.dig.Username || d.Password != tc.dig.Password):
			t.Errorf("authorization(%q) = digest %s:%s, want %s:%s", tc.in, d.Username, d.Password, tc.dig.Username, tc.dig.Password)
		}
	}
}

func TestJoinFormLines(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"a=1\n&b=2\n  &c=3", "a=1&b=2&c=3"},
		{"a=1&b=2", "a=1&b=2"},
		{"a=1\nb=2", "a=1\nb=2"},
		{"a=1&\n  b=2&\nc=3", "a=1&b=2&c=3"},
	}
	for _, tc := range tests {
		if got := joinFormLines(tc.in); got != tc.want {
			t.Errorf("joinFormLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestGraphQLBody(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"{ me { id } }", `{"query":"{ me { id } }"}`},
		{"query Users($n: Int) {\n  users(first: $n) { name }\n\n}\n\n{\n  \"n\": 2\n}",
			`{"query":"query Users($n: Int) {\n  users(first: $n) { name }\n\n}","variables":{"n":2},"operationName":"Users"}`},
		{"mutation Add { add(s: \"}<&>\") }", `{"query":"mutation Add { add(s: \"}<&>\") }","operationName":"Add"}`},
		{"query A { a ...F }\nfragment F on X { b }", `{"query":"query A { a ...F }\nfragment F on X { b }","operationName":"A"}`},
		{"# a comment {\nquery { a }", `{"query":"# a comment {\nquery { a }"}`},
	}
	for _, tc := range tests {
		got, err := graphQLBody([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("graphQLBody(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if _, err := graphQLBody([]byte("  \n")); err == nil {
		t.Error("graphQLBody of nothing: no error")
	}
}
