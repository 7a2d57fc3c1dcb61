package cmd

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSmallGET is reqs's own share of a small GET's start-up: the
// command tree, flags, configuration, session and one exchange with a
// local server (bench/startup.sh measures the whole process against curl).
func BenchmarkSmallGET(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"args": {}, "url": "x"}`)
	}))
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		ios, _, _, _ := TestIOStreams()
		args := []string{srv.URL + "/get"}
		root := newCommandTree(ios, args)
		root.SetArgs(args)
		if err := root.ExecuteContext(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
