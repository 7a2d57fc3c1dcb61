package render

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/jq"
)

// Filter is a jq expression applied to a JSON body (--jq).
type Filter struct {
	Query *jq.Query
	// Raw writes string results without quotes or escapes, as `jq -r`.
	Raw bool
	// Stream writes each result as soon as it is computed (--stream over
	// NDJSON) instead of buffering output.
	Stream bool
}

// NotJSONError reports a body that --jq cannot read because it is not
// JSON. Its message says what the body was: its type and first bytes.
type NotJSONError struct {
	ContentType string
	Head        []byte // the body's first bytes, at most notJSONHead
	Err         error  // where decoding stopped
}

// jqHoldLimit bounds the JSON text --jq holds in memory for one value
// (its decoded form takes several times more), so a huge or endless body
// cannot take all the machine's memory; jq itself has no bound.
const jqHoldLimit = 256 << 20

// notJSONHead is how much of a non-JSON body its error quotes.
const notJSONHead = 40

// Error reads, for instance, `the body is not json (text/html, starting
// "<!doctype html><html>…"): invalid json at offset 0: …`.
func (e *NotJSONError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	head := e.Head
	ellipsis := ""
	if len(head) > notJSONHead {
		head, ellipsis = head[:notJSONHead], "…"
		for len(head) > 0 && !utf8.Valid(head) && len(e.Head)-len(head) < utf8.UTFMax { // do not cut a character
			head = head[:len(head)-1]
		}
	}
	return fmt.Sprintf("the body is not json (%s, starting %s%s): %v", ct, strconv.Quote(string(head)), ellipsis, e.Err)
}

// Unwrap returns the decoding error.
func (e *NotJSONError) Unwrap() error { return e.Err }

// JQ writes the results of f.Query over each JSON value read from r (one
// document, or several as in NDJSON), one result per line:
//
//   - with o.Format each result is indented, and with o.Color coloured,
//     by the same formatter as [JSON], so --jq output looks like any
//     other body;
//   - otherwise each result is compact, as `jq -c` prints it, so piped
//     output is one JSON text per line;
//   - with f.Raw a string result is written as its text (on a terminal
//     with control characters escaped, as bodies are).
//
// Values are decoded as [jq.Query.RunReader] does: only the part an
// expression's leading path leads to is held in memory.
//
// A body that is not JSON is a *[NotJSONError]; an error of the
// expression (such as indexing a number) is returned as gojq words it.
// Results computed before an error have been written.
func JQ(ctx context.Context, w io.Writer, r io.Reader, contentType string, f Filter, o Options) error {
	head := &headRecorder{r: r}
	var bw *bufio.Writer
	out := w
	if !f.Stream {
		bw = bufio.NewWriterSize(w, jsonWriteSize)
		out = bw
	}
	pretty := o.Format || o.Color
	var line []byte
	// write writes one result, which produce writes as compact JSON: as
	// it comes, so that no result is ever held as text.
	write := func(produce func(io.Writer) error) error {
		if pretty {
			return formatPiped(out, produce, o)
		}
		if o.Terminal {
			// gojq writes C1 controls (U+0080–U+009F) as they are; their
			// visible form \u00NN is also their JSON escape.
			tw := NewTerminalWriter(out, false)
			if err := produce(tw); err != nil {
				return err
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		} else if err := produce(out); err != nil {
			return err
		}
		_, err := io.WriteString(out, "\n")
		return err
	}
	emit := func(v any) error {
		if s, ok := v.(string); ok && f.Raw {
			line = line[:0]
			if o.Terminal {
				line, _ = appendSafe(line, s, nil, o.Color, true)
			} else {
				line = append(line, s...)
			}
			line = append(line, '\n')
			_, err := out.Write(line)
			return err
		}
		return write(func(w io.Writer) error { return jq.Encode(w, v) })
	}
	notJSON := func(err error) error {
		var de *jq.DecodeError
		if errors.As(err, &de) {
			return &NotJSONError{ContentType: contentType, Head: head.head, Err: err}
		}
		return tooLarge(err, f.Query)
	}
	err := func() error {
		dec := jq.NewDecoder(head)
		dec.MaxHeld = jqHoldLimit
		dec.LimitMemory = true
		if f.Query.IsIdentity() && !f.Raw {
			// `.` is its input: copied as it is read, never held whole.
			for {
				err := write(dec.Copy)
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return notJSON(err)
				}
			}
		}
		for res, err := range f.Query.RunDecoder(ctx, dec) {
			if err != nil {
				return notJSON(err)
			}
			if err := emit(res); err != nil {
				return err
			}
		}
		return nil
	}()
	if bw != nil {
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

// formatPiped formats one JSON text, which produce writes compact, as
// [JSON] does, through a pipe: neither the text nor its formatted form is
// held whole.
func formatPiped(out io.Writer, produce func(io.Writer) error, o Options) error {
	pr, pw := io.Pipe()
	produced := make(chan error, 1)
	go func() {
		err := produce(pw)
		pw.CloseWithError(err)
		produced <- err
	}()
	fm := newJSONFormatter(out, pr, o, o.Format)
	ferr := fm.finish(fm.run())
	pr.CloseWithError(errFormatterDone) // a formatter that stopped early unblocks produce
	if err := <-produced; err != nil && err != errFormatterDone {
		return err // the input's own error (not JSON, too large, EOF) says more
	}
	if ferr != nil || o.Format {
		return ferr // indenting ends each value with a newline
	}
	_, err := io.WriteString(out, "\n")
	return err
}

// errFormatterDone stops a result's producer when its formatter has
// stopped reading.
var errFormatterDone = errors.New("formatting stopped")

// tooLarge adds to an *[jq.ErrTooLarge] how to hold less: start the
// expression with a path. An expression that already does was stopped by
// one long string or number, or by the part its path leads to, and needs
// no such hint.
func tooLarge(err error, q *jq.Query) error {
	var big *jq.ErrTooLarge
	if !errors.As(err, &big) || q.HasLeadingPath() {
		return err
	}
	return fmt.Errorf("%w; an expression starting with a path such as .items[] or .[0] decodes only that part", err)
}

// headRecorder keeps the first bytes read through it, for NotJSONError.
type headRecorder struct {
	r    io.Reader
	head []byte
}

func (h *headRecorder) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if room := notJSONHead + utf8.UTFMax - len(h.head); room > 0 && n > 0 {
		h.head = append(h.head, p[:min(n, room)]...)
	}
	return n, err
}

// appendTerminalText appends s with the control characters that could
// drive a terminal escaped, by the one rule of safe.go, uncoloured.
func appendTerminalText(dst []byte, s string) []byte {
	dst, _ = appendSafe(dst, s, nil, false, true)
	return dst
}
