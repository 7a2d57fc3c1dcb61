package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/spf13/cobra"
)

// httpbinOptions is what runHTTPBin needs.
type httpbinOptions struct {
	IO   *IOStreams
	Addr string
}

func newHTTPBinCmd(ios *IOStreams) *cobra.Command {
	opts := &httpbinOptions{IO: ios}
	c := &cobra.Command{
		Use:   "httpbin [--addr 127.0.0.1:8080]",
		Short: "Run a local httpbin test server (go-httpbin) until interrupted",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runHTTPBin(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on")
	return c
}

func runHTTPBin(ctx context.Context, opts *httpbinOptions) error {
	ln, err := net.Listen("tcp", opts.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		// Said plainly, so a script that starts the server notices it
		// would be talking to whatever already holds the port.
		return fmt.Errorf("httpbin: %s is already in use by another program; pick another --addr", opts.Addr)
	}
	if err != nil {
		return fmt.Errorf("httpbin: %w", err)
	}
	srv := &http.Server{Handler: httpbin.New(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(opts.IO.ErrOut, "reqs httpbin listening on http://%s (Ctrl-C to stop)\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("httpbin: %w", err)
	}
	return nil
}
