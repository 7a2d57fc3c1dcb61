package download_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
)

// A download interrupted earlier left report.txt.part; File resumes it
// with a Range request and renames the file into place once complete.
func ExampleFile_resume() {
	const content = "the whole report, byte for byte\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(content))
	}))
	defer srv.Close()

	dir, err := os.MkdirTemp("", "download")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	target := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(download.PartPath(target), []byte(content[:10]), 0o644); err != nil {
		log.Fatal(err)
	}

	s, err := httpclient.New(httpclient.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	req := &httpclient.Request{Method: "GET", URL: srv.URL + "/report"}
	d := &download.File{Path: target, Resume: true}
	if _, err := d.Prepare(req); err != nil {
		log.Fatal(err)
	}
	resp, err := s.Do(context.Background(), req, httpclient.SendOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Close()
	res, err := d.Save(resp)
	if err != nil {
		log.Fatal(err)
	}
	saved, _ := os.ReadFile(target)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Range"))
	fmt.Printf("resumed at %d, wrote %d of %d bytes\n", res.Offset, res.Written, res.Total)
	fmt.Print(string(saved))
	// Output:
	// 206 bytes 10-31/32
	// resumed at 10, wrote 22 of 32 bytes
	// the whole report, byte for byte
}
