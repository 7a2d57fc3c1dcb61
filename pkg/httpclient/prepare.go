package httpclient

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
	"golang.org/x/net/idna"
)

// Prepare merges the session's defaults into req and encodes its body, as
// Requests' Session.prepare_request does. The result can be inspected
// (--offline, -v) and then sent with Send.
//
// Credentials come from the first of: req.Auth; the URL's user info
// (sent as CredentialScheme says); the session's Auth; per host (so a
// redirect to another host gets that host's), the host's helper in
// HostHelpers, else with TrustEnv and not IgnoreNetrc its netrc entry;
// and last an Authorization header, which those replace.
//
// Last, the body is deflated as req.Compress says. A body that cannot be
// read then fails Prepare with the read's own error, which is not one of
// the invalid-request kinds (ErrInvalidURL, ErrInvalidHeader,
// ErrInvalidBody): the request was built right, its source failed.
func (s *Session) Prepare(req *Request) (*PreparedRequest, error) {
	// Methods go out upper-cased, as Requests' prepare_method does:
	// servers answer "purge" with 501.
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	u, err := prepareURL(req.URL, req.PathAsIs)
	if err != nil {
		return nil, err
	}
	p := &PreparedRequest{Method: method, URL: u, Header: http.Header{}}

	params := append(append([]Param(nil), s.Params...), req.Params...)
	if len(params) > 0 {
		p.URL.RawQuery = appendQuery(p.URL.RawQuery, params)
	}

	for name, vals := range s.Header {
		p.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), vals...)
	}
	sessionOrder := s.HeaderOrder
	if sessionOrder == nil {
		sessionOrder = defaultHeaderOrder
	}
	p.HeaderOrder = appendNames(nil, sessionOrder...)
	p.HeaderOrder = appendNames(p.HeaderOrder, sortedNames(p.Header)...)
	if err := encodeBody(p, req); err != nil {
		return nil, err
	}
	p.HeaderOrder = appendNames(p.HeaderOrder, sortedNames(p.Header)...)
	bodyType := p.Header.Get("Content-Type")
	for name, vals := range req.Header {
		p.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), vals...)
	}
	if isMultipartBody(req) {
		// The multipart encoder's type, carrying the boundary, replaces
		// a Content-Type given without one; see multipartType.
		p.Header.Set("Content-Type", bodyType)
	}
	p.HeaderOrder = appendNames(p.HeaderOrder, unlisted(req.Header, req.HeaderOrder)...)
	p.HeaderOrder = appendNames(p.HeaderOrder, req.HeaderOrder...)
	for _, name := range req.Unset {
		p.Header.Del(name)
	}
	p.HeaderOrder = keepPresent(p.HeaderOrder, p.Header)
	for name, vals := range p.Header {
		for _, v := range vals {
			if !validHeaderName(name) {
				return nil, &RequestError{Kind: ErrInvalidHeader, Err: fmt.Errorf("header name %q has characters that cannot be sent", name)}
			}
			if strings.ContainsAny(v, "\r\n\x00") {
				return nil, &RequestError{Kind: ErrInvalidHeader, Err: fmt.Errorf("header %s: value has a line break", name)}
			}
		}
	}

	switch {
	case req.Auth != nil:
		p.Auth = req.Auth
	case u.User != nil:
		// Requests takes credentials from the URL (get_auth_from_url).
		pass, _ := u.User.Password()
		p.Auth = SchemeAuth(s.CredentialScheme, u.User.Username(), pass)
	case s.Auth != nil:
		p.Auth = s.Auth
	default:
		var netrc Auth
		if s.TrustEnv && !s.IgnoreNetrc {
			if n := s.netrc.load(s.getenv, s.OnEnvError); n != nil {
				netrc = n.WithScheme(s.CredentialScheme)
			}
		}
		if len(s.HostHelpers) > 0 {
			p.Auth = (&HostHelpers{Helpers: s.HostHelpers, Fallback: netrc}).withChallenges()
		} else {
			p.Auth = netrc
		}
	}
	p.URL.User = nil
	if req.Compress != CompressNone {
		// Reading the body failed: not a request built wrong, so the
		// error keeps its own kind, not ErrInvalidBody.
		if _, err := compressBody(p, req.Compress == CompressAlways); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SchemeAuth returns the Auth that sends a user and password as scheme
// says: AuthBasic (or empty), AuthDigest, or AuthBearer, which sends
// the password as the token, or the user when there is no password
// (https://TOKEN@host), never an empty token.
func SchemeAuth(scheme, user, password string) Auth {
	switch scheme {
	case AuthDigest:
		return &digest.Auth{Username: user, Password: password}
	case AuthBearer:
		return &BearerAuth{Token: bearerToken(user, password)}
	}
	return &BasicAuth{Username: user, Password: password}
}

// bearerToken is the token that a user and password carry: the
// password, else the user alone.
func bearerToken(user, password string) string {
	if password == "" {
		return user
	}
	return password
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// appendQuery adds params after an existing raw query, encoding them as
// Requests does (spaces as '+', reserved characters escaped).
func appendQuery(raw string, params []Param) string {
	var b strings.Builder
	b.WriteString(raw)
	for _, p := range params {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}

// PrepareURL checks that raw is an absolute http or https URL, encodes an
// international host name with IDNA, removes "." and ".." path segments
// as urllib3 does (RFC 3986 §5.2.4: /a/../b/./c is /b/c) and requotes the
// path and query as Requests' requote_uri does: characters that must be
// escaped are, escapes already present are kept. A host that is not valid
// UTF-8 or not a valid IDNA name is an error, never guessed at.
func PrepareURL(raw string) (*url.URL, error) {
	return prepareURL(raw, false)
}

// prepareURLAsIs is [PrepareURL] keeping dot segments in the path, as
// curl's --path-as-is does (and [Request].PathAsIs asks for).
func prepareURLAsIs(raw string) (*url.URL, error) {
	return prepareURL(raw, true)
}

// UnixSocketURL reads an http+unix:// URL, the form requests-unixsocket
// and HTTPie take, whose host is the socket's path percent-encoded
// (http+unix://%2Fvar%2Frun%2Fdocker.sock/info). It returns the socket
// path and the http:// URL to request over it (host localhost, as curl's
// --unix-socket sends); ok is false for a URL of another scheme.
func UnixSocketURL(raw string) (socket, httpURL string, ok bool, err error) {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found || !strings.EqualFold(scheme, "http+unix") {
		return "", "", false, nil
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	socket, err = url.PathUnescape(rest[:end])
	if err != nil || socket == "" {
		return "", "", true, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: fmt.Errorf("%q names no socket: its host is the socket's path, percent-encoded (http+unix://%%2Fvar%%2Frun%%2Fdocker.sock/info)", RedactURL(raw))}
	}
	return socket, "http://localhost" + rest[end:], true, nil
}

func prepareURL(raw string, pathAsIs bool) (*url.URL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme == "" {
		return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: fmt.Errorf("%q has no scheme (did you mean http://%s?)", RedactURL(raw), raw)}
	}
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" {
		return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: fmt.Errorf("unsupported scheme %q: only http and https", scheme)}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	userinfo, hostport := "", authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo, hostport = authority[:i+1], authority[i+1:]
	}
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		if i := strings.IndexByte(hostport, ']'); i >= 0 {
			host, port = hostport[:i+1], hostport[i+1:]
		}
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i:]
	}
	if port == ":" {
		// An empty port is the scheme's default (RFC 3986 §6.2.3), and
		// urllib3 drops it: "Host: example.org:" would name another host
		// to some servers.
		port = ""
	}
	if host == "" {
		return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: fmt.Errorf("%q has no host", RedactURL(raw))}
	}
	if !utf8.ValidString(host) {
		return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(strings.ToValidUTF8(raw, "\uFFFD")), Err: fmt.Errorf("host %q is not valid UTF-8", host)}
	}
	if err := checkPunycode(host); err != nil {
		return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: err}
	}
	if !isASCII(host) {
		ascii, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return nil, &RequestError{Kind: ErrInvalidURL, URL: raw, Err: fmt.Errorf("host %q is not a valid international domain name: %v", host, err)}
		}
		host = ascii
	}
	// Host names are case-insensitive; Requests sends them lower-cased.
	host = strings.ToLower(host)
	if tail == "" {
		tail = "/"
	} else if tail[0] != '/' {
		tail = "/" + tail
	}
	if !pathAsIs {
		path, rest := tail, ""
		if i := strings.IndexAny(tail, "?#"); i >= 0 {
			path, rest = tail[:i], tail[i:]
		}
		tail = removeDotSegments(path) + rest
	}
	u, err := url.Parse(scheme + "://" + userinfo + host + port + requoteURI(tail))
	if err != nil {
		return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: unwrapURLError(err)}
	}
	if p := u.Port(); p != "" {
		// urllib3 rejects ports past 65535 too; the dialer would only fail later.
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
			return nil, &RequestError{Kind: ErrInvalidURL, URL: RedactURL(raw), Err: fmt.Errorf("invalid port %q", p)}
		}
	}
	return u, nil
}

