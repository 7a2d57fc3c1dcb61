package exchange_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// A front end opens a plan, sends its requests through the exchange and
// closes it, which saves the session file. Here one request gets a retry
// policy of its own for that call (the session's retries none), and the
// session keeps the cookie the server set and the header the request
// carried, but not the User-Agent the plan gives every request.
func Example() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/flaky" && calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1", Path: "/"})
		fmt.Fprintf(w, "%s %s", r.URL.Path, r.Header.Get("User-Agent"))
	}))
	defer srv.Close()
	dir, err := os.MkdirTemp("", "exchange")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	req := &httpclient.Request{URL: srv.URL + "/flaky", Header: http.Header{"X-Team": {"go"}}}
	plan := exchange.Plan{
		Session: exchange.SessionRef{Path: filepath.Join(dir, "s.json")},
		Header:  http.Header{"User-Agent": {"example/1"}},
	}
	x, err := exchange.Open(plan, req)
	if err != nil {
		log.Fatal(err)
	}
	p, err := x.Prepare(req)
	if err != nil {
		log.Fatal(err)
	}
	retry := httpclient.RetryPolicy{Retries: 2, Statuses: []int{503}}
	resp, err := x.Send(context.Background(), p, httpclient.SendOptions{Retry: &retry})
	if err != nil {
		log.Fatal(err)
	}
	body, _ := resp.Text()
	resp.Close()
	fmt.Println(resp.StatusCode, body, "after", len(resp.Attempts), "retried attempt")
	if err := x.Close(); err != nil {
		log.Fatal(err)
	}

	f, err := sessionfile.Read(plan.Session.Path)
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range f.Session.Headers {
		fmt.Printf("stored header %s: %s\n", h.Name, h.Value)
	}
	for _, c := range f.Session.Cookies {
		fmt.Printf("stored cookie %s=%s\n", c.Name, c.Value)
	}
	// Output:
	// 200 /flaky example/1 after 1 retried attempt
	// stored header X-Team: go
	// stored cookie sid=s1
}
