package sse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// decodeAll reads every event of r, returning them and the error that
// ended the stream (nil for io.EOF).
func decodeAll(d *Decoder) ([]Event, error) {
	var evs []Event
	for {
		ev, err := d.Next()
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

func TestDecoder(t *testing.T) {
	t.Parallel()
	msg := func(data string) Event { return Event{Type: "message", Data: data} }
	tests := []struct {
		name string
		in   string
		want []Event
	}{
		{"one event", "data: hello\n\n", []Event{msg("hello")}},
		{"CRLF line ends", "data: a\r\ndata: b\r\n\r\n", []Event{msg("a\nb")}},
		{"CR line ends", "data: a\rdata: b\r\rdata: c\r\r", []Event{msg("a\nb"), msg("c")}},
		{"mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", []Event{msg("a\nb\nc")}},
		{"multi-line data", "data: {\ndata: \"x\": 1\ndata: }\n\n", []Event{msg("{\n\"x\": 1\n}")}},
		{"comments ignored", ": keep-alive\n:\ndata: x\n: between\n\n", []Event{msg("x")}},
		{"only one space stripped", "data:  two\n\n", []Event{msg(" two")}},
		{"no space after colon", "data:x\n\n", []Event{msg("x")}},
		{"field without colon", "data\n\n", []Event{msg("")}},
		{"empty data then data", "data\ndata\n\n", []Event{msg("\n")}},
		{"event type", "event: add\ndata: 1\n\n", []Event{{Type: "add", Data: "1"}}},
		{"type resets after dispatch", "event: add\ndata: 1\n\ndata: 2\n\n", []Event{{Type: "add", Data: "1"}, msg("2")}},
		{"event without data is dropped, and its type", "event: a\n\ndata: x\n\n", []Event{msg("x")}},
		{"id kept across events", "id: 7\ndata: a\n\ndata: b\n\n", []Event{{Type: "message", ID: "7", Data: "a"}, {Type: "message", ID: "7", Data: "b"}}},
		{"empty id clears it", "id: 7\ndata: a\n\nid\ndata: b\n\n", []Event{{Type: "message", ID: "7", Data: "a"}, msg("b")}},
		{"id with NUL ignored", "id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", []Event{{Type: "message", ID: "1", Data: "a"}, {Type: "message", ID: "1", Data: "b"}}},
		{"id without data still sets the id", "id: 9\n\ndata: x\n\n", []Event{{Type: "message", ID: "9", Data: "x"}}},
		{"unknown fields ignored", "foo: bar\nData: no\ndata: yes\n\n", []Event{msg("yes")}},
		{"unfinished event discarded", "data: a\n\ndata: b\n", []Event{msg("a")}},
		{"unfinished line discarded", "data: a\n\ndata: b", []Event{msg("a")}},
		{"byte order mark dropped", "\xef\xbb\xbfdata: a\n\n", []Event{msg("a")}},
		{"only one byte order mark dropped", "\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n", []Event{msg("b")}},
		{"invalid UTF-8 replaced", "data: a\xffb\n\n", []Event{msg("a\ufffdb")}},
		// The Unicode Standard's example of U+FFFD per maximal subpart (§3.9).
		{"invalid UTF-8 by maximal subparts", "data: \x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64\n\n", []Event{msg("a\ufffd\ufffd\ufffdb\ufffdc\ufffd\ufffdd")}},
		{"colon in value kept", "data: a: b\n\n", []Event{msg("a: b")}},
		{"empty stream", "", nil},
		{"blank lines only", "\n\n\r\n\r", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, chunked := range []bool{false, true} {
				var r io.Reader = strings.NewReader(tc.in)
				if chunked {
					r = iotest.OneByteReader(r)
				}
				got, err := decodeAll(NewDecoder(r))
				if err != nil {
					t.Fatalf("decode %q (one byte at a time: %v): %v", tc.in, chunked, err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("decode %q (one byte at a time: %v) (-want +got):\n%s", tc.in, chunked, diff)
				}
			}
		})
	}
}

func TestDecoderRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"retry: 1500\n", 1500 * time.Millisecond, true},
		{"retry: 0\n", 0, true},
		{"retry: 15x\n", 0, false},
		{"retry: -1\n", 0, false},
		{"retry: 1.5\n", 0, false},
		{"retry:\n", 0, false},
		{"retry: 100\nretry: bad\n", 100 * time.Millisecond, true},
	}
	for _, tc := range tests {
		d := NewDecoder(strings.NewReader(tc.in + "data: x\n\n"))
		if _, err := d.Next(); err != nil {
			t.Fatalf("decode %q: %v", tc.in, err)
		}
		got, ok := d.Retry()
		if got != tc.want || ok != tc.ok {
			t.Errorf("decode %q: Retry() = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDecoderLastEventID(t *testing.T) {
	t.Parallel()
	d := NewDecoder(strings.NewReader("id: 1\ndata: a\n\nid: 2\n\n"))
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Next(); err != io.EOF {
		t.Fatalf("Next = %v, want io.EOF", err)
	}
	if got := d.LastEventID(); got != "2" {
		t.Errorf("LastEventID() = %q, want %q (an id without data still counts)", got, "2")
	}
}

func TestDecoderLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		limit  int64
		events int    // events before the error
		what   string // "line" or "event"; "" for no error
	}{
		{"line within the limit", "data: 12345\n\n", 11, 1, ""},
		{"line over the limit", "data: 123456\n\n", 11, 0, "line"},
		{"line over the limit without an end", "data: " + strings.Repeat("x", 300<<10), 100 << 10, 0, "line"},
		{"comment over the limit", ": " + strings.Repeat("x", 200) + "\ndata: a\n\n", 100, 0, "line"},
		{"event over the limit", "data: aaaa\ndata: bbbb\ndata: cccc\n\n", 13, 0, "event"},
		{"event at the limit", "data: aaaa\ndata: bbbb\n\n", 10, 1, ""},
		{"event after a good one", "data: a\n\ndata: aaaa\ndata: bbbb\ndata: cccc\n\n", 13, 1, "event"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := NewDecoder(strings.NewReader(tc.in))
			d.SetMaxSize(tc.limit)
			got, err := decodeAll(d)
			if len(got) != tc.events {
				t.Errorf("got %d events before the error, want %d", len(got), tc.events)
			}
			var tl *TooLargeError
			switch {
			case tc.what == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.what != "" && !errors.As(err, &tl):
				t.Errorf("error %v, want a TooLargeError", err)
			case tc.what != "" && (tl.What != tc.what || tl.Limit != tc.limit || !errors.Is(err, ErrTooLarge)):
				t.Errorf("error %+v, want What %q and Limit %d", tl, tc.what, tc.limit)
			}
			if _, again := d.Next(); tc.what != "" && again != err {
				t.Errorf("Next after the error = %v, want the same error", again)
			}
		})
	}
}

func TestTooLargeErrorNamesTheLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		limit int64
		want  string
	}{
		{16 << 20, "line larger than the limit of 16 MiB"},
		{64 << 10, "line larger than the limit of 64 KiB"},
		{1000, "line larger than the limit of 1000 bytes"},
		{1 << 20 / 2 * 3, "line larger than the limit of 1536 KiB"},
	}
	for _, tc := range tests {
		if got := (&TooLargeError{Limit: tc.limit, What: "line"}).Error(); got != tc.want {
			t.Errorf("TooLargeError{Limit: %d}.Error() = %q, want %q", tc.limit, got, tc.want)
		}
	}
}

// An endless line is refused once it passes the limit, having held no
// more than about the limit: the reader is not drained.
func TestDecoderEndlessLineIsBounded(t *testing.T) {
	t.Parallel()
	src := &countingReader{r: endless('x')}
	d := NewDecoder(src)
	d.SetMaxSize(1 << 20)
	_, err := d.Next()
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Next = %v, want a TooLargeError", err)
	}
	if src.n > 1<<20+2*bufSize {
		t.Errorf("read %d bytes before refusing a 1 MiB line", src.n)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is a reader of one byte repeated forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestDecoderRaw(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf: hi\r\nid: 1\r\ndata: a\r\n\r\nevent: e\rdata: b\r\rdata: c\n\ndata: unfinished"
	tests := []struct {
		events int
		want   string
	}{
		{1, "\xef\xbb\xbf: hi\r\nid: 1\r\ndata: a\r\n\r\n"},
		{2, "\xef\xbb\xbf: hi\r\nid: 1\r\ndata: a\r\n\r\nevent: e\rdata: b\r\r"},
		{3, "\xef\xbb\xbf: hi\r\nid: 1\r\ndata: a\r\n\r\nevent: e\rdata: b\r\rdata: c\n\n"},
		{4, in}, // the fourth Next reaches the end: everything was consumed
	}
	for _, tc := range tests {
		for _, chunked := range []bool{false, true} {
			var r io.Reader = strings.NewReader(in)
			if chunked {
				r = iotest.OneByteReader(r)
			}
			var raw bytes.Buffer
			d := NewDecoder(r)
			d.Raw = &raw
			for range tc.events {
				d.Next()
			}
			got := raw.String()
			if chunked && strings.HasSuffix(tc.want, "\r\n") && got+"\n" == tc.want {
				// The read ended between CR and LF: whether LF follows is
				// known only from the next read, so it goes out with the
				// next event.
				continue
			}
			if got != tc.want {
				t.Errorf("after %d calls (one byte at a time: %v) Raw got %q, want %q", tc.events, chunked, got, tc.want)
			}
		}
	}
}

func TestDecoderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	d := NewDecoder(io.MultiReader(strings.NewReader("data: a\n\ndata: b\n"), iotest.ErrReader(boom)))
	evs, err := decodeAll(d)
	if len(evs) != 1 || !errors.Is(err, boom) {
		t.Errorf("got %v, %v; want one event then the read error", evs, err)
	}
}

