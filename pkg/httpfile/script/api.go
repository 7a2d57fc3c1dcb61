package script

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/dop251/goja"
)

// Request is the request a script sees as `request`: as written in the
// file, with its variables not yet substituted.
type Request struct {
	Method string
	URL    string
	Header []Header
	Body   *string // nil: no body
	// Substitute replaces the variables it can in text of the request
	// and leaves the others as written (JetBrains' tryGetSubstituted).
	// nil leaves the text as it is.
	Substitute func(string) string
	// Environment looks a variable up in the selected environment
	// (request.environment.get); nil has none.
	Environment func(name string) (string, bool)
	// Variables are the request's own variables, which pre-request
	// scripts set for this request only (request.variables).
	Variables *Variables
	// Builtin evaluates a dynamic variable ("$uuid",
	// "$random.integer(1, 9)") for the scripts' $uuid, $random and their
	// kin; nil has none.
	Builtin func(expr string) (string, error)
}

// Header is a request header as written.
type Header struct{ Name, Value string }

// Response is the response a handler sees as `response`.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// JSON returns the body decoded, when the run keeps a decoded form
	// of each body (so that no body is decoded twice): nil, bool, int,
	// json.Number, string, []any or map[string]any, never modified
	// here. nil makes the engine decode Body itself.
	JSON func() (any, error)
	// Items, when not nil, make response.body a stream, as JetBrains'
	// client has for WebSockets and streamed responses: what the run
	// collected (WebSocket messages, the data of server-sent events, JSON
	// lines), each decoded when it is JSON (as JSON returns values), else
	// a string. Its onEachMessage and onEachLine hand them to a
	// subscriber in order.
	Items []any
}

// Variables is a store of script variables: client.global, or a
// request's request.variables. Values keep their JavaScript type
// (strings, numbers, booleans, null); objects are kept as their JSON.
type Variables struct {
	vals map[string]goja.Value
}

// NewVariables returns an empty store.
func NewVariables() *Variables { return &Variables{vals: map[string]goja.Value{}} }

// Lookup returns the text of a variable, as {{name}} substitutes it.
func (v *Variables) Lookup(name string) (string, bool) {
	if v == nil {
		return "", false
	}
	val, ok := v.vals[name]
	if !ok {
		return "", false
	}
	if goja.IsNull(val) || goja.IsUndefined(val) {
		return "", true
	}
	return val.String(), true
}

// Len is the number of variables set.
func (v *Variables) Len() int {
	if v == nil {
		return 0
	}
	return len(v.vals)
}

// fn is a native function of the API: called without reflection.
type fn = func(goja.FunctionCall) goja.Value

