package render

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Curl describes a request and the transport settings that change what
// curl must be told to send it the same way. [Curl.String] turns it into a
// command line. A secret the command line must not hold can be given as
// [ShellVar] in any string field or header value: the shell then fills
// it in when the command runs.
type Curl struct {
	Method string
	URL    string
	Header http.Header
	// Body is sent with --data-binary when not nil and BodyFile is empty.
	// A shell argument cannot hold a NUL byte: binary bodies belong in a
	// file.
	Body []byte
	// BodyFile sends a file's content with --data-binary @FILE; "-" means
	// standard input (@-).
	BodyFile string
	// Form, when not nil, is a multipart body, sent as curl builds one:
	// --form-string for text fields, -F 'name=@FILE;type=…;filename=…'
	// for files. curl picks its own boundary, so a multipart/form-data
	// Content-Type in Header is left out.
	Form []CurlFormPart

	Insecure     bool   // -k: do not verify the server's certificate
	CACert       string // --cacert FILE
	Cert, Key    string // --cert FILE, --key FILE
	Proxy        string // --proxy URL
	UnixSocket   string // --unix-socket PATH
	HTTP11       bool   // --http1.1
	Compressed   bool   // --compressed: ask for and decode compressed bodies
	PathAsIs     bool   // --path-as-is: keep . and .. segments (curl removes them too)
	Follow       bool   // -L: follow redirects
	MaxRedirects int    // --max-redirs N, with Follow; 0 leaves curl's default
	CertPass     string // --pass: the client key's passphrase (with Cert only)
	CertType     string // --cert-type: P12 for a PKCS#12 bundle
	// TLSVersion pins "1.2" or "1.3" (--tlsv1.2 --tls-max 1.2); empty
	// negotiates.
	TLSVersion string
	// Resolve holds curl --resolve entries, HOST:PORT:ADDR[,ADDR...].
	Resolve    []string
	IPv4, IPv6 bool   // -4, -6
	Interface  string // --interface NAME
	// HTTP2PriorKnowledge speaks HTTP/2 to a plain-http URL at once
	// (--http2-prior-knowledge, reqs --http2).
	HTTP2PriorKnowledge bool
	// HTTP3 sends over HTTP/3 (--http3; curl needs to be built with it).
	HTTP3 bool
	// ConnectTimeout is curl's --connect-timeout. ReadTimeout, the longest
	// wait between bytes, becomes --speed-limit 1 --speed-time N: curl
	// gives up when fewer than one byte a second arrive for N seconds.
	// MaxTime bounds the whole exchange (-m).
	ConnectTimeout, ReadTimeout, MaxTime time.Duration

	// User is -u USER[:PASSWORD] (curl asks for a password it lacks):
	// Basic credentials, Digest ones with Digest (they go in no header
	// until the server's challenge, so only curl's own Digest support can
	// send them), or the keys KEY:SECRET of AWSSigV4. Bearer is a token
	// for --oauth2-bearer; Netrc (--netrc) and NetrcFile (--netrc-file)
	// have curl read the credentials of each host from a netrc file.
	// curl sends all of these only to the host the URL names, never to
	// another that a redirect (-L) names, as reqs does with credentials.
	User   string
	Digest bool
	Bearer string
	// AWSSigV4 is curl's --aws-sigv4 PROVIDER:…:REGION:SERVICE, the keys
	// in User: a signature is made when sending, so curl has to make its
	// own.
	AWSSigV4  string
	Netrc     bool
	NetrcFile string
	// CookieFile is a Netscape cookie file curl reads (-b FILE), sending
	// each cookie only where its domain and path match.
	CookieFile string
	// HeaderComplete says Header is every header the request sends, so a
	// header curl adds by itself (User-Agent, Accept) that Header lacks
	// was removed on purpose and curl is told to leave it out ("Name:").
	HeaderComplete bool
}

// CurlFormPart is one part of a multipart body: a text field, or a file
// field when File is set.
type CurlFormPart struct {
	Name, Value string
	// File is the path of the file to send ("-" reads standard input).
	File string
	// Filename is the name sent for a file (curl sends File's base name
	// unless told); Type its Content-Type.
	Filename, Type string
}

// curlDefaultHeaders are the headers curl sends unless told not to.
var curlDefaultHeaders = []string{"Accept", "User-Agent"}

