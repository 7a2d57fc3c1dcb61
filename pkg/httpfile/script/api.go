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

// setup installs the API on the runtime's global object, and guards
// the built-ins that allocate a size a script asks for.
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
	// response and request are the run's: made on first read.
	_ = g.DefineAccessorProperty("response", vm.ToValue(func() goja.Value {
		c := e.cur
		if c == nil || c.resp == nil {
			panic(e.refuse("response", "response is only available in response handlers (> {% … %}), not in pre-request scripts"))
		}
		if c.respObj == nil {
			c.respObj = e.response(c.resp)
		}
		return c.respObj
	}), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = g.DefineAccessorProperty("request", vm.ToValue(func() goja.Value {
		c := e.cur
		if c == nil || c.req == nil {
			panic(e.refuse("request", "request is only available in pre-request scripts and response handlers"))
		}
		if c.reqObj == nil {
			c.reqObj = e.request(c.req)
		}
		return c.reqObj
	}), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
	// What Node.js has and reqs' scripts must not: objects that refuse
	// on first read (functions refuse in the prelude).
	for _, name := range []string{"process", "module", "exports", "Buffer", "Deno", "Bun", "__dirname", "__filename"} {
		name := name
		_ = g.DefineAccessorProperty(name, vm.ToValue(func() goja.Value {
			panic(e.refuse(name, name+" is not available: scripts in request files run in reqs, not Node.js, and cannot read files, reach the network or start processes"))
		}), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
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
	// lazy are properties made on first read.
	lazy map[string]func() goja.Value
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
	if make, ok := o.lazy[key]; ok {
		v := make()
		o.props[key] = v
		return v
	}
	if inherited[key] {
		return nil
	}
	panic(o.e.refuse(o.name+"."+key, fmt.Sprintf("%s.%s is not part of reqs' script API (%s has %s)", o.name, key, o.name, strings.Join(o.keys, ", "))))
}

func (o *apiObject) Set(key string, val goja.Value) bool { return false }
func (o *apiObject) Has(key string) bool {
	_, ok := o.props[key]
	_, later := o.lazy[key]
	return ok || later
}
func (o *apiObject) Delete(key string) bool { return false }
func (o *apiObject) Keys() []string         { return o.keys }

// api makes an API object named name (for messages) with the given
// properties; keys lists them in the order Object.keys gives.
func (e *Engine) api(name string, keys []string, props map[string]any) *goja.Object {
	o := &apiObject{e: e, name: name, keys: keys, props: map[string]goja.Value{}}
	for k, v := range props {
		if gv, ok := v.(goja.Value); ok {
			o.props[k] = gv
		} else {
			o.props[k] = e.vm.ToValue(v)
		}
	}
	return e.vm.NewDynamicObject(o)
}

// client is the `client` object.
func (e *Engine) client() *goja.Object {
	vm := e.vm
	return e.api("client", []string{"global", "test", "assert", "log", "exit"}, map[string]any{
		"global": e.variables("client.global", func() *Variables { return e.globals }),
		"test": func(name goja.Value, fn goja.Value) {
			f, ok := goja.AssertFunction(fn)
			if !ok {
				panic(vm.NewTypeError("client.test(name, fn) needs a function"))
			}
			c := e.cur
			c.tests = append(c.tests, pendingTest{name: e.text(name), where: e.callerWhere(c), fn: f})
		},
		"assert": func(call goja.FunctionCall) goja.Value {
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
		},
		"log": func(call goja.FunctionCall) goja.Value {
			parts := make([]string, len(call.Arguments))
			for i, a := range call.Arguments {
				parts[i] = e.text(a)
			}
			e.log(strings.Join(parts, " "))
			return goja.Undefined()
		},
		"exit": func() {
			vm.Interrupt(interruption{errExit})
		},
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
		"set": func(key string, val goja.Value) {
			s := store()
			if obj, ok := val.(*goja.Object); ok {
				if _, isFunc := goja.AssertFunction(obj); !isFunc {
					val = vm.ToValue(e.text(obj))
				}
			}
			if val == nil {
				val = goja.Undefined()
			}
			s.vals[key] = val
		},
		"get": func(key string) goja.Value {
			if v, ok := store().vals[key]; ok {
				return v
			}
			return goja.Null()
		},
		"isEmpty": func() bool { return len(store().vals) == 0 },
		"clear":   func(key string) { delete(store().vals, key) },
		"clearAll": func() {
			clear(store().vals)
		},
	})
}

// response is the `response` object of a response handler. Its body
// is made when a script first reads it: a handler that never does costs
// no decoding.
func (e *Engine) response(r *Response) *goja.Object {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	o := e.api("response", []string{"status", "body", "headers", "contentType"}, map[string]any{
		"status": r.Status,
		"headers": e.api("response.headers", []string{"valueOf", "valuesOf"}, map[string]any{
			"valueOf": func(name string) goja.Value {
				if v := r.Header.Values(name); len(v) > 0 {
					return e.vm.ToValue(v[0])
				}
				return goja.Null()
			},
			"valuesOf": func(name string) []any {
				vals := r.Header.Values(name)
				out := make([]any, len(vals))
				for i, v := range vals {
					out[i] = v
				}
				return out
			},
		}),
		"contentType": e.api("response.contentType", []string{"mimeType", "charset"}, map[string]any{
			"mimeType": mt,
			"charset":  params["charset"],
		}),
	})
	o.Export().(*apiObject).lazy = map[string]func() goja.Value{"body": func() goja.Value { return e.body(r) }}
	return o
}
