package httpclient

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// zstdMaxWindow is the largest zstd window a response may ask for. RFC 9659
// §3 lets decoders refuse windows above 8 MiB, so servers stay below it and
// a hostile body cannot make us allocate more.
const zstdMaxWindow = 8 << 20

// contentCodings returns the codings of h's Content-Encoding in the order
// they were applied, lower-cased, without "identity". Several header lines
// are one list (RFC 9110 §5.3).
func contentCodings(h http.Header) []string {
	var codings []string
	for _, line := range h.Values("Content-Encoding") {
		for _, c := range strings.Split(line, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			if c == "" || c == "identity" {
				continue
			}
			codings = append(codings, c)
		}
	}
	return codings
}

// decodable reports whether every coding in codings can be undone. A body
// with a coding we do not know is passed on as it is, as urllib3 does.
func decodable(codings []string) bool {
	for _, c := range codings {
		switch c {
		case "gzip", "x-gzip", "deflate", "br", "zstd":
		default:
			return false
		}
	}
	return true
}

// newDecoder wraps r in the decoders that undo codings, last applied first.
// The returned closer releases the decoders (not r).
func newDecoder(r io.Reader, codings []string) (io.Reader, func(), error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		var c func()
		r, c, err = newCodingReader(r, codings[i])
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		if c != nil {
			closers = append(closers, c)
		}
	}
	return r, closeAll, nil
}

// newCodingReader returns a reader undoing one content coding.
func newCodingReader(r io.Reader, coding string) (io.Reader, func(), error) {
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	case "deflate":
		return newDeflateReader(r)
	case "br":
		return brotli.NewReader(r), nil, nil
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	}
	return nil, nil, fmt.Errorf("unsupported content coding %q", coding)
}

// newDeflateReader reads "deflate" bodies. RFC 9110 means the zlib format,
// but some servers send a raw deflate stream, so the first two bytes decide:
// a zlib header has compression method 8 and a checksum divisible by 31.
func newDeflateReader(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil && len(head) < 2 {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, err
	}
	if isZlibHeader(head[0], head[1]) {
		zr, err := zlib.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	}
	fr := flate.NewReader(br)
	return fr, func() { fr.Close() }, nil
}

// isZlibHeader reports whether cmf, flg start a zlib stream (RFC 1950 §2.2).
func isZlibHeader(cmf, flg byte) bool {
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}
