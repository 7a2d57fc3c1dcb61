package cmd

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"testing"
)

// roundTripFunc is a RoundTripper from a function: the network of a test.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRunRequestFakeTransport runs the whole command, flags to printed
// output, with a fake RoundTripper and in-memory streams and files: no
// socket, no disk.
func TestRunRequestFakeTransport(t *testing.T) {
	t.Parallel()
	ios, _, out, errOut := TestIOStreams()
	files := map[string]string{"tags.json": `["a", "b"]`}
	ios.ReadFile = func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	var (
		got     *http.Request
		gotBody []byte
	)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			gotBody = b
		}
		return &http.Response{
			StatusCode: http.StatusCreated,
			Status:     "201 Created",
			Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:  http.Header{"Content-Type": {"application/json"}},
			Body:    io.NopCloser(strings.NewReader(`{"id":7}`)),
			Request: r,
		}, nil
	})
	c := newRequestCmd(ios, "", func(ctx context.Context, o *requestOptions) error {
		o.Transport = rt
		return runRequest(ctx, o)
	})
	c.SetArgs([]string{"PUT", "api.test/items/7", "X-Trace:abc", "name=widget", "tags:=@tags.json"})
	if err := c.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("run: %v (stderr %q)", err, errOut)
	}
	if got == nil {
		t.Fatal("the transport received no request")
	}
	if got.Method != http.MethodPut || got.URL.String() != "http://api.test/items/7" {
		t.Errorf("request = %s %s, want PUT http://api.test/items/7", got.Method, got.URL)
	}
	if h := got.Header.Get("X-Trace"); h != "abc" {
		t.Errorf("X-Trace = %q, want abc", h)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(gotBody, &body); err != nil {
		t.Fatalf("request body %q: %v", gotBody, err)
	}
	tags, _ := body["tags"].([]any)
	if body["name"] != "widget" || len(tags) != 2 || tags[0] != "a" || tags[1] != "b" {
		t.Errorf("request body = %s, want name widget and tags [a b] from the file", gotBody)
	}
	// Not a terminal: the body alone, as received (HTTPie).
	if out.String() != `{"id":7}` {
		t.Errorf("stdout = %q, want the response body", out)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", errOut)
	}
}

// TestRunRequestNoFiles: with no ReadFile a from-file item finds no file
// rather than reaching for the disk.
func TestRunRequestNoFiles(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := TestIOStreams()
	sent := false
	c := newRequestCmd(ios, "", func(ctx context.Context, o *requestOptions) error {
		o.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) { sent = true; return nil, io.EOF })
		return runRequest(ctx, o)
	})
	c.SetArgs([]string{"api.test", "tags:=@go.mod"})
	err := c.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "go.mod") || sent {
		t.Errorf("tags:=@go.mod without files: err = %v, sent = %v; want an error naming the file, nothing sent", err, sent)
	}
}

// TestRunFilesInMemory: reqs run reads its request files and body files
// through IOStreams, so a whole run needs neither disk nor network.
func TestRunFilesInMemory(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := TestIOStreams()
	files := map[string]string{
		"api.http":  "POST http://api.test/items\nContent-Type: application/json\n\n<@ ./item.json\n\n?? status == 201\n",
		"item.json": `{"name": "{{name}}"}`,
	}
	ios.ReadFile = func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	var gotBody []byte
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		gotBody, _ = io.ReadAll(r.Body)
		return &http.Response{StatusCode: http.StatusCreated, Status: "201 Created", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	})
	c := newRunCmd(ios, func(ctx context.Context, o *runOptions) error {
		o.Transport = rt
		return runFiles(ctx, o)
	})
	c.SetArgs([]string{"api.http", "--var", "name=widget"})
	if err := c.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if string(gotBody) != `{"name": "widget"}` {
		t.Errorf("request body = %q, want the body file with its variable substituted", gotBody)
	}
	if !strings.HasPrefix(out.String(), "PASS POST http://api.test/items 201 ") {
		t.Errorf("stdout = %q, want a PASS line", out)
	}
}
