package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/reqs-cli/reqs/pkg/httpclient/internal/wire"
	"golang.org/x/net/http2"
)

// roundTripError is a failed exchange with what the session transport
// knows about it.
type roundTripError struct {
	err       error
	connected bool // a connection was ready, so a timeout was a read timeout
	tlsFailed bool // a TLS handshake failed
	// certRequested: the server asked for a client certificate and got
	// none. Over HTTP/2 its closing alert is lost in net/http's
	// "client conn could not be established", so this is what tells.
	certRequested bool
	proxy         *url.URL // the proxy used, or nil
	answeredHTTP1 bool     // an h2c server answered in HTTP/1
}

func (e *roundTripError) Error() string { return e.err.Error() }
func (e *roundTripError) Unwrap() error { return e.err }

// proxyConfigError is a proxy that cannot be used, such as a malformed
// https_proxy variable.
type proxyConfigError struct{ err error }

func (e *proxyConfigError) Error() string { return e.err.Error() }
func (e *proxyConfigError) Unwrap() error { return e.err }

// transportFailure restates a failure in words; the cause stays
// reachable with errors.As.
type transportFailure struct {
	msg string
	err error
}

func (e *transportFailure) Error() string { return e.msg }
func (e *transportFailure) Unwrap() error { return e.err }

// classifyError maps a transport failure to the Requests error hierarchy.
func (s *Session) classifyError(err error, p *PreparedRequest) error {
	var re *RequestError
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &re):
		return err
	}
	if name, ok := invalidHeaderField(err); ok {
		what := "a header"
		if name != "" {
			what = "the " + name + " header"
		}
		return newError(ErrInvalidHeader, p.URL.String(), fmt.Errorf("%s cannot be sent: it has a control character or a line break", what))
	}
	kind, cause := classifyTransportError(err, s.opts.Cert != "", s.opts.ReadTimeout)
	return newError(kind, p.URL.String(), cause)
}

// invalidHeaderField finds net/http's refusal to send a header (a value
// from a session or a helper with a control character in it): it has no
// error type, only the message `net/http: invalid header field value for
// "Name"`, or `… field name "Name"`.
func invalidHeaderField(err error) (name string, ok bool) {
	msg := err.Error()
	for _, prefix := range []string{"net/http: invalid header field value for ", "net/http: invalid header field name "} {
		if i := strings.Index(msg, prefix); i >= 0 {
			rest := msg[i+len(prefix):]
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				if n, err := strconv.Unquote(q); err == nil {
					return n, true
				}
			}
			return "", true
		}
	}
	return "", false
}

// classifyTransportError picks the error kind for a failed round trip and
// a cause that names what failed: the proxy or the target, the TLS
// problem, the phase of a timeout. Timeouts come first, as in Requests,
// where a proxy that does not answer in time is a ConnectTimeout. A read
// timeout names its limit, readTimeout, when one was set.
func classifyTransportError(err error, haveClientCert bool, readTimeout time.Duration) (kind, cause error) {
	var (
		rt      *roundTripError
		refused *proxyRefusedError
		socks   *socksError
		config  *proxyConfigError
	)
	phaseKnown := errors.As(err, &rt)
	proxyOp := findOpError(err, "proxyconnect")
	switch {
	case errors.As(err, &refused):
		return ErrProxy, refused
	case isTimeoutError(err):
		connecting := findOpError(err, "dial") != nil || proxyOp != nil
		if phaseKnown {
			connecting = !rt.connected
		}
		switch {
		case connecting && proxyOp != nil:
			return ErrConnectTimeout, proxyFailure(rt, err, errTimedOut)
		case errors.As(err, &socks):
			// The SOCKS proxy, or its handshake, took too long: the
			// read it timed out in is the proxy's, not the server's.
			return ErrConnectTimeout, &transportFailure{msg: fmt.Sprintf("cannot connect to proxy %s: %v", socks.proxy, errTimedOut), err: err}
		case connecting:
			return ErrConnectTimeout, describeConnectError(err)
		}
		limit := "the read timeout"
		if readTimeout > 0 {
			limit += " of " + readTimeout.String()
		}
		if findOpError(err, "write") != nil || findOpError(err, "readfrom") != nil {
			return ErrReadTimeout, &transportFailure{msg: "the server stopped taking the request for longer than " + limit, err: err}
		}
		return ErrReadTimeout, &transportFailure{msg: "the server sent no response within " + limit, err: err}
	case errors.As(err, &config):
		return ErrProxy, config
	case errors.As(err, &socks):
		if socks.targetFailed() {
			return ErrConnection, socks
		}
		return ErrProxy, socks
	case proxyOp != nil:
		why := unwrapSyscall(unwrapOp(err))
		if d, ok := describeTLSError(err, haveClientCert); ok {
			why = d
		} else if errors.Is(why, io.EOF) || errors.Is(why, io.ErrUnexpectedEOF) {
			// It accepted the connection, then hung up on the CONNECT.
			why = errProxyHungUp
		}
		return ErrProxy, proxyFailure(rt, err, why)
	}
	if d, ok := describeTLSError(err, haveClientCert); ok {
		return ErrSSL, d
	}
	if phaseKnown && rt.certRequested {
		return ErrSSL, &transportFailure{msg: "the server requires a client certificate (it asked for one, then closed the connection)", err: err}
	}
	if phaseKnown && rt.tlsFailed {
		return ErrSSL, err
	}
	if phaseKnown && rt.answeredHTTP1 {
		return ErrConnection, &transportFailure{msg: "the server does not speak HTTP/2 with prior knowledge (h2c): it answered in HTTP/1.1", err: err}
	}
	return ErrConnection, describeConnectError(err)
}

