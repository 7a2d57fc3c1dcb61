package script

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// The globals real request files use besides JetBrains' objects: the
// dynamic variables as JavaScript values ($uuid, $random.integer(1, 9)…,
// which JetBrains' client offers in scripts too), jsonPath(data, path)
// and the web's btoa and atob.

// builtinGlobals are the dynamic variables that read as globals, and
// whether each is a number.
var builtinGlobals = []struct {
	name    string
	numeric bool
}{{"$uuid", false}, {"$timestamp", true}, {"$isoTimestamp", false}, {"$randomInt", true}}

// setupExtras installs the globals of this file.
func (e *Engine) setupExtras() {
	vm := e.vm
	g := vm.GlobalObject()
	for _, b := range builtinGlobals {
		b := b
		_ = g.DefineAccessorProperty(b.name, vm.ToValue(fn(func(goja.FunctionCall) goja.Value {
			return e.builtin(b.name, b.name, b.numeric)
		})), nil, goja.FLAG_FALSE, goja.FLAG_TRUE)
	}
	call := func(name string, numeric bool) fn {
		return func(c goja.FunctionCall) goja.Value {
			args := make([]string, len(c.Arguments))
			for i, a := range c.Arguments {
				args[i] = a.String()
			}
			return e.builtin("$random."+name, "$random."+name+"("+strings.Join(args, ", ")+")", numeric)
		}
	}
	_ = g.Set("$random", e.api("$random", []string{"uuid", "email", "integer", "float", "alphabetic", "alphanumeric", "hexadecimal"}, map[string]any{
		"uuid":         func() goja.Value { return e.builtin("$random.uuid", "$random.uuid", false) },
		"email":        func() goja.Value { return e.builtin("$random.email", "$random.email", false) },
		"integer":      call("integer", true),
		"float":        call("float", true),
		"alphabetic":   call("alphabetic", false),
		"alphanumeric": call("alphanumeric", false),
		"hexadecimal":  call("hexadecimal", false),
	}))
	_ = g.Set("btoa", fn(e.btoa))
	_ = g.Set("atob", fn(e.atob))
	_ = g.Set("jsonPath", fn(e.jsonPath))
}

// builtin evaluates a dynamic variable for a script, with the request's
// Builtin: a number when numeric says so, else its text.
func (e *Engine) builtin(name, expr string, numeric bool) goja.Value {
	c := e.cur
	if c == nil || c.req == nil || c.req.Builtin == nil {
		panic(e.refuse(name, name+" is only available in pre-request scripts and response handlers"))
	}
	s, err := c.req.Builtin(expr)
	if err != nil {
		panic(e.vm.NewTypeError(err.Error()))
	}
	if numeric {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return e.vm.ToValue(f)
		}
	}
	return e.vm.ToValue(s)
}

// btoa is the web's btoa: the Base64 of a string whose characters are
// bytes (U+0000 to U+00FF).
func (e *Engine) btoa(call goja.FunctionCall) goja.Value {
	s := arg(call, 0)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			panic(e.vm.NewTypeError("btoa: the string has a character outside Latin-1 (%q); encode it first, for example with encodeURIComponent", string(r)))
		}
		b = append(b, byte(r))
	}
	return e.vm.ToValue(base64.StdEncoding.EncodeToString(b))
}

// atob is the web's atob: Base64 (blanks and missing padding allowed)
// decoded to a string of bytes.
func (e *Engine) atob(call goja.FunctionCall) goja.Value {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			return -1
		}
		return r
	}, arg(call, 0))
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		panic(e.vm.NewTypeError("atob: the string is not Base64"))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return e.vm.ToValue(string(r))
}

// jsonPath is JetBrains' jsonPath(data, path): the value at a path of
// names and indexes ($.data.items[0].id, $['a b']) in data, a value or
// JSON text; null when the path leads nowhere. Wildcards, filters,
// slices and recursive descent are refused by name.
func (e *Engine) jsonPath(call goja.FunctionCall) goja.Value {
	data, path := call.Argument(0), arg(call, 1)
	if s, ok := data.Export().(string); ok {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var parsed any
		if err := d.Decode(&parsed); err == nil {
			data = e.fromJSON(parsed)
		}
	}
	steps, err := jsonPathSteps(path)
	if err != nil {
		panic(e.refuse("jsonPath", fmt.Sprintf("jsonPath(…, %q): %v", path, err)))
	}
	v := data
	for _, step := range steps {
		obj, ok := v.(*goja.Object)
		if !ok || goja.IsNull(v) || goja.IsUndefined(v) {
			return goja.Null()
		}
		v = obj.Get(step)
		if v == nil || goja.IsUndefined(v) {
			return goja.Null()
		}
	}
	return v
}

// jsonPathSteps splits a JSONPath of names and indexes into its steps.
func jsonPathSteps(path string) ([]string, error) {
	p := strings.TrimSpace(path)
	p = strings.TrimPrefix(p, "$")
	var steps []string
	for p != "" {
		switch {
		case strings.HasPrefix(p, ".."):
			return nil, fmt.Errorf("recursive descent (..) is not supported: reqs reads paths of names and indexes")
		case p[0] == '.':
			p = p[1:]
			n := strings.IndexAny(p, ".[")
			if n < 0 {
				n = len(p)
			}
			name := p[:n]
			if name == "" || name == "*" {
				return nil, fmt.Errorf("wildcards and empty names are not supported: reqs reads paths of names and indexes")
			}
			steps = append(steps, name)
			p = p[n:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, fmt.Errorf("a [ is not closed")
			}
			inner := strings.TrimSpace(p[1:end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, inner[1:len(inner)-1])
			} else if n, err := strconv.Atoi(inner); err == nil && n >= 0 {
				steps = append(steps, strconv.Itoa(n))
			} else {
				return nil, fmt.Errorf("[%s] is not supported: reqs reads paths of names and indexes", inner)
			}
			p = p[end+1:]
		default:
			if len(steps) == 0 && path != "" && !strings.HasPrefix(strings.TrimSpace(path), "$") {
				// "data.id": a path without its $.
				p = "." + p
				continue
			}
			return nil, fmt.Errorf("unexpected %q", p)
		}
	}
	return steps, nil
}
