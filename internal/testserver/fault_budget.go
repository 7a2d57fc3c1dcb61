package testserver

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The routes of this file serve bodies built to cost a client time or
// memory far beyond their size (SPEC §10): text that makes the syntax
// highlighter's backtracking regular expressions take exponential or
// quadratic time, JSON whose decoded form is dozens of times its text,
// XML that opens elements without end and objects with millions of keys.

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
