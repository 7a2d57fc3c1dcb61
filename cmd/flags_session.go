package cmd

import (
	"github.com/spf13/pflag"
)

// sessionFlags select a named session stored on disk, and cookie files.
//
// A session's defaults rank below what the command line gives and above
// the config file and REQS_* environment: command line > session > env >
// config file > built-in default. What the command line gives is used for
// this request and, except for request items other than headers and
// cookies, saved into the session (HTTPie's rule).
type sessionFlags struct {
	Session  string
	ReadOnly string
	// Cookies and CookieJar are Netscape cookie files to read before the
	// request and to write after it (curl's -b FILE and -c FILE).
	Cookies, CookieJar string
}

func (f *sessionFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Session, "session", "", "use and update the named session `NAME` (or a session file PATH): headers, auth, cookies")
	fs.StringVar(&f.ReadOnly, "session-read-only", "", "use the session `NAME` (or PATH) without saving changes to it")
	fs.StringVar(&f.Cookies, "cookies", "", "load cookies from `FILE`, a Netscape/curl cookie file (what curl -c writes)")
	fs.StringVar(&f.CookieJar, "cookie-jar", "", "write the cookies to `FILE` after the exchange, as a Netscape/curl cookie file (mode 0600); - writes them to standard output")
}

// active reports whether a session was asked for.
func (f *sessionFlags) active() bool {
	return f.Session != "" || f.ReadOnly != ""
}
