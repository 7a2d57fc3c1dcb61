package testserver

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The routes of this file serve bodies built to cost a client time or
// memory far beyond their size, which a client must bound whatever the
// server sends: text that makes the syntax highlighter's backtracking
// regular expressions take exponential or quadratic time, JSON whose
// decoded form is dozens of times its text, XML that opens elements
// without end and objects with millions of keys.

// HighlightKinds are the kinds of /hostile/highlight, each a text that
// one of the highlighter's lexers backtracks on.
var HighlightKinds = []string{"js", "html", "yaml", "css"}

// HostileHighlight returns the body /hostile/highlight serves for kind
// and size (0: the smallest that reproduces the defect), and its
// Content-Type:
//
//   - js: a quote, twenty `a\"` and backslashes to the end. JavaScript's
//     string rule `"(\\\\|\\"|[^"])*"` can split a run of backslashes in
//     exponentially many ways, so 121 bytes took 8 s to highlight.
//   - html: the same inside <script>…</script>.
//   - yaml: lines of a thousand `" ` (quote, space), each of which YAML's
//     key rules scan to its end from every position: quadratic per line.
//   - css: `a{b:url(` and then `(` to the end, each one a state pushed and
//     a rule scanning the rest.
func HostileHighlight(kind string, size int) (body []byte, contentType string, err error) {
	fill := func(b *bytes.Buffer, unit string, n int) {
		for n > 0 {
			k := min(n, len(unit))
			b.WriteString(unit[:k])
			n -= k
		}
	}
	var b bytes.Buffer
	switch kind {
	case "js", "html":
		head := `"` + strings.Repeat(`a\"`, 20)
		open, end := "", ""
		contentType = "application/javascript"
		if kind == "html" {
			open, end, contentType = "<script>", "</script>\n", "text/html"
		}
		if size == 0 {
			size = len(open) + len(head) + 60 + len(end)
		}
		if size < len(open)+len(head)+len(end)+1 {
			return nil, "", fmt.Errorf("at least %d bytes", len(open)+len(head)+len(end)+1)
		}
		b.WriteString(open + head)
		fill(&b, strings.Repeat(`\`, 1024), size-len(open)-len(head)-len(end))
		b.WriteString(end)
	case "yaml":
		line := strings.Repeat(`" `, 1000) + "\n"
		if size == 0 {
			size = 3 * len(line)
		}
		fill(&b, line, size)
	case "css":
		head := "a{b:url("
		if size == 0 {
			size = 1 << 20
		}
		if size <= len(head) {
			return nil, "", fmt.Errorf("at least %d bytes", len(head)+1)
		}
		b.WriteString(head)
		fill(&b, strings.Repeat("(", 1024), size-len(head))
		contentType = "text/css"
	default:
		return nil, "", fmt.Errorf("unknown kind (want %s)", strings.Join(HighlightKinds, ", "))
	}
	if contentType == "" {
		contentType = "application/yaml"
	}
	return b.Bytes(), contentType, nil
}

// handleHostileHighlight serves /hostile/highlight?kind=js&size=N: the
// body of [HostileHighlight], N bytes long (at most 16 MiB; by default the
// smallest that shows the defect).
func handleHostileHighlight(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	kind := k.str("kind", "js")
	size := k.int("size", 0, 0, 16<<20)
	body, ctype, err := HostileHighlight(kind, size)
	if err != nil && k.err == nil {
		k.fail("kind", kind, err)
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// HostileJSON returns the body /hostile/json serves: a JSON array of
// about size bytes whose decoded form is many times its text, by kind:
//
//   - ints: integers of up to eight digits (a decoded integer takes 24
//     bytes, 3 times its text);
//   - small: one-digit integers (16 bytes each, 8 times their text);
//   - objects: records of a few fields, as an API returns them (about 7
//     times their text);
//   - empty: empty objects (over 300 bytes each decoded, 100 times
//     their text).
func HostileJSON(kind string, size int) ([]byte, error) {
	var unit func(i int, b []byte) []byte
	switch kind {
	case "ints":
		unit = func(i int, b []byte) []byte { return strconv.AppendInt(b, int64(i*7919%100000000), 10) }
	case "small":
		unit = func(i int, b []byte) []byte { return append(b, byte('0'+i%10)) }
	case "objects":
		unit = func(i int, b []byte) []byte {
			return fmt.Appendf(b, `{"id":%d,"name":"user %d","active":true,"score":%d.5,"tags":["a","b"]}`, i, i, i%1000)
		}
	case "empty":
		unit = func(_ int, b []byte) []byte { return append(b, "{}"...) }
	default:
		return nil, fmt.Errorf("unknown kind (want ints, small, objects or empty)")
	}
	out := make([]byte, 0, size+128)
	out = append(out, '[')
	for i := 0; len(out) < size-1 || i == 0; i++ {
		if i > 0 {
			out = append(out, ',')
		}
		out = unit(i, out)
	}
	return append(out, ']'), nil
}

// handleHostileJSON serves /hostile/json?kind=ints&size=N: the array of
// [HostileJSON], about N bytes (at most 256 MiB; default 1 MiB), as
// application/json.
func handleHostileJSON(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	kind := k.str("kind", "ints")
	size := k.int("size", 1<<20, 2, 256<<20)
	body, err := HostileJSON(kind, size)
	if err != nil && k.err == nil {
		k.fail("kind", kind, err)
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// handleHostileXML serves /hostile/xml?depth=N&closed=1: N elements <a>
// (at most 64M), each inside the one before, closed at the end with
// closed=1 and left open otherwise, as application/xml. An indenter that
// keeps some 100 bytes per open element holds gigabytes for 60 MB.
func handleHostileXML(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	depth := k.int("depth", 9999, 1, 64<<20)
	closed := k.bool("closed")
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	n := 3 * depth
	if closed {
		n += 4 * depth
	}
	w.Header().Set("Content-Length", strconv.Itoa(n))
	open := bytes.Repeat([]byte("<a>"), 4096)
	for left := depth; left > 0; left -= 4096 {
		w.Write(open[:3*min(left, 4096)])
	}
	if closed {
		end := bytes.Repeat([]byte("</a>"), 4096)
		for left := depth; left > 0; left -= 4096 {
			w.Write(end[:4*min(left, 4096)])
		}
	}
}

// handleHostileKeys serves /hostile/keys?n=N: one JSON object of N
// members (at most 16M) with keys in descending order ("k00000009",
// ..., "k00000000"), each a small number, as application/json: what
// --sort-keys has to hold to sort.
func handleHostileKeys(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 1000, 1, 16<<20)
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	b := make([]byte, 0, 64<<10)
	b = append(b, '{')
	for i := n - 1; i >= 0; i-- {
		b = fmt.Appendf(b, `"k%08d":%d`, i, i%10)
		if i > 0 {
			b = append(b, ',')
		}
		if len(b) > 60<<10 {
			w.Write(b)
			b = b[:0]
		}
	}
	w.Write(append(b, '}'))
}
