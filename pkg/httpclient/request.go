package httpclient

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
)

// Request is what the caller wants to send, before the session's defaults
// are merged in: Requests' requests.Request.
type Request struct {
	Method string
	URL    string
	// Header holds header values to send; they replace the session's values
	// of the same name. Several values of one name are sent as several lines.
	Header http.Header
	// HeaderOrder lists Header's names in the order they are to be sent;
	// the names it leaves out go first, sorted, as defaults. A name the
	// session already sends (User-Agent) keeps the session's place, as
	// in Requests' merge of session and request headers.
	HeaderOrder []string
	// Unset names headers to leave out, the session's defaults included
	// (Requests: a header set to None).
	Unset []string
	// Params are appended to the URL's query, after those already there.
	Params []Param
	// JSON is a pre-encoded JSON body. It sets Content-Type and Accept
	// defaults as HTTPie does.
	JSON []byte
	// Form fields are sent url-encoded, or as multipart text parts when
	// Files is not empty or Multipart is set.
	Form []Param
	// Files are multipart file parts.
	Files     []File
	Multipart bool
	// Boundary fixes the multipart boundary; empty picks a random one.
	Boundary string
	// Body is a raw body; it excludes JSON, Form and Files.
	Body *Body
	// Auth overrides the session's Auth for this request.
	Auth Auth
	// Chunked sends the body with chunked transfer coding even when its
	// length is known.
	Chunked bool
	// PathAsIs keeps "." and ".." segments in the URL's path, which are
	// otherwise removed as urllib3 does (curl's --path-as-is).
	PathAsIs bool
	// Compress deflates the body as HTTPie's --compress does; see
	// Compression.
	Compress Compression
}

// Compression says whether Prepare deflates a request body (the zlib
// format, sent with Content-Encoding: deflate).
type Compression int

const (
	// CompressNone sends the body as given.
	CompressNone Compression = iota
	// CompressIfSmaller deflates the body when that makes it smaller
	// (HTTPie's -x). A body that can be read only once (standard input
	// past the replay buffer's reach) cannot be measured first, so it is
	// always deflated, as it streams.
	CompressIfSmaller
	// CompressAlways deflates the body even when that makes it larger
	// (HTTPie's -xx).
	CompressAlways
)

// Param is one name/value pair of a query or a form; order is kept.
type Param struct {
	Name, Value string
}

// File is one multipart file part. Open is called each time the body is
// (re)sent, so a redirect that keeps the body re-reads the file.
type File struct {
	Field, Filename, ContentType string
	Open                         func() (io.ReadCloser, error)
	// Path is the file Open reads, when there is one ("-" for standard
	// input); it lets a request be written down again (--curl).
	Path string
	// Size is the file's length, or -1 when unknown (then the whole
	// multipart body has no Content-Length and is sent chunked).
	Size int64
	// Header holds more header lines of the part, as the fourth element
	// of a Requests files tuple does (Content-ID, Content-Transfer-
	// Encoding, X-…); a Content-Type or Content-Disposition given here
	// replaces the one the part would get.
	Header http.Header
}

// FileFromPath returns a File part reading path; it fails when path cannot
// be opened or is a directory.
func FileFromPath(field, path, contentType string) (File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return File{}, err
	}
	if st.IsDir() {
		return File{}, fmt.Errorf("%s: is a directory", path)
	}
	size := st.Size()
	if !st.Mode().IsRegular() {
		size = -1
	}
	name := path
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return File{
		Field: field, Filename: name, ContentType: contentType, Size: size, Path: path,
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	}, nil
}

// Body is a request body source. A replayable body can be opened again for
// each redirect hop, retry or auth challenge; a one-shot body (a pipe) is
// kept in memory up to ReplayLimit bytes so that it can be replayed too.
type Body struct {
	open   func() (io.ReadCloser, error)
	size   int64 // -1 unknown
	replay *replayBuffer
	path   string
}

// ReplayLimit bounds how much of a one-shot body (standard input) is kept
// to resend it on a 307/308 redirect or a retry.
const ReplayLimit = 10 << 20

