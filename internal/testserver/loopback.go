package testserver

import (
	"context"
	"fmt"
	"net"
	"strings"
)

// loopbackHost reports the loopback address a proxy fixture may connect to
// for host, resolving "localhost" (and *.localhost, RFC 6761) to 127.0.0.1
// itself so the answer never depends on the machine's resolver or IPv6.
func loopbackHost(ctx context.Context, host string) (net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("test proxies only connect to loopback, not %s", host)
		}
		return ip, nil
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return net.IPv4(127, 0, 0, 1), nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if ip.IsLoopback() {
			return ip, nil
		}
	}
	return nil, fmt.Errorf("test proxies only connect to loopback, and %s is not", host)
}

// dialLoopback dials addr only when its host is a loopback address, so the
// proxy fixtures can never reach beyond the machine whatever a test asks.
func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip, err := loopbackHost(ctx, host)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
}
