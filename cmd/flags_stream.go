package cmd

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/spf13/pflag"
)

// streamFlags are the flags of event streams (server-sent events, JSON
// lines) and WebSockets.
type streamFlags struct {
	MaxEvents      int
	Reconnect      bool
	MaxMessageSize string
	MaxMessages    int
	Subprotocols   []string
	Ping           float64
	Binary         bool
}

func (f *streamFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.MaxEvents, "max-events", 0, "stop after `N` server-sent events or JSON lines")
	fs.BoolVar(&f.Reconnect, "reconnect", false, "reconnect an event stream that ends, after its retry time and with Last-Event-ID (at most --retries times when given)")
	fs.StringVar(&f.MaxMessageSize, "max-message-size", "16M", "the largest event, JSON line or WebSocket message accepted, in `BYTES` (K and M suffixes)")
	fs.IntVar(&f.MaxMessages, "max-messages", 0, "close a WebSocket normally after receiving `N` messages")
	fs.StringArrayVar(&f.Subprotocols, "subprotocol", nil, "offer the WebSocket subprotocol `NAME` (repeatable)")
	fs.Float64Var(&f.Ping, "ping", 0, "ping a WebSocket every `SECONDS`")
	fs.BoolVar(&f.Binary, "binary", false, "send standard input to a WebSocket as binary messages of at most 64 KiB")
}

// check parses and checks the flags' values.
func (f *streamFlags) check() error {
	switch {
	case f.MaxEvents < 0:
		return usageErrorf("invalid --max-events %d: want 0 (no limit) or more", f.MaxEvents)
	case f.MaxMessages < 0:
		return usageErrorf("invalid --max-messages %d: want 0 (no limit) or more", f.MaxMessages)
	case f.Ping < 0 || math.IsNaN(f.Ping) || math.IsInf(f.Ping, 0):
		return usageErrorf("invalid --ping %v: want a number of seconds", f.Ping)
	}
	if n, err := parseByteSize(f.MaxMessageSize); err != nil || n < 1 {
		return usageErrorf("invalid --max-message-size %q: want a number of bytes, with K or M for KiB or MiB (16M)", f.MaxMessageSize)
	}
	return nil
}

// maxSize is --max-message-size in bytes, once check accepted it.
func (f *streamFlags) maxSize() int64 {
	n, _ := parseByteSize(f.MaxMessageSize)
	return n
}

// pingInterval is --ping as a duration.
func (f *streamFlags) pingInterval() time.Duration {
	return time.Duration(f.Ping * float64(time.Second))
}

// dialOptions are the WebSocket options of the flags.
func (f *streamFlags) dialOptions() httpclient.DialOptions {
	return httpclient.DialOptions{Subprotocols: f.Subprotocols, MaxMessageSize: f.maxSize()}
}

// parseByteSize reads a size: bytes, or a number with K, M or G (KiB,
// MiB, GiB; a trailing "iB" or "B" is allowed, any case).
func parseByteSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	switch {
	case strings.HasSuffix(t, "K"):
		mult, t = 1<<10, t[:len(t)-1]
	case strings.HasSuffix(t, "M"):
		mult, t = 1<<20, t[:len(t)-1]
	case strings.HasSuffix(t, "G"):
		mult, t = 1<<30, t[:len(t)-1]
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || v*mult > 1<<50 {
		return 0, strconv.ErrSyntax
	}
	return int64(v * mult), nil
}