// BytesBody returns a body holding b.
func BytesBody(b []byte) *Body {
	return &Body{size: int64(len(b)), open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// NewBody returns a body that open reads, called again for every send
// (redirect hops, retries, auth challenges), each time from the start;
// size is its length, or -1 when it is not known (then it goes out
// chunked). It is for bodies made of several sources, such as text
// around files, streamed rather than held.
func NewBody(open func() (io.ReadCloser, error), size int64) *Body {
	return &Body{size: size, open: open}
}

// FileBody returns a body streamed from the file at path, reopened for
// every send. Its length is the file's size when it is a regular file.
func FileBody(path string) (*Body, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
	}
	return &Body{path: path, size: size, open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
}

// OpenFileBody returns a body read from the regular file f, from its
// current offset to its end, as FileBody reads a named file: with a known
// length and, over TCP, through the kernel's zero-copy path. It is for a
// file given as a descriptor, such as standard input redirected from a
// file (reqs POST URL < big.bin). Each send reopens f by its name (for
// standard input, /dev/stdin) at that offset, so redirects and retries can
// resend it; where f cannot be reopened, it is a one-shot ReaderBody of
// that length.
func OpenFileBody(f *os.File) (*Body, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", f.Name())
	}
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	size := max(st.Size()-start, 0)
	open := func() (io.ReadCloser, error) {
		g, err := os.Open(f.Name())
		if err != nil {
			return nil, err
		}
		if same, err := sameFile(g, st); err != nil || !same {
			g.Close()
			return nil, fmt.Errorf("%s: no longer the file it was", f.Name())
		}
		if _, err := g.Seek(start, io.SeekStart); err != nil {
			g.Close()
			return nil, err
		}
		return g, nil
	}
	probe, err := open()
	if err != nil {
		return ReaderBody(f, size), nil
	}
	probe.Close()
	return &Body{size: size, open: open}, nil
}

// sameFile reports whether g is the file st describes.
func sameFile(g *os.File, st os.FileInfo) (bool, error) {
	gst, err := g.Stat()
	if err != nil {
		return false, err
	}
	return os.SameFile(gst, st), nil
}

// ReaderBody returns a one-shot body read from r; size is its length or -1.
// It can be replayed only while it fits in ReplayLimit.
func ReaderBody(r io.Reader, size int64) *Body {
	rb := &replayBuffer{src: r}
	return &Body{size: size, replay: rb, open: rb.open}
}

// ReadAheadLimit is how much of a one-shot source ReadAheadBody reads
// before the request goes out.
const ReadAheadLimit = 1 << 20

// ReadAheadBody returns a body read from r, a one-shot source such as a
// pipe, reading up to limit bytes of it first (ReadAheadLimit when limit
// is not positive). When r ends within them, the body is those bytes,
// with a known length: it goes out with Content-Length, as HTTPie and
// curl's --data-binary @- send piped input, since many servers (Python's
// http.server, small frameworks) read no chunked request body. A longer
// source streams: the bytes read ahead, then the rest of r, with an
// unknown length (sent chunked), never held whole. An empty r gives a
// body of size 0. The error is r's own.
func ReadAheadBody(r io.Reader, limit int) (*Body, error) {
	if limit <= 0 {
		limit = ReadAheadLimit
	}
	head, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(head) <= limit {
		return BytesBody(head), nil
	}
	return ReaderBody(io.MultiReader(bytes.NewReader(head), r), -1), nil
}

// Size returns the body's length, or -1 when it is not known in advance.
func (b *Body) Size() int64 { return b.size }

// Path returns the file a FileBody reads, or "".
func (b *Body) Path() string { return b.path }

// Open returns a fresh reader over the whole body.
func (b *Body) Open() (io.ReadCloser, error) { return b.open() }

// replayBuffer reads a one-shot source once, keeping a copy of up to
// ReplayLimit bytes so later opens can replay it. The transport may still
// be reading the first copy in its own goroutine when a redirect asks for
// the second, so a later open waits until the first reader is closed
// before it finishes reading the source.
type replayBuffer struct {
	src io.Reader

	mu       sync.Mutex
	buf      bytes.Buffer
	opened   bool
	overflow bool
	done     bool
	closed   chan struct{} // closed when the first reader is closed
}

func (rb *replayBuffer) open() (io.ReadCloser, error) {
	rb.mu.Lock()
	if !rb.opened {
		rb.opened = true
		rb.closed = make(chan struct{})
		rb.mu.Unlock()
		return &teeCapped{rb: rb}, nil
	}
	closed := rb.closed
	rb.mu.Unlock()
	<-closed

	rb.mu.Lock()
	defer rb.mu.Unlock()
	if !rb.done && !rb.overflow {
		// The first reader was not drained (the server answered early):
		// finish reading the source into the buffer.
		if _, err := io.Copy(io.Discard, readerFunc(rb.readLocked)); err != nil {
			return nil, err
		}
	}
	if rb.overflow {
		return nil, fmt.Errorf("%w: the body was streamed once and is larger than %d MiB, so it cannot be sent again", ErrInvalidBody, ReplayLimit>>20)
	}
	return io.NopCloser(bytes.NewReader(rb.buf.Bytes())), nil
}

// readLocked reads the source, keeping what fits; rb.mu must be held.
func (rb *replayBuffer) readLocked(p []byte) (int, error) {
	n, err := rb.src.Read(p)
	if n > 0 && !rb.overflow {
		if rb.buf.Len()+n > ReplayLimit {
			rb.overflow = true
			rb.buf = bytes.Buffer{}
		} else {
			rb.buf.Write(p[:n])
		}
	}
	if err == io.EOF {
		rb.done = true
	}
	return n, err
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// teeCapped is the first reader of a replayBuffer.
type teeCapped struct {
	rb   *replayBuffer
	once sync.Once
}

func (t *teeCapped) Read(p []byte) (int, error) {
	t.rb.mu.Lock()
	defer t.rb.mu.Unlock()
	return t.rb.readLocked(p)
}

func (t *teeCapped) Close() error {
	t.once.Do(func() { close(t.rb.closed) })
	return nil
}

// PreparedRequest is the exact request that will be sent: URL resolved and
// requoted, session headers and params merged, body encoded. It is
// Requests' PreparedRequest.
type PreparedRequest struct {
	Method string
	URL    *url.URL
	Header http.Header
	// HeaderOrder lists Header's names (canonical) in the order they are
	// sent: the session's defaults, then headers the body encoding set,
	// then the request's own in the order given. Names missing from it
	// go after it, sorted.
	HeaderOrder []string
	// ContentLength is the body's length, -1 when unknown (sent chunked),
	// 0 with no body.
	ContentLength int64
	// Auth is the credentials to apply when sending (request's, else the
	// session's); nil sends none.
	Auth Auth

	body    func() (io.ReadCloser, error)
	bodySrc *Body
	// authHeader holds the header lines Auth set when p was last sent,
	// so that Headers shows what went out (a signature's time, a fetched
	// token) instead of computing them again.
	authHeader http.Header
	// sentHead holds the header fields an HTTP/2 connection recorded
	// going out when p was last sent over one, in their order.
	sentHead []HeaderField
	// jar is the cookie jar the call that last sent p used (nil for
	// none); jarChosen says p was sent, so that Head shows the cookies
	// that went out.
	jar       http.CookieJar
	jarChosen bool
}

// setSentHead records the HTTP/2 header fields p last went out with;
// nil (not recorded) forgets the previous ones.
func (p *PreparedRequest) setSentHead(fields []HeaderField) { p.sentHead = fields }

// HasBody reports whether the request carries a body.
func (p *PreparedRequest) HasBody() bool { return p.body != nil }

// GetBody returns a fresh reader over the body (empty when there is none).
func (p *PreparedRequest) GetBody() (io.ReadCloser, error) {
	if p.body == nil {
		return http.NoBody, nil
	}
	return p.body()
}

// BodyFile returns the path of a body streamed from a file, or "".
func (p *PreparedRequest) BodyFile() string {
	if p.bodySrc != nil {
		return p.bodySrc.path
	}
	return ""
}

// Clone returns a copy whose header and URL can be changed independently.
func (p *PreparedRequest) Clone() *PreparedRequest {
	c := *p
	u := *p.URL
	c.URL = &u
	c.Header = p.Header.Clone()
	c.HeaderOrder = append([]string(nil), p.HeaderOrder...)
	c.authHeader = nil // the copy has not been sent
	c.sentHead = nil
	return &c
}

// SetBody replaces the body; a nil body removes it.
func (p *PreparedRequest) SetBody(open func() (io.ReadCloser, error), length int64) {
	p.body = open
	p.bodySrc = nil
	p.ContentLength = length
	if open == nil {
		p.ContentLength = 0
	}
}
