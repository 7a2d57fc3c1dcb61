package main

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/internal/testserver"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
)

// curlArgs returns the arguments the shell passes to curl when it runs
// the command line, with env as its environment (placeholders such as
// "$REQS_AUTH" filled in from it).
func curlArgs(t *testing.T, cmdline string, env []string) []string {
	t.Helper()
	sh := exec.Command("sh", "-c", `curl() { printf '%s\0' "$@"; }; `+cmdline)
	sh.Env = env
	out, err := sh.Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", cmdline, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// checkCurlRedirects fails when curl, given args, could send a credential
// to a host a redirect names: -L together with a credential in a header
// (curl sends -H headers to every host), an inline -b cookie, or
// --location-trusted. Credentials in curl's own options (-u,
// --oauth2-bearer, --netrc-file, -b FILE) stay with the URL's host.
func checkCurlRedirects(t *testing.T, args []string) {
	t.Helper()
	follows := false
	for _, a := range args {
		switch a {
		case "-L", "--location":
			follows = true
		case "--location-trusted":
			t.Errorf("curl %q: --location-trusted sends credentials to every host", args)
		}
	}
	if !follows {
		return
	}
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "-H", "--header":
			name, _, _ := strings.Cut(args[i+1], ":")
			name, _, _ = strings.Cut(name, ";")
			if sessionfile.IsSecretHeader(strings.TrimSpace(name)) {
				t.Errorf("curl %q: -L with the credential header %q, which curl sends to every host a redirect names", args, args[i+1])
			}
		case "-b", "--cookie":
			if strings.Contains(args[i+1], "=") {
				t.Errorf("curl %q: -L with the cookies %q given inline", args, args[i+1])
			}
		}
	}
}

// TestCurlExportKeepsCredentialsOnTheirHost exports requests whose
// credentials come from every source (typed, items, the environment,
// netrc, a session) to a URL that redirects to another host, and checks
// the command --curl prints: always by its arguments (no -L together
// with a credential curl would send to every host), and, where curl is
// installed, by running it — the second host must receive none of the
// credentials, as it receives none from reqs.
func TestCurlExportKeepsCredentialsOnTheirHost(t *testing.T) {
	t.Parallel()
	f, err := testserver.StartFixtures(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	session := filepath.Join(dir, "session.json")
	for path, text := range map[string]string{
		netrc: "machine 127.0.0.1 login nu password netrcpw\n",
		session: `{"headers": [{"name": "X-Api-Token", "value": "sessiontoken"}],
  "auth": {"type": "basic", "username": "su", "password": "sessionpw"}}`,
	} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	target := f.Getenv("FAULT") + "/redirect-cross?to=" + url.QueryEscape(f.Getenv("HTTPBIN_ALT")+"/headers")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name    string
		args    []string
		items   []string
		env     []string // for reqs, and for the command it prints
		secrets []string
		follows bool // the command keeps -L
	}{
		{name: "typed basic", args: []string{"-a", "ann:typedpw"}, secrets: []string{b64("ann:typedpw")}, follows: true},
		{name: "typed bearer", args: []string{"-A", "bearer", "-a", "typedtoken"}, secrets: []string{"typedtoken"}, follows: true},
		{name: "typed digest", args: []string{"-A", "digest", "-a", "ann:digestpw"}, secrets: []string{"digestpw"}, follows: true},
		{name: "bearer item", items: []string{"Authorization:Bearer itemtoken"}, secrets: []string{"itemtoken"}, follows: true},
		{name: "basic item", items: []string{"Authorization:Basic " + b64("ann:itempw")}, secrets: []string{b64("ann:itempw")}, follows: true},
		{name: "other scheme item", items: []string{"Authorization:Token itemscheme"}, secrets: []string{"itemscheme"}},
		{name: "cookie item", items: []string{"Cookie:sid=itemcookie"}, secrets: []string{"itemcookie"}},
		{name: "api key item", items: []string{"X-Api-Key:itemkey"}, secrets: []string{"itemkey"}},
		{name: "REQS_AUTH", env: []string{"REQS_AUTH=ann:envpw"}, secrets: []string{b64("ann:envpw")}, follows: true},
		{name: "netrc", env: []string{"NETRC=" + netrc}, secrets: []string{b64("nu:netrcpw")}, follows: true},
		{name: "AWS keys and session token",
			args: []string{"--aws-sigv4", "aws:amz:eu-west-1:s3"},
			env:  []string{"AWS_ACCESS_KEY_ID=AKIAX", "AWS_SECRET_ACCESS_KEY=awspw", "AWS_SESSION_TOKEN=awstoken"}, secrets: []string{"AKIAX", "awstoken"}},
		{name: "stored session", args: []string{"--session-read-only", session},
			env: []string{"X_API_TOKEN=sessiontoken"}, secrets: []string{"sessiontoken", b64("su:sessionpw")}},
	}
	_, noCurl := exec.LookPath("curl")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append(append(append([]string{"--curl"}, tc.args...), target), tc.items...)
			cmd := reqsCommand(t, args...)
			cmd.Env = append(cmd.Env, tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("reqs %q: %v\n%s", args, err, stderr.String())
			}
			line := strings.TrimSpace(stdout.String())
			env := append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}, tc.env...)
			argv := curlArgs(t, line, env)
			checkCurlRedirects(t, argv)
			if tc.follows != strings.Contains(" "+strings.Join(argv, " ")+" ", " -L ") {
				t.Errorf("reqs %q printed %s; want -L %v", args, line, tc.follows)
			}
			t.Run("run by curl", func(t *testing.T) {
				if noCurl != nil {
					t.Skip("curl is not installed: the command was checked by its arguments only")
				}
				sh := exec.Command("sh", "-c", line)
				sh.Env = env
				var got bytes.Buffer
				var errs bytes.Buffer
				sh.Stdout, sh.Stderr = &got, &errs
				if err := sh.Run(); err != nil {
					t.Fatalf("%s: %v\n%s", line, err, errs.String())
				}
				if tc.follows && !strings.Contains(got.String(), `"headers"`) {
					t.Fatalf("%s did not reach the second host:\n%s", line, got.String())
				}
				for _, s := range tc.secrets {
					if strings.Contains(got.String(), s) {
						t.Errorf("%s sent %q to the host the redirect named:\n%s", line, s, got.String())
					}
				}
			})
		})
	}
}
