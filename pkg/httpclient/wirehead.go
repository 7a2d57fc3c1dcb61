package httpclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"

	"github.com/reqs-cli/reqs/pkg/httpclient/internal/wire"
)

// Heads on the wire: net/http writes request headers sorted by name and
// parses response headers into a map, so the session records and
// reorders heads on the connection itself (package internal/wire) and
// this file ties that recording to requests and responses.

// HeaderField is one header line: the name as written and its value.
type HeaderField struct {
	Name, Value string
}

// headerFieldsOf converts recorded fields.
func headerFieldsOf(fs []wire.Field) []HeaderField {
	out := make([]HeaderField, len(fs))
	for i, f := range fs {
		out[i] = HeaderField(f)
	}
	return out
}

// headerFields lists h with names sorted, for heads whose order is not
// known (HTTP/3, mounted transports).
func headerFields(h http.Header) []HeaderField {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []HeaderField
	for _, name := range names {
		for _, v := range h[name] {
			out = append(out, HeaderField{Name: name, Value: v})
		}
	}
	return out
}

// proxyHopKey marks a request whose TLS dial, if any, is to its HTTPS
// proxy rather than to the target.
type proxyHopKey struct{}

// wireOrderKey carries the header order of a request to the
// GotConn hook that arms its connection.
type wireOrderKey struct{}

// armConn arms conn, the connection net/http picked for the request, with
// the header order in ctx when it is a [wire.Conn], and returns it (else
// got) so the response head can be fetched.
func armConn(ctx context.Context, conn net.Conn, got *wire.Conn) *wire.Conn {
	wc, ok := conn.(*wire.Conn)
	if !ok {
		return got
	}
	order, _ := ctx.Value(wireOrderKey{}).([]string)
	if order == nil {
		order = []string{}
	}
	wc.Arm(order)
	return wc
}

// wrapConn wraps a plain connection for head reordering.
func wrapConn(c net.Conn, err error) (net.Conn, error) {
	if err != nil {
		return nil, err
	}
	return &wire.Conn{Conn: c}, nil
}

// errNotWire says a response came over a connection that records no head.
var errNotWire = errors.New("no raw head")

// rawResponseHead parses a recorded head into fields, checking that it is
// the head of the response net/http parsed (same status code).
func rawResponseHead(head []byte, status int) ([]HeaderField, error) {
	if head == nil {
		return nil, errNotWire
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if !bytes.Contains(line, fmt.Appendf(nil, " %d", status)) {
		return nil, errNotWire
	}
	return headerFieldsOf(wire.ParseHead(head)), nil
}

// wireHead returns the response head c recorded, or nil for no [wire.Conn].
func wireHead(c *wire.Conn) []byte {
	if c == nil {
		return nil
	}
	return c.ResponseHead()
}

// onConnectKey carries SendOptions.OnConnect to the GotConn hook.
type onConnectKey struct{}

// connProto names the protocol a request goes out with on conn.
func connProto(conn net.Conn) string {
	if tc, ok := conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
		return "HTTP/2"
	}
	if wire.IsH2(conn) {
		return "HTTP/2"
	}
	// quic-go's stand-in for a QUIC connection answers only for its
	// addresses, which are UDP ones.
	if conn != nil && conn.LocalAddr() != nil && conn.LocalAddr().Network() == "udp" {
		return "HTTP/3"
	}
	return "HTTP/1.1"
}
