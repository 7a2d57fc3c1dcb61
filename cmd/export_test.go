package cmd

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/internal/testserver"
)

// exportFixture is what the export tests share: files that hold
// credentials (config, netrc, a session, a helper, an encrypted client
// key) in a temporary directory.
type exportFixture struct {
	dir, configDir           string
	netrc, helper, helperRan string
	session                  string
	cert, key, keyPass       string
}

func newExportFixture(t *testing.T) *exportFixture {
	t.Helper()
	dir := t.TempDir()
	f := &exportFixture{dir: dir, configDir: filepath.Join(dir, "config")}
	pki, err := testserver.SharedPKI()
	if err != nil {
		t.Fatal(err)
	}
	files, err := pki.WriteFiles(filepath.Join(dir, "tls"))
	if err != nil {
		t.Fatal(err)
	}
	f.cert, f.key, f.keyPass = files.ClientCert, files.ClientKeyEnc, testserver.ClientKeyPassword
	f.netrc = filepath.Join(dir, "netrc")
	f.helper = filepath.Join(dir, "helper.sh")
	f.helperRan = filepath.Join(dir, "helper-ran")
	f.session = filepath.Join(dir, "session.json")
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(f.netrc, "machine api.test login nu password netrcsecret\n")
	write(f.helper, "touch "+f.helperRan+"\ncat > /dev/null\necho '{\"headers\": {\"X-Api-Key\": \"helpersecret\"}}'\n")
	write(f.session, `{"headers": [{"name": "X-Api-Token", "value": "sessionheadersecret"}, {"name": "X-Plain", "value": "p"}],
  "auth": {"type": "basic", "username": "su", "password": "sessionsecret"},
  "cookies": [{"name": "sid", "value": "sessioncookiesecret", "domain": "api.test", "path": "/"}]}`)
	return f
}

