package sse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func readLines(l *Lines) ([]string, error) {
	var out []string
	for {
		rec, err := l.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, string(rec))
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		seq  bool
		want []string
	}{
		{"NDJSON", "{\"a\":1}\n{\"a\":2}\n", false, []string{`{"a":1}`, `{"a":2}`}},
		{"CRLF", "1\r\n2\r\n", false, []string{"1", "2"}},
		{"blank lines skipped", "\n1\n\n  \n2\n", false, []string{"1", "2"}},
		{"last line without end", "1\n2", false, []string{"1", "2"}},
		{"empty", "", false, nil},
		{"json-seq", "\x1e{\"a\":1}\n\x1e{\"a\":2}\n", true, []string{`{"a":1}`, `{"a":2}`}},
		{"json-seq over lines", "\x1e{\n \"a\": 1\n}\n\x1e2\n", true, []string{"{\n \"a\": 1\n}", "2"}},
		{"json-seq empty records", "\x1e\x1e\n\x1e3\n", true, []string{"3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, chunked := range []bool{false, true} {
				var r io.Reader = strings.NewReader(tc.in)
				if chunked {
					r = iotest.OneByteReader(r)
				}
				var raw bytes.Buffer
				l := NewLines(r, tc.seq)
				l.Raw = &raw
				got, err := readLines(l)
				if err != nil {
					t.Fatalf("read %q: %v", tc.in, err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("read %q (one byte at a time: %v) (-want +got):\n%s", tc.in, chunked, diff)
				}
				if raw.String() != tc.in {
					t.Errorf("read %q: Raw got %q", tc.in, raw.String())
				}
			}
		})
	}
}

func TestLinesRawStopsAtTheRecord(t *testing.T) {
	t.Parallel()
	var raw bytes.Buffer
	l := NewLines(strings.NewReader("1\n2\n3\n"), false)
	l.Raw = &raw
	l.Next()
	l.Next()
	if raw.String() != "1\n2\n" {
		t.Errorf("after two records Raw got %q, want %q", raw.String(), "1\n2\n")
	}
}

func TestLinesLimit(t *testing.T) {
	t.Parallel()
	l := NewLines(strings.NewReader("12345\n123456\n"), false)
	l.SetMaxSize(5)
	got, err := readLines(l)
	var tl *TooLargeError
	if len(got) != 1 || !errors.As(err, &tl) || tl.Limit != 5 {
		t.Errorf("got %q, %v; want one record then a TooLargeError naming 5", got, err)
	}

	src := &countingReader{r: endless('x')}
	l = NewLines(src, false)
	l.SetMaxSize(1 << 20)
	if _, err := l.Next(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless line: Next = %v, want a TooLargeError", err)
	}
	if src.n > 1<<20+2*bufSize {
		t.Errorf("read %d bytes before refusing a 1 MiB line", src.n)
	}
}
