// Command floor is the start-up floor bench/startup.sh measures reqs
// against: a bare Go program that makes one net/http GET and copies the
// body to standard output, built the way reqs is released. Whatever reqs
// spends beyond it is reqs's own start-up.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	resp, err := http.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
