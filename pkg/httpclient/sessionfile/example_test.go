package sessionfile_test

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// A program keeps a session on disk between runs, as `reqs --session`
// does: the first run logs in over TLS with its own CA bundle and a read
// timeout, and saves; the second run is given nothing but the file, which
// brings back the cookie, the header it set, and how to verify the server
// and how long to wait for it. Nothing the library adds by itself (its
// User-Agent and other default headers) is stored.
func Example() {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s3cret", Path: "/"})
		case "/whoami":
			c, _ := r.Cookie("sid")
			fmt.Fprintf(w, "sid=%s team=%s", c.Value, r.Header.Get("X-Team"))
		case "/stall":
			select { // answers too late for the stored read timeout
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	defer srv.Close()
	dir, err := os.MkdirTemp("", "sessions")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	caFile := filepath.Join(dir, "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, ca, 0o600); err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, "api.json")
	ctx := context.Background()

	// First run: settings given explicitly are used and kept.
	readTimeout := 200 * time.Millisecond
	given := sessionfile.Settings{CABundle: caFile, ReadTimeout: &readTimeout}
	f, err := sessionfile.Lock(path)
	if err != nil {
		log.Fatal(err)
	}
	var opts httpclient.Options
	sessionfile.Merge(given, f.Session.Settings).ApplyTo(&opts)
	sess, err := httpclient.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	if err := f.Apply(sess); err != nil {
		log.Fatal(err)
	}
	sess.Header.Set("X-Team", "go")
	resp, err := sess.Do(ctx, &httpclient.Request{URL: srv.URL + "/login"}, httpclient.SendOptions{})
	if err != nil {
		log.Fatal(err)
	}
	resp.Close()
	if err := f.Save(sess, sessionfile.Update{Settings: given}); err != nil {
		log.Fatal(err)
	}
	f.Close()
	sess.Close()

	// Second run: only the file.
	f, err = sessionfile.Lock(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	opts = httpclient.Options{}
	f.Session.Settings.ApplyTo(&opts)
	sess, err = httpclient.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	if err := f.Apply(sess); err != nil {
		log.Fatal(err)
	}
	resp, err = sess.Do(ctx, &httpclient.Request{URL: srv.URL + "/whoami"}, httpclient.SendOptions{})
	if err != nil {
		log.Fatal(err) // without the stored CA bundle: an SSLError
	}
	body, _ := resp.Text()
	resp.Close()
	fmt.Println(body)
	_, err = sess.Do(ctx, &httpclient.Request{URL: srv.URL + "/stall"}, httpclient.SendOptions{})
	fmt.Println("stalled server:", errors.Is(err, httpclient.ErrReadTimeout))
	for _, h := range f.Session.Headers {
		fmt.Printf("stored header %s: %s\n", h.Name, h.Value)
	}
	// Output:
	// sid=s3cret team=go
	// stalled server: true
	// stored header X-Team: go
}
