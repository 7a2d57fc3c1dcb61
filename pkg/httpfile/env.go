package httpfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// Environment files read for a request file: beside it, else in the
// nearest parent directory that has either. The private one overrides
// the shared one, and the "$shared" entry of either applies to every
// environment, as in REST Client.
const (
	EnvFile        = "http-client.env.json"
	PrivateEnvFile = "http-client.private.env.json"
)

// ErrNoEnvironment is returned when --env names an environment that no
// environment file defines.
var ErrNoEnvironment = errors.New("no such environment")

// EnvFiles names the environment files of a run; "" is none.
type EnvFiles struct {
	Public, Private string
}

// FindEnvFiles returns the environment files for a request file in dir:
// those beside it, else those of the nearest parent directory that has
// either (teams keep one http-client.env.json at the top of a folder of
// request files).
func FindEnvFiles(dir string) EnvFiles {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	for d := abs; ; {
		var found EnvFiles
		if fileExists(filepath.Join(d, EnvFile)) {
			found.Public = filepath.Join(d, EnvFile)
		}
		if fileExists(filepath.Join(d, PrivateEnvFile)) {
			found.Private = filepath.Join(d, PrivateEnvFile)
		}
		if found != (EnvFiles{}) {
			if d == abs {
				// Beside the file: name them as the user wrote the path.
				if found.Public != "" {
					found.Public = filepath.Join(dir, EnvFile)
				}
				if found.Private != "" {
					found.Private = filepath.Join(dir, PrivateEnvFile)
				}
			}
			return found
		}
		parent := filepath.Dir(d)
		if parent == d {
			return EnvFiles{}
		}
		d = parent
	}
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// Environment is the variables of one environment, read from the
// environment files.
type Environment struct {
	// Vars are its variables; an object value is its JSON text.
	Vars map[string]string
	// Nested are the values inside object values, by dotted path
	// (`{"api": {"base": "…"}}` gives "api.base"), which `{{api.base}}`
	// reads when nothing else has that name.
	Nested map[string]string
	// Others maps each variable of the environments not selected to
	// their names, so an undefined variable's error can say where it is
	// defined.
	Others map[string][]string
}

// Load reads the environment files and returns environment name ("" for
// the "$shared" variables only).
func (e EnvFiles) Load(name string) (*Environment, error) {
	env := &Environment{Vars: map[string]string{}, Nested: map[string]string{}, Others: map[string][]string{}}
	// The named environment beats "$shared", whichever file each is in.
	var shared, named []map[string]any
	found := name == ""
	var names []string
	for _, path := range []string{e.Public, e.Private} {
		if path == "" {
			continue
		}
		envs, err := readEnvFile(path)
		if err != nil {
			return nil, err
		}
		if vars, ok := envs["$shared"]; ok {
			shared = append(shared, vars)
		}
		if vars, ok := envs[name]; ok && name != "" && name != "$shared" {
			found = true
			named = append(named, vars)
		}
		for n, vars := range envs {
			if n == "$shared" {
				continue
			}
			names = append(names, n)
			if n == name {
				continue
			}
			for k := range vars {
				env.Others[k] = append(env.Others[k], n)
			}
		}
	}
	if !found {
		sort.Strings(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("environment %q: %w (no %s beside the file or in a directory above it)", name, ErrNoEnvironment, EnvFile)
		}
		return nil, fmt.Errorf("environment %q: %w (the files define %s)", name, ErrNoEnvironment, strings.Join(dedupe(names), ", "))
	}
	for _, vars := range append(shared, named...) {
		for k, val := range vars {
			env.Vars[k] = text(val)
			delete(env.Others, k)
			flatten(env.Nested, k, val)
		}
	}
	for k, v := range env.Others {
		sort.Strings(v)
		env.Others[k] = dedupe(v)
	}
	return env, nil
}

// Names lists the environments the files define, sorted; unreadable
// files count as none.
func (e EnvFiles) Names() []string {
	var names []string
	for _, path := range []string{e.Public, e.Private} {
		if path == "" {
			continue
		}
		envs, err := readEnvFile(path)
		if err != nil {
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

// flatten adds the values inside val (an object) to nested, by dotted
// path under prefix.
func flatten(nested map[string]string, prefix string, val any) {
	obj, ok := val.(map[string]any)
	if !ok {
		return
	}
	for k, v := range obj {
		path := prefix + "." + k
		nested[path] = text(v)
		flatten(nested, path, v)
	}
}

// readEnvFile reads an environment file: JSON with the comments and
// trailing commas JetBrains' editor accepts in it.
func readEnvFile(path string) (map[string]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("environment file %s: %w", path, httpclient.Reason(err))
	}
	var top map[string]any
	d := json.NewDecoder(bytes.NewReader(stripJSONC(trimBOM(data))))
	d.UseNumber()
	if err := d.Decode(&top); err != nil {
		return nil, fmt.Errorf("environment file %s: expected {\"ENV\": {\"name\": \"value\"}}: %v", path, jsonProblem(err))
	}
	envs := make(map[string]map[string]any, len(top))
	for name, val := range top {
		vars, ok := val.(map[string]any)
		switch {
		case ok:
			envs[name] = vars
		case strings.HasPrefix(name, "$"):
			// Editors' entries ("$schema": "…") name no environment.
		default:
			return nil, fmt.Errorf("environment file %s: expected {\"ENV\": {\"name\": \"value\"}}: %q must be an object of variables", path, name)
		}
	}
	return envs, nil
}

// stripJSONC turns JSON with comments (`//`, `/* */`) and trailing commas
// into JSON, keeping every byte's offset: what it drops becomes blanks.
func stripJSONC(data []byte) []byte {
	out := bytes.Clone(data)
	inString, escaped := false, false
	lastComma := -1 // a comma that may yet turn out to trail
	for i := 0; i < len(out); i++ {
		c := out[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString, lastComma = true, -1
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for i < len(out) && out[i] != '\n' {
				out[i] = ' '
				i++
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			end := bytes.Index(out[i+2:], []byte("*/"))
			stop := len(out)
			if end >= 0 {
				stop = i + 2 + end + 2
			}
			for ; i < stop; i++ {
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
			i--
		case c == ',':
			lastComma = i
		case c == '}' || c == ']':
			if lastComma >= 0 {
				out[lastComma] = ' '
			}
			lastComma = -1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			lastComma = -1
		}
	}
	return out
}

// readDotenv reads a .env file: KEY=VALUE lines, # comments, an optional
// `export`, and values in single or double quotes.
func readDotenv(data []byte) map[string]string {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(trimBOM(data)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"':
			if s, err := strconv.Unquote(val); err == nil {
				val = s
			} else {
				val = val[1 : len(val)-1]
			}
		case len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'':
			val = val[1 : len(val)-1]
		default:
			if k := strings.Index(val, " #"); k >= 0 {
				val = strings.TrimSpace(val[:k])
			}
		}
		vars[key] = val
	}
	return vars
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
