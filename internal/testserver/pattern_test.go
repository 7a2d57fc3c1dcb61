package testserver

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// naivePattern is the definition PatternReader must match.
func naivePattern(off, n int64) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = PatternByte(off + int64(i))
	}
	return b
}

func TestPatternReaderReadAt(t *testing.T) {
	t.Parallel()
	const size = 3*patternBlockSize + 17
	tests := []struct {
		name    string
		off     int64
		n       int
		wantN   int
		wantEOF bool
	}{
		{name: "start", off: 0, n: 100, wantN: 100},
		{name: "unaligned inside block", off: 63, n: 130, wantN: 130},
		{name: "across block boundary", off: patternBlockSize - 5, n: 10, wantN: 10},
		{name: "larger than a block", off: 7, n: 2*patternBlockSize + 3, wantN: 2*patternBlockSize + 3},
		{name: "up to the end", off: size - 10, n: 10, wantN: 10},
		{name: "past the end", off: size - 10, n: 20, wantN: 10, wantEOF: true},
		{name: "at the end", off: size, n: 5, wantN: 0, wantEOF: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			buf := make([]byte, tc.n)
			n, err := NewPatternReader(size).ReadAt(buf, tc.off)
			if n != tc.wantN || (err == io.EOF) != tc.wantEOF {
				t.Fatalf("ReadAt(len %d, off %d) = %d, %v; want %d, EOF %v", tc.n, tc.off, n, err, tc.wantN, tc.wantEOF)
			}
			if want := naivePattern(tc.off, int64(n)); !bytes.Equal(buf[:n], want) {
				t.Errorf("ReadAt(len %d, off %d) bytes differ from the pattern", tc.n, tc.off)
			}
		})
	}
}

func TestPatternReaderSeekAndRead(t *testing.T) {
	t.Parallel()
	r := NewPatternReader(1000)
	tests := []struct {
		name   string
		offset int64
		whence int
		want   int64
	}{
		{name: "start", offset: 10, whence: io.SeekStart, want: 10},
		{name: "current", offset: 5, whence: io.SeekCurrent, want: 15},
		{name: "end", offset: -100, whence: io.SeekEnd, want: 900},
	}
	for _, tc := range tests {
		got, err := r.Seek(tc.offset, tc.whence)
		if err != nil || got != tc.want {
			t.Fatalf("%s: Seek(%d, %d) = %d, %v; want %d", tc.name, tc.offset, tc.whence, got, err, tc.want)
		}
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("ReadAll after Seek: %v", err)
	}
	if !bytes.Equal(rest, naivePattern(900, 100)) {
		t.Errorf("ReadAll after Seek(-100, end) = %q, want the last 100 pattern bytes", rest)
	}
	if _, err := r.Seek(-1, io.SeekStart); err == nil {
		t.Errorf("Seek(-1, start) succeeded, want an error")
	}
}

func TestWritePatternFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "p.bin")
	if err := WritePatternFile(path, 70000); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, naivePattern(0, 70000)) {
		t.Errorf("WritePatternFile(70000) wrote %d bytes that differ from the pattern", len(got))
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "1234", want: 1234},
		{in: "64k", want: 64 << 10},
		{in: "64KiB", want: 64 << 10},
		{in: "10M", want: 10 << 20},
		{in: "10mb", want: 10 << 20},
		{in: "1G", want: 1 << 30},
		{in: "100b", want: 100},
		{in: "", wantErr: true},
		{in: "k", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "1T", wantErr: true},
		{in: "abc", wantErr: true},
		{in: "99999999999G", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseSize(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
