package httpclient

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// SOCKS4 reply codes (the CD byte of the proxy's reply).
const (
	socks4Granted = 90
)

// socks4Replies word the SOCKS4 refusals, as the protocol defines them.
var socks4Replies = map[int]string{
	91: "request rejected or failed",
	92: "request rejected: the proxy cannot reach identd on this machine",
	93: "request rejected: the user ID is not the one identd reports",
}

// dialSOCKS4 connects to addr through a SOCKS4 proxy (socks4://, the
// target resolved here to an IPv4 address) or a SOCKS4a proxy (socks4a://,
// the name sent to the proxy), as PySocks does for Requests. The user name
// of the proxy URL is the SOCKS4 user ID; SOCKS4 has no password. With
// local DNS each IPv4 address is asked for in turn while the proxy
// rejects the request.
func (d *socksDialer) dialSOCKS4(ctx context.Context, addr string, targets []string) (net.Conn, error) {
	userID := ""
	if d.proxy.User != nil {
		userID = d.proxy.User.Username()
	}
	proxyAddr := net.JoinHostPort(d.proxy.Hostname(), portOr(d.proxy.Port(), "1080"))
	var first error
	tried := 0
	for _, target := range targets {
		host, portStr, err := net.SplitHostPort(target)
		if err != nil {
			return nil, err
		}
		port, err := strconv.Atoi(portStr)
		if err != nil {
			return nil, err
		}
		ip := net.ParseIP(host)
		switch {
		case ip != nil && ip.To4() == nil:
			continue // SOCKS4 carries IPv4 addresses only
		case ip == nil && !d.remoteDNS:
			return nil, fmt.Errorf("SOCKS4 needs an address for %s", host)
		}
		tried++
		conn, err := d.forward.DialContext(ctx, "tcp", proxyAddr)
		if err != nil {
			return nil, &socksError{proxy: d.proxy.Redacted(), target: addr, reply: -1, version: 4, err: &proxyDialError{err: err}}
		}
		reply, err := socks4Connect(ctx, conn, host, ip, port, userID)
		if err == nil {
			return conn, nil
		}
		conn.Close()
		se := &socksError{proxy: d.proxy.Redacted(), target: addr, reply: reply, version: 4, err: err}
		if first == nil {
			first = se
		}
		if reply != 91 || ctx.Err() != nil {
			return nil, se
		}
	}
	if tried == 0 {
		return nil, &socksError{proxy: d.proxy.Redacted(), target: addr, reply: -1, version: 4,
			err: errors.New("SOCKS4 reaches IPv4 addresses only (socks5:// carries IPv6)")}
	}
	return nil, first
}

// socks4Connect sends a CONNECT request for host:port over conn (to ip
// when it is set, else the name for SOCKS4a) and reads the reply. It
// returns the reply code (-1 when none arrived) and an error unless the
// request was granted. ctx bounds the exchange.
func socks4Connect(ctx context.Context, conn net.Conn, host string, ip net.IP, port int, userID string) (int, error) {
	req := []byte{4, 1, 0, 0}
	binary.BigEndian.PutUint16(req[2:], uint16(port))
	if ip4 := ip.To4(); ip4 != nil {
		req = append(req, ip4...)
		req = append(req, userID...)
		req = append(req, 0)
	} else {
		// SOCKS4a: the address 0.0.0.x (x not 0) says a name follows
		// the user ID.
		req = append(req, 0, 0, 0, 1)
		req = append(req, userID...)
		req = append(req, 0)
		req = append(req, host...)
		req = append(req, 0)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(req); err != nil {
		return -1, err
	}
	var resp [8]byte
	if _, err := io.ReadFull(conn, resp[:]); err != nil {
		if err == io.EOF {
			err = errors.New("the proxy closed the connection without a reply")
		}
		return -1, err
	}
	if resp[0] != 0 {
		return -1, fmt.Errorf("not a SOCKS4 reply (version byte %d)", resp[0])
	}
	if !stop() {
		return -1, ctx.Err()
	}
	conn.SetDeadline(time.Time{})
	if resp[1] != socks4Granted {
		return int(resp[1]), fmt.Errorf("reply code %d", resp[1])
	}
	return socks4Granted, nil
}
