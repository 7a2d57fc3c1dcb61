// Command benchserver is the loopback server of the bench/ scripts: it
// serves one file (GET /file, with the kernel's sendfile path, so the
// server is never the bottleneck) and swallows uploads (POST or PUT
// /upload, answering with the byte count), so reqs and curl are measured
// against the same peer.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `ADDRESS`")
	file := flag.String("file", "", "`PATH` served at /file")
	flag.Parse()
	if *file == "" {
		log.Fatal("benchserver: -file is required")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, *file)
	})
	upload := func(w http.ResponseWriter, r *http.Request) {
		n, err := io.CopyBuffer(io.Discard, r.Body, make([]byte, 256<<10))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "{\"size\": %d}\n", n)
	}
	mux.HandleFunc("POST /upload", upload)
	mux.HandleFunc("PUT /upload", upload)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The scripts read the address from the first line of stdout.
	fmt.Println("http://" + ln.Addr().String())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, mux))
}
