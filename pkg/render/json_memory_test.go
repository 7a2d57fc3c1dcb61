package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// deepJSON is a hostile document: 20 KB of arrays nested
// 9,999 deep, about 400 MB once indented without bound.
var deepJSON = []byte(strings.Repeat("[", 9999) + strings.Repeat("]", 9999))

// largestWrite records the largest single Write: what a formatter held
// before writing it.
type largestWrite struct {
	max, total int
}

func (l *largestWrite) Write(p []byte) (int, error) {
	l.max = max(l.max, len(p))
	l.total += len(p)
	return len(p), nil
}

// TestBodyDeepJSONStreams: a body under the 1 MiB validation limit is
// checked without holding its output, then formatted as it streams, so
// no write is larger than the formatter's buffer however big the output.
func TestBodyDeepJSONStreams(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{Terminal: true, Format: true, Color: true}, {Terminal: true, Format: true, Indent: 16}} {
		var w largestWrite
		if err := Body(&w, bytes.NewReader(deepJSON), "application/json", o); err != nil {
			t.Fatal(err)
		}
		if limit := 2 * jsonWriteSize; w.max > limit {
			t.Errorf("Body(9,999-deep JSON, %+v): a write of %d bytes, want at most %d", o, w.max, limit)
		}
		if w.total < 2*len(deepJSON) {
			t.Errorf("Body(9,999-deep JSON, %+v) wrote %d bytes, want it formatted (more than twice the input)", o, w.total)
		}
	}
}

// BenchmarkBodyDeepJSON formats the 9,999-deep document as a terminal
// shows it and reports the process's peak RSS (Linux), the budget of
// the budget being 64 MiB.
func BenchmarkBodyDeepJSON(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(deepJSON)))
	for b.Loop() {
		if err := Body(io.Discard, bytes.NewReader(deepJSON), "application/json", Options{Terminal: true, Format: true, Color: true}); err != nil {
			b.Fatal(err)
		}
	}
	if kib := peakRSSKiB(); kib > 0 {
		b.ReportMetric(float64(kib)/1024, "peak-RSS-MiB")
	}
}

// peakRSSKiB reads VmHWM, the process's peak resident set, or 0 where
// /proc is not available.
func peakRSSKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// TestStreamDeepLineIsCapped: --stream formats each line in memory, so a
// line whose formatted form would pass streamFormatLimit is written as it
// came instead.
func TestStreamDeepLineIsCapped(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + "\n"
	var w largestWrite
	if err := Stream(&w, strings.NewReader(deep+"[1]\n"), "application/x-ndjson", Options{Format: true}); err != nil {
		t.Fatal(err)
	}
	if w.max > streamFormatLimit {
		t.Errorf("Stream(deep line): a write of %d bytes, want at most %d", w.max, streamFormatLimit)
	}
	if want := len(deep) + len("[\n    1\n]\n"); w.total != want {
		t.Errorf("Stream(deep line) wrote %d bytes, want %d (the deep line raw, the next one formatted)", w.total, want)
	}
}

