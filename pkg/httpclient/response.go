package httpclient

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient/charset"
)

// Response is Requests' Response: status, headers, the final URL, the
// redirect history and a streaming body.
type Response struct {
	StatusCode int
	// Reason is the status line's reason phrase ("Not Found").
	Reason string
	// Proto is "HTTP/1.1" or "HTTP/2.0".
	Proto  string
	Header http.Header
	// RawHeader is the header as the server sent it: its order, its
	// names' case, repeated fields repeated, framing fields such as
	// Transfer-Encoding included. Over HTTP/1.x it is parsed from the
	// head as read; over HTTP/2, with TLS or h2c, it is the HEADERS
	// frame's fields in the order decoded (lower-case names, as HTTP/2
	// sends them); over HTTP/3 and mounted transports it lists Header
	// sorted by name.
	RawHeader []HeaderField
	// URL is the URL this response came from (the last hop's).
	URL *url.URL
	// History holds the redirect responses that led here, oldest first;
	// their bodies are already closed.
	History []*Response
	// Elapsed is the time from sending the request to parsing the
	// response headers, as in Requests.
	Elapsed time.Duration
	// Request is the request that produced this response.
	Request *PreparedRequest
	// Body streams the decoded body; it must be closed.
	Body io.ReadCloser
	// Timings breaks Elapsed down (DNS, connect, TLS, first byte).
	Timings Timings
	// Attempts are the earlier tries of this request that the retry
	// policy retried, oldest first (empty when the first try stood).
	Attempts []Attempt
	// TLS is the connection's TLS state, nil over plain HTTP.
	TLS *tls.ConnectionState
	// RemoteAddr is the address the request was sent to.
	RemoteAddr string
	// Encoding is the body's charset, from Content-Type or detection; ""
	// when unknown or not text.
	Encoding string

	cookies []*http.Cookie
	raw     *http.Response
}

// Attempt is one retried try of a request: when it ran and how it ended.
type Attempt struct {
	// Timings is the try's breakdown; only Start is set when it got no
	// response.
	Timings Timings
	// Elapsed runs from sending to the response headers, or to the error.
	Elapsed time.Duration
	// StatusCode is the response's status, 0 when the try got none.
	StatusCode int
	// Err is why the try failed when it got no response.
	Err error
}

// Timings is the net/http/httptrace breakdown of one exchange.
type Timings struct {
	DNS, Connect, TLS, TTFB time.Duration
	// Start is when the request was handed to the transport.
	Start time.Time
}

// OK reports whether the status is below 400, as Requests' Response.ok.
func (r *Response) OK() bool { return r.StatusCode < 400 }

// IsRedirect reports whether the response is a redirect with a Location.
func (r *Response) IsRedirect() bool {
	switch r.StatusCode {
	case 301, 302, 303, 307, 308:
		return r.Header.Get("Location") != ""
	}
	return false
}

// Cookies returns the cookies this response set.
func (r *Response) Cookies() []*http.Cookie { return r.cookies }

// HTTPError is the error RaiseForStatus returns: Requests' HTTPError.
type HTTPError struct {
	StatusCode int
	Reason     string
	URL        string
}

func (e *HTTPError) Error() string {
	kind := "client error"
	if e.StatusCode >= 500 {
		kind = "server error"
	}
	return fmt.Sprintf("%d %s: %s for url %s", e.StatusCode, e.Reason, kind, e.URL)
}

// Is makes errors.Is(err, ErrHTTP) hold.
func (e *HTTPError) Is(target error) bool { return target == ErrHTTP || target == ErrRequest }

// RaiseForStatus returns an *HTTPError for 4xx and 5xx statuses.
func (r *Response) RaiseForStatus() error {
	if r.StatusCode >= 400 && r.StatusCode < 600 {
		return &HTTPError{StatusCode: r.StatusCode, Reason: r.Reason, URL: RedactURL(r.URL.String())}
	}
	return nil
}

// Bytes reads and closes the whole body.
func (r *Response) Bytes() ([]byte, error) {
	defer r.Body.Close()
	return io.ReadAll(r.Body)
}

// Text reads the whole body and decodes it to UTF-8 using Encoding.
func (r *Response) Text() (string, error) {
	b, err := r.Bytes()
	if err != nil {
		return "", err
	}
	return charset.Decode(b, r.Encoding)
}

// JSON decodes the body, which must hold exactly one JSON value, into v,
// and closes it. An empty or broken body, or one with more after the
// value, is an ErrJSONDecode error (Requests' JSONDecodeError, a
// RequestException); an error reading the body keeps its own kind.
func (r *Response) JSON(v any) error {
	defer r.Body.Close()
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	var why error
	switch {
	case err == io.EOF:
		why = errors.New("the body is empty, not JSON")
	case err != nil:
		why = fmt.Errorf("the body is not JSON: %w", err)
	default:
		if _, err = dec.Token(); err == io.EOF {
			return nil
		}
		why = errors.New("the body holds more than one JSON value")
	}
	var re *RequestError
	if errors.As(err, &re) {
		return err // reading the body failed
	}
	u := ""
	if r.URL != nil {
		u = r.URL.String()
	}
	return newError(ErrJSONDecode, u, why)
}

// Close closes the body.
func (r *Response) Close() error {
	if r.Body == nil {
		return nil
	}
	return r.Body.Close()
}

// reasonFromStatus extracts the reason phrase from a net/http status line
// such as "404 Not Found".
func reasonFromStatus(status string, code int) string {
	if _, reason, ok := strings.Cut(status, " "); ok && reason != "" {
		return reason
	}
	return http.StatusText(code)
}

// ProtoMajor returns the response's HTTP major version: 1, 2 or 3.
func (r *Response) ProtoMajor() int {
	switch {
	case strings.HasPrefix(r.Proto, "HTTP/2"):
		return 2
	case strings.HasPrefix(r.Proto, "HTTP/3"):
		return 3
	}
	return 1
}