// A reset decoder reads a new stream with the last event ID and the
// reconnection time of the old one, and nothing of its unfinished event.
func TestDecoderReset(t *testing.T) {
	t.Parallel()
	d := NewDecoder(strings.NewReader("retry: 250\nid: 5\ndata: a\n\nevent: x\ndata: cut"))
	if _, err := decodeAll(d); err != nil {
		t.Fatal(err)
	}
	d.Reset(strings.NewReader("data: b\n\n"))
	got, err := decodeAll(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Event{{Type: "message", ID: "5", Data: "b"}}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("after Reset: %+v, want %+v", got, want)
	}
	if r, ok := d.Retry(); r != 250*time.Millisecond || !ok {
		t.Errorf("Retry() = %v, %v after Reset, want 250ms", r, ok)
	}
}

// appendCapped grows by doubling up to the limit, never past it unless
// the data needs more, and keeps the bytes.
func TestAppendCapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		dstLen, dstCap int
		add, limit     int
		wantCap        int
	}{
		{"fits", 10, 100, 20, 1000, 100},
		{"doubles", 5000, 5000, 20, 100000, 10000},
		{"at least what is needed", 5000, 5000, 20000, 100000, 25000},
		{"small ones start at 4 KiB", 0, 0, 1, 1 << 20, 4096},
		{"not past the limit", 6000, 6000, 10, 8000, 8001},
		{"past it when the data needs it", 8000, 8001, 10, 8000, 8010},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dst := make([]byte, tc.dstLen, tc.dstCap)
			for i := range dst {
				dst[i] = 'a'
			}
			add := bytes.Repeat([]byte("b"), tc.add)
			got := appendCapped(dst, add, tc.limit)
			if cap(got) != tc.wantCap {
				t.Errorf("cap = %d, want %d", cap(got), tc.wantCap)
			}
			if want := strings.Repeat("a", tc.dstLen) + strings.Repeat("b", tc.add); string(got) != want {
				t.Errorf("appendCapped lost bytes: got %d bytes", len(got))
			}
		})
	}
}

// A line just under the limit is gathered in a buffer of about the
// limit's size, not the more that append's growth would reserve.
func TestDecoderLongLineCapacity(t *testing.T) {
	t.Parallel()
	const limit = 3 << 20
	src := "data: " + strings.Repeat("x", limit-len("data: ")) + "\n\n"
	d := NewDecoder(strings.NewReader(src))
	d.SetMaxSize(limit)
	ev, err := d.Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Data) != limit-len("data: ") {
		t.Fatalf("data of %d bytes, want %d", len(ev.Data), limit-len("data: "))
	}
	if c := cap(d.long); c > limit+1 {
		t.Errorf("the line took a buffer of %d bytes for a limit of %d", c, limit)
	}
	if c := cap(d.data); c > limit+2 {
		t.Errorf("the data took a buffer of %d bytes for a limit of %d", c, limit)
	}
}
