package httpclient

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRawResponseHead(t *testing.T) {
	t.Parallel()
	head := []byte("HTTP/1.1 200 OK\r\nx-a: 1\r\nX-A: 2\r\n\r\n")
	fields, err := rawResponseHead(head, 200)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]HeaderField{{Name: "x-a", Value: "1"}, {Name: "X-A", Value: "2"}}, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if _, err := rawResponseHead(head, 404); err == nil {
		t.Error("rawResponseHead accepted a head of another status")
	}
}

func TestPrepareHeaderOrder(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Header.Set("X-Session", "s")
	req := &Request{
		URL:         "http://example.org/",
		JSON:        []byte(`{}`),
		Header:      http.Header{"X-Zeta": {"1"}, "X-Alpha": {"2"}, "User-Agent": {"mine"}, "X-Unlisted": {"u"}},
		HeaderOrder: []string{"X-Zeta", "x-alpha", "user-agent"},
		Unset:       []string{"Connection"},
	}
	p, err := s.Prepare(req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"user-agent", "Accept-Encoding", "Accept", "X-Session", "Content-Type", "X-Unlisted", "X-Zeta", "x-alpha"}
	if diff := cmp.Diff(want, p.HeaderOrder); diff != "" {
		t.Errorf("HeaderOrder (-want +got):\n%s", diff)
	}
	var names []string
	for _, f := range s.Head(p, "HTTP/1.1").Header {
		names = append(names, f.Name)
	}
	wantHead := []string{"Host", "user-agent", "Accept-Encoding", "Accept", "X-Session", "Content-Type", "X-Unlisted", "X-Zeta", "x-alpha", "Content-Length"}
	if diff := cmp.Diff(wantHead, names); diff != "" {
		t.Errorf("Head names (-want +got):\n%s", diff)
	}
}
