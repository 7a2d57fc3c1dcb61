// Package charset decodes response bodies to UTF-8 the way Requests and
// browsers name and guess charsets: the Content-Type parameter (IANA
// names first, so ISO-8859-1 is exactly Latin-1 as in Python), else
// ISO-8859-1 for text/* (Requests' get_encoding_from_headers), and for
// display a guess from the body's first bytes (a byte order mark, UTF-8
// validity, an HTML <meta> or XML declaration, Japanese multi-byte
// statistics).
package charset

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// DetectPrefix is how much of a body's start [ForDisplay] looks at to
// guess its charset.
const DetectPrefix = 4096

// isUTF8Name reports whether the charset name needs no decoding.
func isUTF8Name(name string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`)) {
	case "", "utf-8", "utf8":
		return true
	}
	return false
}

// lookup finds the decoder for a charset name. IANA names come
// first so that ISO-8859-1 means exactly Latin-1, as in Python, not
// windows-1252 as the WHATWG table says; WHATWG labels cover the rest.
func lookup(name string) (encoding.Encoding, error) {
	n := strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	switch n {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return charmap.ISO8859_1, nil
	}
	if e, err := ianaindex.IANA.Encoding(n); err == nil && e != nil {
		return e, nil
	}
	if e, err := htmlindex.Get(n); err == nil {
		return e, nil
	}
	return nil, fmt.Errorf("unknown charset %q", name)
}

// Valid returns an error when name is not a charset this package can
// decode, so that a charset a user names is checked before anything is
// sent.
func Valid(name string) error {
	if isUTF8Name(name) {
		return nil
	}
	_, err := lookup(name)
	return err
}

// NewReader returns a reader that decodes r from charset to UTF-8 as it
// is read; "" and UTF-8 return r itself. Bytes the charset cannot map
// become U+FFFD.
func NewReader(r io.Reader, charset string) (io.Reader, error) {
	if isUTF8Name(charset) {
		return r, nil
	}
	enc, err := lookup(charset)
	if err != nil {
		return nil, err
	}
	return transform.NewReader(r, enc.NewDecoder()), nil
}

// ForDisplay returns the charset to decode a body with for display: the charset parameter of Content-Type, else one detected from
// head (the body's first bytes: BOM, <meta> or XML declaration, UTF-8
// validity, statistics), else ISO-8859-1 for text/* as Requests does, else
// "" (UTF-8 or unknown).
func ForDisplay(h http.Header, head []byte) string {
	if _, params, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && params["charset"] != "" {
		return strings.ToLower(params["charset"])
	}
	if cs := detect(head); cs != "" {
		return cs
	}
	return FromHeader(h)
}

// detect guesses the charset of a body from its first bytes (up to
// DetectPrefix are used): a byte order mark, then valid UTF-8 with
// non-ASCII bytes, then an HTML <meta> or XML encoding declaration, then
// byte statistics for the Japanese multi-byte charsets. It returns "" when
// nothing is known (pure ASCII among others).
func detect(head []byte) string {
	if len(head) > DetectPrefix {
		head = head[:DetectPrefix]
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return "utf-8"
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		return "utf-16be"
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		return "utf-16le"
	}
	if t := trimPartialRune(head); !isASCIIBytes(t) && utf8.Valid(t) {
		return "utf-8"
	}
	if cs := declaredCharset(head); cs != "" {
		return cs
	}
	if isASCIIBytes(head) {
		return ""
	}
	return guessMultiByte(head)
}

// declaredCharset finds a charset declared inside the document: an XML
// declaration, or an HTML <meta> found by the WHATWG prescan.
func declaredCharset(head []byte) string {
	if bytes.HasPrefix(head, []byte("<?xml")) {
		end := bytes.Index(head, []byte("?>"))
		if end > 0 {
			decl := string(head[:end])
			if i := strings.Index(decl, "encoding="); i >= 0 {
				v := decl[i+len("encoding="):]
				if len(v) > 1 && (v[0] == '"' || v[0] == '\'') {
					if j := strings.IndexByte(v[1:], v[0]); j > 0 {
						return strings.ToLower(v[1 : j+1])
					}
				}
			}
		}
	}
	lower := bytes.ToLower(head)
	if !bytes.Contains(lower, []byte("<meta")) || !bytes.Contains(lower, []byte("charset")) {
		return ""
	}
	_, name, _ := htmlcharset.DetermineEncoding(head, "")
	return name
}

// guessMultiByte tells Shift_JIS and EUC-JP apart from single-byte text.
// Latin text has sparse high bytes between ASCII letters, while Japanese
// text is dense in two-byte pairs: EUC-JP kana sit in rows 0xA4 and 0xA5
// (lead bytes Shift_JIS kana never use, so EUC-JP is tried first), and
// most Shift_JIS pairs have a trail byte of 0x80 or more.
func guessMultiByte(b []byte) string {
	if euc, ok := eucPairs(b); ok && euc.pairs >= 2 && euc.kana*4 >= euc.pairs {
		return "euc-jp"
	}
	if sjis, ok := sjisPairs(b); ok && sjis.pairs >= 2 && sjis.highTrail*2 >= sjis.pairs {
		return "shift_jis"
	}
	return ""
}

type pairStats struct{ pairs, highTrail, kana int }

// sjisPairs scans b as Shift_JIS; ok is false at the first invalid byte.
func sjisPairs(b []byte) (pairStats, bool) {
	var s pairStats
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x80 || (c >= 0xa1 && c <= 0xdf): // ASCII, half-width katakana
		case (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc):
			if i+1 >= len(b) {
				return s, true // cut in the middle of a pair
			}
			t := b[i+1]
			if t < 0x40 || t == 0x7f || t > 0xfc {
				return s, false
			}
			s.pairs++
			if t >= 0x80 {
				s.highTrail++
			}
			i++
		default:
			return s, false
		}
	}
	return s, true
}

// eucPairs scans b as EUC-JP; ok is false at the first invalid byte.
func eucPairs(b []byte) (pairStats, bool) {
	var s pairStats
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x80:
		case c == 0x8e || (c >= 0xa1 && c <= 0xfe):
			if i+1 >= len(b) {
				return s, true
			}
			t := b[i+1]
			if t < 0xa1 || t > 0xfe {
				return s, false
			}
			s.pairs++
			if c == 0xa4 || c == 0xa5 {
				s.kana++
			}
			i++
		default:
			return s, false
		}
	}
	return s, true
}

func isASCIIBytes(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// trimPartialRune drops a multi-byte sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// FromHeader returns the charset named by Content-Type, or
// ISO-8859-1 for text/* without one (RFC 2616 §3.7.1, as Requests does).
// JSON without a charset is UTF-8 (RFC 8259 §8.1); for everything else
// [ForDisplay] also looks at the body.
func FromHeader(h http.Header) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	if cs := params["charset"]; cs != "" {
		return strings.ToLower(cs)
	}
	if strings.HasPrefix(mt, "text/") {
		return "iso-8859-1"
	}
	return ""
}

// Decode converts b from the named charset to UTF-8; "" and utf-8
// return b unchanged. An unknown charset is an error, and so is a UTF-16
// or other charset whose decoder rejects b.
func Decode(b []byte, charset string) (string, error) {
	if isUTF8Name(charset) {
		return string(b), nil
	}
	enc, err := lookup(charset)
	if err != nil {
		return "", err
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("decode %s text: %w", charset, err)
	}
	return string(out), nil
}
