package sse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"
)

// FuzzDecoder checks the decoder against a direct reading of the WHATWG
// rules over the whole input (referenceEvents): the same events whatever
// the reads' sizes, Raw gets exactly the input, and with a small limit
// the decoder either agrees or stops with a TooLargeError.
func FuzzDecoder(f *testing.F) {
	for _, seed := range []string{
		"data: a\n\n",
		"\xef\xbb\xbfid: 1\r\nevent: e\r\ndata: {\"x\": 1}\r\n\r\n",
		"data: a\rdata: b\r\r: c\nretry: 10\nid: \x00\ndata\n\n",
		"data: a\n\ndata: unfinished",
		"\r\n\r\n\n\r",
		"event:\ndata:x\n\nid\ndata: y\n\n",
	} {
		f.Add([]byte(seed), uint8(1), uint16(64))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8, limit uint16) {
		want, wantID, wantRetry := referenceEvents(string(in))
		var raw bytes.Buffer
		d := NewDecoder(&chunkReader{b: in, n: int(chunk%16) + 1})
		d.Raw = &raw
		got, err := decodeAll(d)
		if err != nil {
			t.Fatalf("decode %q: %v", in, err)
		}
		if len(got) != len(want) {
			t.Fatalf("decode %q: %d events %q, want %d %q", in, len(got), got, len(want), want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("decode %q: event %d = %+v, want %+v", in, i, got[i], want[i])
			}
		}
		if d.LastEventID() != wantID {
			t.Errorf("decode %q: LastEventID() = %q, want %q", in, d.LastEventID(), wantID)
		}
		if r, ok := d.Retry(); ok && r != wantRetry || !ok && wantRetry >= 0 {
			t.Errorf("decode %q: Retry() = %v, %v; want %v", in, r, ok, wantRetry)
		}
		if !bytes.Equal(raw.Bytes(), in) {
			t.Errorf("decode %q: Raw got %q", in, raw.Bytes())
		}

		// With a limit, the events agree until a TooLargeError.
		small := NewDecoder(&chunkReader{b: in, n: int(chunk%16) + 1})
		small.SetMaxSize(int64(limit%128) + 1)
		got, err = decodeAll(small)
		if err != nil && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("decode %q with limit %d: %v", in, small.MaxSize(), err)
		}
		if err == nil && len(got) != len(want) || len(got) > len(want) {
			t.Fatalf("decode %q with limit %d: %d events, want %d (error %v)", in, small.MaxSize(), len(got), len(want), err)
		}
		for i := range got {
			if got[i] != want[i] || int64(len(got[i].Data)) > 3*small.MaxSize() { // U+FFFD is 3 bytes
				t.Fatalf("decode %q with limit %d: event %d = %+v, want %+v", in, small.MaxSize(), i, got[i], want[i])
			}
		}
	})
}

// chunkReader returns b n bytes at a time.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// referenceEvents interprets a whole stream as the WHATWG rules word it,
// one step at a time; retry is -1 when never set.
func referenceEvents(s string) (events []Event, lastID string, retry time.Duration) {
	s = strings.TrimPrefix(s, "\ufeff")
	// Split into lines: CR LF, LF, or CR each end one; the last piece,
	// not ended, is discarded with whatever event it belongs to.
	var lines []string
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			break
		}
		lines = append(lines, s[:i])
		if strings.HasPrefix(s[i:], "\r\n") {
			s = s[i+2:]
		} else {
			s = s[i+1:]
		}
	}
	retry = -1
	var data, typ, idBuf string
	for _, line := range lines {
		var field, value string
		switch {
		case line == "":
			lastID = idBuf
			if data == "" {
				typ = ""
				continue
			}
			data = strings.TrimSuffix(data, "\n")
			ev := Event{Type: "message", ID: validUTF8(lastID), Data: validUTF8(data)}
			if typ != "" {
				ev.Type = typ
			}
			events = append(events, ev)
			data, typ = "", ""
			continue
		case line[0] == ':':
			continue
		case strings.Contains(line, ":"):
			field, value, _ = strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
		default:
			field = line
		}
		switch field {
		case "event":
			typ = validUTF8(value)
		case "data":
			data += value + "\n"
		case "id":
			if !strings.Contains(value, "\x00") {
				idBuf = value
			}
		case "retry":
			if value != "" && strings.Trim(value, "0123456789") == "" {
				var ms int64
				for _, c := range value {
					if ms < 1<<40 {
						ms = ms*10 + int64(c-'0')
					}
				}
				retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	return events, validUTF8(idBuf), retry
}

// validUTF8 decodes s as the WHATWG UTF-8 decoder does.
func validUTF8(s string) string {
	out, _ := unicode.UTF8.NewDecoder().String(s)
	return out
}
