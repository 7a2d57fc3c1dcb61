package download

import (
	"mime"
	"net/url"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// partSuffix is appended to a download's file name while it is incomplete.
const partSuffix = ".part"

const (
	// maxNameBytes is the longest file name Linux, the BSDs and macOS
	// accept (NAME_MAX); names are cut to it in bytes.
	maxNameBytes = 255
	// maxSafeName is the longest name a download chooses itself, so that
	// NAME.part is still a legal name.
	maxSafeName = maxNameBytes - len(partSuffix)
	// maxExtBytes is the longest extension kept when a name is cut; a
	// longer "extension" is just part of the name.
	maxExtBytes = 16
)

// Name picks the file name for a download: the
// Content-Disposition filename (RFC 6266, filename* preferred, in UTF-8
// or ISO-8859-1; a filename that is not UTF-8 is read as ISO-8859-1), else the
// last segment of the final URL's path, else "index"; a name taken from
// the URL gets an extension from the content type when it has none (the
// server's own name is kept as it is, as HTTPie does). The result is
// always a bare, safe file name: no directory, no control characters,
// nothing Windows refuses, and short enough for NAME.part to fit in 255
// bytes.
func Name(contentDisposition string, finalURL *url.URL, contentType string) string {
	name := ""
	if contentDisposition != "" {
		// mime.ParseMediaType decodes RFC 2231 filename* values and
		// prefers them to filename, but only in UTF-8 or US-ASCII: the
		// ISO-8859-1 that RFC 5987 also requires is decoded here.
		raw := ""
		if _, params, err := mime.ParseMediaType(contentDisposition); err == nil {
			raw = params["filename"]
		} else {
			raw = looseFilename(contentDisposition)
		}
		if v, ok := latin1ExtFilename(contentDisposition); ok {
			raw = v
		} else if !strings.Contains(strings.ToLower(contentDisposition), "filename*") {
			// A filename* that says UTF-8 keeps to it, invalid bytes
			// and all (they are dropped below).
			raw = latin1IfInvalid(raw)
		}
		name = sanitizeFilename(raw)
	}
	if name != "" {
		return name
	}
	if finalURL != nil {
		p := finalURL.Path
		if u, err := url.PathUnescape(finalURL.EscapedPath()); err == nil {
			p = u
		}
		if !strings.HasSuffix(p, "/") {
			name = sanitizeFilename(path.Base(p))
		}
	}
	if name == "" {
		name = "index"
	}
	if filepath.Ext(name) == "" {
		name = fitName(name+extensionFor(contentType), maxSafeName)
	}
	return name
}

// latin1ExtFilename returns the value of an RFC 5987 filename* parameter
// in ISO-8859-1 (filename*=ISO-8859-1'LANG'caf%E9.txt), decoded to UTF-8;
// ok is false when there is none, or it is in another charset.
func latin1ExtFilename(cd string) (name string, ok bool) {
	i := strings.Index(strings.ToLower(cd), "filename*=")
	if i < 0 {
		return "", false
	}
	v := cd[i+len("filename*="):]
	if j := strings.IndexByte(v, ';'); j >= 0 {
		v = v[:j]
	}
	v = strings.Trim(strings.TrimSpace(v), `"`)
	charset, rest, ok := strings.Cut(v, "'")
	if !ok || !strings.EqualFold(charset, "iso-8859-1") {
		return "", false
	}
	_, enc, ok := strings.Cut(rest, "'")
	if !ok {
		return "", false
	}
	b, err := url.PathUnescape(enc)
	if err != nil {
		return "", false
	}
	return latin1ToUTF8(b), true
}

// latin1IfInvalid reads a name that is not valid UTF-8 as ISO-8859-1, the
// historical charset of HTTP header fields (a raw filename="caf\xe9.txt"),
// as Requests and HTTPie do; valid UTF-8 is kept as it is.
func latin1IfInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return latin1ToUTF8(s)
}