// removeDotSegments is RFC 3986 §5.2.4's remove_dot_segments, which
// urllib3 applies to every URL Requests sends: "/a/../b/./c" is "/b/c",
// and ".." never climbs above the root. A final "." or ".." keeps its
// slash ("/a/b/.." is "/a/").
func removeDotSegments(path string) string {
	if !strings.Contains(path, ".") {
		return path
	}
	segs := strings.Split(path, "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			// out[0] is the empty segment before the leading slash.
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	if len(out) == 1 && out[0] == "" {
		return "/"
	}
	return strings.Join(out, "/")
}

// checkPunycode rejects a host whose "xn--" labels do not decode to a
// valid international name: the idna package would pass "xn--a.com" on,
// and an invalid IDNA name must be refused, never sent. Other ASCII
// labels are left alone (underscores, common in internal names, are not
// IDNA-valid but resolve).
func checkPunycode(host string) error {
	for label := range strings.SplitSeq(host, ".") {
		if len(label) < 4 || !strings.EqualFold(label[:4], "xn--") {
			continue
		}
		if _, err := idna.Lookup.ToUnicode(label); err != nil || len(label) == 4 {
			return fmt.Errorf("host %q is not a valid international domain name: label %q is not valid punycode", host, label)
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// requoteSafe is the set of characters requote_uri leaves alone besides
// the unreserved ones (RFC 3986 reserved characters and '%').
const requoteSafe = "!#$%&'()*+,/:;=?@[]~"

// requoteURI re-escapes s the way Requests' requote_uri does: escapes of
// unreserved characters are decoded, then every character that is neither
// unreserved nor reserved is percent-encoded. When s holds a '%' that
// starts no valid escape, '%' itself is escaped too.
func requoteURI(s string) string {
	unq, ok := unquoteUnreserved(s)
	safe := requoteSafe
	if !ok {
		unq = s
		safe = strings.ReplaceAll(requoteSafe, "%", "")
	}
	var b strings.Builder
	b.Grow(len(unq))
	for i := 0; i < len(unq); i++ {
		c := unq[i]
		if isUnreserved(c) || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// unquoteUnreserved decodes %XX escapes of unreserved characters and keeps
// every other escape; ok is false when a '%' starts no valid escape.
func unquoteUnreserved(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if isUnreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteString(s[i : i+3])
		}
		i += 2
	}
	return b.String(), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// encodeBody sets p's body and content headers from req, as HTTPie does:
// JSON adds Content-Type and Accept, forms are url-encoded unless a file
// part or Multipart asks for multipart/form-data.
func encodeBody(p *PreparedRequest, req *Request) error {
	sources := 0
	for _, has := range []bool{req.JSON != nil, len(req.Form) > 0 || len(req.Files) > 0 || req.Multipart, req.Body != nil} {
		if has {
			sources++
		}
	}
	if sources > 1 {
		return fmt.Errorf("%w: a request has one body: JSON, form fields and a raw body exclude each other", ErrInvalidBody)
	}
	switch {
	case req.JSON != nil:
		b := req.JSON
		p.SetBody(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }, int64(len(b)))
		p.Header.Set("Content-Type", "application/json")
		p.Header.Set("Accept", "application/json, */*;q=0.5")
	case isMultipartBody(req):
		if err := encodeMultipart(p, req); err != nil {
			return err
		}
	case len(req.Form) > 0:
		var b strings.Builder
		for i, f := range req.Form {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(f.Name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(f.Value))
		}
		body := []byte(b.String())
		p.SetBody(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }, int64(len(body)))
		p.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	case req.Body != nil:
		p.SetBody(req.Body.Open, req.Body.Size())
		p.bodySrc = req.Body
	}
	if req.Chunked && p.body != nil {
		p.ContentLength = -1
	}
	return nil
}

// isMultipartBody reports whether req's form is sent as multipart: it has
// a file part, Multipart asks for it, or the caller's Content-Type header
// names a multipart type (HTTPie builds the multipart body for
// Content-Type:multipart/form-data too).
func isMultipartBody(req *Request) bool {
	if req.JSON != nil || req.Body != nil {
		return false
	}
	return len(req.Files) > 0 || req.Multipart || len(req.Form) > 0 && IsMultipartType(req.Header.Get("Content-Type"))
}

// IsMultipartType reports whether the Content-Type value ct names a
// multipart type (multipart/form-data, multipart/mixed, ...): a form
// sent under it is encoded as multipart parts, with its boundary added.
func IsMultipartType(ct string) bool {
	ct = strings.TrimSpace(ct)
	return len(ct) >= len("multipart/") && strings.EqualFold(ct[:len("multipart/")], "multipart/")
}

// encodeMultipart streams a multipart/form-data body without holding
// files in memory. The framing (boundaries and part headers) is rendered
// once; the body is then those bytes chained with the files, each opened
// when its turn comes, so the copy needs no goroutine or pipe and the
// length is known whenever every file's size is.
func encodeMultipart(p *PreparedRequest, req *Request) error {
	given := strings.TrimSpace(req.Header.Get("Content-Type"))
	if !IsMultipartType(given) {
		given = ""
	}
	boundary := req.Boundary
	if b := typeBoundary(given); b != "" {
		if boundary != "" && boundary != b {
			return fmt.Errorf("%w: the Content-Type header's boundary %q is not the boundary %q the body is framed with", ErrInvalidBody, b, boundary)
		}
		boundary = b
	}
	if boundary == "" {
		boundary = multipart.NewWriter(io.Discard).Boundary()
	}
	frames, err := multipartFrames(boundary, req.Form, req.Files)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidBody, err)
	}
	length := int64(0)
	for _, f := range frames {
		length += int64(len(f))
	}
	for _, f := range req.Files {
		if f.Size < 0 {
			length = -1
			break
		}
		length += f.Size
	}
	files := req.Files
	p.SetBody(func() (io.ReadCloser, error) {
		parts := make([]io.Reader, 0, 2*len(files)+1)
		for i, f := range files {
			parts = append(parts, bytes.NewReader(frames[i]), &lazyFile{f: f})
		}
		parts = append(parts, bytes.NewReader(frames[len(files)]))
		return io.NopCloser(io.MultiReader(parts...)), nil
	}, length)
	p.Header.Set("Content-Type", multipartType(given, boundary))
	return nil
}

// typeBoundary returns the boundary parameter of a multipart media type,
// or "" when it has none or does not parse.
func typeBoundary(ct string) string {
	if ct == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return params["boundary"]
}

// quoteDisposition makes s, a field or file name, the text of a
// quoted-string in a part's Content-Disposition. A backslash and a quote
// are escaped with a backslash, as Go's mime/multipart does; control
// characters, which a quoted-string cannot hold and whose CR and LF would
// end the part's header, become %XX as HTML's form encoding and urllib3
// write them (ESC excepted, as there).
func quoteDisposition(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == '"' || r == '\\' }) {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' && c != 0x1b:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// CheckBoundary reports whether b can be a multipart boundary (RFC 2046
// §5.1.1): 1 to 70 letters, digits, spaces and '()+_,-./:=?, not ending
// in a space.
func CheckBoundary(b string) error {
	ok := len(b) >= 1 && len(b) <= 70 && b[len(b)-1] != ' '
	for i := 0; ok && i < len(b); i++ {
		c := b[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(" '()+_,-./:=?", c) >= 0
	}
	if !ok {
		return fmt.Errorf("boundary %q: a boundary is 1 to 70 letters, digits, spaces and '()+_,-./:=? and does not end in a space", b)
	}
	return nil
}

// multipartType is the Content-Type of a multipart body: the caller's
// multipart type given (multipart/letter, or multipart/form-data with
// parameters of its own) kept as written with "; boundary=…" added when
// it has none, as HTTPie does, else multipart/form-data with the
// boundary. The boundary is quoted when it holds characters a bare
// parameter value cannot (a space, '=', '/'), or the server would read a
// shorter boundary.
func multipartType(given, boundary string) string {
	if given != "" && typeBoundary(given) != "" {
		return given
	}
	if strings.ContainsAny(boundary, `()<>@,;:\"/[]?= `) {
		boundary = `"` + boundary + `"`
	}
	if given == "" {
		return "multipart/form-data; boundary=" + boundary
	}
	return strings.TrimRight(given, "; ") + "; boundary=" + boundary
}

// multipartFrames renders the framing of a multipart body: frames[i] is
// everything before file i's content (for i == 0 the text fields too),
// and the last frame closes the body. A part's header lines go out as
// urllib3 renders a Requests part's: Content-Disposition, Content-Type
// and Content-Location first, then the part's other headers by name.
func multipartFrames(boundary string, form []Param, files []File) ([][]byte, error) {
	if err := CheckBoundary(boundary); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	parts := 0
	part := func(h textproto.MIMEHeader) {
		if parts > 0 {
			buf.WriteString("\r\n")
		}
		parts++
		buf.WriteString("--" + boundary + "\r\n")
		first := []string{"Content-Disposition", "Content-Type", "Content-Location"}
		rest := make([]string, 0, len(h))
		for name := range h {
			if !slices.Contains(first, name) {
				rest = append(rest, name)
			}
		}
		sort.Strings(rest)
		for _, name := range append(first, rest...) {
			for _, v := range h[name] {
				buf.WriteString(name + ": " + v + "\r\n")
			}
		}
		buf.WriteString("\r\n")
	}
	for _, f := range form {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, quoteDisposition(f.Name)))
		part(h)
		buf.WriteString(f.Value)
	}
	frames := make([][]byte, 0, len(files)+1)
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteDisposition(f.Field), quoteDisposition(f.Filename)))
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if strings.ContainsFunc(ct, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			return nil, fmt.Errorf("content type %q of file part %q contains a control character", ct, f.Field)
		}
		h.Set("Content-Type", ct)
		for name, values := range f.Header {
			if !validHeaderName(name) {
				return nil, fmt.Errorf("header name %q of file part %q has characters that cannot be sent", name, f.Field)
			}
			for _, v := range values {
				if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
					return nil, fmt.Errorf("header %s of file part %q contains a control character", name, f.Field)
				}
			}
			h[textproto.CanonicalMIMEHeaderKey(name)] = values
		}
		part(h)
		frames = append(frames, bytes.Clone(buf.Bytes()))
		buf.Reset()
	}
	if parts > 0 {
		buf.WriteString("\r\n")
	}
	buf.WriteString("--" + boundary + "--\r\n")
	return append(frames, bytes.Clone(buf.Bytes())), nil
}