// TestJSONSortKeysDeep: --sort-keys sorts objects down to maxSortDepth
// and keeps the server's order below, so a deep document costs linear
// work (9,999 levels took over a minute).
func TestJSONSortKeysDeep(t *testing.T) {
	t.Parallel()
	const depth = 9999
	in := `{"b": 1, "a": ` + strings.Repeat(`{"a":`, depth-2) + `{"d": 1, "c": 2}` + strings.Repeat("}", depth-2) + "}"
	var out bytes.Buffer
	if err := JSON(&out, strings.NewReader(in), Options{SortKeys: true}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.HasPrefix(got, "{\n    \"a\": {") || !strings.HasSuffix(got, "},\n    \"b\": 1\n}\n") {
		t.Errorf("JSON(sort keys, %d deep): top object not sorted: %.40q … %.40q", depth, got, got[len(got)-40:])
	}
	if !strings.Contains(got, "\"d\": 1,") || strings.Index(got, `"d"`) > strings.Index(got, `"c"`) {
		t.Errorf("JSON(sort keys, %d deep): innermost object reordered below maxSortDepth", depth)
	}
}

// TestBodyDeepXMLStreams: XML is held to be checked but its indented
// form is not, and its indentation stops growing at maxIndentDepth, as
// for JSON.
func TestBodyDeepXMLStreams(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("<a>", 9999) + strings.Repeat("</a>", 9999)
	for _, o := range []Options{{Terminal: true, Format: true}, {Terminal: true, Format: true, Color: true}} {
		var w largestWrite
		if err := Body(&w, strings.NewReader(in), "application/xml", o); err != nil {
			t.Fatal(err)
		}
		// Unbounded, the indentation alone would be 4·9,999²  = 400 MB.
		if limit := 1 << 20; w.max > limit || w.total < 2*len(in) || w.total > 20<<20 {
			t.Errorf("Body(9,999-deep XML, %+v): largest write %d, total %d bytes; want writes of at most %d and 60 KB to 20 MB in all", o, w.max, w.total, limit)
		}
	}
}

// TestBodyUnclosedXMLBounded: XML that opens elements without end is
// followed to maxXMLDepth, with 8 bytes per open element, and written raw
// beyond: 2 million unclosed <a> held 64 MiB of names before. (Not
// parallel: it samples the heap.)
func TestBodyUnclosedXMLBounded(t *testing.T) {
	in := strings.Repeat("<a>", 2<<20)
	runtime.GC()
	var h heapWriter
	var out countingWriter
	if err := Body(io.MultiWriter(&h, &out), strings.NewReader(in), "application/xml", Options{Format: true}); err != nil {
		t.Fatal(err)
	}
	if h.max > 32<<20 {
		t.Errorf("Body(2M unclosed <a>): the heap held %d MiB while writing, want well under 32", h.max>>20)
	}
	if out.n < int64(len(in)) {
		t.Errorf("Body(2M unclosed <a>) wrote %d bytes, want all %d of them at least", out.n, len(in))
	}
}

// countingWriter counts what it discards.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// keysReader generates {"k0000999": 1, ..., "k0000000": 1, "z": {"b": 1,
// "a": 2}}: n members in descending order, then a small object.
type keysReader struct {
	n             int
	buf           []byte
	started, done bool
}

func (k *keysReader) Read(p []byte) (int, error) {
	for len(k.buf) < len(p) && !k.done {
		switch {
		case !k.started:
			k.started = true
			k.buf = append(k.buf, '{')
		case k.n > 0:
			k.n--
			k.buf = fmt.Appendf(k.buf, `"k%07d": 1, `, k.n)
		default:
			k.buf = append(k.buf, `"z": {"b": 1, "a": 2}}`...)
			k.done = true
		}
	}
	if len(k.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, k.buf)
	k.buf = append(k.buf[:0], k.buf[n:]...)
	return n, nil
}

// TestJSONSortKeysBudget: --sort-keys holds at most sortBudget to sort;
// an object that would take more is printed in the server's order, said
// once, and objects after it are sorted again. 1M members held over
// 150 MiB before. (Not parallel: it samples the heap.)
func TestJSONSortKeysBudget(t *testing.T) {
	runtime.GC()
	var h heapWriter
	var out bytes.Buffer
	var warnings []string
	o := Options{SortKeys: true, Warn: func(m string) { warnings = append(warnings, m) }}
	if err := JSON(io.MultiWriter(&h, &tailBuffer{b: &out, max: 4096}), &keysReader{n: 1 << 20}, o); err != nil {
		t.Fatal(err)
	}
	if h.max > 48<<20 {
		t.Errorf("JSON(sort keys, 1M members): the heap held %d MiB while writing, want well under 48", h.max>>20)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "in the server's order") {
		t.Errorf("warnings = %q, want one saying the object keeps the server's order", warnings)
	}
	if got := out.String(); !strings.HasSuffix(got, "\"k0000000\": 1,\n    \"z\": {\n        \"a\": 2,\n        \"b\": 1\n    }\n}\n") {
		t.Errorf("JSON(sort keys, 1M members) ends %q; want the big object in the server's order and the small one after it sorted", got[max(0, len(got)-120):])
	}

	// An object within the budget is sorted, without a warning.
	warnings = nil
	out.Reset()
	if err := JSON(&out, &keysReader{n: 1000}, o); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); len(warnings) > 0 || !strings.HasPrefix(got, "{\n    \"k0000000\": 1,\n    \"k0000001\": 1,") {
		t.Errorf("JSON(sort keys, 1,000 members) = %.60q…, warnings %q; want it sorted", got, warnings)
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	b   *bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b.Write(p)
	if t.b.Len() > 2*t.max {
		keep := append([]byte(nil), t.b.Bytes()[t.b.Len()-t.max:]...)
		t.b.Reset()
		t.b.Write(keep)
	}
	return len(p), nil
}
