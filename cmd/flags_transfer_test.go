package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{in: "429,502,503,504", want: []int{429, 502, 503, 504}},
		{in: " 500 , ,503", want: []int{500, 503}},
		{in: "", want: nil},
		{in: "5xx", wantErr: true},
		{in: "99", wantErr: true},
		{in: "600", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseStatuses(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseStatuses(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if !tc.wantErr && !equalInts(got, tc.want) {
				t.Errorf("parseStatuses(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// pagesTransport serves /items?page=P with the body format (holding P
// once) of type ct, and a Link to page P+1 up to n.
func pagesTransport(n int, ct, format string) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		p = max(p, 1)
		h := http.Header{"Content-Type": {ct}}
		if p < n {
			h.Set("Link", fmt.Sprintf(`<http://api.test/items?page=%d>; rel="next"`, p+1))
		}
		return &http.Response{
			StatusCode: http.StatusOK, Status: "200 OK",
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: io.NopCloser(strings.NewReader(fmt.Sprintf(format, p))), Request: r,
		}, nil
	}
}

// runPaginate runs reqs with args against pagesTransport and returns
// standard output.
func runPaginate(t *testing.T, rt roundTripFunc, args ...string) string {
	t.Helper()
	ios, _, out, errOut := TestIOStreams()
	c := newRequestCmd(ios, "", func(ctx context.Context, o *requestOptions) error {
		o.Transport = rt
		return runRequest(ctx, o)
	})
	c.SetArgs(args)
	if err := c.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("reqs %s: %v (stderr %q)", strings.Join(args, " "), err, errOut)
	}
	return out.String()
}

// TestPaginateHeads: with heads printed, every page is shown as its own
// response, its head before its body, an array of its own; the body alone
// is still one merged array, and --jq always filters the merged array.
func TestPaginateHeads(t *testing.T) {
	t.Parallel()
	head := func(link string) string {
		h := "HTTP/1.1 200 OK\nContent-Type: application/json\n"
		if link != "" {
			h += `Link: <http://api.test/items?page=` + link + `>; rel="next"` + "\n"
		}
		return h + "\n"
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"body only", []string{"--paginate", "api.test/items"}, "[1,2,3]\n"},
		{"heads and bodies", []string{"--paginate", "-p", "hb", "api.test/items"},
			head("2") + "[1]\n" + head("3") + "[2]\n" + head("") + "[3]\n"},
		{"heads only", []string{"--paginate", "-p", "h", "api.test/items"}, head("2") + head("3") + head("")},
		{"jq after the heads", []string{"--paginate", "-p", "hb", "--jq", "length", "api.test/items"},
			head("2") + head("3") + head("") + "3\n"},
		{"jq on the merged array", []string{"--paginate", "--jq", "length", "api.test/items"}, "3\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := runPaginate(t, pagesTransport(3, "application/json", "[%d]"), tc.args...); got != tc.want {
				t.Errorf("reqs %s:\n%s\nwant:\n%s", strings.Join(tc.args, " "), got, tc.want)
			}
		})
	}
}

// TestPaginateVerbose: -v prints each page's request head before its
// response, for merged arrays and concatenated text alike.
func TestPaginateVerbose(t *testing.T) {
	t.Parallel()
	for _, text := range []bool{false, true} {
		rt := pagesTransport(3, "application/json", "[%d]")
		if text {
			rt = pagesTransport(3, "text/plain", "page %d\n")
		}
		out := runPaginate(t, rt, "--paginate", "-v", "api.test/items")
		var order []string
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "GET ") || strings.HasPrefix(line, "HTTP/") || strings.HasPrefix(line, "[") || strings.HasPrefix(line, "page ") {
				order = append(order, line)
			}
		}
		bodies := []string{"[1]", "[2]", "[3]"}
		if text {
			bodies = []string{"page 1", "page 2", "page 3"}
		}
		want := []string{
			"GET /items HTTP/1.1", "HTTP/1.1 200 OK", bodies[0],
			"GET /items?page=2 HTTP/1.1", "HTTP/1.1 200 OK", bodies[1],
			"GET /items?page=3 HTTP/1.1", "HTTP/1.1 200 OK", bodies[2],
		}
		if !slices.Equal(order, want) {
			t.Errorf("reqs --paginate -v (text %v) printed, in order:\n%s\nwant:\n%s\nin:\n%s", text, strings.Join(order, "\n"), strings.Join(want, "\n"), out)
		}
	}
}

// TestPaginateJQAfterHeads: --jq results, even with -S, come after the
// heads of all pages, never between them: a filter runs on the merged
// array once it is whole.
func TestPaginateJQAfterHeads(t *testing.T) {
	t.Parallel()
	rt := pagesTransport(3, "application/json", `[{"p":%d}]`)
	for range 20 {
		out := runPaginate(t, rt, "--paginate", "-p", "hb", "--stream", "--jq", ".[].p", "api.test/items")
		want := "HTTP/1.1 200 OK\nContent-Type: application/json\n\n1\n2\n3\n"
		if strings.Count(out, "HTTP/1.1 200 OK") != 3 || !strings.HasSuffix(out, want) {
			t.Fatalf("reqs --paginate -p hb -S --jq .[].p:\n%s\nwant three heads, then the results", out)
		}
	}
}
