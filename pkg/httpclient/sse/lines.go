package sse

import (
	"bytes"
	"io"
)

// Lines reads the records of a line-delimited JSON stream as they arrive,
// with the same bounds as a [Decoder]: NDJSON and JSON Lines (one record a
// line; CR LF ends a line too), or with Seq an RFC 7464 JSON text sequence
// (each record after an RS byte, 0x1E, and possibly over several lines).
// Blank records are skipped.
type Lines struct {
	// Raw, when set, receives the stream's bytes as they are consumed,
	// byte for byte: all of a record's bytes are written before Next
	// returns it, and nothing after its end.
	Raw io.Writer

	r    io.Reader
	max  int
	sep  byte
	buf  []byte
	beg  int // unread bytes are buf[beg:end]
	end  int
	mark int // buf[mark:beg] is consumed but not yet given to Raw
	long []byte
	rerr error
	err  error
}

// NewLines returns a reader of r's records with the limit
// [DefaultMaxSize]; seq reads a JSON text sequence (application/json-seq).
func NewLines(r io.Reader, seq bool) *Lines {
	l := &Lines{r: r, max: DefaultMaxSize, sep: '\n'}
	if seq {
		l.sep = rs
	}
	return l
}

// rs is the record separator of JSON text sequences.
const rs = 0x1e

// SetMaxSize sets the longest record the reader accepts (at least 1 byte).
func (l *Lines) SetMaxSize(n int64) { l.max = int(max(n, 1)) }

// Next returns the next record, without its line end, RS or surrounding
// white space; it is valid until the next call. A last record without a
// line end is returned too. At the end it returns io.EOF; a record over
// the limit is a [*TooLargeError] (What "line"); after an error, Next
// returns it again.
func (l *Lines) Next() ([]byte, error) {
	for {
		rec, err := l.next()
		if err != nil {
			l.flushRaw()
			return nil, err
		}
		if rec = bytes.TrimSpace(bytes.Trim(rec, "\x1e")); len(rec) > 0 {
			l.flushRaw()
			return rec, nil
		}
	}
}

func (l *Lines) next() ([]byte, error) {
	if l.err != nil {
		return nil, l.err
	}
	if l.buf == nil {
		l.buf = make([]byte, bufSize)
	}
	if cap(l.long) > 4*bufSize {
		l.long = nil
	}
	l.long = l.long[:0]
	for {
		b := l.buf[l.beg:l.end]
		i := bytes.IndexByte(b, l.sep)
		if l.sep == rs && i == 0 && len(l.long) == 0 {
			// The RS that opens the first record.
			l.beg++
			continue
		}
		last := i < 0 && l.rerr != nil
		if i >= 0 || last {
			rec := b
			if i >= 0 {
				rec = b[:i]
				l.beg += i
				if l.sep == '\n' {
					l.beg++
				}
			} else {
				l.beg = l.end
			}
			if len(l.long)+len(rec) > l.max {
				return nil, l.fail(&TooLargeError{Limit: int64(l.max), What: "line"})
			}
			if len(l.long) > 0 {
				rec = appendCapped(l.long, rec, l.max)
			}
			if last && len(bytes.TrimSpace(rec)) == 0 {
				return nil, l.fail(l.rerr)
			}
			return rec, nil
		}
		if l.beg == 0 && l.end == len(l.buf) {
			if len(l.long)+len(b) > l.max {
				return nil, l.fail(&TooLargeError{Limit: int64(l.max), What: "line"})
			}
			l.long = appendCapped(l.long, b, l.max)
			l.beg = l.end
		}
		l.fill()
	}
}

func (l *Lines) fail(err error) error {
	l.err = err
	return err
}

// fill moves the unread bytes to the front and reads more.
func (l *Lines) fill() {
	l.flushRaw()
	if l.beg > 0 {
		n := copy(l.buf, l.buf[l.beg:l.end])
		l.beg, l.end, l.mark = 0, n, 0
	}
	for tries := 0; tries < 100; tries++ {
		n, err := l.r.Read(l.buf[l.end:])
		l.end += n
		if err != nil {
			l.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	l.rerr = io.ErrNoProgress
}

func (l *Lines) flushRaw() {
	if l.Raw != nil && l.beg > l.mark {
		if _, err := l.Raw.Write(l.buf[l.mark:l.beg]); err != nil && l.err == nil {
			l.err = err
		}
	}
	l.mark = l.beg
}
