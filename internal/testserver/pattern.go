package testserver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// patternLine is the 64-byte cycle every generated body repeats: printable,
// so a script can `cmp` downloads, and line-broken, so a terminal survives it.
const patternLine = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\n"

// patternBlockSize is a multiple of len(patternLine), so a block can be
// indexed by offset modulo its size.
const patternBlockSize = 64 << 10

var patternBlock = sync.OnceValue(func() []byte {
	return []byte(strings.Repeat(patternLine, patternBlockSize/len(patternLine)))
})

// PatternByte returns byte off of every generated body: the fixtures'
// downloads, big bodies and truncated transfers are prefixes of one
// infinite repetition of a 64-byte line.
func PatternByte(off int64) byte { return patternLine[off%int64(len(patternLine))] }

// PatternReader reads the first size bytes of the pattern without holding
// them in memory. It implements [io.ReadSeeker] and [io.ReaderAt], so
// [net/http.ServeContent] can answer Range requests from it.
type PatternReader struct {
	size, off int64
}

// NewPatternReader returns a reader of size pattern bytes.
func NewPatternReader(size int64) *PatternReader { return &PatternReader{size: size} }

// Read implements [io.Reader].
func (p *PatternReader) Read(b []byte) (int, error) {
	n, err := p.ReadAt(b, p.off)
	p.off += int64(n)
	return n, err
}

// ReadAt implements [io.ReaderAt].
func (p *PatternReader) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("pattern: negative offset")
	}
	if off >= p.size {
		return 0, io.EOF
	}
	var err error
	if rem := p.size - off; int64(len(b)) > rem {
		b = b[:rem]
		err = io.EOF
	}
	block := patternBlock()
	n := 0
	for n < len(b) {
		n += copy(b[n:], block[(off+int64(n))%patternBlockSize:])
	}
	return n, err
}

// Seek implements [io.Seeker].
func (p *PatternReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += p.off
	case io.SeekEnd:
		offset += p.size
	default:
		return 0, fmt.Errorf("pattern: bad whence %d", whence)
	}
	if offset < 0 {
		return 0, errors.New("pattern: negative position")
	}
	p.off = offset
	return offset, nil
}

// WritePatternFile writes the first size pattern bytes to path, for
// comparing downloads and for uploading bodies of a known content.
func WritePatternFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create pattern file: %w", err)
	}
	if _, err := io.Copy(f, NewPatternReader(size)); err != nil {
		f.Close()
		return fmt.Errorf("write pattern file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write pattern file: %w", err)
	}
	return nil
}

// ParseSize parses a byte count with an optional binary suffix: "100",
// "64k", "10M", "1G" (KiB, MiB, GiB; case-insensitive, "KiB" also accepted).
func ParseSize(s string) (int64, error) {
	num := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(s), "ib"), "b")
	mult := int64(1)
	if num != "" {
		switch num[len(num)-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		}
		if mult != 1 {
			num = num[:len(num)-1]
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return n * mult, nil
}
