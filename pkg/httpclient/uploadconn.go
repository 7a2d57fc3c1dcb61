package httpclient

import (
	"io"
	"net"
	"os"
)

// uploadConn is a TCP connection whose ReadFrom copies request bodies in
// large pieces. net/http hands a body to the connection's ReadFrom once
// its own buffer is flushed; *net.TCPConn uses sendfile for a file but a
// 32 KiB copy loop for anything else, such as a multipart body (framing
// around files), which then costs about a tenth of loopback throughput.
type uploadConn struct {
	*net.TCPConn
}

// uploadCopySize is the piece size for bodies the kernel cannot send
// from a file directly.
const uploadCopySize = 256 << 10

// ReadFrom sends files through the kernel (sendfile) as *net.TCPConn does,
// and copies every other reader in uploadCopySize pieces.
func (c *uploadConn) ReadFrom(r io.Reader) (int64, error) {
	src := r
	if lr, ok := r.(*io.LimitedReader); ok {
		src = lr.R
	}
	if _, isFile := src.(*os.File); isFile {
		return c.TCPConn.ReadFrom(r)
	}
	// The wrappers hide WriterTo and ReaderFrom, which would bring back
	// small copies or call this method again.
	return io.CopyBuffer(struct{ io.Writer }{c.TCPConn}, struct{ io.Reader }{r}, make([]byte, uploadCopySize))
}