// run runs reqs in-process with the environment env, the config file
// text config ("" for none) and, when prompt is not empty, a terminal
// on standard input that answers prompt.
func (f *exportFixture) run(t *testing.T, env map[string]string, config, prompt string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cfgDir := filepath.Join(f.dir, "config-"+strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if config != "" {
		if err := os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"HOME": f.dir, "REQS_CONFIG_DIR": cfgDir, "PATH": os.Getenv("PATH")}
	for k, v := range env {
		vars[k] = v
	}
	ios, in, out, errOut := TestIOStreams()
	ios.LookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	ios.ReadFile = os.ReadFile
	if prompt != "" {
		ios.StdinTTY = true
		in.WriteString(prompt + "\n")
	}
	root := newRequestRoot(ios)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestExportsHoldOnlyTypedSecrets runs --curl and --http with
// credentials from every source that is not this command line — the
// environment, the config file, the password prompt, netrc, a credential
// helper, a proxy URL, a client key's passphrase, a stored session — and
// fails when a secret appears in what they print. Each secret is left
// out or stands as a placeholder, with a note on stderr; a helper is
// never run. Credentials typed on the command line are printed.
func TestExportsHoldOnlyTypedSecrets(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	const url = "http://api.test/x"
	tests := []struct {
		name    string
		env     map[string]string
		config  string
		prompt  string
		args    []string
		secrets []string
		typed   bool // the secrets were typed: they must appear
		unused  bool // the secret serves no request here: no note is due
	}{
		{name: "AWS keys from the environment",
			env:     map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENVID", "AWS_SECRET_ACCESS_KEY": "awssecretenv", "AWS_SESSION_TOKEN": "awstokenenv"},
			args:    []string{"--aws-sigv4", "aws:amz:eu-west-1:s3"},
			secrets: []string{"AKIAENVID", "awssecretenv", "awstokenenv"}},
		{name: "--auth from REQS_AUTH",
			env:     map[string]string{"REQS_AUTH": "ann:envsecret"},
			secrets: []string{"envsecret", b64("ann:envsecret")}},
		{name: "bearer token from REQS_AUTH",
			env:     map[string]string{"REQS_AUTH": "envtokensecret", "REQS_AUTH_TYPE": "bearer"},
			secrets: []string{"envtokensecret"}},
		{name: "--auth from the config file",
			config:  "auth: ann:configsecret\n",
			secrets: []string{"configsecret", b64("ann:configsecret")}},
		{name: "digest --auth from the config file",
			config:  "auth: ann:configdigestsecret\nauth-type: digest\n",
			secrets: []string{"configdigestsecret"}},
		{name: "password from the prompt",
			prompt:  "promptsecret",
			args:    []string{"-a", "ann"},
			secrets: []string{"promptsecret", b64("ann:promptsecret")}},
		{name: "AWS secret from the prompt",
			prompt:  "awspromptsecret",
			args:    []string{"--aws-sigv4", "aws:amz:eu-west-1:s3", "-a", "AKIATYPED"},
			secrets: []string{"awspromptsecret"}},
		{name: "netrc",
			env:     map[string]string{"NETRC": f.netrc},
			secrets: []string{"netrcsecret", b64("nu:netrcsecret")}},
		{name: "credential helper on the command line",
			args:    []string{"--auth-helper", "sh " + f.helper},
			secrets: []string{"helpersecret"}},
		{name: "credential helper from the config file",
			config:  "auth-helper:\n  api.test: sh " + f.helper + "\n",
			secrets: []string{"helpersecret"}},
		{name: "proxy URL from http_proxy",
			env:     map[string]string{"http_proxy": "http://pu:proxyenvsecret@proxy.test:3128"},
			secrets: []string{"proxyenvsecret"}},
		{name: "proxy URL from the config file",
			config:  "proxy:\n  - http=http://pu:proxycfgsecret@proxy.test:3128\n",
			secrets: []string{"proxycfgsecret"}},
		{name: "key passphrase from the environment",
			env:     map[string]string{"REQS_CERT_KEY_PASS": f.keyPass},
			args:    []string{"--cert", f.cert, "--cert-key", f.key},
			secrets: []string{f.keyPass}},
		{name: "key passphrase from the environment, no client certificate",
			env:     map[string]string{"REQS_CERT_KEY_PASS": "kpnocertsecret"},
			secrets: []string{"kpnocertsecret"}, unused: true},
		{name: "key passphrase from the config file, no client certificate",
			config:  "cert-key-pass: kpnocertcfgsecret\n",
			secrets: []string{"kpnocertcfgsecret"}, unused: true},
		{name: "key passphrase from the config file",
			config:  "cert-key-pass: " + f.keyPass + "\n",
			args:    []string{"--cert", f.cert, "--cert-key", f.key},
			secrets: []string{f.keyPass}},
		{name: "key passphrase from the prompt",
			prompt:  f.keyPass,
			args:    []string{"--cert", f.cert, "--cert-key", f.key},
			secrets: []string{f.keyPass}},
		{name: "a stored session",
			args:    []string{"--session-read-only", f.session},
			secrets: []string{"sessionsecret", b64("su:sessionsecret"), "sessionheadersecret", "sessioncookiesecret"}},
		{name: "typed credentials are printed",
			args:    []string{"-a", "ann:typedsecret"},
			secrets: []string{"typedsecret"}, typed: true},
	}
	for _, tc := range tests {
		for _, export := range []string{"--curl", "--http"} {
			t.Run(tc.name+"/"+export, func(t *testing.T) {
				args := append(append([]string{export}, tc.args...), url)
				stdout, stderr, err := f.run(t, tc.env, tc.config, tc.prompt, args...)
				if err != nil {
					t.Fatalf("reqs %q: %v\nstderr: %s", args, err, stderr)
				}
				if tc.typed {
					if export == "--curl" && !strings.Contains(stdout, tc.secrets[0]) {
						t.Errorf("reqs %q printed\n%s\nwithout the credentials typed on its command line", args, stdout)
					}
					return
				}
				for _, s := range tc.secrets {
					if strings.Contains(stdout, s) || strings.Contains(stderr, s) {
						t.Errorf("reqs %q printed the secret %q, which was not typed on its command line:\n%s%s", args, s, stdout, stderr)
					}
				}
				if export == "--curl" && !tc.unused && !strings.Contains(stderr, "--curl: ") {
					t.Errorf("reqs %q says nothing on stderr about the credentials it left out:\n%s", args, stdout)
				}
				if _, err := os.Stat(f.helperRan); err == nil {
					t.Errorf("reqs %q ran the credential helper", args)
				}
			})
		}
	}
}
