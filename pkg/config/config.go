package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/viper"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// Source says where an effective flag value came from, in precedence
// order: a flag beats the environment, which beats the file, which beats
// the default.
type Source int

// The sources of a value, weakest first.
const (
	SourceDefault Source = iota
	SourceFile
	SourceEnv
	SourceFlag
)

// String names the source as `reqs config show` prints it.
func (s Source) String() string {
	switch s {
	case SourceFile:
		return "file"
	case SourceEnv:
		return "env"
	case SourceFlag:
		return "flag"
	}
	return "default"
}

// fileNames are the config files looked for, in this order.
var fileNames = []string{"config.yaml", "config.yml", "config.toml", "config.json"}

// Config is the configuration file (if any) and the REQS_* environment.
// Every key is a flag's long name; values are given back as the strings
// a flag would receive, so the caller sets flags with them.
type Config struct {
	// Dir is the configuration directory.
	Dir string
	// File is the config file in use; empty when there is none.
	File string

	v      *viper.Viper
	getenv func(string) string
}

// Load finds and reads the config file in dir. No file is not an error;
// a file that cannot be parsed, or several candidate files, is — and the
// error names the file and, where the parser tells, the position.
func Load(dir string, getenv func(string) string) (*Config, error) {
	// Flag names such as "http1.1" hold dots, viper's default key
	// delimiter, so keys are never split.
	v := viper.NewWithOptions(viper.KeyDelimiter("\x00"))
	c := &Config{Dir: dir, v: v, getenv: getenv}
	var found []string
	for _, name := range fileNames {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return c, nil
	case 1:
	default:
		return nil, fmt.Errorf("several config files in %s (%s): keep one", dir, strings.Join(baseNames(found), ", "))
	}
	c.File = found[0]
	v.SetConfigFile(c.File)
	if strings.HasSuffix(c.File, ".yml") {
		v.SetConfigType("yaml")
	}
	if err := v.ReadInConfig(); err != nil {
		return nil, fileError(c.File, err)
	}
	return c, nil
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// fileError names the config file and, when the parser reports one, the
// line and column of a syntax error.
func fileError(path string, err error) error {
	var pe viper.ConfigParseError
	if errors.As(err, &pe) {
		err = pe.Unwrap()
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		if data, rerr := os.ReadFile(path); rerr == nil {
			// Offset counts the offending byte too.
			line, col := position(data, max(syn.Offset-1, 0))
			return fmt.Errorf("config file %s: line %d, column %d: %w", path, line, col, &parseError{msg: httpclient.PlainMessage(err.Error()), err: err})
		}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return fmt.Errorf("config file %s: line %d, column %d: %w", path, line, col, &parseError{msg: httpclient.PlainMessage(err.Error()), err: err})
	}
	return fmt.Errorf("config file %s: %w", path, &parseError{msg: httpclient.PlainMessage(err.Error()), err: err})
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// FilePath is the config file Load reads in dir: the first one present,
// or dir/config.yaml when there is none. It does not parse it.
func FilePath(dir string) string {
	for _, name := range fileNames {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return filepath.Join(dir, fileNames[0])
}

// Path is the config file in use, or where one would be read from.
func (c *Config) Path() string {
	if c.File != "" {
		return c.File
	}
	return filepath.Join(c.Dir, fileNames[0])
}

// EnvName is the environment variable for a flag: REQS_ and the name in
// upper case, dashes and dots as underscores (default-scheme →
// REQS_DEFAULT_SCHEME, http1.1 → REQS_HTTP1_1).
func EnvName(flag string) string {
	// A byte loop: it runs for every flag on every start-up, where a
	// strings.Replacer built per call cost 8% of a small GET's main.
	b := make([]byte, 0, len("REQS_")+len(flag))
	b = append(b, "REQS_"...)
	for i := 0; i < len(flag); i++ {
		c := flag[i]
		switch {
		case c >= utf8.RuneSelf:
			return "REQS_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(flag))
		case c == '-' || c == '.':
			c = '_'
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// Lookup returns the configured value of a flag and its source: the
// environment variable when set and not empty, else the file's key. A
// file list gives several values (for repeatable flags), and a file map
// gives KEY=VALUE values (`proxy: {http: URL}`). ok is false when neither
// sets the flag.
func (c *Config) Lookup(flag string) (values []string, src Source, ok bool, err error) {
	if v := c.getenv(EnvName(flag)); v != "" {
		return []string{v}, SourceEnv, true, nil
	}
	if c.File == "" || !c.v.InConfig(flag) {
		return nil, SourceDefault, false, nil
	}
	raw := c.v.Get(flag)
	if raw == nil {
		return nil, SourceDefault, false, nil
	}
	values, err = flagValues(raw)
	if err != nil {
		return nil, SourceDefault, false, fmt.Errorf("config file %s: key %q: %w", c.File, flag, err)
	}
	return values, SourceFile, true, nil
}

// FileKeys returns the top-level keys of the config file, sorted.
func (c *Config) FileKeys() []string {
	if c.File == "" {
		return nil
	}
	var keys []string
	for k := range c.v.AllSettings() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// flagValues spells a file value as flag arguments.
func flagValues(raw any) ([]string, error) {
	switch x := raw.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, err := scalarString(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]string, 0, len(x))
		for _, k := range keys {
			s, err := scalarString(x[k])
			if err != nil {
				return nil, err
			}
			out = append(out, k+"="+s)
		}
		return out, nil
	}
	s, err := scalarString(raw)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalarString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case []any, map[string]any:
		return "", errors.New("nested lists and maps are not flag values")
	case nil:
		return "", nil
	}
	return fmt.Sprint(v), nil
}

// parseError is a file's syntax error in words a user reads; the
// parser's own error stays in the chain for --debug.
type parseError struct {
	msg string
	err error
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.err }
