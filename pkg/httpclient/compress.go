package httpclient

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
)

// compressInMemory is the largest body of known length compressBody
// deflates in memory; larger ones are deflated twice while streaming, once
// to learn the compressed length and once to send.
const compressInMemory = 1 << 20

// compressBody deflates p's body (the zlib format, sent with
// Content-Encoding: deflate) as Request.Compress says: it is left alone
// when deflating does not make it smaller, unless force is set
// (CompressAlways). A body that can be read only once cannot be measured
// first, so it is always deflated, as it streams. A body that already
// has a Content-Encoding is left alone. It reports whether the body is
// now deflated.
//
// The compressed stream is produced by the standard library's zlib, whose
// output does not depend on how the input is split into reads, so the
// length measured on the first pass is the length sent.
func compressBody(p *PreparedRequest, force bool) (bool, error) {
	if !p.HasBody() || p.Header.Get("Content-Encoding") != "" {
		return false, nil
	}
	switch {
	case p.ContentLength >= 0 && p.ContentLength <= compressInMemory:
		rc, err := p.GetBody()
		if err != nil {
			return false, err
		}
		var out bytes.Buffer
		n, err := deflateTo(&out, rc)
		rc.Close()
		if err != nil {
			return false, err
		}
		if !force && int64(out.Len()) >= n {
			return false, nil
		}
		b := out.Bytes()
		p.SetBody(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }, int64(len(b)))
	case p.bodySrc != nil && p.bodySrc.replay != nil:
		open := p.body
		p.SetBody(func() (io.ReadCloser, error) { return deflatingReader(open, -1) }, -1)
	default:
		rc, err := p.GetBody()
		if err != nil {
			return false, err
		}
		var size countWriter
		in, err := deflateTo(&size, rc)
		rc.Close()
		if err != nil {
			return false, err
		}
		if !force && p.ContentLength >= 0 && size.n >= in {
			return false, nil
		}
		open, length := p.body, size.n
		p.SetBody(func() (io.ReadCloser, error) { return deflatingReader(open, length) }, length)
	}
	p.Header.Set("Content-Encoding", "deflate")
	return true, nil
}

// deflateTo writes the zlib stream of r to w and returns how many bytes of
// r it read.
func deflateTo(w io.Writer, r io.Reader) (int64, error) {
	zw := zlib.NewWriter(w)
	n, err := io.Copy(zw, r)
	if err != nil {
		return n, fmt.Errorf("compress body: %w", err)
	}
	if err := zw.Close(); err != nil {
		return n, fmt.Errorf("compress body: %w", err)
	}
	return n, nil
}

// deflatingReader opens the body and deflates it through a pipe. When want
// is not -1 the compressed length is checked against it, so a file that
// changed since it was measured fails instead of sending a wrong length.
func deflatingReader(open func() (io.ReadCloser, error), want int64) (io.ReadCloser, error) {
	src, err := open()
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		cw := &countWriter{w: pw}
		_, err := deflateTo(cw, src)
		src.Close()
		if err == nil && want >= 0 && cw.n != want {
			err = fmt.Errorf("%w: body changed while it was sent (compressed to %d bytes, expected %d)", ErrInvalidBody, cw.n, want)
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// countWriter counts bytes written and passes them to w (or drops them
// when w is nil).
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.w == nil {
		c.n += int64(len(p))
		return len(p), nil
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
