package httpfile_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpfile"
)

// BenchmarkRun1000 runs a file of 1,000 small requests against a local
// server, each with a ?? assertion, then each with a response handler
// whose client.test checks the status as well: what handlers add to a
// run (at most as much again as the run without them).
func BenchmarkRun1000(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"args": {"i": %q}, "url": "x"}`, r.URL.Query().Get("i"))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		handler string
	}{
		{"assertions", ""},
		{"handlers", "> {%% client.test(\"request %d\", () => client.assert(response.status === 200 && response.body.args.i === \"%d\", \"status \" + response.status)) %%}\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var src strings.Builder
			for i := range 1000 {
				fmt.Fprintf(&src, "### request %d\nGET %s/get?i=%d\n\n?? status == 200\n", i, srv.URL, i)
				if tc.handler != "" {
					fmt.Fprintf(&src, tc.handler, i, i)
				}
				src.WriteString("\n")
			}
			f, err := httpfile.Parse("bench.http", []byte(src.String()))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				sess := &httpclient.Session{}
				run := &httpfile.Runner{Send: sessionSend(sess)}
				outs, err := run.Run(context.Background(), []*httpfile.File{f})
				sess.Close()
				if err != nil {
					b.Fatal(err)
				}
				for _, out := range outs[0].Outcomes {
					if !out.Passed() {
						b.Fatalf("%s: %v %+v", out.URL, out.Err, out.Results)
					}
				}
			}
		})
	}
}
