package cmd

import (
	"errors"
	"net/http"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// newSession builds the session that a command's requests share (one
// connection pool, one cookie jar) from the request flags, the config
// and a stored session (--session), trusting the environment as
// --trust-env says: sessionOptions, then openSession. A non-nil
// transport replaces the network (tests). It sets env.Session.
//
// save persists the stored session after the exchange (nil when there is
// none to save). The caller defers o.Session.release() and Close.
func (o *requestOptions) newSession(env *requestEnv, transport http.RoundTripper) (sess *httpclient.Session, save func() error, err error) {
	hopts, err := o.sessionOptions(env)
	if err != nil {
		return nil, nil, err
	}
	return o.openSession(env, &hopts, transport)
}

// sessionOptions are the transport options of the flags, the config and
// a stored session's settings that the command line does not override.
func (o *requestOptions) sessionOptions(env *requestEnv) (httpclient.Options, error) {
	var hopts httpclient.Options
	if err := o.Net.apply(&hopts); err != nil {
		return hopts, err
	}
	if err := o.Transfer.apply(&hopts); err != nil {
		return hopts, err
	}
	err := o.Session.preload(env, &hopts)
	return hopts, err
}

// openSession builds the session from hopts (httpclient.New), sets the
// User-Agent, loads the stored session's headers, auth and cookies, and
// last applies what the flags say that beats a stored session (the
// redirect limit, the retry policy) and the download's preparation of
// env.Request. The auth flags are applied by prepare.
func (o *requestOptions) openSession(env *requestEnv, hopts *httpclient.Options, transport http.RoundTripper) (sess *httpclient.Session, save func() error, err error) {
	sess, err = newClient(env.IO, hopts)
	if err != nil {
		if o.Session.suppliedTransport {
			return nil, nil, err
		}
		// An unreadable --verify bundle or --cert file names the culprit.
		return nil, nil, usageErrorf("%v", err)
	}
	sess.TrustEnv, sess.LookupEnv = o.Net.TrustEnv, o.IO.lookupEnv
	sess.IgnoreNetrc = o.Auth.IgnoreNetrc
	sess.OnEnvError = func(err error) { env.Warn("%v", err) }
	if err := sess.CheckEnvironment(); err != nil {
		sess.Close()
		return nil, nil, usageErrorf("%v", err)
	}
	// The User-Agent names this build's version, the one `reqs version`
	// prints: release builds set it with -ldflags.
	sess.Header.Set("User-Agent", userAgent())
	if transport != nil {
		sess.Mount("", transport)
	}
	env.Session = sess
	save, err = o.Session.load(env)
	if err == nil {
		err = o.Redirect.apply(env)
	}
	if err == nil {
		o.Transfer.applyRetry(env)
		err = o.Transfer.prepareDownload(env)
	}
	if err != nil {
		sess.Close()
		return nil, nil, err
	}
	return sess, save, nil
}

// prepareExchange builds the session (newSession) and prepares
// env.Request on it (prepare): everything between the parsed flags and
// items and the exchange. The caller defers o.Session.release() and
// sess.Close().
func (o *requestOptions) prepareExchange(env *requestEnv, transport http.RoundTripper) (sess *httpclient.Session, prep *httpclient.PreparedRequest, save func() error, err error) {
	sess, save, err = o.newSession(env, transport)
	if err != nil {
		return nil, nil, nil, err
	}
	prep, err = o.prepare(env)
	if err != nil {
		sess.Close()
		return nil, nil, nil, err
	}
	return sess, prep, save, nil
}

// prepare prepares env.Request on env.Session, with the auth flags'
// credentials, and sets env.Prepared: the one step every request of the
// command line and of a request file goes through. A request the
// library rejects as built wrong is a usage error.
func (o *requestOptions) prepare(env *requestEnv) (*httpclient.PreparedRequest, error) {
	if err := o.Auth.apply(env); err != nil {
		return nil, err
	}
	prep, err := env.Session.Prepare(env.Request)
	if err != nil {
		if isBadRequest(err) {
			return nil, usageErrorf("%v", unwrapKind(err))
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
