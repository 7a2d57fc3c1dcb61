package render

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// lineReader yields one piece per Read, as a slow server does.
type lineReader struct{ pieces []string }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.pieces[0])
	r.pieces[0] = r.pieces[0][n:]
	if r.pieces[0] == "" {
		r.pieces = r.pieces[1:]
	}
	return n, nil
}

// writeLog records each Write separately.
type writeLog struct{ writes []string }

func (w *writeLog) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		ct     string
		pieces []string
		o      Options
		want   []string // one entry per write
	}{
		{"ndjson formatted line by line", "application/x-ndjson", []string{`{"n": 1}` + "\n{\"n\"", ": 2}\n"}, Options{Format: true, Indent: 2},
			[]string{"{\n  \"n\": 1\n}\n", "{\n  \"n\": 2\n}\n"}},
		{"text lines that look like json", "text/plain", []string{"{\"a\":1}\nplain\n"}, Options{Format: true, Indent: 2},
			[]string{"{\n  \"a\": 1\n}\n", "plain\n"}},
		{"invalid json line kept", "application/json", []string{"{oops\n"}, Options{Format: true},
			[]string{"{oops\n"}},
		{"raw chunks written as read", "application/octet-stream", []string{"*", "*", "*"}, Options{},
			[]string{"*", "*", "*"}},
		{"sse event by event", "text/event-stream", []string{"id: 1\nevent: tick\n", "data: {\"n\": 1}\n\nid: 2\n", "data: x\n\n"}, Options{},
			[]string{"id: 1\nevent: tick\ndata: {\"n\": 1}\n\n", "id: 2\ndata: x\n\n"}},
		{"sse data json formatted", "text/event-stream", []string{"event: tick\ndata: {\"n\":1}\n\n"}, Options{Format: true, Indent: 2},
			[]string{"event: tick\ndata: {\n  \"n\": 1\n}\n\n"}},
		{"sse without final blank line", "text/event-stream", []string{"data: last"}, Options{},
			[]string{"data: last\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := &writeLog{}
			if err := Stream(w, &lineReader{pieces: append([]string(nil), tc.pieces...)}, tc.ct, tc.o); err != nil {
				t.Fatalf("Stream(%q): %v", tc.pieces, err)
			}
			if strings.Join(w.writes, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Stream(%q, %s) writes\n%q\nwant\n%q", tc.pieces, tc.ct, w.writes, tc.want)
			}
		})
	}
}

func TestStreamBinaryOnTerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := Stream(&out, strings.NewReader("\x00\x01binary"), "application/octet-stream", Options{Terminal: true}); err != nil {
		t.Fatal(err)
	}
	if out.String() != BinaryNote {
		t.Errorf("Stream of binary data on a terminal wrote %q, want the binary note", out.String())
	}
}

func TestArrayJoiner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pages []string
		want  string
	}{
		{"two pages", []string{`[1, 2]`, `[3]`}, "[1, 2,3]\n"},
		{"white space and newlines", []string{"[\n  {\"a\": 1}\n]\n", " [ {\"a\": 2} ] "}, "[\n  {\"a\": 1}, {\"a\": 2}]\n"},
		{"empty pages skipped", []string{`[]`, `[1]`, `[ ]`, `[2]`}, "[1,2]\n"},
		{"nested arrays", []string{`[[1],[2]]`, `[[3]]`}, "[[1],[2],[3]]\n"},
		{"no pages", nil, "[]\n"},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		j := NewArrayJoiner(&out)
		for _, p := range tc.pages {
			// Feed byte by byte so held-back brackets cross reads.
			if err := j.Page(&lineReader{pieces: strings.Split(p, "")}); err != nil {
				t.Fatalf("%s: Page(%q): %v", tc.name, p, err)
			}
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%s: joined %q into %q, want %q", tc.name, tc.pages, out.String(), tc.want)
		}
	}
}

func TestArrayJoinerRejectsObjects(t *testing.T) {
	t.Parallel()
	for _, page := range []string{`{"a": 1}`, ``, `[1, 2`} {
		j := NewArrayJoiner(io.Discard)
		if err := j.Page(strings.NewReader(page)); !errors.Is(err, ErrNotArray) {
			t.Errorf("Page(%q) = %v, want ErrNotArray", page, err)
		}
	}
}

// On a terminal a streamed body that does not end with a newline gets
// one, so the shell's prompt starts a line of its own; piped, the bytes
// stay as sent.
func TestStreamEndsTerminalLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ct, in string
		o            Options
		want         string
	}{
		{"terminal, no final newline", "text/plain", "tick 1\ntick 2", Options{Terminal: true}, "tick 1\ntick 2\n"},
		{"terminal, final newline kept single", "text/plain", "tick 1\n", Options{Terminal: true}, "tick 1\n"},
		{"terminal, formatted lines", "application/x-ndjson", `{"a":1}`, Options{Terminal: true, Format: true}, "{\n    \"a\": 1\n}\n"},
		{"terminal, empty body", "text/plain", "", Options{Terminal: true}, ""},
		{"piped, bytes as sent", "text/plain", "tick 1\ntick 2", Options{}, "tick 1\ntick 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Stream(&out, strings.NewReader(tc.in), tc.ct, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("Stream(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
