package render

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Curl describes a request and the transport settings that change what
// curl must be told to send it the same way. [Curl.String] turns it into a
// command line.
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

	Insecure     bool   // -k: do not verify the server's certificate
	CACert       string // --cacert FILE
	Cert, Key    string // --cert FILE, --key FILE
	Proxy        string // --proxy URL
	UnixSocket   string // --unix-socket PATH
	HTTP11       bool   // --http1.1
	Compressed   bool   // --compressed: ask for and decode compressed bodies
	Follow       bool   // -L: follow redirects
	MaxRedirects int    // --max-redirs N, with Follow; 0 leaves curl's default

	// DigestUser and DigestPassword are Digest credentials (--digest -u):
	// they go in no header until the server's challenge, so only curl's
	// own Digest support can send them.
	DigestUser, DigestPassword string
	// AWSSigV4 is curl's --aws-sigv4 PROVIDER:…:REGION:SERVICE, with the
	// keys in AWSUser (KEY:SECRET): a signature is made when sending, so
	// curl has to make its own.
	AWSSigV4, AWSUser string
	// HeaderComplete says Header is every header the request sends, so a
	// header curl adds by itself (User-Agent, Accept) that Header lacks
	// was removed on purpose and curl is told to leave it out ("Name:").
	HeaderComplete bool
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
	hasBody := c.BodyFile != "" || c.Body != nil
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
	if c.DigestUser != "" || c.DigestPassword != "" {
		args = append(args, "--digest", "-u", c.DigestUser+":"+c.DigestPassword)
	}
	if c.AWSSigV4 != "" {
		args = append(args, "--aws-sigv4", c.AWSSigV4, "-u", c.AWSUser)
	}

	switch {
	case c.BodyFile == "-":
		args = append(args, "--data-binary", "@-")
	case c.BodyFile != "":
		args = append(args, "--data-binary", "@"+c.BodyFile)
	case c.Body != nil:
		args = append(args, "--data-binary", string(c.Body))
	}

	if c.Insecure {
		args = append(args, "-k")
	}
	for _, o := range []struct{ flag, val string }{
		{"--cacert", c.CACert}, {"--cert", c.Cert}, {"--key", c.Key},
		{"--proxy", c.Proxy}, {"--unix-socket", c.UnixSocket},
	} {
		if o.val != "" {
			args = append(args, o.flag, o.val)
		}
	}
	if c.Compressed {
		args = append(args, "--compressed")
	}
	if c.HTTP11 {
		args = append(args, "--http1.1")
	}
	if c.Follow {
		args = append(args, "-L")
		if c.MaxRedirects > 0 {
			args = append(args, "--max-redirs", strconv.Itoa(c.MaxRedirects))
		}
	}

	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

// shellQuote returns s as one POSIX shell word: bare when it holds only
// characters no shell treats specially, else in single quotes, where a
// single quote is written by closing the quotes, adding an escaped quote
// and opening them again.
func shellQuote(s string) string {
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
