package render

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PartSuffix is appended to a download's name while it is incomplete.
const PartSuffix = ".part"

// DownloadName picks the file name for a download (SPEC §2): the
// Content-Disposition filename (RFC 6266, filename* preferred), else the
// last segment of the final URL's path, else "index"; a name taken from
// the URL gets an extension from the content type when it has none (the
// server's own name is kept as it is, as HTTPie does). The result is
// always a bare, safe file name (see [SanitizeFilename]).
func DownloadName(contentDisposition string, finalURL *url.URL, contentType string) string {
	name := ""
	if contentDisposition != "" {
		// mime.ParseMediaType decodes RFC 2231 filename* values and
		// prefers them to filename.
		if _, params, err := mime.ParseMediaType(contentDisposition); err == nil {
			name = SanitizeFilename(params["filename"])
		} else {
			name = SanitizeFilename(looseFilename(contentDisposition))
		}
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
			name = SanitizeFilename(path.Base(p))
		}
	}
	if name == "" {
		name = "index"
	}
	if filepath.Ext(name) == "" {
		name += extensionFor(contentType)
	}
	return name
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

// SanitizeFilename turns a name a server suggested into a safe bare file
// name, or "" when nothing usable is left: only the part after the last
// slash or backslash is kept, control characters are removed, leading
// dots (hidden files, "..") and trailing dots and spaces are dropped, and
// the result is cut to 255 bytes keeping its extension.
func SanitizeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	name = strings.TrimRight(name, ". ")
	if len(name) > 255 {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		base := name[:255-len(ext)]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
		name = base + ext
	}
	return name
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
	mt := mediaType(contentType)
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

// UniquePath returns dir/name when neither it nor its .part file exists,
// else the first free dir/name-N.ext (N from 1), so a download never
// overwrites a file it was not told to.
func UniquePath(dir, name string) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 0; ; i++ {
		n := name
		if i > 0 {
			n = base + "-" + strconv.Itoa(i) + ext
		}
		p := filepath.Join(dir, n)
		if !exists(p) && !exists(p+PartSuffix) {
			return p
		}
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// ResumeOffset returns how many bytes of target are already on disk for
// --continue: the size of target.part, else of target itself (a file left
// by another tool), else 0.
func ResumeOffset(target string) (int64, error) {
	for _, p := range []string{target + PartSuffix, target} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if !st.Mode().IsRegular() {
			return 0, fmt.Errorf("%s is not a regular file", p)
		}
		return st.Size(), nil
	}
	return 0, nil
}

// Download saves one response body to Path through Path.part.
type Download struct {
	// Path is the final file name.
	Path string
	// Offset is how many bytes are already on disk to append to (a resumed
	// download); 0 starts afresh.
	Offset int64
	// Total is the complete file's expected size, or -1 when unknown; the
	// file is renamed into place only when it has exactly this size.
	Total int64
	// Progress, when not nil, is told about each chunk written.
	Progress *Progress
}

// copyBufSize is the download copy buffer: large, and allocated once.
const copyBufSize = 256 << 10

// Save writes r to Path.part (appending after Offset bytes, else from
// scratch), syncs it and renames it to Path once r ended and the size
// matches Total. On any error the .part file stays for --continue, and no
// file at Path looks complete. It returns the bytes written.
func (d *Download) Save(r io.Reader) (int64, error) {
	part := d.Path + PartSuffix
	if d.Offset > 0 {
		if err := adoptPart(d.Path, part); err != nil {
			return 0, err
		}
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if d.Offset > 0 {
		flags = os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return 0, err
	}
	if d.Offset > 0 {
		st, err := f.Stat()
		if err == nil && st.Size() != d.Offset {
			f.Close()
			return 0, fmt.Errorf("%s changed size (%d bytes, expected %d)", part, st.Size(), d.Offset)
		}
	}
	src := r
	if d.Progress != nil {
		src = d.Progress.Reader(r)
	}
	n, err := io.Copy(f, src)
	if err != nil {
		f.Close()
		return n, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return n, err
	}
	if err := f.Close(); err != nil {
		return n, err
	}
	if got := d.Offset + n; d.Total >= 0 && got != d.Total {
		return n, fmt.Errorf("incomplete download: %d of %d bytes, kept in %s", got, d.Total, part)
	}
	return n, os.Rename(part, d.Path)
}

// Complete renames Path.part (or leaves Path) into place when a resumed
// download turns out to be finished already (a 416 whose size matches).
func (d *Download) Complete() error {
	part := d.Path + PartSuffix
	if exists(part) {
		return os.Rename(part, d.Path)
	}
	return nil
}

// adoptPart moves a complete-looking target written by another tool to
// target.part, so resuming it keeps the .part discipline.
func adoptPart(target, part string) error {
	if exists(part) {
		return nil
	}
	return os.Rename(target, part)
}

// countingReader counts bytes into a Progress. It implements WriterTo
// with one large buffer so a copy makes few, big writes and allocates once.
type countingReader struct {
	r io.Reader
	p *Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.Add(int64(n))
	return n, err
}

func (c *countingReader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, copyBufSize)
	var total int64
	for {
		n, err := c.r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			c.p.Add(int64(m))
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