// describeConnectError words the common direct connection failures the
// way curl and Requests users read them ("cannot resolve host x", "cannot
// connect to 127.0.0.1:1: connection refused"), keeping err as the cause
// for errors.Is and --debug.
func describeConnectError(err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		why := dns.Err
		if dns.IsNotFound {
			why = "no such host"
		}
		return &transportFailure{msg: fmt.Sprintf("cannot resolve host %s: %s", dns.Name, why), err: err}
	}
	if op := findOpError(err, "dial"); op != nil {
		why := unwrapSyscall(op.Err)
		if isTimeoutError(op) {
			why = errTimedOut
		}
		if op.Addr == nil {
			return &transportFailure{msg: fmt.Sprintf("cannot connect: %v", why), err: err}
		}
		return &transportFailure{msg: fmt.Sprintf("cannot connect to %s: %v", op.Addr, why), err: err}
	}
	for _, op := range []string{"read", "write"} {
		if oe := findOpError(err, op); oe != nil {
			return &transportFailure{msg: fmt.Sprintf("the connection to %s broke: %v", oe.Addr, unwrapSyscall(oe.Err)), err: err}
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &transportFailure{msg: "the server closed the connection without a response", err: err}
	}
	if broken := brokenConnCause(err); broken != nil {
		var proto textproto.ProtocolError
		switch {
		case strings.HasPrefix(broken.Error(), "malformed ") || errors.As(broken, &proto):
			return &transportFailure{msg: fmt.Sprintf("the server's response is not valid HTTP: %v", broken), err: err}
		case headersTooLarge(broken):
			return &transportFailure{msg: fmt.Sprintf("the server's response headers are larger than %d MiB", wire.MaxHeadBytes>>20), err: err}
		}
		if why, ok := describeBreak(broken); ok {
			return &transportFailure{msg: "the connection broke: " + why, err: err}
		}
		return &transportFailure{msg: fmt.Sprintf("the connection broke: %v", broken), err: err}
	}
	if headersTooLarge(err) {
		return &transportFailure{msg: fmt.Sprintf("the server's response headers are larger than %d MiB", wire.MaxHeadBytes>>20), err: err}
	}
	if why, ok := describeBreak(err); ok {
		return &transportFailure{msg: why, err: err}
	}
	return err
}

// headersTooLarge reports whether err is net/http refusing a response
// whose head passed the transport's MaxResponseHeaderBytes; it has no
// error type, only its message.
func headersTooLarge(err error) bool {
	return strings.Contains(err.Error(), "server response headers exceeded")
}

