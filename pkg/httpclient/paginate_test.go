package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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
	resp, err := s.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/list", JSON: []byte(`{}`), Auth: &BasicAuth{Username: "u", Password: "p"}}, SendOptions{NoRedirects: true})
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
		resp, err = s.NextPage(context.Background(), resp, SendOptions{})
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

func TestPages(t *testing.T) {
	t.Parallel()
	// /list?page=N links to page N+1 up to last; /loop's page 2 links
	// back to page 1; /fail answers page 2 with a 500.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		last, _ := strconv.Atoi(r.URL.Query().Get("last"))
		switch {
		case r.URL.Path == "/fail" && page == 2:
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		case r.URL.Path == "/loop" && page == 2:
			w.Header().Set("Link", `</loop?page=1&last=9>; rel="next"`)
		case page < last:
			w.Header().Set("Link", fmt.Sprintf(`<%s?page=%d&last=%d>; rel="next"`, r.URL.Path, page+1, last))
		}
		fmt.Fprintf(w, "%d", page)
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name     string
		path     string
		maxPages int
		want     string
		wantErr  error  // errors.Is
		wantMsg  string // or in the message
	}{
		{name: "all pages", path: "/list?last=3", want: "1 2 3"},
		{name: "one page", path: "/list?last=1", want: "1"},
		{name: "max pages", path: "/list?last=5", maxPages: 2, want: "1 2", wantErr: ErrTooManyPages},
		{name: "loop", path: "/loop?page=1&last=9", want: "1 2", wantErr: ErrPageLoop},
		{name: "failing page", path: "/fail?last=3", want: "1", wantMsg: "page 2 (" + srv.URL + "/fail?page=2&last=3): HTTP 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &Session{}
			first, err := s.Do(context.Background(), &Request{URL: srv.URL + tc.path}, SendOptions{NoRedirects: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var gotErr error
			for page, err := range s.Pages(context.Background(), first, PageOptions{MaxPages: tc.maxPages}) {
				if err != nil {
					gotErr = err
					break
				}
				b, err := io.ReadAll(page.Body)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(b))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("pages of %s = %q, want %q", tc.path, g, tc.want)
			}
			switch {
			case tc.wantErr != nil && !errors.Is(gotErr, tc.wantErr):
				t.Errorf("pages of %s ended with %v, want %v", tc.path, gotErr, tc.wantErr)
			case tc.wantMsg != "" && (gotErr == nil || !strings.Contains(gotErr.Error(), tc.wantMsg)):
				t.Errorf("pages of %s ended with %v, want an error containing %q", tc.path, gotErr, tc.wantMsg)
			case tc.wantErr == nil && tc.wantMsg == "" && gotErr != nil:
				t.Errorf("pages of %s ended with %v", tc.path, gotErr)
			}
		})
	}
}
