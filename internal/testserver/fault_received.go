package testserver

import (
	"crypto/sha256"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
)

// receivedSkip are the header fields /received leaves out: those two
// clients legitimately differ in (their own compression lists, lengths
// that depend on a multipart boundary).
var receivedSkip = map[string]bool{"Accept-Encoding": true, "Content-Length": true}

// handleReceived serves /received: a plain-text summary of the request,
// so that two clients that should send the same request (reqs and the
// curl command reqs --curl prints) can be compared with cmp. Lines:
// "method M", "target /path?query", one "header Name: value" per field
// (sorted; Accept-Encoding and Content-Length left out, a multipart
// Content-Type without its boundary), then either "body N bytes sha256
// HEX" or, for multipart/form-data, one line per part with its name,
// file name, type and content digest. The summary is also kept under the
// query parameter key, for /received-last.
func (f *Fault) handleReceived(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	fmt.Fprintf(&b, "method %s\ntarget %s\n", r.Method, r.RequestURI)
	var names []string
	for name := range r.Header {
		if !receivedSkip[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	for _, name := range names {
		for _, v := range r.Header[name] {
			if name == "Content-Type" && mediaType == "multipart/form-data" {
				v = mediaType
			}
			fmt.Fprintf(&b, "header %s: %s\n", name, v)
		}
	}
	if mediaType == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(&b, "bad multipart body: %v\n", err)
				break
			}
			data, _ := io.ReadAll(part)
			fmt.Fprintf(&b, "part name=%q filename=%q type=%q %d bytes sha256 %x\n",
				part.FormName(), part.FileName(), part.Header.Get("Content-Type"), len(data), sha256.Sum256(data))
		}
	} else {
		data, _ := io.ReadAll(r.Body)
		fmt.Fprintf(&b, "body %d bytes sha256 %x\n", len(data), sha256.Sum256(data))
	}
	if key := r.URL.Query().Get("key"); key != "" {
		f.mu.Lock()
		if f.received == nil {
			f.received = map[string]string{}
		}
		f.received[key] = b.String()
		f.mu.Unlock()
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, b.String())
}

// handleReceivedLast serves /received-last?key=K: the summary of the last
// /received?key=K request, or 404.
func (f *Fault) handleReceivedLast(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	summary, ok := f.received[r.URL.Query().Get("key")]
	f.mu.Unlock()
	if !ok {
		http.Error(w, "no such request received", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, summary)
}
