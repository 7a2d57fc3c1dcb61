package testserver

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/japanese"
)

// EncodedBody is the decoded body of /encoded and its aliases when no size
// is given: a client that decodes correctly prints exactly this.
const EncodedBody = "{\n  \"compressed\": true,\n  \"text\": \"hello from reqs\"\n}\n"

// Latin1Text is what /latin1-text and the paragraph of /latin1 say, in
// UTF-8; on the wire it is ISO-8859-1 (é is the byte 0xE9).
const Latin1Text = "Café crème brûlée, naïve façade"

// SJISText is what /sjis and /sjis-header say, in UTF-8; on the wire it
// is Shift_JIS.
const SJISText = "こんにちは、世界"

// codingWriter wraps w in one content coding's encoder.
type codingWriter func(w io.Writer) (io.WriteCloser, error)

// codings are the content codings /encoded can apply, by the name used in
// its ce knob. deflate is the zlib format RFC 9110 means; deflate-raw is
// the headerless stream some servers send under the same "deflate" token.
var codings = map[string]struct {
	token string // the Content-Encoding token sent
	wrap  codingWriter
}{
	"gzip":        {"gzip", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil }},
	"deflate":     {"deflate", func(w io.Writer) (io.WriteCloser, error) { return zlib.NewWriter(w), nil }},
	"deflate-raw": {"deflate", func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.DefaultCompression) }},
	"br":          {"br", func(w io.Writer) (io.WriteCloser, error) { return brotli.NewWriter(w), nil }},
	"zstd":        {"zstd", func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) }},
	"identity":    {"identity", func(w io.Writer) (io.WriteCloser, error) { return nopWriteCloser{w}, nil }},
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// handleEncoded serves /encoded?ce=gzip,br&size=N: EncodedBody (JSON), or
// with size N pattern bytes (text/plain), encoded with each coding of ce in
// the order listed, which is also the order of the Content-Encoding header
// (RFC 9110 §8.4: codings are listed in the order applied, so a client
// decodes from the last one back). Codings: gzip, deflate (zlib),
// deflate-raw (sent as "deflate"), br, zstd, identity. The body is
// streamed, chunked, without Content-Length.
func handleEncoded(w http.ResponseWriter, r *http.Request) {
	serveEncoded(w, r, r.URL.Query().Get("ce"))
}

// fixedEncoding serves EncodedBody (or size=N pattern bytes) under a fixed
// coding list: /zstd, /br, /stacked ("gzip, br": gzip applied first, then
// br), /deflate-raw and /deflate-zlib.
func fixedEncoding(ce string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { serveEncoded(w, r, ce) }
}

func serveEncoded(w http.ResponseWriter, r *http.Request, ce string) {
	k := newKnobs(r)
	size := k.size("size", -1)
	if !k.ok(w) {
		return
	}
	var names, tokens []string
	for name := range strings.SplitSeq(ce, ",") {
		name = strings.TrimSpace(name)
		c, ok := codings[name]
		if !ok {
			http.Error(w, fmt.Sprintf("bad query parameter ce=%q: unknown coding %q", ce, name), http.StatusBadRequest)
			return
		}
		names = append(names, name)
		tokens = append(tokens, c.token)
	}
	var body io.Reader = strings.NewReader(EncodedBody)
	w.Header().Set("Content-Type", "application/json")
	if size >= 0 {
		body = NewPatternReader(size)
		w.Header().Set("Content-Type", "text/plain")
	}
	w.Header().Set("Content-Encoding", strings.Join(tokens, ", "))
	w.Header().Set("Vary", "Accept-Encoding")
	// The last coding applied writes to the response; each earlier one
	// writes into the next.
	var out io.Writer = w
	closers := make([]io.Closer, 0, len(names))
	for i := len(names) - 1; i >= 0; i-- {
		wc, err := codings[names[i]].wrap(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		closers = append(closers, wc)
		out = wc
	}
	if _, err := io.Copy(out, body); err != nil {
		return
	}
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i].Close()
	}
}

// handleBadGzip serves /badgzip?kind=garbage: Content-Encoding: gzip over
// a body that does not decode. Kinds: garbage (default; not gzip at all),
// truncated (the first half of a valid gzip stream), crc (a whole stream
// whose CRC-32 trailer is wrong). A client must fail, not print garbage.
func handleBadGzip(w http.ResponseWriter, r *http.Request) {
	var good bytes.Buffer
	zw := gzip.NewWriter(&good)
	io.WriteString(zw, EncodedBody)
	zw.Close()
	var body []byte
	switch kind := r.URL.Query().Get("kind"); kind {
	case "", "garbage":
		body = []byte("this is not gzip data\n")
	case "truncated":
		body = good.Bytes()[:good.Len()/2]
	case "crc":
		body = bytes.Clone(good.Bytes())
		body[len(body)-8] ^= 0xff // the CRC-32 is the trailer's first 4 bytes
	default:
		http.Error(w, fmt.Sprintf("bad query parameter kind=%q: unknown kind", kind), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Write(body)
}

func latin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = append(out, byte(r)) // every rune used here is below U+0100
	}
	return out
}

// handleLatin1 serves /latin1: an HTML page in ISO-8859-1 with
// Content-Type: text/html and no charset anywhere (no header parameter, no
// <meta>), whose paragraph is Latin1Text.
func handleLatin1(w http.ResponseWriter, r *http.Request) {
	page := "<!DOCTYPE html>\n<html><head><title>Café</title></head>\n<body><p>" + Latin1Text + "</p></body></html>\n"
	w.Header().Set("Content-Type", "text/html")
	w.Write(latin1(page))
}

// handleLatin1Text serves /latin1-text: Latin1Text and a newline in
// ISO-8859-1 as text/plain with no charset, which RFC 2616 §3.7.1 (and
// Requests) read as ISO-8859-1.
func handleLatin1Text(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write(latin1(Latin1Text + "\n"))
}

// writeShiftJIS writes s encoded in Shift_JIS.
func writeShiftJIS(w http.ResponseWriter, s string) {
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		http.Error(w, "encode Shift_JIS: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(b)
}

// handleSJIS serves /sjis: an HTML page in Shift_JIS with Content-Type:
// text/html (no charset parameter) that declares <meta charset="Shift_JIS">,
// whose paragraph is SJISText.
func handleSJIS(w http.ResponseWriter, r *http.Request) {
	page := "<!DOCTYPE html>\n<html><head><meta charset=\"Shift_JIS\"><title>SJIS</title></head>\n<body><p>" + SJISText + "</p></body></html>\n"
	w.Header().Set("Content-Type", "text/html")
	writeShiftJIS(w, page)
}

// handleSJISHeader serves /sjis-header: SJISText and a newline in
// Shift_JIS as "text/plain; charset=shift_jis".
func handleSJISHeader(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=shift_jis")
	writeShiftJIS(w, SJISText+"\n")
}