// setup installs the API on the runtime's global object, and guards
// the built-ins that allocate a size a script asks for. The API's
// objects are made once: what differs from run to run (the response,
// the request) they read from the run under way.
func (e *Engine) setup() {
	vm := e.vm
	g := vm.GlobalObject()
	client := e.client()
	_ = g.Set("client", client)
	log := client.Get("log")
	_ = g.Set("console", e.api("console", []string{"log", "info", "warn", "error", "debug"}, map[string]any{
		"log": log, "info": log, "warn": log, "error": log, "debug": log,
	}))
	_ = g.Set("crypto", e.crypto())
	response, request := e.response(), e.request()
	_ = g.DefineAccessorProperty("response", vm.ToValue(fn(func(goja.FunctionCall) goja.Value {
		if c := e.cur; c == nil || c.resp == nil {
			panic(e.refuse("response", "response is only available in response handlers (> {% … %}), not in pre-request scripts"))
		}
		return response
	})), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = g.DefineAccessorProperty("request", vm.ToValue(fn(func(goja.FunctionCall) goja.Value {
		if c := e.cur; c == nil || c.req == nil {
			panic(e.refuse("request", "request is only available in pre-request scripts and response handlers"))
		}
		return request
	})), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
	// What Node.js has and reqs' scripts must not: objects that refuse
	// on first read (functions refuse in the prelude).
	for _, name := range []string{"process", "module", "exports", "Buffer", "Deno", "Bun", "__dirname", "__filename"} {
		name := name
		_ = g.DefineAccessorProperty(name, vm.ToValue(fn(func(goja.FunctionCall) goja.Value {
			panic(e.refuse(name, name+" is not available: scripts in request files run in reqs, not Node.js, and cannot read files, reach the network or start processes"))
		})), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	e.setupExtras()
	e.prelude()
}

// refuse is the error thrown for an API reqs lacks; failure recognises
// it by identity.
func (e *Engine) refuse(name, msg string) *goja.Object {
	err := e.vm.NewTypeError(msg)
	if e.cur != nil {
		e.cur.refused = err
	}
	return err
}

// apiObject is an object of the scripting API. Reading a property it
// lacks throws an error that names it; the names every object inherits
// (toString, valueOf, constructor and the like) and the ones engines
// probe (toJSON, then) read as usual.
type apiObject struct {
	e     *Engine
	name  string
	keys  []string
	props map[string]goja.Value
	// getters are properties read from the run under way.
	getters map[string]func() goja.Value
}

// inherited are the names that fall through to Object.prototype.
var inherited = map[string]bool{
	"constructor": true, "toString": true, "toLocaleString": true, "valueOf": true,
	"hasOwnProperty": true, "isPrototypeOf": true, "propertyIsEnumerable": true,
	"__proto__": true, "__defineGetter__": true, "__defineSetter__": true,
	"__lookupGetter__": true, "__lookupSetter__": true, "toJSON": true, "then": true,
}

func (o *apiObject) Get(key string) goja.Value {
	if v, ok := o.props[key]; ok {
		return v
	}
	if get, ok := o.getters[key]; ok {
		return get()
	}
	if inherited[key] {
		return nil
	}
	panic(o.e.refuse(o.name+"."+key, fmt.Sprintf("%s.%s is not part of reqs' script API (%s has %s)", o.name, key, o.name, strings.Join(o.keys, ", "))))
}

func (o *apiObject) Set(key string, val goja.Value) bool { return false }
func (o *apiObject) Has(key string) bool {
	_, ok := o.props[key]
	_, get := o.getters[key]
	return ok || get
}
func (o *apiObject) Delete(key string) bool { return false }
func (o *apiObject) Keys() []string         { return o.keys }

// api makes an API object named name (for messages) with the given
// properties (values, functions, or getters of type func() goja.Value);
// keys lists them in the order Object.keys gives.
func (e *Engine) api(name string, keys []string, props map[string]any) *goja.Object {
	o := &apiObject{e: e, name: name, keys: keys, props: map[string]goja.Value{}, getters: map[string]func() goja.Value{}}
	for k, v := range props {
		switch v := v.(type) {
		case goja.Value:
			o.props[k] = v
		case func() goja.Value:
			o.getters[k] = v
		default:
			o.props[k] = e.vm.ToValue(v)
		}
	}
	return e.vm.NewDynamicObject(o)
}

// arg is a call's i-th argument as a string.
func arg(call goja.FunctionCall, i int) string { return call.Argument(i).String() }

// client is the `client` object.
func (e *Engine) client() *goja.Object {
	vm := e.vm
	return e.api("client", []string{"global", "test", "assert", "log", "exit"}, map[string]any{
		"global": e.variables("client.global", func() *Variables { return e.globals }),
		"test": fn(func(call goja.FunctionCall) goja.Value {
			f, ok := goja.AssertFunction(call.Argument(1))
			if !ok {
				panic(vm.NewTypeError("client.test(name, fn) needs a function"))
			}
			c := e.cur
			c.tests = append(c.tests, pendingTest{name: e.text(call.Argument(0)), where: e.callerWhere(c), fn: f})
			return goja.Undefined()
		}),
		"assert": fn(func(call goja.FunctionCall) goja.Value {
			if call.Argument(0).ToBoolean() {
				return goja.Undefined()
			}
			msg := "assertion failed"
			if len(call.Arguments) > 1 && !goja.IsUndefined(call.Argument(1)) {
				msg = e.text(call.Argument(1))
			}
			err := vm.NewGoError(errors.New(msg))
			_ = err.Set("name", "AssertionError")
			_ = err.Set("message", msg)
			e.cur.failed = err
			panic(err)
		}),
		"log": fn(func(call goja.FunctionCall) goja.Value {
			parts := make([]string, len(call.Arguments))
			for i, a := range call.Arguments {
				parts[i] = e.text(a)
			}
			e.log(strings.Join(parts, " "))
			return goja.Undefined()
		}),
		"exit": fn(func(goja.FunctionCall) goja.Value {
			vm.Interrupt(interruption{errExit})
			return goja.Undefined()
		}),
	})
}

// log keeps a line a script logged, within maxLog for the run.
func (e *Engine) log(line string) {
	c := e.cur
	if c.logged >= maxLog {
		return
	}
	if c.logged+len(line) > maxLog {
		line = line[:maxLog-c.logged] + " … (the script logged more than 1 MiB; the rest is left out)"
	}
	c.logged += len(line)
	c.res.Logs = append(c.res.Logs, line)
}

// callerWhere names the place in the script that called the API.
func (e *Engine) callerWhere(c *call) Place {
	var frames [4]goja.StackFrame
	return e.where(c, e.vm.CaptureCallStack(len(frames), frames[:0]))
}

// variables is a store's API object (client.global, request.variables).
func (e *Engine) variables(name string, store func() *Variables) *goja.Object {
	vm := e.vm
	return e.api(name, []string{"set", "get", "isEmpty", "clear", "clearAll"}, map[string]any{
		"set": fn(func(call goja.FunctionCall) goja.Value {
			val := call.Argument(1)
			if obj, ok := val.(*goja.Object); ok {
				if _, isFunc := goja.AssertFunction(obj); !isFunc {
					val = vm.ToValue(e.text(obj))
				}
			}
			store().vals[arg(call, 0)] = val
			return goja.Undefined()
		}),
		"get": fn(func(call goja.FunctionCall) goja.Value {
			if v, ok := store().vals[arg(call, 0)]; ok {
				return v
			}
			return goja.Null()
		}),
		"isEmpty": fn(func(goja.FunctionCall) goja.Value { return vm.ToValue(len(store().vals) == 0) }),
		"clear": fn(func(call goja.FunctionCall) goja.Value {
			delete(store().vals, arg(call, 0))
			return goja.Undefined()
		}),
		"clearAll": fn(func(goja.FunctionCall) goja.Value {
			clear(store().vals)
			return goja.Undefined()
		}),
	})
}

// response is the `response` object of response handlers. Its body is
// made when a script first reads it: a handler that never does costs no
// decoding.
func (e *Engine) response() *goja.Object {
	vm := e.vm
	resp := func() *Response { return e.cur.resp }
	contentType := func() (string, map[string]string) {
		c := e.cur
		if !c.ctParsed {
			c.mimeType, c.params, _ = mime.ParseMediaType(c.resp.Header.Get("Content-Type"))
			c.ctParsed = true
		}
		return c.mimeType, c.params
	}
	return e.api("response", []string{"status", "body", "headers", "contentType"}, map[string]any{
		"status": func() goja.Value { return vm.ToValue(resp().Status) },
		"body": func() goja.Value {
			c := e.cur
			if c.body == nil {
				c.body = e.body(c.resp)
			}
			return c.body
		},
		"headers": e.api("response.headers", []string{"valueOf", "valuesOf"}, map[string]any{
			"valueOf": fn(func(call goja.FunctionCall) goja.Value {
				if v := resp().Header.Values(arg(call, 0)); len(v) > 0 {
					return vm.ToValue(v[0])
				}
				return goja.Null()
			}),
			"valuesOf": fn(func(call goja.FunctionCall) goja.Value {
				vals := resp().Header.Values(arg(call, 0))
				out := make([]any, len(vals))
				for i, v := range vals {
					out[i] = v
				}
				return vm.NewArray(out...)
			}),
		}),
		"contentType": e.api("response.contentType", []string{"mimeType", "charset"}, map[string]any{
			"mimeType": func() goja.Value { mt, _ := contentType(); return vm.ToValue(mt) },
			"charset":  func() goja.Value { _, p := contentType(); return vm.ToValue(p["charset"]) },
		}),
	})
}
