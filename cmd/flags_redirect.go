package cmd

import (
	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"
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

// policy is the redirect policy of the flags: --no-follow never,
// --follow always (HEAD too), else as the library's default for the
// method.
func (f *redirectFlags) policy() exchange.Redirects {
	switch {
	case f.NoFollow:
		return exchange.RedirectsNever
	case f.Follow:
		return exchange.RedirectsAlways
	}
	return exchange.RedirectsByMethod
}

// follows reports whether a request with this method follows redirects.
func (f *redirectFlags) follows(method string) bool {
	return f.policy().Follows(method)
}
