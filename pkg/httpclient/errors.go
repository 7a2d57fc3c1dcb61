package httpclient

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strings"
)

// The error hierarchy mirrors Requests' requests.exceptions, and each kind's
// text is the Requests class name, so messages read "ProxyError: ..." as
// Python users know them. Every error the
// package returns for a failed exchange is a *RequestError whose Kind says
// which branch it belongs to, so callers match with errors.Is against the
// sentinel kinds below and errors.As to reach the URL and cause.
var (
	// ErrRequest is the root of the hierarchy (RequestException).
	ErrRequest = errors.New("RequestException")
	// ErrConnection: the connection could not be made or broke (ConnectionError).
	ErrConnection = errors.New("ConnectionError")
	// ErrProxy: the proxy refused or failed (ProxyError, a ConnectionError).
	ErrProxy = errors.New("ProxyError")
	// ErrSSL: TLS failed (SSLError, a ConnectionError).
	ErrSSL = errors.New("SSLError")
	// ErrTimeout is the parent of ErrConnectTimeout and ErrReadTimeout.
	ErrTimeout = errors.New("Timeout")
	// ErrConnectTimeout: no connection within the connect timeout (ConnectTimeout).
	ErrConnectTimeout = errors.New("ConnectTimeout")
	// ErrReadTimeout: the server sent nothing for longer than the read timeout (ReadTimeout).
	ErrReadTimeout = errors.New("ReadTimeout")
	// ErrTooManyRedirects: the redirect limit was exceeded (TooManyRedirects).
	ErrTooManyRedirects = errors.New("TooManyRedirects")
	// ErrHTTP: RaiseForStatus found a 4xx or 5xx status (HTTPError).
	ErrHTTP = errors.New("HTTPError")
	// ErrInvalidURL: the URL cannot be used (InvalidURL, MissingSchema, InvalidSchema).
	ErrInvalidURL = errors.New("InvalidURL")
	// ErrInvalidHeader: a header name or value cannot be sent (InvalidHeader).
	ErrInvalidHeader = errors.New("InvalidHeader")
	// ErrContentDecoding: the body's Content-Encoding could not be decoded (ContentDecodingError).
	ErrContentDecoding = errors.New("ContentDecodingError")
	// ErrChunkedEncoding: the body ended before its declared length or its
	// chunked framing broke (ChunkedEncodingError).
	ErrChunkedEncoding = errors.New("ChunkedEncodingError")
	// ErrInvalidBody: the request body cannot be built or replayed.
	ErrInvalidBody = errors.New("InvalidBody")
	// ErrJSONDecode: Response.JSON found a body that is not one JSON
	// value: empty, broken, or followed by more (JSONDecodeError).
	ErrJSONDecode = errors.New("JSONDecodeError")
)

// parents lists, for each kind, the kinds it specialises; Is walks it so
// errors.Is(err, ErrConnection) holds for a ProxyError as in Requests.
var parents = map[error][]error{
	ErrProxy:          {ErrConnection},
	ErrSSL:            {ErrConnection},
	ErrConnectTimeout: {ErrConnection, ErrTimeout},
	ErrReadTimeout:    {ErrTimeout},
}

// RequestError is a failed exchange: its Kind is one of the Err* sentinels,
// URL the request's (password removed), Err the underlying cause.
type RequestError struct {
	Kind error
	URL  string
	Err  error
}

func (e *RequestError) Error() string {
	if e.Err == nil {
		return e.Kind.Error()
	}
	return e.Kind.Error() + ": " + e.Err.Error()
}

// Unwrap returns the cause, so errors.Is reaches net and tls errors too.
func (e *RequestError) Unwrap() error { return e.Err }

// Is reports whether target is this error's kind or one of its parents.
func (e *RequestError) Is(target error) bool {
	if target == ErrRequest {
		return true
	}
	return isKind(e.Kind, target)
}

func isKind(kind, target error) bool {
	if kind == target {
		return true
	}
	for _, p := range parents[kind] {
		if isKind(p, target) {
			return true
		}
	}
	return false
}

// newError wraps cause as a RequestError of the given kind.
func newError(kind error, rawURL string, cause error) *RequestError {
	return &RequestError{Kind: kind, URL: RedactURL(rawURL), Err: cause}
}

// IsTimeout reports whether err is a connect or read timeout.
func IsTimeout(err error) bool {
	if errors.Is(err, ErrTimeout) {
		return true
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// packagePrefixes are the "package: " prefixes that decoders put on their
// errors; messages a user reads carry no Go package names.
var packagePrefixes = []string{"gzip: ", "flate: ", "zlib: ", "zstd: ", "brotli: ", "jsontext: ", "json: ", "yaml: ", "toml: "}

// plainReason is err's message without the Go package prefixes of
// decoder errors ("gzip: invalid header" → "invalid header"); the error
// itself stays in the chain for errors.As and --debug.
func plainReason(err error) string { return PlainMessage(err.Error()) }

// PlainMessage is msg without the Go package prefixes that decoders and
// parsers put on their messages ("jsontext: ", "gzip: ", "yaml: "), which
// users should not have to read.
func PlainMessage(msg string) string {
	for trimmed := true; trimmed; {
		trimmed = false
		for _, p := range packagePrefixes {
			if rest, ok := strings.CutPrefix(msg, p); ok {
				msg, trimmed = rest, true
			}
		}
	}
	return msg
}

// fileError words a failure to read a file the caller named ("CA bundle
// /x: no such file or directory") without the system call the os package
// puts in front ("stat /x: ..."); err stays in the chain.
func fileError(what string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return &transportFailure{msg: fmt.Sprintf("%s %s: %v", what, pe.Path, pe.Err), err: err}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Reason returns err without the context a message around it already
// gives: a RequestError's cause without its kind ("invalid url: "), an
// *fs.PathError's without the operation and path. Messages that name the
// URL or the file themselves use it.
func Reason(err error) error {
	var re *RequestError
	if errors.As(err, &re) && re.Err != nil {
		err = re.Err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unwrapURLError drops url.Parse's "parse URL:" layer, whose message
// repeats the URL the caller's error already names.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
