package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/download"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
	"github.com/reqs-cli/reqs/pkg/httpfile"
)

// openExchange opens the plan's exchange (exchange.Open) for env's
// request and words what fails in the command line's terms: a setting the
// command line gave that cannot be used is a usage error, one a stored
// session gave is the file's. It sets env.X and env.Session, and warns
// when the session turns TLS verification off.
func openExchange(env *requestEnv, p exchange.Plan) (*exchange.Exchange, error) {
	x, err := exchange.Open(p, env.Request)
	if err != nil {
		return nil, openError(env, p, err)
	}
	env.X, env.Session = x, x.Session
	if s := x.Stored(); s != nil && env.Opts != nil {
		switch given := p.Given; {
		case given.Insecure != nil && *given.Insecure && !p.Session.ReadOnly:
			env.Warn("session %s now keeps --verify %s: TLS certificates will not be checked on any later use of it", p.Session.Path, env.Opts.Net.Verify)
		case !given.HasVerify() && s.Insecure != nil && *s.Insecure:
			env.Warn("session %s turns TLS verification off (verify \"no\"): certificates are not checked; --verify yes overrides it", p.Session.Path)
		}
	}
	return x, nil
}

// openError words an error of exchange.Open for plan p.
func openError(env *requestEnv, p exchange.Plan, err error) error {
	var usage *usageError
	var xe *exchange.Error
	if errors.As(err, &usage) || !errors.As(err, &xe) {
		return err
	}
	o := env.Opts
	switch xe.Step {
	case exchange.StepBuild:
		if xe.Stored {
			return xe.Err
		}
		// An unreadable --verify bundle or --cert file names the culprit.
		return usageErrorf("%v", xe.Err)
	case exchange.StepCookieFile:
		return usageErrorf("--cookies %s: %v", o.Session.Cookies, httpclient.Reason(xe.Err))
	case exchange.StepCookieJarFile:
		return usageErrorf("--cookie-jar %s: %v", o.Session.CookieJar, xe.Err)
	case exchange.StepDownload:
		if errors.Is(xe.Err, download.ErrDirectory) {
			return usageErrorf("--output %s is a directory; name a file", o.Transfer.Output)
		}
		return usageErrorf("--continue: %v", xe.Err)
	case exchange.StepAuth:
		if errors.Is(xe.Err, exchange.ErrNoCredentials) {
			switch p.Auth.Scheme {
			case httpclient.AuthSigV4:
				return usageErrorf("-A aws-sigv4: no credentials; give -a KEY:SECRET or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
			case httpclient.AuthOAuth2:
				return usageErrorf("-A oauth2: give the client's credentials with -a CLIENT_ID:SECRET")
			}
		}
		return xe.Err
	case exchange.StepSession:
		return xe.Err
	}
	return err
}

// closeExchange closes x: it saves the session and the cookie jar file
// when the run got a response and was not abandoned. A session that
// cannot hold the credentials says so; the rest of it is saved.
func closeExchange(env *requestEnv, x *exchange.Exchange) error {
	err := x.Close()
	var xe *exchange.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sessionfile.ErrUnstorableAuth):
		env.Warn("session %s: this kind of auth cannot be saved", x.File.Path)
		return nil
	case errors.As(err, &xe) && xe.Step == exchange.StepCookieJarFile:
		return fmt.Errorf("--cookie-jar %s: %w", env.Opts.Session.CookieJar, httpclient.Reason(xe.Err))
	}
	return err
}

// prepareRequest prepares env.Request on the exchange and sets
// env.Prepared. A request the library rejects as built wrong (its URL, a
// header, the body) is a usage error.
func prepareRequest(env *requestEnv) (*httpclient.PreparedRequest, error) {
	prep, err := env.X.Prepare(env.Request)
	if err != nil {
		if isBadRequest(err) {
			return nil, usageErrorf("%v", httpclient.Reason(err))
		}
		return nil, err
	}
	env.Prepared = prep
	return prep, nil
}

