package testserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The /hostile/ routes play a server that attacks its client:
// names that break file systems or fool the eye, documents built to
// exhaust memory, bytes that would drive the terminal, and streams that
// a buffering client would never show. Each one names the defect it
// reproduces; a client must stay within its budgets against all of them.

// ControlSequences is the terminal-driving text /hostile/control puts in
// its header and body: an OSC title change ended by BEL, a CSI screen
// clear, a C1 CSI (U+009B, UTF-8 encoded), a lone ESC and DEL.
const ControlSequences = "\x1b]0;pwned\x07title \x1b[2Jclear \u009b31mred \x1b\x7f end"

// HeaderControlSequences is what /hostile/control puts in its X-Title
// header: HTTP clients refuse C0 controls in header fields, but not bytes
// of 0x80 and above, so it is a C1 CSI encoded in UTF-8 and a raw 0x9b
// byte (a CSI once decoded as ISO-8859-1).
const HeaderControlSequences = "\u009b31mred \x9b2Jclear"

// handleHostileLongName serves /hostile/longname?len=253&ext=.bin: "x\n"
// with a Content-Disposition filename of exactly len bytes (1 to 1024)
// ending in ext, the names that made NAME.part too long for the file
// system and the unique-name search loop forever.
func handleHostileLongName(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("len", 253, 1, 1024)
	ext := k.str("ext", ".bin")
	if k.err == nil && len(ext) >= n {
		k.fail("ext", ext, fmt.Errorf("longer than len=%d", n))
	}
	if !k.ok(w) {
		return
	}
	name := strings.Repeat("n", n-len(ext)) + ext
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Content-Type", "application/octet-stream")
	io.WriteString(w, "x\n")
}

// hostileNames are the filename* values of /hostile/name, by kind.
var hostileNames = map[string]string{
	"rtl":     "invoice%E2%80%AEfdp.exe", // U+202E: shows as invoiceexe.pdf
	"isolate": "a%E2%81%A6b%E2%81%A9c.txt",
	"marks":   "a%E2%80%8Eb%E2%80%8Fc.txt",
	"c1":      "a%C2%9B31mb.txt",
	"escape":  "a%1B%5D0%3Bt%07b.txt",
}

// handleHostileName serves /hostile/name?kind=rtl: "x\n" named with an
// RFC 5987 filename* that decodes to invisible or control characters
// (hostileNames): rtl (a right-to-left override that disguises an .exe),
// isolate (U+2066/U+2069), marks (U+200E/U+200F), c1 (U+009B) and escape
// (an OSC sequence). Saved as is, each name lies about itself.
func handleHostileName(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	kind := k.str("kind", "rtl")
	v, ok := hostileNames[kind]
	if !ok && k.err == nil {
		k.fail("kind", kind, fmt.Errorf("unknown kind"))
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+v)
	w.Header().Set("Content-Type", "application/octet-stream")
	io.WriteString(w, "x\n")
}

// handleHostileDeepJSON serves /hostile/deepjson?depth=9999&kind=array:
// one JSON value nested depth levels (1 to 1,000,000) deep, arrays
// ("[[[…]]]") or objects ({"a":{"a":…}}) with kind=object, as
// application/json. Indented, a 20 KB array document of depth 9,999
// becomes about 400 MB, which a formatter must never hold.
func handleHostileDeepJSON(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	depth := k.int("depth", 9999, 1, 1_000_000)
	kind := k.str("kind", "array")
	open, close := "[", "]"
	switch kind {
	case "array":
	case "object":
		open, close = `{"a":`, "}"
	default:
		k.fail("kind", kind, fmt.Errorf("want array or object"))
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	inner := "1"
	if kind == "array" {
		inner = ""
	}
	io.WriteString(w, strings.Repeat(open, depth)+inner+strings.Repeat(close, depth))
}

// handleHostileControl serves /hostile/control?type=text/plain: a 200
// whose X-Title header carries [HeaderControlSequences] and whose body
// carries [ControlSequences], under the given
// Content-Type (JSON types get them in a valid document, {"title": …},
// where C0 controls are \u escapes but DEL and U+009B are raw, as JSON
// allows). A terminal must show
// them escaped, a pipe must get them byte for byte.
func handleHostileControl(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	ctype := k.str("type", "text/plain; charset=utf-8")
	if !k.ok(w) {
		return
	}
	w.Header().Set("X-Title", HeaderControlSequences)
	w.Header().Set("Content-Type", ctype)
	if strings.Contains(ctype, "json") {
		b, _ := json.Marshal(map[string]string{"title": ControlSequences})
		w.Write(append(b, '\n'))
		return
	}
	io.WriteString(w, "before "+ControlSequences+" after\n")
}

// handleHostileBigHeaders serves /hostile/bigheaders?size=11M: a 200
// whose head holds size bytes (at most 64M) of X-Fill header lines, past
// the 10 MiB a client should accept.
func handleHostileBigHeaders(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	size := k.size("size", 11<<20)
	if size > 64<<20 && k.err == nil {
		k.fail("size", strconv.FormatInt(size, 10), fmt.Errorf("at most 64M"))
	}
	if !k.ok(w) {
		return
	}
	line := "X-Fill: " + strings.Repeat("f", 1014) + "\r\n" // 1 KiB
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		for n := int64(0); n < size; n += int64(len(line)) {
			w.Header().Add("X-Fill", line[8:1022])
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	defer conn.Close()
	rw.WriteString("HTTP/1.1 200 OK\r\n")
	for n := int64(0); n < size; n += int64(len(line)) {
		if _, err := rw.WriteString(line); err != nil {
			return
		}
	}
	rw.WriteString("Content-Length: 0\r\n\r\n")
	rw.Flush()
}

// handleHostileSlowText serves /hostile/slowtext?lines=3&every=2s: text/plain
// without a charset, one short line ("line N") flushed at once, then one
// more every `every` (at most 60s), ending early when the client goes
// away. A client that waits for a charset-sniffing buffer to fill shows
// nothing until the end.
func handleHostileSlowText(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	lines := k.int("lines", 3, 1, 1000)
	every := k.duration("every", 2*time.Second, time.Minute)
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	for i := 1; i <= lines; i++ {
		if i > 1 {
			select {
			case <-time.After(every):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprintf(w, "line %d\n", i)
		flush(w)
	}
}

// handleHostileReason serves /hostile/reason: a 404 whose reason phrase
// carries a C1 CSI (U+009B, UTF-8 encoded) and a raw 0x9b byte, which
// HTTP clients accept in a status line, sent on a raw connection. Error
// messages and warnings that quote it must not pass them to a terminal.
func handleHostileReason(w http.ResponseWriter, r *http.Request) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "needs HTTP/1.1", http.StatusNotImplemented)
		return
	}
	defer conn.Close()
	io.WriteString(rw, "HTTP/1.1 404 Gone \u009b2J\x9b31m\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	rw.Flush()
}
