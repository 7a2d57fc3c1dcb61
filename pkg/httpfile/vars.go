package httpfile

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/jq"
)

// Response is what a named request leaves for later ones to read.
type Response struct {
	Header http.Header
	Body   []byte

	decoded *decodedJSON // Body as JSON, decoded once (see JSON)
}

// Vars resolves {{...}} references. Precedence, highest first:
// Overrides (--var), the file's own @variables, then Environment (the
// selected environment of the env files), as REST Client orders them.
type Vars struct {
	Overrides   map[string]string
	Environment map[string]string
	// Responses holds the named responses received so far.
	Responses map[string]*Response
	// Getenv reads the process environment ($processEnv, $env.NAME);
	// nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// Now is the clock of $timestamp and $isoTimestamp; nil means
	// time.Now.
	Now func() time.Time

	// expanding holds the variables whose values are being expanded,
	// so a reference back to one of them is told from deep nesting.
	expanding map[string]bool
}

// Bounds on variables that refer to variables: how deep, how many
// references one expansion may follow, and how long its result may grow
// (`@a = {{b}}{{b}}`, `@b = {{c}}{{c}}`... doubles at each level).
const (
	maxDepth     = 32
	maxRefs      = 10000
	maxExpansion = 16 << 20
)

// Expand substitutes every {{...}} in s for req; at is where s starts in
// the file, so that errors name the line of the reference.
func (v *Vars) Expand(req *Request, s string, at Pos) (string, error) {
	refs := 0
	return v.expand(req, s, at, 0, &refs)
}

func (v *Vars) expand(req *Request, s string, at Pos, depth int, refs *int) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	var b strings.Builder
	rest := s
	off := 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.Index(rest[i+2:], "}}")
		where := advance(at, s[:off+i])
		if j < 0 {
			return "", errorf(where, "unclosed {{")
		}
		b.WriteString(rest[:i])
		ref := strings.TrimSpace(rest[i+2 : i+2+j])
		if *refs++; *refs > maxRefs {
			return "", errorf(where, "variables refer to variables too many times (more than %d)", maxRefs)
		}
		val, err := v.resolve(req, ref, where, depth, refs)
		if err != nil {
			return "", err
		}
		b.WriteString(val)
		if b.Len() > maxExpansion {
			return "", errorf(where, "variables expand to more than %d MiB", maxExpansion>>20)
		}
		off += i + 2 + j + 2
		rest = rest[i+2+j+2:]
	}
}

// advance moves a position over text.
func advance(p Pos, text string) Pos {
	if n := strings.Count(text, "\n"); n > 0 {
		p.Line += n
		p.Col = len(text) - strings.LastIndex(text, "\n")
		return p
	}
	p.Col += len(text)
	return p
}

func (v *Vars) resolve(req *Request, ref string, at Pos, depth int, refs *int) (string, error) {
	if v.expanding[ref] {
		return "", errorf(at, "variable %q refers to itself", ref)
	}
	if depth > maxDepth {
		return "", errorf(at, "variables refer to variables more than %d levels deep (at %q)", maxDepth, excerpt(ref))
	}
	if ref == "" {
		return "", errorf(at, "empty {{}}")
	}
	if strings.HasPrefix(ref, "$") {
		return v.builtin(ref, at)
	}
	if val, ok := v.Overrides[ref]; ok {
		return val, nil
	}
	for k := len(req.Vars) - 1; k >= 0; k-- {
		if req.Vars[k].Name == ref {
			fv := req.Vars[k]
			return v.expandVariable(req, ref, fv.Value, fv.ValuePos, depth, refs)
		}
	}
	if val, ok := v.Environment[ref]; ok {
		return v.expandVariable(req, ref, val, at, depth, refs)
	}
	if name, path, ok := strings.Cut(ref, ".response."); ok && validName(name) {
		return v.response(name, path, at)
	}
	return "", errorf(at, "undefined variable %q", excerpt(ref))
}

