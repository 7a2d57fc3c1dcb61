package cmd

import (
	"fmt"
	"strings"
)

// HelpExample is one example of `reqs --help` and reqs(1).
type HelpExample struct {
	Desc    string
	Command string // one command per line
}

// HelpExamples returns the examples `reqs --help` and reqs(1) show. They
// are drawn from the README's tour: every command line but the first
// (which starts the server) stands verbatim in README.md, which a test
// checks, and the README's examples run as scenarios, so these stay
// runnable against `reqs httpbin`.
func HelpExamples() []HelpExample {
	return []HelpExample{
		{"Start the built-in test server (go-httpbin) in the background; the examples below talk to it.",
			"reqs httpbin --addr 127.0.0.1:8080 &"},
		{"Send JSON: data fields make the method POST, := sends a raw JSON value, [] builds an array, == adds a query parameter, : a header.",
			"reqs :8080/anything name=gopher age:=7 'tags[]=go' 'tags[]=http' X-Trace:1 q==search"},
		{"Submit a form with a file upload (multipart).",
			"reqs --form :8080/post name=gopher 'avatar@gopher.png;type=image/png'"},
		{"Send the body from a file, or from a pipe.",
			"reqs PUT :8080/put @payload.json\necho '{\"piped\": true}' | reqs :8080/post"},
		{"Show the whole exchange: request and response headers and bodies.",
			"reqs -v :8080/post hello=world"},
		{"Authenticate with HTTP Basic, Digest or a bearer token.",
			"reqs -a user:passwd :8080/basic-auth/user/passwd\nreqs -A digest -a user:passwd :8080/digest-auth/auth/user/passwd/SHA-256"},
		{"Keep cookies, headers and auth in a named session for the next requests.",
			"reqs --session=dev :8080/cookies/set?theme=dark\nreqs --session=dev :8080/cookies"},
		{"Download to a file with a progress bar; --continue resumes an interrupted download.",
			"reqs -o data.bin :8080/range/2048\nreqs -o data.bin --continue :8080/range/4096"},
		{"Print a streamed response line by line as it arrives.",
			"reqs --stream :8080/stream/3"},
		{"Retry a failing request with exponential backoff.",
			"reqs --retries 3 --retry-backoff 0.1 :8080/status/200"},
		{"Make a script fail on HTTP errors: a 4xx response exits with status 4.",
			"reqs --check-status :8080/status/404"},
	}
}

// ExitStatus is one row of the exit status table.
type ExitStatus struct{ Code, Meaning string }

// ExitStatuses returns the exit status table `reqs --help` and reqs(1)
// show; exitCode (exitcode.go) is what produces these numbers.
func ExitStatuses() []ExitStatus {
	return []ExitStatus{
		{"0", "Success, whatever the HTTP status, unless --check-status is given."},
		{"1", "Any other error: connection refused, DNS, TLS, proxy, a truncated or invalid body."},
		{"2", "A connect or read timeout, or --max-time ran out."},
		{"3, 4, 5", "With --check-status: the response was 3xx (not followed), 4xx or 5xx. A 4xx or 5xx also prints a warning on stderr; the body is still shown."},
		{"6", "Too many redirects."},
		{"7", "reqs run: a request ran but an assertion failed."},
		{"64", "Usage error: a bad flag or flag value, item or URL, a file named by a flag or item that cannot be read, two explicit body sources, or the wrong number of arguments to a command."},
		{"130", "Interrupted (Ctrl-C)."},
	}
}

// File is a file reqs reads or writes, for the man page's FILES.
type File struct{ Path, Meaning string }

// Files returns the files reqs(1) and reqs-run(1) list.
func Files() []File {
	return []File{
		{"<config dir>/config.yaml (or config.toml, config.json)", "the configuration: a default for any flag by its long name (timeout: 30, style: monokai). The config dir is $REQS_CONFIG_DIR, else $XDG_CONFIG_HOME/reqs, else ~/.config/reqs; reqs config path prints the file's path"},
		{"<config dir>/sessions/<host>[_<port>]/<name>.json", "a named session (--session NAME): headers, auth, cookies and settings, mode 0600 in a 0700 directory; reqs session path NAME --host HOST prints it"},
		{"http-client.env.json, http-client.private.env.json", "the environments of reqs run --env NAME, beside each .http file, else in the nearest parent directory that has them; --env-file and --private-env-file name others"},
		{".env", "the variables of {{$dotenv NAME}} in a .http file, beside that file"},
		{"~/.netrc (or $NETRC, else ~/_netrc)", "credentials for hosts requested without --auth"},
	}
}

// EnvVar is an environment variable reqs reads.
type EnvVar struct{ Name, Meaning string }

// EnvVars returns the environment variables `reqs --help` and reqs(1)
// describe.
func EnvVars() []EnvVar {
	return []EnvVar{
		{"REQS_<FLAG>", "a default for any flag, named in upper case with dashes as underscores (REQS_TIMEOUT=30, REQS_DEFAULT_SCHEME=https); flags win, and it wins over the config file"},
		{"REQS_CONFIG_DIR", "the config directory (config.yaml, sessions/); else $XDG_CONFIG_HOME/reqs, else ~/.config/reqs"},
		{"http_proxy, https_proxy, all_proxy, no_proxy", "proxies and the hosts that bypass them, as Requests reads them (upper-case forms too); --trust-env=false ignores them"},
		{"REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE", "the CA bundle to verify TLS with, when --verify names none"},
		{"NETRC", "the netrc file with credentials (else ~/.netrc, then ~/_netrc)"},
		{"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "credentials for -A aws-sigv4 without -a"},
		{"NO_COLOR, CLICOLOR_FORCE, TERM=dumb", "turn colours off, force them, or keep them off a dumb terminal"},
		{"REQS_FORCE_TTY", "treat standard output as a terminal (for tests and recordings)"},
	}
}

// helpSections is the text `reqs --help` adds after the flags: the
// examples, the exit status and the environment, as HTTPie's help teaches
// rather than only lists.
func helpSections() string {
	var b strings.Builder
	b.WriteString("\nExamples:\n")
	for _, e := range HelpExamples() {
		fmt.Fprintf(&b, "  # %s\n", e.Desc)
		for _, line := range strings.Split(e.Command, "\n") {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	b.WriteString("\nExit status:\n")
	for _, s := range ExitStatuses() {
		fmt.Fprintf(&b, "  %-8s %s\n", s.Code, s.Meaning)
	}
	b.WriteString("\nEnvironment:\n")
	for _, v := range EnvVars() {
		fmt.Fprintf(&b, "  %s\n      %s\n", v.Name, v.Meaning)
	}
	return b.String()
}
