// Command streamserver is the loopback server of bench/streams.sh: the
// WebSocket and event-stream routes of the test fault server (/ws/echo,
// /sse/events?n=N, ...), in a process of its own so that reqs is
// measured alone.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/reqs-cli/reqs/internal/testserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `ADDRESS`")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The script reads the address from the first line of stdout.
	fmt.Println("http://" + ln.Addr().String())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, testserver.NewFault(nil)))
}
