package cmd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// authFlags are the authentication flags.
type authFlags struct {
	// Auth is USER[:PASS], or the token with --auth-type bearer.
	Auth        string
	AuthType    string
	IgnoreNetrc bool
	// AWSSigV4 is curl's PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]].
	AWSSigV4 string
	// OAuth2TokenURL and OAuth2Scope configure -A oauth2.
	OAuth2TokenURL, OAuth2Scope string
	// AuthHelpers are credential helper command lines, each either
	// "COMMAND ARGS" (-A exec) or "HOST=COMMAND ARGS" (that host only).
	AuthHelpers       []string
	AuthHelperTimeout float64
}

func (f *authFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.Auth, "auth", "a", "", "credentials `USER[:PASS]` (asks for a missing password on a terminal), or the token with -A bearer")
	fs.StringVarP(&f.AuthType, "auth-type", "A", httpclient.AuthBasic, "how --auth is sent: `TYPE` basic, digest, bearer, aws-sigv4, oauth2 or exec")
	fs.BoolVar(&f.IgnoreNetrc, "ignore-netrc", false, "do not read credentials from ~/.netrc or $NETRC")
	fs.StringVar(&f.OAuth2TokenURL, "oauth2-token-url", "", "get a bearer token from this OAuth 2 token endpoint `URL` with the client-credentials grant (implies -A oauth2; -a CLIENT_ID:SECRET)")
	fs.StringVar(&f.OAuth2Scope, "oauth2-scope", "", "the `SCOPES` to ask the token endpoint for, space-separated")
	fs.StringArrayVar(&f.AuthHelpers, "auth-helper", nil, "get headers from a credential helper `'COMMAND ARGS'` (implies -A exec), or for one host with HOST='COMMAND ARGS' (repeatable; the config file takes a map of hosts)")
	fs.Float64Var(&f.AuthHelperTimeout, "auth-helper-timeout", httpclient.DefaultHelperTimeout.Seconds(), "stop a credential helper that has not answered after `SECONDS` (0: the default)")
	fs.StringVar(&f.AWSSigV4, "aws-sigv4", "", "sign with AWS Signature V4 as `aws:amz:REGION:SERVICE` (implies -A aws-sigv4); keys from -a KEY:SECRET or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
}

// promptPassword asks for user's password without echo. Like HTTPie it
// asks only a person: when standard input is not a terminal (a script, a
// pipe carrying the body) it fails with a usage error telling how to give
// the password, instead of reading it from the pipe or hanging.
func promptPassword(ios *IOStreams, user, host string) (string, error) {
	if ios == nil || !ios.StdinTTY {
		return "", usageErrorf("--auth %q has no password and standard input is not a terminal to ask for it; give -a %s:PASSWORD (%s: for an empty one)", user, user, user)
	}
	return promptSecret(ios, fmt.Sprintf("reqs: password for %s@%s: ", user, host))
}

// promptSecret prints prompt on stderr and reads one line from the
// terminal without echo.
func promptSecret(ios *IOStreams, prompt string) (string, error) {
	if f, ok := ios.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		secret, err := readSecret(f, ios.ErrOut, prompt)
		fmt.Fprintln(ios.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return secret, nil
	}
	fmt.Fprint(ios.ErrOut, prompt)
	defer fmt.Fprintln(ios.ErrOut)
	// An injected terminal (tests): one line.
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func flagChanged(env *requestEnv, name string) bool {
	return env.Changed != nil && env.Changed(name)
}
