package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"
)

// DefaultHelperTimeout bounds a credential helper's run when
// [ExecAuth.Timeout] is zero.
const DefaultHelperTimeout = 30 * time.Second

// maxHelperOutput bounds what is read from a helper's stdout and stderr.
const maxHelperOutput = 1 << 20

// ExecAuth gets credentials from a credential helper, a program run in
// the manner of git's credential helpers and kubectl's exec plugins. The
// helper reads one JSON object on stdin,
//
//	{"method": "GET", "url": "https://api.example.com/x", "headers": {"Accept": "*/*"}}
//
// (the URL without its password, the headers without Authorization,
// Proxy-Authorization and Cookie), and writes one on stdout,
//
//	{"headers": {"Authorization": "Bearer …"}, "expires_in": 300}
//
// whose headers are added to the request. An answer with expires_in > 0
// is reused, for requests to the same host, until it expires (Answer can
// be kept in a session file); without it the helper runs for every
// request, redirect hops and retries included. The helper's output never
// reaches the terminal. A helper that fails, runs longer than Timeout or
// answers something else is an error quoting the last line of its stderr;
// on Unix it runs in a process group of its own, and a timeout ends the
// whole group. An answer counts once the helper has exited, even when a
// child it left behind still holds its output open.
type ExecAuth struct {
	// Args is the helper's program and arguments (see [SplitCommand]).
	Args []string
	// Timeout bounds each run; zero means DefaultHelperTimeout.
	Timeout time.Duration
	// Env, when not nil, is the helper's environment (os/exec's Cmd.Env).
	Env []string

	mu sync.Mutex
	// Answer is the last answer; set it to reuse one kept from an
	// earlier run.
	Answer *HelperAnswer
}

// HelperAnswer is a credential helper's answer.
type HelperAnswer struct {
	// Host is the host (host:port) the answer was given for.
	Host    string
	Headers map[string]string
	// Expiry is when the answer must no longer be used; zero means it
	// serves one request only.
	Expiry time.Time
}

// helperRequest is what a helper reads on stdin.
type helperRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// helperWithheld are the request headers a helper is not given: the
// credentials of other schemes and the cookies (HttpOnly ones among
// them) that a program asked for a token has no need to see.
var helperWithheld = map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true}

// helperResponse is what a helper writes on stdout.
type helperResponse struct {
	Headers   map[string]string `json:"headers"`
	ExpiresIn *float64          `json:"expires_in"`
}

// Apply adds the helper's headers to req, running it unless a kept
// answer for req's host is still valid.
func (a *ExecAuth) Apply(req *http.Request) error {
	ans, err := a.answer(req)
	if err != nil {
		return err
	}
	for name, value := range ans.Headers {
		req.Header.Set(name, value)
	}
	return nil
}

// CurrentAnswer returns the answer kept for later requests, or nil.
func (a *ExecAuth) CurrentAnswer() *HelperAnswer {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Answer == nil || a.Answer.Expiry.IsZero() {
		return nil
	}
	c := *a.Answer
	return &c
}

func (a *ExecAuth) answer(req *http.Request) (*HelperAnswer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	host := req.URL.Host
	if ans := a.Answer; ans != nil && ans.Host == host && !ans.Expiry.IsZero() && time.Now().Before(ans.Expiry) {
		return ans, nil
	}
	ans, err := a.run(req)
	if err != nil {
		return nil, err
	}
	a.Answer = ans
	return ans, nil
}

