package httpclient_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/cookiejar"
)

// The zero Session sends requests, as a zero http.Client does.
func ExampleSession_zero() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("name"))
	}))
	defer srv.Close()

	var s httpclient.Session
	req := &httpclient.Request{URL: srv.URL + "/greet", Params: []httpclient.Param{{Name: "name", Value: "gopher"}}}
	resp, err := s.Do(context.Background(), req, httpclient.SendOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Close()
	text, _ := resp.Text()
	fmt.Println(resp.StatusCode, text)
	// Output: 200 hello gopher
}

// With TrustEnv, a session takes credentials from the netrc file that
// $NETRC names for a request that has none of its own, as Requests does.
func ExampleSession_netrc() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		fmt.Fprintf(w, "%s:%s", user, pass)
	}))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "netrc")
	defer os.RemoveAll(dir)
	netrc := filepath.Join(dir, "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login alice password s3cret\n"), 0o600)

	s := &httpclient.Session{
		TrustEnv: true,
		LookupEnv: func(key string) (string, bool) {
			if key == "NETRC" {
				return netrc, true
			}
			return "", false
		},
	}
	resp, err := s.Do(context.Background(), &httpclient.Request{URL: srv.URL}, httpclient.SendOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Close()
	text, _ := resp.Text()
	fmt.Println(text)
	// Output: alice:s3cret
}

// Pages follows rel="next" Link headers, as GitHub's API sends them.
func ExampleSession_Pages() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		switch page {
		case "":
			page = "1"
			w.Header().Set("Link", `</items?page=2>; rel="next"`)
		case "2":
			w.Header().Set("Link", `</items?page=3>; rel="next"`)
		}
		fmt.Fprintf(w, "items of page %s", page)
	}))
	defer srv.Close()

	var s httpclient.Session
	ctx := context.Background()
	first, err := s.Do(ctx, &httpclient.Request{URL: srv.URL + "/items"}, httpclient.SendOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for page, err := range s.Pages(ctx, first, httpclient.PageOptions{}) {
		if err != nil {
			fmt.Println(err)
			break
		}
		body, _ := io.ReadAll(page.Body)
		fmt.Println(string(body))
	}
	// Output:
	// items of page 1
	// items of page 2
	// items of page 3
}

// State is what a session keeps between runs; ApplyState puts it into
// another session, as loading a stored session does.
func ExampleSession_State() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/"})
			return
		}
		c, _ := r.Cookie("session")
		fmt.Fprintf(w, "cookie %s, X-Team %s", c.Value, r.Header.Get("X-Team"))
	}))
	defer srv.Close()
	ctx := context.Background()

	first := &httpclient.Session{Jar: cookiejar.New(), Header: http.Header{"X-Team": {"go"}}}
	resp, err := first.Do(ctx, &httpclient.Request{URL: srv.URL + "/login"}, httpclient.SendOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Close()
	saved := first.State(time.Now())

	var later httpclient.Session
	later.ApplyState(saved)
	resp, err = later.Do(ctx, &httpclient.Request{URL: srv.URL + "/me"}, httpclient.SendOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	text, _ := resp.Text()
	fmt.Println(text)
	// Output: cookie s3cret, X-Team go
}
