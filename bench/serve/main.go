// Command serve serves a directory over HTTP on a loopback address for
// the benchmarks in bench/. It prints its base URL on the first line of
// standard output once it accepts connections, and exits by itself after
// -for, so a benchmark that dies cannot leave it running for long.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	dir := flag.String("dir", ".", "directory to serve")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	life := flag.Duration("for", 30*time.Minute, "exit after this long")
	flag.Parse()
	if err := serve(*dir, *addr, *life); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func serve(dir, addr string, life time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		ln.Close()
		return fmt.Errorf("refusing to listen on non-loopback address %s", ln.Addr())
	}
	fmt.Printf("http://%s\n", ln.Addr())
	time.AfterFunc(life, func() { os.Exit(0) })
	return http.Serve(ln, http.FileServer(http.Dir(dir)))
}