// expandVariable expands the value of the variable name, noting that it
// is being expanded while it is.
func (v *Vars) expandVariable(req *Request, name, value string, at Pos, depth int, refs *int) (string, error) {
	if v.expanding == nil {
		v.expanding = map[string]bool{}
	}
	v.expanding[name] = true
	defer delete(v.expanding, name)
	return v.expand(req, value, at, depth+1, refs)
}

// response reads `NAME.response.body.PATH` or `NAME.response.headers.H`.
func (v *Vars) response(name, path string, at Pos) (string, error) {
	resp, ok := v.Responses[name]
	if !ok {
		return "", errorf(at, "request %q has not run before this one", name)
	}
	switch {
	case strings.HasPrefix(path, "headers."):
		h := strings.TrimPrefix(path, "headers.")
		vals := resp.Header.Values(h)
		if len(vals) == 0 {
			return "", errorf(at, "the response of %q has no header %s", name, h)
		}
		return strings.Join(vals, ", "), nil
	case path == "body" || path == "body.*":
		return string(resp.Body), nil
	case strings.HasPrefix(path, "body.$"):
		expr := strings.TrimPrefix(path, "body.")
		jp, err := ParseJSONPath(expr)
		if err != nil {
			return "", errorf(at, "%v", err)
		}
		doc, err := resp.JSON()
		var big *jq.ErrTooLarge
		if errors.As(err, &big) {
			return "", errorf(at, "the response of %q is too large to select from: %v", name, err)
		}
		if err != nil {
			return "", errorf(at, "the response of %q is not JSON, so %s cannot select from it", name, expr)
		}
		vals := jp.Select(doc)
		switch len(vals) {
		case 0:
			return "", errorf(at, "%s selects nothing in the response of %q", expr, name)
		case 1:
			return text(vals[0]), nil
		}
		b, _ := json.Marshal(vals)
		return string(b), nil
	}
	return "", errorf(at, "cannot read %q from a response: use %s.response.body.$.PATH, %s.response.body.* or %s.response.headers.NAME", path, name, name, name)
}

