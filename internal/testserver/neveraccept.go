package testserver

import (
	"net"
	"sync"
)

// NeverAccept is a TCP listener on 127.0.0.1 that never completes a new
// connection: its accept queue is full and nothing ever accepts, so the
// kernel drops every further SYN and a client's connect blocks until its
// own connect timeout fires, as with an unreachable host, but on loopback.
//
// It is built from a socket listening with a backlog of 0 (an accept queue
// of one connection on Linux) and a few connections dialled at creation
// that are never accepted, until the kernel reports the queue full.
type NeverAccept struct {
	// Addr is the listener's host:port.
	Addr string

	closeOnce sync.Once
	closeFn   func()
	fill      []net.Conn
}

// Close releases the listener and the connections that fill its queue.
func (n *NeverAccept) Close() {
	n.closeOnce.Do(func() {
		for _, c := range n.fill {
			c.Close()
		}
		n.closeFn()
	})
}
