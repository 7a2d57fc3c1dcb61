package render

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/jq"
)

func mustFilter(t *testing.T, expr string, raw bool) *Filter {
	t.Helper()
	q, err := jq.Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	return &Filter{Query: q, Raw: raw}
}

func TestStreamPrinterEvent(t *testing.T) {
	t.Parallel()
	term := Options{Terminal: true, Format: true}
	tests := []struct {
		name string
		ev   sse.Event
		o    Options
		want string
	}{
		{"plain message: data alone", sse.Event{Type: "message", Data: "hello"}, term, "hello\n"},
		{"type and id line", sse.Event{Type: "tick", ID: "3", Data: "x"}, term, "event: tick · id: 3\nx\n"},
		{"id alone", sse.Event{Type: "message", ID: "9", Data: "x"}, term, "event: message · id: 9\nx\n"},
		{"JSON data indented", sse.Event{Type: "message", Data: `{"n":1}`}, term, "{\n    \"n\": 1\n}\n"},
		{"JSON left as it is without formatting", sse.Event{Type: "message", Data: `{"n":1}`}, Options{}, "{\"n\":1}\n"},
		{"not JSON after all", sse.Event{Type: "message", Data: `{oops`}, term, "{oops\n"},
		{"multi-line text", sse.Event{Type: "message", Data: "a\nb"}, term, "a\nb\n"},
		{"controls escaped on a terminal", sse.Event{Type: "\x1b]0;t\x07e", ID: "\x1b[2J", Data: "\x1b[31mred\u009b"}, term, "event: \\x1b]0;t\\x07e · id: \\x1b[2J\n\\x1b[31mred\\u009b\n"},
		{"coloured line", sse.Event{Type: "e", Data: "x"}, Options{Color: true}, "\x1b[36mevent: e\x1b[0m\nx\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := NewStreamPrinter(&b, tc.o).Event(context.Background(), tc.ev); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("Event(%+v) wrote %q, want %q", tc.ev, b.String(), tc.want)
			}
		})
	}
}

func TestStreamPrinterFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var b bytes.Buffer
	p := NewStreamPrinter(&b, Options{})
	p.Filter = mustFilter(t, ".x", false)
	for _, d := range []string{`{"x": 1}`, `{"x": "s"}`, `{"x": [1, 2]}`} {
		if err := p.Event(ctx, sse.Event{Type: "message", Data: d}); err != nil {
			t.Fatal(err)
		}
	}
	if want := "1\n\"s\"\n[1,2]\n"; b.String() != want {
		t.Errorf("filtered events wrote %q, want %q", b.String(), want)
	}

	b.Reset()
	p.Filter = mustFilter(t, ".x", true)
	p.Record(ctx, []byte(`{"x": "raw"}`))
	if want := "raw\n"; b.String() != want {
		t.Errorf("-r record wrote %q, want %q", b.String(), want)
	}

	b.Reset()
	err := p.Event(ctx, sse.Event{Type: "message", Data: "[DONE"})
	var nj *DataNotJSONError
	if !errors.As(err, &nj) || b.Len() != 0 {
		t.Errorf("filter over non-JSON data: %v, wrote %q; want a DataNotJSONError and nothing", err, b.String())
	}
	if want := `data is not json (starting "[DONE")`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestStreamPrinterRecord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rec  string
		o    Options
		want string
	}{
		{`{"a":1}`, Options{Format: true}, "{\n    \"a\": 1\n}\n"},
		{`42`, Options{Format: true}, "42\n"},
		{`not json`, Options{Format: true, Terminal: true}, "not json\n"},
		{"\x1b[2J", Options{Format: true, Terminal: true}, "\\x1b[2J\n"},
	}
	for _, tc := range tests {
		var b bytes.Buffer
		if err := NewStreamPrinter(&b, tc.o).Record(context.Background(), []byte(tc.rec)); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("Record(%q) wrote %q, want %q", tc.rec, b.String(), tc.want)
		}
	}
}

// bigBinary is a binary message past bigMessage, which is encoded as it is
// written.
var bigBinary = func() []byte {
	b := make([]byte, bigMessage+5)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

func TestStreamPrinterMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		m     Message
		o     Options
		marks bool
		want  string
	}{
		{"text into a pipe", Message{Data: []byte(`{"a":1}`)}, Options{}, false, "{\"a\":1}\n"},
		{"binary into a pipe", Message{Binary: true, Data: []byte{0, 1, 2}}, Options{}, false, "AAEC\n"},
		{"binary on a terminal", Message{Binary: true, Data: []byte{0, 1, 2}}, Options{Terminal: true}, false, "binary message, 3 bytes\n"},
		{"JSON on a terminal", Message{Data: []byte(`{"a":1}`)}, Options{Terminal: true, Format: true}, false, "{\n    \"a\": 1\n}\n"},
		{"sent: not shown without marks", Message{Sent: true, Data: []byte("hi")}, Options{}, false, ""},
		{"control: not shown without marks", Message{Control: "ping"}, Options{}, false, ""},
		{"received with marks", Message{Data: []byte("hi")}, Options{}, true, "< hi\n"},
		{"sent with marks", Message{Sent: true, Data: []byte("hi")}, Options{}, true, "> hi\n"},
		{"close with marks", Message{Control: "close", Data: []byte("1000 bye")}, Options{}, true, "< close 1000 bye\n"},
		{"controls escaped on a terminal", Message{Data: []byte("\x1b]0;x\x07")}, Options{Terminal: true}, false, "\\x1b]0;x\\x07\n"},
		{"big binary into a pipe", Message{Binary: true, Data: bigBinary}, Options{}, false, base64.StdEncoding.EncodeToString(bigBinary) + "\n"},
		{"big binary with marks", Message{Binary: true, Data: bigBinary}, Options{}, true, "< " + base64.StdEncoding.EncodeToString(bigBinary) + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			p := NewStreamPrinter(&b, tc.o)
			p.Marks = tc.marks
			if err := p.Message(context.Background(), tc.m); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("Message(%.60v) wrote %.80q, want %.80q", tc.m, b.String(), tc.want)
			}
		})
	}
}

// BenchmarkStreamPrinterFilter is --jq .x over small events into a pipe.
func BenchmarkStreamPrinterFilter(b *testing.B) {
	q, err := jq.Compile(".x")
	if err != nil {
		b.Fatal(err)
	}
	p := NewStreamPrinter(discard{}, Options{})
	p.Filter = &Filter{Query: q}
	ev := sse.Event{Type: "message", Data: `{"x": 12345}`}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Event(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// appendScalar writes what jq.Marshal writes, for the values it takes.
func TestAppendScalarMatchesMarshal(t *testing.T) {
	t.Parallel()
	for _, v := range []any{nil, true, false, 0, -12, 1 << 40, json.Number("1.50"), json.Number("12345678901234567890"), "", "plain text", "a\"b", "tab\there", "é", "\u007f", "<>&", 1.5, []any{1}} {
		got, ok := appendScalar(nil, v, false)
		if want := jq.Marshal(v); ok && string(got) != string(want) {
			t.Errorf("appendScalar(%#v) = %s, jq.Marshal = %s", v, got, want)
		}
	}
}
