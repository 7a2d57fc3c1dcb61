package httpclient

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptrace"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// netDialer makes the session's connections: --resolve pins, the address
// family, the local interface, a Unix socket, and a connect timeout that
// applies to each address tried (as urllib3's create_connection does),
// where net.Dialer would split it among them.
type netDialer struct {
	timeout        time.Duration
	writeTimeout   time.Duration       // the read timeout, also bounding each write
	pins           map[string][]string // "host:port" (lower case) to addresses
	family         int                 // 0, 4 or 6
	local4, local6 net.IP              // from Options.Interface
	iface          string
	unixSocket     string
}

func newNetDialer(opts Options) (*netDialer, error) {
	d := &netDialer{timeout: opts.ConnectTimeout, writeTimeout: opts.ReadTimeout, unixSocket: opts.UnixSocket, iface: opts.Interface}
	switch {
	case opts.IPv4:
		d.family = 4
	case opts.IPv6:
		d.family = 6
	}
	d.pins = resolvePins(opts.Resolve)
	if opts.Interface != "" {
		var err error
		if d.local4, d.local6, err = interfaceAddrs(opts.Interface); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// resolvePins indexes resolve entries by "host:port" (host lower-cased).
func resolvePins(entries []ResolveEntry) map[string][]string {
	pins := map[string][]string{}
	for _, e := range entries {
		key := net.JoinHostPort(strings.ToLower(e.Host), strconv.Itoa(int(e.Port)))
		for _, a := range e.Addrs {
			pins[key] = append(pins[key], a.Unmap().String())
		}
	}
	return pins
}

// interfaceAddrs returns the local addresses to bind to for name, an
// interface name or an IP address: the first IPv4 and the first
// non-link-local IPv6 address.
func interfaceAddrs(name string) (v4, v6 net.IP, err error) {
	if ip := net.ParseIP(name); ip != nil {
		if ip.To4() != nil {
			return ip, nil, nil
		}
		return nil, ip, nil
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, nil, fmt.Errorf("interface %q: %w", name, err)
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return nil, nil, fmt.Errorf("interface %q: %w", name, err)
	}
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		switch {
		case n.IP.To4() != nil && v4 == nil:
			v4 = n.IP
		case n.IP.To4() == nil && v6 == nil && !n.IP.IsLinkLocalUnicast():
			v6 = n.IP
		}
	}
	if v4 == nil && v6 == nil {
		return nil, nil, fmt.Errorf("interface %q has no usable address", name)
	}
	return v4, v6, nil
}

// pinned returns the addresses --resolve gives host:port, if any.
func (d *netDialer) pinned(host, port string) []string {
	return d.pins[net.JoinHostPort(strings.ToLower(host), port)]
}

// lookup resolves host to addresses of the allowed family, reporting to
// the request's httptrace DNS hooks itself. The resolver gets a context
// without the request's values: net.Dialer hides ConnectStart and
// ConnectDone from its resolver (they would fire for the DNS server's
// sockets), and an internal trace key leaves no other way to do so.
func (d *netDialer) lookup(ctx context.Context, host string) ([]string, error) {
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.DNSStart != nil {
		trace.DNSStart(httptrace.DNSStartInfo{Host: host})
	}
	lctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if deadline, ok := ctx.Deadline(); ok {
		lctx, cancel = context.WithDeadline(lctx, deadline)
		defer cancel()
	}
	defer context.AfterFunc(ctx, cancel)()
	ips, err := net.DefaultResolver.LookupIPAddr(lctx, host)
	if trace != nil && trace.DNSDone != nil {
		trace.DNSDone(httptrace.DNSDoneInfo{Addrs: ips, Err: err})
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ip := range ips {
		if d.allows(ip.IP) {
			out = append(out, ip.String())
		}
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: fmt.Sprintf("no IPv%d address", d.family), Name: host, IsNotFound: true}
	}
	return out, nil
}

func (d *netDialer) allows(ip net.IP) bool {
	switch d.family {
	case 4:
		return ip.To4() != nil
	case 6:
		return ip.To4() == nil
	}
	return true
}

// DialContext connects to addr, trying each of its addresses in turn with
// the full connect timeout.
func (d *netDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.unixSocket != "" {
		nd := &net.Dialer{Timeout: d.timeout}
		return nd.DialContext(ctx, "unix", d.unixSocket)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	addrs, err := d.addresses(ctx, network, host, port)
	if err != nil {
		return nil, err
	}
	var first error
	for _, a := range addrs {
		c, err := d.dialOne(ctx, network, a, port)
		if err == nil {
			if tc, ok := c.(*net.TCPConn); ok {
				uc := &uploadConn{TCPConn: tc}
				if d.writeTimeout > 0 {
					return &stallConn{uploadConn: uc, timeout: d.writeTimeout}, nil
				}
				return uc, nil
			}
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// addresses returns the addresses to try for host:port: its --resolve
// pins, the host itself when it is an address, else what DNS says.
func (d *netDialer) addresses(ctx context.Context, network, host, port string) ([]string, error) {
	if addrs := d.pinned(host, port); len(addrs) > 0 {
		return addrs, nil
	}
	// netip, unlike net.ParseIP, accepts an IPv6 zone (fe80::1%eth0,
	// from http://[fe80::1%25eth0]/), which must reach the dialer.
	if _, err := netip.ParseAddr(host); err == nil {
		return []string{host}, nil
	}
	addrs, err := d.lookup(ctx, host)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	return addrs, nil
}

// dialOne connects to one address, an IP with an optional IPv6 zone.
func (d *netDialer) dialOne(ctx context.Context, network string, a string, port string) (net.Conn, error) {
	addr := net.JoinHostPort(a, port)
	na, err := netip.ParseAddr(a)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%q is not an IP address", a)}
	}
	ip := net.IP(na.WithZone("").AsSlice())
	if !d.allows(ip) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%s is not an IPv%d address", ip, d.family)}
	}
	nd := &net.Dialer{Timeout: d.timeout, KeepAlive: 30 * time.Second}
	if d.iface != "" {
		local := d.local4
		if ip.To4() == nil {
			local = d.local6
		}
		if local == nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("interface %q has no address for %s", d.iface, ip)}
		}
		nd.LocalAddr = &net.TCPAddr{IP: local}
	}
	return nd.DialContext(ctx, network, addr)
}

// stallConn bounds each write to a connection by the read timeout, as a
// socket timeout bounds every send in Requests: a server that stops
// reading a request body would otherwise hold the upload forever, since
// net/http's response-header timeout only starts once the body is sent.
// Writes go in stallPiece pieces, each with its own deadline, so the
// limit is on a stall, never on a long upload that keeps moving.
type stallConn struct {
	*uploadConn
	timeout time.Duration
}

// stallPiece is how much one write may send under one deadline.
const stallPiece = 256 << 10

func (c *stallConn) Write(p []byte) (int, error) {
	defer c.TCPConn.SetWriteDeadline(time.Time{})
	var total int
	for len(p) > 0 {
		n := min(len(p), stallPiece)
		c.TCPConn.SetWriteDeadline(time.Now().Add(c.timeout))
		k, err := c.TCPConn.Write(p[:n])
		total += k
		p = p[k:]
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// ReadFrom sends r through uploadConn's ReadFrom (sendfile for a file) a
// piece at a time, each under its own deadline. r is what net/http hands
// over: a body, or an *io.LimitedReader over one that it keeps the count
// of.
func (c *stallConn) ReadFrom(r io.Reader) (int64, error) {
	defer c.TCPConn.SetWriteDeadline(time.Time{})
	src := r
	if lr, ok := r.(*io.LimitedReader); ok {
		src = lr.R
	}
	return sendInPieces(r, stallPiece, func(limit int64) (int64, error) {
		c.TCPConn.SetWriteDeadline(time.Now().Add(c.timeout))
		return c.uploadConn.ReadFrom(&io.LimitedReader{R: src, N: limit})
	})
}
