package httpclient

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// TestSessionAPI drives the Requests-shaped surface end to end against
// go-httpbin: Do, OK, RaiseForStatus, JSON, Text, Links, Cookies, hooks
// and History.
func TestSessionAPI(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	ctx := context.Background()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var hooked []int
	s.Hooks = append(s.Hooks, func(r *Response) error {
		hooked = append(hooked, r.StatusCode)
		return nil
	})

	// A redirect chain: every hop goes through the hooks and into History.
	resp, err := s.Do(ctx, &Request{URL: srv.URL + "/redirect/2", Params: []Param{{"x", "1"}}}, SendOptions{AllowRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		URL     string              `json:"url"`
		Headers map[string][]string `json:"headers"`
	}
	if err := resp.JSON(&body); err != nil {
		t.Fatal(err)
	}
	if !resp.OK() || resp.RaiseForStatus() != nil || !strings.HasSuffix(body.URL, "/get") {
		t.Errorf("final response: %d %q, url %q", resp.StatusCode, resp.Reason, body.URL)
	}
	if got := len(resp.History); got != 2 {
		t.Errorf("History has %d responses, want 2", got)
	}
	if !slices.Equal(hooked, []int{302, 302, 200}) {
		t.Errorf("hooks saw %v, want [302 302 200]", hooked)
	}
	if ua := body.Headers["User-Agent"]; len(ua) != 1 || !strings.HasPrefix(ua[0], "reqs/") {
		t.Errorf("User-Agent = %v, want reqs/<version>", ua)
	}

	// A 4xx is data, and RaiseForStatus turns it into an HTTPError.
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/status/418"}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.OK() || !errors.Is(resp.RaiseForStatus(), ErrHTTP) {
		t.Errorf("418: OK() = %v, RaiseForStatus() = %v; want false and an HTTPError", resp.OK(), resp.RaiseForStatus())
	}

	// Text decodes by the response's charset; Cookies lists what was set.
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/response-headers", Params: []Param{
		{"Content-Type", "text/plain; charset=iso-8859-1"}, {"Set-Cookie", "k=v; Path=/"},
		{"Link", `</page/2>; rel="next"`}}}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if links := resp.Links(); len(links) != 1 || links[0].Rel != "next" || !strings.HasSuffix(links[0].URL, "/page/2") {
		t.Errorf("Links() = %+v, want one rel=next to /page/2", links)
	}
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].Name != "k" {
		t.Errorf("Cookies() = %v, want k", cs)
	}
	if _, err := resp.Text(); err != nil {
		t.Errorf("Text(): %v", err)
	}
	if resp.Encoding != "iso-8859-1" {
		t.Errorf("Encoding = %q, want iso-8859-1", resp.Encoding)
	}

	// The jar sends the cookie back on the next request.
	resp, err = s.Do(ctx, &Request{URL: srv.URL + "/cookies"}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var jar struct{ Cookies map[string]string }
	if err := resp.JSON(&jar); err != nil || jar.Cookies["k"] != "v" {
		t.Errorf("cookies sent back = %v (%v), want k=v", jar.Cookies, err)
	}

	// A hook that fails makes Send fail.
	s.Hooks = []func(*Response) error{func(*Response) error { return errors.New("hook says no") }}
	if _, err := s.Do(ctx, &Request{URL: srv.URL + "/get"}, SendOptions{}); err == nil || !strings.Contains(err.Error(), "hook says no") {
		t.Errorf("failing hook: err = %v", err)
	}
}
