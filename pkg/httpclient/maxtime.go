package httpclient

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// WithMaxTime returns a context that bounds everything done under it to d,
// as curl's --max-time (-m) does: connecting, sending, every redirect hop
// and retry (backoff waits included) and reading the body to its last
// byte. Requests has no such limit; its read timeout is a gap between
// bytes, which a server dripping one byte at a time never exceeds.
//
// When the limit passes, Send and reads of the response body fail with a
// *RequestError of kind ErrTimeout. Call cancel once the body is read.
func WithMaxTime(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, &maxTimeError{limit: d})
}

// maxTimeError is the cause of a context that WithMaxTime ended.
type maxTimeError struct{ limit time.Duration }

func (e *maxTimeError) Error() string {
	return fmt.Sprintf("the whole exchange took longer than its maximum time of %v", e.limit)
}

// Timeout makes the cause a timeout for net.Error-style checks.
func (e *maxTimeError) Timeout() bool { return true }

// Unwrap lets errors.Is(err, context.DeadlineExceeded) hold.
func (e *maxTimeError) Unwrap() error { return context.DeadlineExceeded }

// maxTimeExceeded returns the ErrTimeout error for a request to rawURL
// when ctx was ended by WithMaxTime, whatever error the interrupted
// operation reported (a closed connection, a cancelled dial); else nil.
func maxTimeExceeded(ctx context.Context, rawURL string) error {
	if ctx == nil || ctx.Err() == nil {
		return nil
	}
	var mt *maxTimeError
	if !errors.As(context.Cause(ctx), &mt) {
		return nil
	}
	return newError(ErrTimeout, rawURL, mt)
}
