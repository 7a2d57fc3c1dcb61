package httpclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

func TestNextPage(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		if page < 3 {
			w.Header().Set("Link", fmt.Sprintf(`</list?page=%d>; rel="next", </list?page=3>; rel="last"`, page+1))
		}
		fmt.Fprintf(w, "page %d auth=%q method=%s", page, r.Header.Get("Authorization"), r.Method)
	}))
	defer srv.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := s.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/list", JSON: []byte(`{}`), Auth: &BasicAuth{Username: "u", Password: "p"}}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for resp != nil {
		body, err := resp.Text()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, body)
		resp, err = s.NextPage(context.Background(), resp, SendOptions{AllowRedirects: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		`page 1 auth="Basic dTpw" method=POST`,
		`page 2 auth="Basic dTpw" method=GET`,
		`page 3 auth="Basic dTpw" method=GET`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("following rel=next from /list: got pages %q, want %q", got, want)
	}
}

func TestNextPageRequestStripsAuthAcrossHosts(t *testing.T) {
	t.Parallel()
	prev := &PreparedRequest{Method: "GET", URL: mustURL(t, "http://a.example/x"), Header: http.Header{"Authorization": {"Basic x"}, "Range": {"bytes=1-"}}, Auth: &BasicAuth{Username: "u"}}
	next := nextPageRequest(prev, mustURL(t, "http://b.example/x?page=2"))
	if next.Header.Get("Authorization") != "" || next.Auth != nil || next.Header.Get("Range") != "" {
		t.Errorf("next page on another host keeps Authorization %q, Auth %v or Range %q; want none", next.Header.Get("Authorization"), next.Auth, next.Header.Get("Range"))
	}
}