// CurlCommand returns the curl command line that sends the same request,
// every argument quoted for a POSIX shell. bodyFile non-empty sends that
// file (--data-binary @FILE, "-" for standard input); otherwise body is
// sent when not nil. See [Curl] for transport settings (TLS, proxies,
// redirects), which this form leaves at curl's defaults.
func CurlCommand(method, url string, h http.Header, body []byte, bodyFile string) string {
	return Curl{Method: method, URL: url, Header: h, Body: body, BodyFile: bodyFile}.String()
}

// String returns the command line. It leaves out what curl works out by
// itself: -X when the method is the one curl infers (GET, or POST with a
// body, so that -L keeps curl's own redirect rules), Content-Length, and a
// Host header that only repeats the URL's host. HEAD becomes --head, since
// curl -X HEAD waits for a body that never comes. A header with an empty
// value is written "Name;", curl's syntax for sending it empty.
func (c Curl) String() string {
	args := []string{"curl"}
	hasBody := c.BodyFile != "" || c.Body != nil || c.Form != nil
	method := strings.ToUpper(c.Method)
	switch {
	case method == "HEAD" && !hasBody:
		args = append(args, "--head")
	case method == "" || (method == "GET" && !hasBody) || (method == "POST" && hasBody):
	default:
		args = append(args, "-X", c.Method)
	}
	args = append(args, c.URL)

	urlHost := ""
	if u, err := url.Parse(c.URL); err == nil {
		urlHost = u.Host
	}
	names := make([]string, 0, len(c.Header))
	for name := range c.Header {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	for _, name := range names {
		vals := c.Header[name]
		switch {
		case strings.EqualFold(name, "Content-Length"):
			continue
		case c.Form != nil && strings.EqualFold(name, "Content-Type") && len(vals) == 1 && strings.HasPrefix(strings.ToLower(vals[0]), "multipart/form-data"):
			continue
		case strings.EqualFold(name, "Host") && len(vals) == 1 && strings.EqualFold(vals[0], urlHost):
			continue
		}
		for _, v := range vals {
			if v == "" {
				args = append(args, "-H", name+";")
			} else {
				args = append(args, "-H", name+": "+v)
			}
		}
	}
	if c.HeaderComplete {
		for _, name := range curlDefaultHeaders {
			if len(c.Header.Values(name)) == 0 {
				args = append(args, "-H", name+":")
			}
		}
	}
	if c.AWSSigV4 != "" {
		args = append(args, "--aws-sigv4", c.AWSSigV4)
	}
	if c.Digest {
		args = append(args, "--digest")
	}
	if c.User != "" {
		args = append(args, "-u", c.User)
	}
	if c.Bearer != "" {
		args = append(args, "--oauth2-bearer", c.Bearer)
	}
	if c.Netrc {
		args = append(args, "--netrc")
	}
	if c.NetrcFile != "" {
		args = append(args, "--netrc-file", c.NetrcFile)
	}
	if c.CookieFile != "" {
		args = append(args, "-b", c.CookieFile)
	}

	stdinBody := false
	switch {
	case c.Form != nil:
		for _, f := range c.Form {
			if f.File == "" {
				args = append(args, "--form-string", f.Name+"="+f.Value)
				continue
			}
			spec := f.Name + "=@" + curlFormValue(f.File)
			if f.Type != "" {
				spec += ";type=" + f.Type
			}
			if f.Filename != "" {
				spec += ";filename=" + curlFormValue(f.Filename)
			}
			args = append(args, "-F", spec)
		}
	case c.BodyFile == "-":
		args = append(args, "--data-binary", "@-")
	case c.BodyFile != "":
		args = append(args, "--data-binary", "@"+c.BodyFile)
	case c.Body != nil && !printable(c.Body):
		// No shell argument can hold a NUL byte: printf writes the
		// bytes and curl reads them from standard input.
		stdinBody = true
		args = append(args, "--data-binary", "@-")
	case len(c.Body) > 0 && c.Body[0] == '@':
		args = append(args, "--data-raw", string(c.Body)) // --data-binary would read a file
	case c.Body != nil:
		args = append(args, "--data-binary", string(c.Body))
	}

	if c.Insecure {
		args = append(args, "-k")
	}
	for _, o := range []struct{ flag, val string }{
		{"--cacert", c.CACert}, {"--cert", c.Cert}, {"--cert-type", c.CertType}, {"--key", c.Key},
		{"--proxy", c.Proxy}, {"--unix-socket", c.UnixSocket},
	} {
		if o.val != "" {
			args = append(args, o.flag, o.val)
		}
	}
	if c.CertPass != "" && c.Cert != "" {
		args = append(args, "--pass", c.CertPass)
	}
	if strings.HasPrefix(c.Proxy, "https://") {
		// curl verifies an HTTPS proxy with its own options; reqs uses
		// the same settings for the proxy as for the target.
		if c.Insecure {
			args = append(args, "--proxy-insecure")
		}
		if c.CACert != "" {
			args = append(args, "--proxy-cacert", c.CACert)
		}
	}
	switch c.TLSVersion {
	case "1.2":
		args = append(args, "--tlsv1.2", "--tls-max", "1.2")
	case "1.3":
		args = append(args, "--tlsv1.3")
	}
	for _, r := range c.Resolve {
		args = append(args, "--resolve", r)
	}
	if c.IPv4 {
		args = append(args, "-4")
	}
	if c.IPv6 {
		args = append(args, "-6")
	}
	if c.Interface != "" {
		args = append(args, "--interface", c.Interface)
	}
	if c.Compressed {
		args = append(args, "--compressed")
	}
	if c.PathAsIs {
		args = append(args, "--path-as-is")
	}
	if c.HTTP11 {
		args = append(args, "--http1.1")
	}
	if c.HTTP2PriorKnowledge {
		args = append(args, "--http2-prior-knowledge")
	}
	if c.HTTP3 {
		args = append(args, "--http3")
	}
	if c.ConnectTimeout > 0 {
		args = append(args, "--connect-timeout", seconds(c.ConnectTimeout))
	}
	if c.ReadTimeout > 0 {
		n := int64((c.ReadTimeout + time.Second - 1) / time.Second)
		args = append(args, "--speed-limit", "1", "--speed-time", strconv.FormatInt(n, 10))
	}
	if c.MaxTime > 0 {
		args = append(args, "-m", seconds(c.MaxTime))
	}
	if c.Follow {
		args = append(args, "-L")
		if c.MaxRedirects > 0 {
			args = append(args, "--max-redirs", strconv.Itoa(c.MaxRedirects))
		}
	}

	var b strings.Builder
	if stdinBody {
		b.WriteString("printf ")
		b.WriteString(shellQuote(printfFormat(c.Body)))
		b.WriteString(" | ")
	}
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

// shellVarMark brackets the name of a [ShellVar] in a string: no
// command-line argument can hold a NUL byte, so it stands for nothing
// else.
const shellVarMark = "\x00"

// ShellVar returns a placeholder for the value of the environment
// variable name (letters, digits and _), for use inside a [Curl]'s
// strings: the command line reads "${name}" there, in double quotes, so
// that the shell fills it in when the command runs and the value itself
// is never written.
func ShellVar(name string) string {
	return shellVarMark + name + shellVarMark
}

// shellQuote returns s as one POSIX shell word: bare when it holds only
// characters no shell treats specially, else in single quotes, where a
// single quote is written by closing the quotes, adding an escaped quote
// and opening them again. The [ShellVar] placeholders in s are written
// "${NAME}", joined to the quoted text around them.
func shellQuote(s string) string {
	if strings.Contains(s, shellVarMark) {
		var b strings.Builder
		for i, part := range strings.Split(s, shellVarMark) {
			switch {
			case i%2 == 1:
				b.WriteString(`"${` + part + `}"`)
			case part != "":
				b.WriteString(shellQuote(part))
			}
		}
		return b.String()
	}
	bare := s != "" && s[0] != '=' // a leading = is special in zsh
	for i := 0; bare && i < len(s); i++ {
		bare = strings.IndexByte(shellSafe, s[i]) >= 0
	}
	if bare {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:@%+="

// printable reports whether body can be a shell argument that a reader
// can copy: UTF-8 text without NUL or other control bytes than tab, CR
// and LF.
func printable(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for _, c := range body {
		if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return true
}

// printfFormat returns a printf(1) format that writes exactly b: bytes
// other than printable ASCII as octal escapes, % and \ escaped.
func printfFormat(b []byte) string {
	var out strings.Builder
	for _, c := range b {
		switch {
		case c == '%':
			out.WriteString("%%")
		case c == '\\':
			out.WriteString(`\\`)
		case c >= ' ' && c < 0x7f:
			out.WriteByte(c)
		default:
			fmt.Fprintf(&out, "\\%03o", c)
		}
	}
	return out.String()
}

// curlFormValue quotes a file name for curl's -F syntax when it holds a
// character that syntax treats specially (; , " \ or surrounding space).
func curlFormValue(s string) string {
	if !strings.ContainsAny(s, `;,"\`) && strings.TrimSpace(s) == s {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// seconds formats d as curl's fractional seconds.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}
