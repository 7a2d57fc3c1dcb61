package render

import (
	"bytes"
	"io"
	"os"
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