// describeBreak words an exchange that broke after the connection was
// made — a reset TCP connection, an HTTP/2 or HTTP/3 stream or connection
// the server ended — without the Go packages' own words (`read tcp
// a->b: read: …`, `stream error: stream ID 1; …`, `CRYPTO_ERROR …`). ok
// is false when err is none of these.
func describeBreak(err error) (why string, ok bool) {
	var (
		h2Stream http2.StreamError
		h2Away   http2.GoAwayError
		h2Conn   http2.ConnectionError
		h3       *http3.Error
		qStream  *quic.StreamError
		qApp     *quic.ApplicationError
		qTrans   *quic.TransportError
		qReset   *quic.StatelessResetError
	)
	by := func(remote bool) string {
		if remote {
			return "the server"
		}
		return "reqs"
	}
	switch {
	case errors.As(err, &h2Stream):
		return fmt.Sprintf("the server reset the HTTP/2 stream (%v)", h2Stream.Code), true
	case errors.As(err, &h2Away):
		return fmt.Sprintf("the server closed the HTTP/2 connection (GOAWAY %v)", h2Away.ErrCode), true
	case errors.As(err, &h2Conn):
		return fmt.Sprintf("the HTTP/2 connection failed (%v)", http2.ErrCode(h2Conn)), true
	case errors.As(err, &h3):
		return fmt.Sprintf("%s ended the HTTP/3 exchange (%v)", by(h3.Remote), h3.ErrorCode), true
	case errors.As(err, &qStream):
		return fmt.Sprintf("%s reset the QUIC stream (code %d)", by(qStream.Remote), qStream.ErrorCode), true
	case errors.As(err, &qApp):
		return fmt.Sprintf("%s closed the QUIC connection (code %d)", by(qApp.Remote), qApp.ErrorCode), true
	case errors.As(err, &qReset):
		return "the server reset the QUIC connection (it had forgotten it)", true
	case errors.As(err, &qTrans):
		if qTrans.ErrorCode.IsCryptoError() {
			return fmt.Sprintf("%s ended the TLS session (alert: %s)", by(qTrans.Remote), alertName(uint8(qTrans.ErrorCode-0x100))), true
		}
		return fmt.Sprintf("%s closed the QUIC connection (%v)", by(qTrans.Remote), qTrans.ErrorCode), true
	}
	for _, op := range []string{"read", "write"} {
		if oe := findOpError(err, op); oe != nil {
			return unwrapSyscall(oe.Err).Error(), true
		}
	}
	if msg := err.Error(); strings.HasPrefix(msg, "stream error: stream ID ") {
		// net/http's own HTTP/2 client has its StreamError unexported:
		// "stream error: stream ID 3; CANCEL; received from peer".
		if parts := strings.Split(msg, "; "); len(parts) >= 2 {
			return fmt.Sprintf("the server reset the HTTP/2 stream (%s)", parts[1]), true
		}
	}
	return "", false
}

// brokenConnPrefix starts net/http's message for an HTTP/1 exchange that
// failed on a connection it then marked broken, such as a response that
// does not parse.
const brokenConnPrefix = "net/http: HTTP/1.x transport connection broken: "

// brokenConnCause returns what net/http's "connection broken" error in
// err's chain wraps, or nil when there is none.
func brokenConnCause(err error) error {
	var broken error // the innermost error with the message; wrappers repeat it
	for ; err != nil; err = errors.Unwrap(err) {
		if strings.HasPrefix(err.Error(), brokenConnPrefix) {
			broken = err
		}
	}
	if broken == nil {
		return nil
	}
	if cause := errors.Unwrap(broken); cause != nil {
		return cause
	}
	return errors.New(strings.TrimPrefix(broken.Error(), brokenConnPrefix))
}

// errProxyHungUp words a proxy that closed the connection instead of
// answering the CONNECT request.
var errProxyHungUp = errors.New("it closed the connection without answering the CONNECT request")

// errTimedOut words a timeout where net reports "i/o timeout".
var errTimedOut = errors.New("timed out")

// unwrapSyscall drops the "connect: " layer of an *os.SyscallError.
func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

// proxyFailure says that the proxy of rt (nil when unknown) could not be
// reached, and why.
func proxyFailure(rt *roundTripError, err, why error) error {
	proxy := "the proxy"
	if rt != nil && rt.proxy != nil {
		proxy = rt.proxy.Redacted()
	}
	return &transportFailure{msg: fmt.Sprintf("cannot connect to proxy %s: %v", proxy, why), err: err}
}

// isTimeoutError reports whether err, or any error it wraps, is a
// timeout: errors.As would stop at the first net.Error, and a wrapper such
// as x/net's "socks connect" OpError does not pass Timeout on.
func isTimeoutError(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if t, ok := err.(interface{ Timeout() bool }); ok && t.Timeout() {
			return true
		}
		if err == context.DeadlineExceeded {
			return true
		}
	}
	return false
}

// findOpError returns the outermost net.OpError in err's chain with the
// given Op, or nil.
func findOpError(err error, op string) *net.OpError {
	for err != nil {
		if oe, ok := err.(*net.OpError); ok && oe.Op == op {
			return oe
		}
		err = errors.Unwrap(err)
	}
	return nil
}