// isBadRequest reports whether Session.Prepare rejected the request as
// built from what the user typed (its URL, a header or the body), which
// is a usage error rather than a failure of the exchange.
func isBadRequest(err error) bool {
	return errors.Is(err, httpclient.ErrInvalidURL) || errors.Is(err, httpclient.ErrInvalidHeader) || errors.Is(err, httpclient.ErrInvalidBody)
}

// exchangeCall says how sendExchange sends one request and keeps its
// response.
type exchangeCall struct {
	// Options are this request's own SendOptions (a request file's
	// directives); the plan gives the rest.
	Options httpclient.SendOptions
	// Progress draws an upload's progress on a terminal.
	Progress bool
	// KeepBody, when not 0, reads the response body into memory, up to
	// that many bytes (more is errBodyTooLarge), before it is printed:
	// a request file's assertions and named responses read it again.
	KeepBody int64
	// Events, with KeepBody, collects a text/event-stream body as the
	// JSON array of its events instead (httpfile.CollectEvents), until
	// the stream ends, the limit's MaxEvents came, or End is done (a
	// request's @timeout: the collection then ends normally).
	Events *eventCollection
}

// eventCollection says how sendExchange collects an event stream.
type eventCollection struct {
	MaxEvents int
	MaxSize   int64
	End       context.Context // nil: none
}

// exchangeResult is what sendExchange got.
type exchangeResult struct {
	Resp *httpclient.Response
	// Body is the body KeepBody read.
	Body []byte
	// Duration runs from sending to the end of the body read (or of the
	// exchange, when it failed).
	Duration time.Duration
	// Events says Body holds the events collected from an event stream.
	Events bool
}

// errBodyTooLarge is a response body over exchangeCall.KeepBody.
var errBodyTooLarge = errors.New("the response body is too large to keep")

// cappedReader reads at most n bytes of r; one more is errBodyTooLarge.
type cappedReader struct {
	r io.Reader
	n int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

// sendExchange is the one place a request of the command line or of a
// request file goes out: it sends prep on env's exchange, printing the
// request head as each hop's connection is ready and the request body
// after, then prints the exchange (printExchange decides how). The
// response body is closed, unless the exchange failed before one came.
func sendExchange(ctx context.Context, env *requestEnv, prep *httpclient.PreparedRequest, call exchangeCall) (*exchangeResult, error) {
	res := &exchangeResult{}
	head := newHeadPrinter(env)
	opts := call.Options
	opts.OnConnect = head.print
	uploaded := func() {}
	if call.Progress {
		opts.OnUpload, uploaded = uploadProgress(env, prep)
	}
	start := time.Now()
	resp, err := env.X.Send(ctx, prep, opts)
	uploaded()
	head.print(prep, "HTTP/1.1") // no connection was made, or a mounted transport sent it
	if err == nil && head.err != nil {
		resp.Close()
		err = head.err
	}
	sep, bodyErr := head.finish(prep, resp)
	if err == nil && bodyErr != nil {
		resp.Close()
		err = bodyErr
	}
	if err != nil {
		res.Duration = time.Since(start)
		return res, err
	}
	res.Resp = resp
	defer resp.Close()
	if call.KeepBody > 0 {
		var body []byte
		if c := call.Events; c != nil && sse.KindOf(resp.Header.Get("Content-Type")) == sse.EventStream {
			body, err = httpfile.CollectEvents(&cappedReader{r: resp.Body, n: call.KeepBody}, c.MaxEvents, c.MaxSize)
			if err != nil && c.End != nil && c.End.Err() != nil {
				err = nil
			}
			res.Events, env.Collected = true, true
			err = limitError(err)
		} else {
			body, err = io.ReadAll(io.LimitReader(resp.Body, call.KeepBody+1))
		}
		res.Duration, res.Body = time.Since(start), body
		if err != nil {
			return res, err
		}
		if int64(len(body)) > call.KeepBody {
			return res, errBodyTooLarge
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	err = printExchange(ctx, env, resp, sep)
	if call.KeepBody == 0 {
		res.Duration = time.Since(start)
	}
	return res, err
}
