package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
	"github.com/reqs-cli/reqs/pkg/httpclient/exchange"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

func TestAuthFlagsApply(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	netrcFile := filepath.Join(dir, "netrc")
	if err := os.WriteFile(netrcFile, []byte("machine example.test login nu password np\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badNetrc := filepath.Join(dir, "bad")
	if err := os.WriteFile(badNetrc, []byte("machine"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		flags       authFlags
		url         string
		tty         bool
		stdin       string
		env         map[string]string
		noTrustEnv  bool
		sessionAuth httpclient.Auth
		wantReq     httpclient.Auth
		wantSess    httpclient.Auth
		wantUsage   bool
		wantStderr  string
	}{
		{
			name:    "basic user and password",
			flags:   authFlags{Auth: "u:p:x"},
			wantReq: &httpclient.BasicAuth{Username: "u", Password: "p:x"}, wantSess: &httpclient.BasicAuth{Username: "u", Password: "p:x"},
		},
		{
			name:    "empty password after a colon is not asked for",
			flags:   authFlags{Auth: "u:"},
			wantReq: &httpclient.BasicAuth{Username: "u"}, wantSess: &httpclient.BasicAuth{Username: "u"},
		},
		{
			name:    "digest",
			flags:   authFlags{Auth: "u:p", AuthType: "Digest"},
			wantReq: &digest.Auth{Username: "u", Password: "p"}, wantSess: &digest.Auth{Username: "u", Password: "p"},
		},
		{
			name:    "bearer takes the whole value",
			flags:   authFlags{Auth: "tok:en", AuthType: "bearer"},
			wantReq: &httpclient.BearerAuth{Token: "tok:en"}, wantSess: &httpclient.BearerAuth{Token: "tok:en"},
		},
		{
			name:      "bearer token with a line break",
			flags:     authFlags{Auth: "tok\nX-Evil: 1", AuthType: "bearer"},
			wantUsage: true,
		},
		{
			name:  "missing password asked on a terminal",
			flags: authFlags{Auth: "u"}, tty: true, stdin: "secret\n",
			wantReq: &httpclient.BasicAuth{Username: "u", Password: "secret"}, wantSess: &httpclient.BasicAuth{Username: "u", Password: "secret"},
			wantStderr: "reqs: password for u@example.test: \n",
		},
		{
			name:      "missing password without a terminal",
			flags:     authFlags{Auth: "u"},
			wantUsage: true,
		},
		{
			name:      "unknown auth type",
			flags:     authFlags{Auth: "u:p", AuthType: "ntlm"},
			wantUsage: true,
		},
		{
			name:    "URL credentials with digest",
			flags:   authFlags{AuthType: "digest"},
			url:     "http://uu:pp@example.test/",
			env:     map[string]string{"NETRC": netrcFile},
			wantReq: &digest.Auth{Username: "uu", Password: "pp"},
		},
		{
			name:    "netrc on the request",
			env:     map[string]string{"NETRC": netrcFile},
			wantReq: mustNetrc(t, netrcFile, ""),
		},
		{
			name:    "netrc as bearer",
			flags:   authFlags{AuthType: "bearer"},
			env:     map[string]string{"NETRC": netrcFile},
			wantReq: mustNetrc(t, netrcFile, "bearer"),
		},
		{
			name:    "--auth beats netrc",
			flags:   authFlags{Auth: "u:p"},
			env:     map[string]string{"NETRC": netrcFile},
			wantReq: &httpclient.BasicAuth{Username: "u", Password: "p"}, wantSess: &httpclient.BasicAuth{Username: "u", Password: "p"},
		},
		{
			name:  "--ignore-netrc",
			flags: authFlags{IgnoreNetrc: true},
			env:   map[string]string{"NETRC": netrcFile},
		},
		{
			name:       "--trust-env=false ignores netrc",
			env:        map[string]string{"NETRC": netrcFile},
			noTrustEnv: true,
		},
		{
			name:        "a stored session's auth beats netrc",
			env:         map[string]string{"NETRC": netrcFile},
			sessionAuth: &httpclient.BearerAuth{Token: "stored"},
			wantReq:     &httpclient.BearerAuth{Token: "stored"},
			wantSess:    &httpclient.BearerAuth{Token: "stored"},
		},
		{
			name:     "aws-sigv4 keys from --auth and scope from --aws-sigv4",
			flags:    authFlags{Auth: "AK:SK", AuthType: "AWS-SigV4", AWSSigV4: "aws:amz:eu-west-1:s3"},
			env:      map[string]string{"AWS_ACCESS_KEY_ID": "envkey", "AWS_SECRET_ACCESS_KEY": "envsecret"},
			wantReq:  &httpclient.SigV4Auth{AccessKeyID: "AK", SecretAccessKey: "SK", Region: "eu-west-1", Service: "s3"},
			wantSess: &httpclient.SigV4Auth{AccessKeyID: "AK", SecretAccessKey: "SK", Region: "eu-west-1", Service: "s3"},
		},
		{
			name:     "--aws-sigv4 alone: keys from the environment, scope from the host",
			flags:    authFlags{AWSSigV4: "aws:amz"},
			env:      map[string]string{"AWS_ACCESS_KEY_ID": "envkey", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "tok"},
			wantReq:  &httpclient.SigV4Auth{AccessKeyID: "envkey", SecretAccessKey: "envsecret", SessionToken: "tok"},
			wantSess: &httpclient.SigV4Auth{AccessKeyID: "envkey", SecretAccessKey: "envsecret", SessionToken: "tok"},
		},
		{
			name:  "aws-sigv4 secret asked on a terminal",
			flags: authFlags{Auth: "AK", AuthType: "aws-sigv4"}, tty: true, stdin: "SK\n",
			wantReq: &httpclient.SigV4Auth{AccessKeyID: "AK", SecretAccessKey: "SK"}, wantSess: &httpclient.SigV4Auth{AccessKeyID: "AK", SecretAccessKey: "SK"},
			wantStderr: "reqs: password for AK@example.test: \n",
		},
		{
			name:      "aws-sigv4 without keys",
			flags:     authFlags{AuthType: "aws-sigv4"},
			env:       map[string]string{"AWS_ACCESS_KEY_ID": "only-the-id"},
			wantUsage: true,
		},
		{
			name:      "--aws-sigv4 with another provider",
			flags:     authFlags{Auth: "a:b", AWSSigV4: "goog:x:r:s"},
			wantUsage: true,
		},
		{
			name:      "--aws-sigv4 with too many fields",
			flags:     authFlags{Auth: "a:b", AWSSigV4: "aws:amz:r:s:x"},
			wantUsage: true,
		},
		{
			name:     "oauth2 from its flags",
			flags:    authFlags{Auth: "id:sec", OAuth2TokenURL: "https://auth.test/token", OAuth2Scope: " read  write "},
			wantReq:  &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "sec", Scopes: []string{"read", "write"}},
			wantSess: &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "sec", Scopes: []string{"read", "write"}},
		},
		{
			name:        "oauth2 reuses the token a session kept for the same client",
			flags:       authFlags{Auth: "id:sec", AuthType: "oauth2", OAuth2TokenURL: "https://auth.test/token"},
			sessionAuth: &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "sec", Token: &httpclient.OAuth2Token{AccessToken: "kept"}},
			wantReq:     &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "sec", Token: &httpclient.OAuth2Token{AccessToken: "kept"}},
			wantSess:    &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "sec", Token: &httpclient.OAuth2Token{AccessToken: "kept"}},
		},
		{
			name:        "oauth2 does not reuse another client's token",
			flags:       authFlags{Auth: "id:other", OAuth2TokenURL: "https://auth.test/token"},
			sessionAuth: &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "sec", Token: &httpclient.OAuth2Token{AccessToken: "kept"}},
			wantReq:     &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "other"},
			wantSess:    &httpclient.OAuth2Auth{TokenURL: "https://auth.test/token", ClientID: "id", ClientSecret: "other"},
		},
		{
			name:      "oauth2 without a token URL",
			flags:     authFlags{Auth: "id:sec", AuthType: "oauth2"},
			wantUsage: true,
		},
		{
			name:       "unparsable netrc is a warning",
			env:        map[string]string{"NETRC": badNetrc},
			wantStderr: "reqs: warning: netrc ignored: parse netrc " + badNetrc + ": incomplete machine entry\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ios, in, _, errOut := TestIOStreams()
			in.WriteString(tc.stdin)
			ios.StdinTTY = tc.tty
			ios.LookupEnv = func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			u := tc.url
			if u == "" {
				u = "http://example.test/"
			}
			f := tc.flags
			if f.AuthType == "" {
				f.AuthType = httpclient.AuthBasic
			}
			env := &requestEnv{IO: ios, URL: u, Request: &httpclient.Request{URL: u}}
			spec, err := f.spec(env)
			plan := exchange.Plan{
				Auth: spec, TrustEnv: !tc.noTrustEnv, IgnoreNetrc: f.IgnoreNetrc, LookupEnv: ios.LookupEnv,
				OnEnvError: func(err error) { env.Warn("%v", err) },
			}
			if tc.sessionAuth != nil {
				// The stored session's auth comes from a session file.
				stored, _ := sessionfile.StoredAuth(tc.sessionAuth)
				plan.Session.Path = filepath.Join(t.TempDir(), "s.json")
				if err := sessionfile.Create(plan.Session.Path, &sessionfile.Session{Auth: stored}); err != nil {
					t.Fatal(err)
				}
			}
			if err == nil {
				var x *exchange.Exchange
				if x, err = openExchange(env, plan); err == nil {
					defer x.Close()
				}
			}
			var usage *usageError
			if tc.wantUsage {
				if !errors.As(err, &usage) {
					t.Fatalf("auth flags %+v: error = %v, want a usage error", tc.flags, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("auth flags %+v: %v", tc.flags, err)
			}
			p, err := prepareRequest(env)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := describeAuth(p.Auth), describeAuth(tc.wantReq); got != want {
				t.Errorf("auth flags %+v, then Prepare: auth = %s, want %s", tc.flags, got, want)
			}
			if got, want := describeAuth(env.Session.Auth), describeAuth(tc.wantSess); got != want {
				t.Errorf("auth flags %+v: session auth = %s, want %s", tc.flags, got, want)
			}
			if got := errOut.String(); got != tc.wantStderr {
				t.Errorf("auth flags %+v: stderr = %q, want %q", tc.flags, got, tc.wantStderr)
			}
		})
	}
}

