package testserver

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// maxFill bounds the connections dialled to fill the queue; with a backlog
// of 0 Linux needs one.
const maxFill = 8

// NewNeverAccept creates a [NeverAccept] listener. On Linux the queue is
// known to be full when TCP_INFO on the listening socket reports more
// queued connections (tcpi_unacked) than its backlog (tcpi_sacked), which
// is exactly the kernel's sk_acceptq_is_full test for dropping SYNs.
func NewNeverAccept() (*NeverAccept, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return nil, fmt.Errorf("never-accept socket: %w", err)
	}
	n := &NeverAccept{closeFn: func() { unix.Close(fd) }}
	fail := func(err error) (*NeverAccept, error) {
		n.Close()
		return nil, fmt.Errorf("never-accept listener: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fail(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		return fail(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fail(err)
	}
	in4, ok := sa.(*unix.SockaddrInet4)
	if !ok {
		return fail(errors.New("unexpected socket address type"))
	}
	n.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(in4.Port))

	for len(n.fill) < maxFill {
		full, queued, err := acceptQueueFull(fd)
		if err != nil {
			return fail(err)
		}
		if full {
			return n, nil
		}
		c, err := net.DialTimeout("tcp", n.Addr, 5*time.Second)
		if err != nil {
			return fail(fmt.Errorf("fill accept queue: %w", err))
		}
		n.fill = append(n.fill, c)
		// The server side queues the connection when it sees the final
		// ACK, which can be just after the client's connect returns.
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, now, err := acceptQueueFull(fd)
			if err != nil {
				return fail(err)
			}
			if now > queued {
				break
			}
			if time.Now().After(deadline) {
				return fail(errors.New("dialled connection never queued"))
			}
			time.Sleep(time.Millisecond)
		}
	}
	return fail(fmt.Errorf("accept queue not full after %d connections", maxFill))
}

// acceptQueueFull reports whether the listening socket fd drops new SYNs,
// and how many connections wait in its accept queue.
func acceptQueueFull(fd int) (full bool, queued uint32, err error) {
	info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return false, 0, fmt.Errorf("TCP_INFO: %w", err)
	}
	return info.Unacked > info.Sacked, info.Unacked, nil
}
