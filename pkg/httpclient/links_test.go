package httpclient

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLinks(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://api.example.com/items?page=2")
	tests := []struct {
		name   string
		values []string
		want   []Link
	}{
		{"github style", []string{`<https://api.example.com/items?page=3>; rel="next", <https://api.example.com/items?page=9>; rel="last"`}, []Link{
			{URL: "https://api.example.com/items?page=3", Rel: "next", Params: map[string]string{"rel": "next"}},
			{URL: "https://api.example.com/items?page=9", Rel: "last", Params: map[string]string{"rel": "last"}},
		}},
		{"relative uri", []string{`</items?page=3>; rel=next`}, []Link{
			{URL: "https://api.example.com/items?page=3", Rel: "next", Params: map[string]string{"rel": "next"}},
		}},
		{"quoted comma and semicolon", []string{`<a>; title="one, two; three"; rel="next last"`}, []Link{
			{URL: "https://api.example.com/a", Rel: "next last", Params: map[string]string{"title": "one, two; three", "rel": "next last"}},
		}},
		{"escaped quote", []string{`<b>; title="say \"hi\""`}, []Link{
			{URL: "https://api.example.com/b", Params: map[string]string{"title": `say "hi"`}},
		}},
		{"first rel wins", []string{`<c>; rel=next; rel=prev`}, []Link{
			{URL: "https://api.example.com/c", Rel: "next", Params: map[string]string{"rel": "next"}},
		}},
		{"several header lines", []string{`<d>; rel=prev`, `<e>; REL="Next"`}, []Link{
			{URL: "https://api.example.com/d", Rel: "prev", Params: map[string]string{"rel": "prev"}},
			{URL: "https://api.example.com/e", Rel: "next", Params: map[string]string{"rel": "Next"}},
		}},
		{"broken entry skipped", []string{`garbage; rel=x, <f>; rel=next`}, []Link{
			{URL: "https://api.example.com/f", Rel: "next", Params: map[string]string{"rel": "next"}},
		}},
		{"param without value", []string{`<g>; crossorigin; rel=next`}, []Link{
			{URL: "https://api.example.com/g", Rel: "next", Params: map[string]string{"crossorigin": "", "rel": "next"}},
		}},
		{"empty", []string{""}, nil},
	}
	for _, tc := range tests {
		got := ParseLinks(tc.values, base)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: ParseLinks(%q) mismatch (-want +got):\n%s", tc.name, tc.values, diff)
		}
	}
}

func TestLinkByRel(t *testing.T) {
	t.Parallel()
	links := ParseLinks([]string{`<a>; rel="prev first", <b>; rel="next last"`}, nil)
	for _, tc := range []struct{ rel, want string }{{"next", "b"}, {"LAST", "b"}, {"first", "a"}} {
		l, ok := LinkByRel(links, tc.rel)
		if !ok || l.URL != tc.want {
			t.Errorf("LinkByRel(%q) = %q, %v; want %q", tc.rel, l.URL, ok, tc.want)
		}
	}
	if _, ok := LinkByRel(links, "self"); ok {
		t.Errorf("LinkByRel(self) found a link, want none")
	}
}
