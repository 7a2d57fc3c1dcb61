package cmd

import (
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/spf13/pflag"
)

// redirectFlags are the redirect flags.
type redirectFlags struct {
	Follow, NoFollow bool
	MaxRedirects     int
	All              bool
}

func (f *redirectFlags) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.Follow, "follow", "F", false, "follow redirects, HEAD included (the default for other methods, as in Requests)")
	fs.BoolVar(&f.NoFollow, "no-follow", false, "do not follow redirects")
	fs.IntVar(&f.MaxRedirects, "max-redirects", httpclient.DefaultMaxRedirects, "follow at most `N` redirects")
	fs.BoolVar(&f.All, "all", false, "print every intermediate response of a redirect chain")
}

// follows reports whether a request with this method follows redirects:
// --no-follow never, --follow always (HEAD too), else as the library's
// default for the method.
func (f *redirectFlags) follows(method string) bool {
	if f.NoFollow {
		return false
	}
	return f.Follow || httpclient.FollowsRedirects(method)
}

// apply sets the session's redirect limit from the flags; it runs after a
// stored session was loaded, so a flag given on the command line wins.
func (f *redirectFlags) apply(env *requestEnv) error {
	if f.MaxRedirects < 0 {
		return usageErrorf("--max-redirects %d: must be 0 or more", f.MaxRedirects)
	}
	if f.MaxRedirects != httpclient.DefaultMaxRedirects || flagChanged(env, "max-redirects") {
		env.Session.MaxRedirects = httpclient.RedirectLimit(f.MaxRedirects)
	}
	return nil
}