func (v *Vars) builtin(ref string, at Pos) (string, error) {
	getenv := v.Getenv
	if getenv == nil {
		getenv = os.LookupEnv
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	fields := strings.Fields(ref)
	switch {
	case ref == "$uuid" || ref == "$random.uuid":
		return newUUID(), nil
	case ref == "$timestamp":
		return strconv.FormatInt(now().Unix(), 10), nil
	case ref == "$isoTimestamp":
		return now().UTC().Format(time.RFC3339), nil
	case fields[0] == "$randomInt":
		lo, hi := int64(0), int64(1000)
		if len(fields) == 3 {
			a, err1 := strconv.ParseInt(fields[1], 10, 64)
			b, err2 := strconv.ParseInt(fields[2], 10, 64)
			if err1 != nil || err2 != nil || b <= a {
				return "", errorf(at, "$randomInt takes MIN MAX with MIN < MAX")
			}
			lo, hi = a, b
		} else if len(fields) != 1 {
			return "", errorf(at, "$randomInt takes MIN MAX with MIN < MAX")
		}
		// hi-lo overflows int64 for the widest ranges: count in big.Int.
		span := new(big.Int).Sub(big.NewInt(hi), big.NewInt(lo))
		n, err := rand.Int(rand.Reader, span)
		if err != nil {
			return "", err
		}
		return n.Add(n, big.NewInt(lo)).String(), nil
	case fields[0] == "$processEnv":
		if len(fields) != 2 {
			return "", errorf(at, "$processEnv takes one variable name")
		}
		return lookupEnv(getenv, fields[1], at)
	case strings.HasPrefix(ref, "$env.") && len(fields) == 1:
		return lookupEnv(getenv, strings.TrimPrefix(ref, "$env."), at)
	}
	return "", errorf(at, "unknown built-in variable %q (reqs knows $uuid, $timestamp, $isoTimestamp, $randomInt, $processEnv NAME, $env.NAME)", excerpt(ref))
}

func lookupEnv(getenv func(string) (string, bool), name string, at Pos) (string, error) {
	val, ok := getenv(name)
	if !ok {
		return "", errorf(at, "environment variable %s is not set", name)
	}
	return val, nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Dependencies returns the named requests that req reads responses from,
// directly or through the variables it uses, in name order.
func Dependencies(req *Request) []string {
	seen := map[string]bool{}
	visited := map[string]bool{}
	var scan func(s string)
	scan = func(s string) {
		for {
			i := strings.Index(s, "{{")
			if i < 0 {
				return
			}
			j := strings.Index(s[i+2:], "}}")
			if j < 0 {
				return
			}
			ref := strings.TrimSpace(s[i+2 : i+2+j])
			s = s[i+2+j+2:]
			if name, _, ok := strings.Cut(ref, ".response."); ok {
				seen[name] = true
				continue
			}
			if visited[ref] {
				continue
			}
			visited[ref] = true
			for k := len(req.Vars) - 1; k >= 0; k-- {
				if req.Vars[k].Name == ref {
					scan(req.Vars[k].Value)
					break
				}
			}
		}
	}
	scan(req.URL)
	for _, h := range req.Headers {
		scan(h.Name)
		scan(h.Value)
	}
	if req.Body != nil {
		scan(*req.Body)
	}
	scan(req.BodyFile)
	for _, part := range req.BodyParts {
		scan(part.Text)
		scan(part.File)
	}
	for _, a := range req.Assertions {
		scan(a.Arg)
		scan(a.Expected)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Environment files read beside a request file; the private one
// overrides the shared one, and its "$shared" entry applies to every
// environment, as in REST Client.
const (
	EnvFile        = "http-client.env.json"
	PrivateEnvFile = "http-client.private.env.json"
)

// ErrNoEnvironment is returned when --env names an environment that no
// environment file defines.
var ErrNoEnvironment = errors.New("no such environment")

// LoadEnvironment reads the environment files in dir and returns the
// variables of environment name (only "$shared" ones when name is "").
func LoadEnvironment(dir, name string) (map[string]string, error) {
	// The named environment beats "$shared", whichever file each is in.
	shared, named := map[string]string{}, map[string]string{}
	found := name == ""
	var names []string
	for _, file := range []string{EnvFile, PrivateEnvFile} {
		path := filepath.Join(dir, file)
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("environment file %s: %w", path, err)
		}
		var envs map[string]map[string]any
		if err := json.Unmarshal(trimBOM(data), &envs); err != nil {
			return nil, fmt.Errorf("environment file %s: expected {\"ENV\": {\"name\": \"value\"}}: %v", path, jsonProblem(err))
		}
		for _, key := range []string{"$shared", name} {
			env, ok := envs[key]
			if !ok || key == "" {
				continue
			}
			into := shared
			if key == name {
				found, into = true, named
			}
			for k, val := range env {
				into[k] = text(val)
			}
		}
		for n := range envs {
			if n != "$shared" {
				names = append(names, n)
			}
		}
	}
	if !found {
		sort.Strings(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("environment %q: %w (no %s beside the file)", name, ErrNoEnvironment, EnvFile)
		}
		return nil, fmt.Errorf("environment %q: %w (the files define %s)", name, ErrNoEnvironment, strings.Join(dedupe(names), ", "))
	}
	for k, v := range named {
		shared[k] = v
	}
	return shared, nil
}

// EnvironmentNames lists the environments the env files in dir define,
// sorted; unreadable files count as none.
func EnvironmentNames(dir string) []string {
	var names []string
	for _, file := range []string{EnvFile, PrivateEnvFile} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			continue
		}
		var envs map[string]json.RawMessage
		if json.Unmarshal(trimBOM(data), &envs) != nil {
			continue
		}
		for n := range envs {
			if n != "$shared" {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return dedupe(names)
}

// trimBOM drops the UTF-8 byte order mark some Windows editors put at
// the start of a file.
func trimBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\ufeff"))
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// jsonProblem words a JSON decoding error without Go type names.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, syn.Error())
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Sprintf("%s must be an object of environments, each an object of variables", orTop(typ.Field))
	}
	return "invalid JSON"
}

func orTop(field string) string {
	if field == "" {
		return "the file"
	}
	return strconv.Quote(field)
}