// latin1ToUTF8 decodes ISO-8859-1 bytes, each of which is its code point.
func latin1ToUTF8(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// looseFilename pulls filename="..." out of a header that
// mime.ParseMediaType rejects (servers send unquoted spaces and the like).
func looseFilename(cd string) string {
	lower := strings.ToLower(cd)
	i := strings.Index(lower, "filename=")
	if i < 0 {
		return ""
	}
	v := strings.TrimSpace(cd[i+len("filename="):])
	if strings.HasPrefix(v, `"`) {
		if j := strings.IndexByte(v[1:], '"'); j >= 0 {
			return v[1 : j+1]
		}
		return v[1:]
	}
	if j := strings.IndexByte(v, ';'); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(v)
}

// sanitizeFilename turns a name a server suggested into a safe bare file
// name, or "" when nothing usable is left: only the part after the last
// slash or backslash is kept; invalid UTF-8, control characters (C0, DEL,
// C1) and invisible format characters (bidi overrides and isolates such as
// U+202E and U+2066–U+2069, marks such as U+200E, zero-width characters)
// are removed, so a name shows what it is; dots and spaces at either end
// are dropped (hidden files, ".."); and the result is cut
// on a character boundary, keeping its extension, so that NAME.part fits
// in 255 bytes. On Windows, the names and characters it reserves are
// made safe too (see windowsSafeName).
func sanitizeFilename(name string) string {
	return sanitizeName(name, onWindows)
}

// sanitizeName is sanitizeFilename, with the Windows rules when windows.
func sanitizeName(name string, windows bool) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unsafeNameRune(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimFunc(fitName(strings.TrimFunc(name, dotOrSpace), maxSafeName), dotOrSpace)
	if windows && name != "" {
		name = windowsSafeName(name)
	}
	return name
}

// onWindows turns on the Windows rules of windowsSafeName.
const onWindows = runtime.GOOS == "windows"

// windowsSafeName makes a name usable on Windows: the characters it
// forbids in names (< > : " | ? * — a colon would write to an alternate
// data stream of another file) become "_", and a reserved device name
// (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, with any extension, in any
// case) gets a "_" before it, so the body goes to a file rather than to a
// device; as curl does with -J on Windows.
func windowsSafeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	stem, _, _ := strings.Cut(name, ".")
	switch u := strings.ToUpper(strings.TrimRight(stem, " ")); {
	case u == "CON", u == "PRN", u == "AUX", u == "NUL",
		len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '1' && u[3] <= '9':
		name = fitName("_"+name, maxSafeName)
	}
	return name
}

// dotOrSpace marks what a name may not start or end with: a leading dot
// hides a file (or makes "..") and Windows drops trailing dots and spaces.
func dotOrSpace(r rune) bool {
	return r == '.' || unicode.IsSpace(r)
}

// unsafeNameRune reports whether r must not appear in a file name taken
// from a server: it is invalid, a control character, or a format or
// separator character that changes how the name is displayed (Unicode
// categories Cc, Cf, Zl, Zp). strings.Map turns invalid bytes into
// utf8.RuneError.
func unsafeNameRune(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// fitName cuts name to at most max bytes on a character boundary, keeping
// a short extension when there is room for something before it.
func fitName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > maxExtBytes || len(ext) >= max || len(ext) == len(name) {
		ext = ""
	}
	return cutUTF8(strings.TrimSuffix(name, ext), max-len(ext)) + ext
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// numberedName returns name itself for i == 0, else NAME-i.EXT, cut so
// that its .part file is still a legal name.
func numberedName(name string, i int) string {
	if i == 0 {
		return fitName(name, maxSafeName)
	}
	ext := filepath.Ext(name)
	if len(ext) > maxExtBytes || len(ext) == len(name) {
		ext = ""
	}
	suffix := "-" + strconv.Itoa(i) + ext
	return cutUTF8(strings.TrimSuffix(name, ext), maxSafeName-len(suffix)) + suffix
}

// PartPath returns the file a download of target is written to until it
// is complete: target.part, or, when that name would be too long for the
// file system, target's name cut to fit before the suffix.
func PartPath(target string) string {
	dir, base := filepath.Split(target)
	if len(base)+len(partSuffix) > maxNameBytes {
		base = cutUTF8(base, maxSafeName)
	}
	return dir + base + partSuffix
}

// commonExtensions covers the usual types first, since mime's own table
// depends on the system and may list several extensions per type.
var commonExtensions = map[string]string{
	"text/html":                ".html",
	"text/plain":               ".txt",
	"text/css":                 ".css",
	"text/csv":                 ".csv",
	"text/xml":                 ".xml",
	"application/xml":          ".xml",
	"application/json":         ".json",
	"application/javascript":   ".js",
	"text/javascript":          ".js",
	"application/pdf":          ".pdf",
	"application/zip":          ".zip",
	"application/gzip":         ".gz",
	"application/octet-stream": ".bin", // HTTPie names such downloads NAME.bin too
	"application/x-gzip":       ".gz",
	"image/png":                ".png",
	"image/jpeg":               ".jpg",
	"image/gif":                ".gif",
	"image/webp":               ".webp",
	"image/svg+xml":            ".svg",
}

// extensionFor returns the extension for a content type, or "".
func extensionFor(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt == "" {
		return ""
	}
	if ext, ok := commonExtensions[mt]; ok {
		return ext
	}
	if exts, err := mime.ExtensionsByType(mt); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ""
}
