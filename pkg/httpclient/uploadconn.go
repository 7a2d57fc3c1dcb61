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
	switch f := src.(type) {
	case *os.File:
		return c.TCPConn.ReadFrom(r)
	case *countedFile:
		return c.sendCounted(r, f)
	}
	// The wrappers hide WriterTo and ReaderFrom, which would bring back
	// small copies or call this method again.
	return io.CopyBuffer(struct{ io.Writer }{c.TCPConn}, struct{ io.Reader }{r}, make([]byte, uploadCopySize))
}

// sendCounted sends a counted file through the kernel as ReadFrom sends a
// file, in uploadProgressPiece pieces so that its count moves as it goes.
// r is f, or an *io.LimitedReader over f that net/http made from the
// Content-Length; its N is kept up to date.
func (c *uploadConn) sendCounted(r io.Reader, f *countedFile) (int64, error) {
	return sendInPieces(r, uploadProgressPiece, func(limit int64) (int64, error) {
		n, err := c.TCPConn.ReadFrom(&io.LimitedReader{R: f.f, N: limit})
		f.add(n)
		return n, err
	})
}

// sendInPieces sends what r holds through send, at most piece bytes a
// call, until r ends: r is a body, or an *io.LimitedReader over one whose
// count net/http keeps, and which is kept up to date. send sends at most
// limit bytes and reports how many it sent; fewer ends the body.
func sendInPieces(r io.Reader, piece int64, send func(limit int64) (int64, error)) (int64, error) {
	lr, limited := r.(*io.LimitedReader)
	var total int64
	for {
		limit := piece
		if limited {
			limit = min(limit, lr.N)
		}
		if limit <= 0 {
			return total, nil
		}
		n, err := send(limit)
		total += n
		if limited {
			lr.N -= n
		}
		if err != nil || n < limit {
			return total, err
		}
	}
}

// uploadProgressPiece is how much of a counted file the kernel sends
// between two progress reports.
const uploadProgressPiece = 1 << 20

// onUploadKey carries SendOptions.OnUpload to newHTTPRequest.
type onUploadKey struct{}

// countUpload wraps a request body so that add learns of every byte
// sent. A file keeps a type uploadConn recognises, so it still goes
// through sendfile.
func countUpload(body io.ReadCloser, add func(int64)) io.ReadCloser {
	if f, ok := body.(*os.File); ok {
		return &countedFile{f: f, add: add}
	}
	return &countedBody{ReadCloser: body, add: add}
}

// countedFile is a file body that counts what is read or sent of it. It
// has no WriteTo (os.File's would bypass the count).
type countedFile struct {
	f   *os.File
	add func(int64)
}

func (c *countedFile) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.add(int64(n))
	return n, err
}

func (c *countedFile) Close() error { return c.f.Close() }

// countedBody is any other body, counting what is read of it.
type countedBody struct {
	io.ReadCloser
	add func(int64)
}

func (c *countedBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.add(int64(n))
	return n, err
}