// run runs the helper once for req.
func (a *ExecAuth) run(req *http.Request) (*HelperAnswer, error) {
	if len(a.Args) == 0 {
		return nil, errors.New("credential helper: no command")
	}
	name := strings.Join(a.Args, " ")
	in := helperRequest{Method: req.Method, URL: RedactURL(req.URL.String()), Headers: map[string]string{}}
	for k, v := range req.Header {
		if helperWithheld[k] || len(v) == 0 || v[0] == "" && len(v) == 1 {
			continue
		}
		in.Headers[k] = strings.Join(v, ", ")
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	timeout := a.Timeout
	if timeout <= 0 {
		timeout = DefaultHelperTimeout
	}
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.Args[0], a.Args[1:]...)
	inOwnProcessGroup(cmd)
	cmd.Env = a.Env
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxHelperOutput, maxHelperOutput
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A helper that leaves a child holding its pipes open (a cache
	// daemon it started) must not keep reqs waiting: once the helper
	// itself has exited, its pipes are closed after this delay.
	cmd.WaitDelay = 250 * time.Millisecond
	err = cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		// The helper exited with status 0 and answered; the child that
		// still holds its pipes is not its answer.
		err = nil
	}
	last := lastLine(stderr.String())
	fail := func(what string) error {
		msg := fmt.Sprintf("credential helper %q %s", name, what)
		if last != "" {
			msg += ": " + last
		}
		return errors.New(msg)
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, fail(fmt.Sprintf("did not answer within %s", timeout))
	case req.Context().Err() != nil:
		return nil, req.Context().Err()
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fail(fmt.Sprintf("failed (%s)", ee.ProcessState))
		}
		return nil, fail(fmt.Sprintf("could not run: %s", strings.TrimPrefix(err.Error(), "exec: ")))
	}
	if len(bytes.TrimSpace(stdout.Bytes())) == 0 {
		return nil, fail("answered nothing on standard output")
	}
	var out helperResponse
	dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
	if err := dec.Decode(&out); err != nil || dec.More() {
		return nil, fail(`answered something other than a JSON object {"headers": {...}, "expires_in": N}`)
	}
	if len(out.Headers) == 0 {
		return nil, fail(`answered no "headers"`)
	}
	for k, v := range out.Headers {
		if !httpguts.ValidHeaderFieldName(k) || !httpguts.ValidHeaderFieldValue(v) {
			return nil, fail(fmt.Sprintf("answered an invalid header %q", k))
		}
	}
	ans := &HelperAnswer{Host: req.URL.Host, Headers: out.Headers}
	if out.ExpiresIn != nil {
		if *out.ExpiresIn < 0 {
			return nil, fail("answered a negative expires_in")
		}
		if *out.ExpiresIn > 0 {
			ans.Expiry = time.Now().Add(time.Duration(*out.ExpiresIn * float64(time.Second)))
		}
	}
	return ans, nil
}

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// lastLine is s's last non-blank line, trimmed, with control characters
// removed so that it is safe to print.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	line = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, line)
	if len(line) > 300 {
		line = line[:300] + "…"
	}
	return line
}

// SplitCommand splits a command line into words as a POSIX shell would
// for simple commands: blanks separate words, single quotes keep
// everything, double quotes keep everything but \" and \\, and a
// backslash outside quotes escapes the next character. Nothing is
// expanded.
func SplitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
			inWord = true
		case c == '\\':
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty command")
	}
	return words, nil
}

// HostHelpers picks a credential helper by each request's host, as
// `auth-helper:` entries per host in the config file do. Keys are
// "host" or "host:port" (the port-qualified key wins); a request to a
// host without a helper gets Fallback's credentials, if any.
type HostHelpers struct {
	Helpers  map[string]*ExecAuth
	Fallback Auth
}

// Apply runs the helper for req's host, else applies Fallback.
func (h *HostHelpers) Apply(req *http.Request) error {
	if a := h.For(req.URL.Host, req.URL.Hostname()); a != nil {
		return a.Apply(req)
	}
	if h.Fallback != nil {
		return h.Fallback.Apply(req)
	}
	return nil
}

// For returns the helper for hostport (or its host name alone), or nil.
func (h *HostHelpers) For(hostport, host string) *ExecAuth {
	if a, ok := h.Helpers[strings.ToLower(hostport)]; ok {
		return a
	}
	return h.Helpers[strings.ToLower(host)]
}

// HostScoped reports true: each host gets its own helper, so a redirect
// to another host may keep this Auth.
func (h *HostHelpers) HostScoped() bool { return true }

// withChallenges returns h as a ChallengeAuth when Fallback answers
// challenges (netrc with -A digest), so hosts without a helper still get
// their Digest challenges answered; otherwise h itself, whose helpers can
// then be shown (--offline, -v) without a challenge.
func (h *HostHelpers) withChallenges() Auth {
	if _, ok := h.Fallback.(ChallengeAuth); ok {
		return hostHelpersChallenge{h}
	}
	return h
}

// hostHelpersChallenge is HostHelpers with a ChallengeAuth Fallback.
type hostHelpersChallenge struct{ *HostHelpers }

// Challenge hands a response from a host without a helper to Fallback;
// a helper's headers are its last word.
func (h hostHelpersChallenge) Challenge(resp *http.Response) (bool, error) {
	if resp.Request != nil && h.For(resp.Request.URL.Host, resp.Request.URL.Hostname()) != nil {
		return false, nil
	}
	return h.Fallback.(ChallengeAuth).Challenge(resp)
}