// lazyFile opens a file part on its first read and closes it at its end,
// checking that it still has the size the Content-Length was built from.
type lazyFile struct {
	f    File
	rc   io.ReadCloser
	n    int64
	done bool
}

func (l *lazyFile) Read(p []byte) (int, error) {
	if l.done {
		return 0, io.EOF
	}
	if l.rc == nil {
		rc, err := l.f.Open()
		if err != nil {
			return 0, err
		}
		l.rc = rc
	}
	n, err := l.rc.Read(p)
	l.n += int64(n)
	if err == io.EOF {
		l.done = true
		l.rc.Close()
		if l.f.Size >= 0 && l.n != l.f.Size {
			return n, fmt.Errorf("%s changed size while it was sent (%d bytes, expected %d)", l.f.Filename, l.n, l.f.Size)
		}
	}
	return n, err
}

// WriteTo lets io.Copy hand an *os.File to the destination's ReadFrom,
// keeping the kernel's copy paths for the file's bytes.
func (l *lazyFile) WriteTo(w io.Writer) (int64, error) {
	if l.done {
		return 0, nil
	}
	rc, err := l.f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	l.done = true
	n, err := io.Copy(w, rc)
	if err == nil && l.f.Size >= 0 && n != l.f.Size {
		err = fmt.Errorf("%s changed size while it was sent (%d bytes, expected %d)", l.f.Filename, n, l.f.Size)
	}
	return n, err
}

// HasScheme reports whether s starts with a URL scheme and "://": a
// letter, then letters, digits, '+', '-' or '.' (RFC 3986 §3.1).
func HasScheme(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if !ok || scheme == "" || !isLetter(scheme[0]) {
		return false
	}
	for i := 1; i < len(scheme); i++ {
		c := scheme[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