// describeAuth names an Auth and its credentials for comparison.
func describeAuth(a httpclient.Auth) string {
	switch a := a.(type) {
	case nil:
		return "none"
	case *httpclient.BasicAuth:
		return fmt.Sprintf("basic %q %q", a.Username, a.Password)
	case *digest.Auth:
		return fmt.Sprintf("digest %q %q", a.Username, a.Password)
	case *httpclient.BearerAuth:
		return fmt.Sprintf("bearer %q", a.Token)
	case *httpclient.NetrcAuth:
		return fmt.Sprintf("netrc %s as %s", a.Path, a.Scheme)
	case *httpclient.SigV4Auth:
		return fmt.Sprintf("sigv4 %q %q %q %q %q", a.AccessKeyID, a.SecretAccessKey, a.SessionToken, a.Region, a.Service)
	case *httpclient.OAuth2Auth:
		return fmt.Sprintf("oauth2 %q %q %q %q token %+v", a.TokenURL, a.ClientID, a.ClientSecret, a.Scopes, a.CurrentToken())
	case httpclient.HostScopedAuth:
		return fmt.Sprintf("host-scoped %T", a)
	}
	return fmt.Sprintf("%T", a)
}

func mustNetrc(t *testing.T, path, scheme string) *httpclient.NetrcAuth {
	t.Helper()
	n, err := httpclient.LoadNetrc(path)
	if err != nil {
		t.Fatal(err)
	}
	n.Scheme = scheme
	if scheme == "" {
		n.Scheme = httpclient.AuthBasic
	}
	return n
}

func TestPromptPasswordHost(t *testing.T) {
	t.Parallel()
	ios, in, _, errOut := TestIOStreams()
	ios.StdinTTY = true
	in.WriteString("pw")
	got, err := promptPassword(ios, "me", "api.example.test:8443")
	if err != nil || got != "pw" {
		t.Fatalf("promptPassword = %q, %v; want %q", got, err, "pw")
	}
	if want := "reqs: password for me@api.example.test:8443: "; !strings.HasPrefix(errOut.String(), want) {
		t.Errorf("prompt %q, want prefix %q", errOut.String(), want)
	}
}
