package jq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// collect returns the results (compact) and the error text of running
// expr over in, by RunReader or by decoding whole values and Run.
func collect(t *testing.T, expr, in string, streaming bool) string {
	t.Helper()
	q, err := Compile(expr)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	var b strings.Builder
	ctx := context.Background()
	if streaming {
		for r, err := range q.RunReader(ctx, strings.NewReader(in)) {
			if err != nil {
				fmt.Fprintf(&b, "error: %v\n", err)
				break
			}
			fmt.Fprintf(&b, "%s\n", Marshal(r))
		}
		return b.String()
	}
	d := NewDecoder(strings.NewReader(in))
	for {
		v, err := d.Decode()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			return b.String()
		}
		for r, err := range q.Run(ctx, v) {
			if err != nil {
				fmt.Fprintf(&b, "error: %v\n", err)
				return b.String()
			}
			fmt.Fprintf(&b, "%s\n", Marshal(r))
		}
	}
}

// TestRunReaderMatchesRun checks that decoding only the leading path's
// target gives exactly the results of decoding everything.
func TestRunReaderMatchesRun(t *testing.T) {
	t.Parallel()
	inputs := []string{
		`[{"id": 1, "name": "a", "tags": ["x", "y"]}, {"id": 2, "name": "b"}, 3]`,
		`{"a": {"b": [10, 20, {"c": true}]}, "a2": null, "n": 12345678901234567890}`,
		`{"a": 1, "a": {"b": 2}}`,
		`{"a": 1} {"a": [5]} [1] null "s" 7`,
		`[]`, `{}`, `null`,
		`{"items": [{"n": 1}, {"n": 2}], "next": null}`,
		`{"a": [1], "items": 3, "a": [2, 3], "b": {"b": [[4]]}}`,
		`[[1, 2], [3], {"x": 4}, null]`,
	}
	exprs := []string{
		`.`, `.[0]`, `.[1]`, `.[5]`, `.[0].name`, `.[0].tags[1]`, `.[0].tags[]`, `.[2].x`,
		`.a`, `.a.b`, `.a.b[2].c`, `.a.b[9]`, `.a.b[0].x`, `.a2.x.y`, `.missing`, `.missing[0]`,
		`.n`, `.n + 1`, `.a | keys?`, `.a.b | length`, `.["a"]["b"][1]`, `."a".b`,
		`.[0]?`, `.a?`, `.a.b[1:]`, `.a.b[-1]`, `.items[].n`, `.items[] | .n * 2`,
		`.[0] | .id, .name`, `.a as $x | .`, `.a, .n`, `.a | .b | .[0]`, `def f: .; .a`,
		`.a.b[2]`, `[.[0]]`, `.[0] // "none"`,
		`.[]`, `.[] | .id`, `.[].name`, `.[] | .tags[]?`, `.[]?`, `.a.b[]`, `.a.b[] | .c`, `.items[]`,
		`.[] | if . == 2 then halt else . end`, `.[0][]`, `.[1][] | . + 1`, `.b.b[0][]`, `.[9][]`, `.[-1]`, `.[-2].tags[]`, `.[-9]`, `.[-1][] | . + 1`, `.a.b[-1].c`, `.[] | error("e")`, `.a[]`, `.[] | .[0]`, `.[][]`,
	}
	for _, in := range inputs {
		for _, expr := range exprs {
			want := collect(t, expr, in, false)
			got := collect(t, expr, in, true)
			if got != want {
				t.Errorf("%q over %s\nRunReader: %q\nRun:       %q", expr, in, got, want)
			}
		}
	}
}

func TestLeadingPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want int // steps found
	}{
		{`.[0]`, 1}, {`.a.b[1]`, 3}, {`.["x"].y | .z`, 2}, {`."k"`, 1}, {`.[0]?`, 1},
		{`.items[].n`, 2}, {`.[]`, 1}, {`.[]?`, 0}, {`.a[][]`, 2}, {`.[] | .x`, 1}, {`.[0] as $x | $x`, 0}, {`(.a) | .b`, 0}, {`.a, .b`, 0},
		{`.[-1]`, 1}, {`.[-1].x[]`, 3}, {`.[-1001]`, 0}, {`.[1:2]`, 0}, {`def f: .; .a`, 0}, {`.`, 0}, {`.["a\(1)"]`, 0},
	}
	for _, tc := range tests {
		q, err := Compile(tc.expr)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.expr, err)
		}
		got := 0
		if q.plan != nil {
			got = len(q.plan.steps)
		}
		if got != tc.want {
			t.Errorf("leading path of %q: %d steps, want %d", tc.expr, got, tc.want)
		}
	}
}

func TestRunReaderSkipsInvalidJSON(t *testing.T) {
	t.Parallel()
	// Skipped parts must still be JSON: an error there is reported.
	got := collect(t, `.[0]`, `[1, {"a": ]`, true)
	if !strings.HasPrefix(got, "error: invalid json at offset") {
		t.Errorf(".[0] over broken JSON = %q, want a decoding error", got)
	}
}

func TestMaxHeld(t *testing.T) {
	t.Parallel()
	doc := `[` + strings.Repeat(`{"a": "xxxxxxxxxx"},`, 1000) + `1]`
	for _, tc := range []struct {
		expr   string
		tooBig bool
	}{
		{".", true},
		{"length", true},
		{".[0]", false},     // the path holds one element
		{".[999].a", false}, // skipped elements do not count
		{".[0] | .a", false},
	} {
		q, _ := Compile(tc.expr)
		d := NewDecoder(strings.NewReader(doc))
		d.MaxHeld = 1000
		var err error
		for _, e := range q.RunDecoder(context.Background(), d) {
			if e != nil {
				err = e
			}
		}
		var big *ErrTooLarge
		if errors.As(err, &big) != tc.tooBig {
			t.Errorf("%q over %d bytes with MaxHeld 1000: error %v, want too large: %v", tc.expr, len(doc), err, tc.tooBig)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestMaxHeldToken checks that one long string or number, which the
// decoder reads whole even to skip it, is bounded by MaxHeld too, so an
// endless one cannot take all memory.
func TestMaxHeldToken(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	const size = 32 << 20
	for _, tc := range []struct{ expr, before, fill string }{
		{".", `{"b": 1, "a": "`, "x"},
		{".b", `{"b": 1, "a": "`, "x"}, // skipped along the path
		{".[1]", `[1, "`, "x"},
		{".[0]", `[`, "1"},
		{".", `{"b": `, "1"},
	} {
		q, err := Compile(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		body := io.MultiReader(strings.NewReader(tc.before), io.LimitReader(repeatReader(tc.fill[0]), size))
		cr := &countingReader{r: body}
		d := NewDecoder(cr)
		d.MaxHeld = limit
		err = nil
		for _, e := range q.RunDecoder(context.Background(), d) {
			if e != nil {
				err = e
			}
		}
		var big *ErrTooLarge
		if !errors.As(err, &big) {
			t.Errorf("%s over %s and %d MiB of %q: error %v, want too large", tc.expr, tc.before, size>>20, tc.fill, err)
		}
		if _, bare := err.(*ErrTooLarge); err != nil && !bare {
			t.Errorf("%s: error %q is wrapped in the words of the JSON decoder", tc.expr, err)
		}
		if cr.n > 8*limit {
			t.Errorf("%s over %s…: read %d bytes with MaxHeld %d", tc.expr, tc.before, cr.n, limit)
		}
	}
}

// repeatReader is an endless stream of one byte.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestRunReaderHalt checks that halt stops the program: the values after
// the one it met are not run.
func TestRunReaderHalt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ expr, want string }{
		{`.a, halt`, "1\n"},
		{`if .a == 2 then halt else .a end`, "1\n"},
		{`.a | if . == 2 then halt else . end`, "1\n"}, // the leading-path plan too
		{`.a, empty`, "1\n2\n3\n"},
	} {
		if got := collect(t, tc.expr, `{"a": 1} {"a": 2} {"a": 3}`, true); got != tc.want {
			t.Errorf("%s over three values = %q, want %q", tc.expr, got, tc.want)
		}
	}
}
