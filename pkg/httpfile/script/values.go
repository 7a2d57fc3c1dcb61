package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"sort"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// body is response.body: the body parsed when its Content-Type names
// JSON (as JetBrains' client decides), else its text. A body that does
// not parse is its text too. (A response of messages, a WebSocket's or
// an event stream's, is where JetBrains' TextStreamResponse would go: an
// object with onEachMessage and onEachLine over Response's messages.)
func (e *Engine) body(r *Response) goja.Value {
	if r.Items != nil {
		return e.stream(r.Items)
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.Contains(mt, "json") {
		return e.vm.ToValue(string(r.Body))
	}
	decode := r.JSON
	if decode == nil {
		decode = func() (any, error) {
			var v any
			d := json.NewDecoder(strings.NewReader(string(r.Body)))
			d.UseNumber()
			err := d.Decode(&v)
			return v, err
		}
	}
	v, err := decode()
	if err != nil {
		return e.vm.ToValue(string(r.Body))
	}
	return e.fromJSON(v)
}

// fromJSON copies a decoded JSON value into plain JavaScript values (the
// decoded form is shared and must not change, whatever a script does to
// its copy). Object keys come in sorted order: the decoded form has
// lost the server's.
func (e *Engine) fromJSON(v any) goja.Value {
	vm := e.vm
	switch v := v.(type) {
	case nil:
		return goja.Null()
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		obj := vm.NewObject()
		for _, k := range keys {
			_ = obj.Set(k, e.fromJSON(v[k]))
		}
		return obj
	case []any:
		items := make([]any, len(v))
		for i, x := range v {
			items[i] = e.fromJSON(x)
		}
		return vm.NewArray(items...)
	case json.Number:
		if i, err := v.Int64(); err == nil && i >= -(1<<53) && i <= 1<<53 {
			return vm.ToValue(i)
		}
		f, _ := v.Float64()
		return vm.ToValue(f)
	}
	return vm.ToValue(v)
}

// text is a value as {{…}} and client.log show it: strings as they are,
// objects and arrays as JSON, the rest as JavaScript prints them.
func (e *Engine) text(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) {
		return "undefined"
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return v.String()
	}
	if _, isFunc := goja.AssertFunction(obj); isFunc {
		return obj.String()
	}
	switch obj.ClassName() {
	case "Error", "Date", "RegExp":
		return obj.String()
	}
	if _, isAPI := obj.Export().(*apiObject); isAPI {
		return obj.String()
	}
	stringify, _ := goja.AssertFunction(e.vm.Get("JSON").ToObject(e.vm).Get("stringify"))
	s, err := stringify(goja.Undefined(), obj)
	if err != nil || goja.IsUndefined(s) {
		return obj.String()
	}
	return s.String()
}

// syntaxError is a script that does not compile, at its place in the
// file.
func (e *Engine) syntaxError(code Code, err error) error {
	var list parser.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		p := list[0].Position
		return &Error{At: code.where(p.Line, p.Column), Msg: "SyntaxError: " + list[0].Message}
	}
	var ce *goja.CompilerSyntaxError
	if errors.As(err, &ce) && ce.File != nil {
		p := ce.File.Position(ce.Offset)
		return &Error{At: code.where(p.Line, p.Column), Msg: "SyntaxError: " + ce.Message}
	}
	return &Error{At: code.where(2, 1), Msg: fmt.Sprint(err)}
}

func sortStrings(s []string) { sort.Strings(s) }

// stream is the body of a streamed response: onEachMessage(subscriber,
// onFinish) and onEachLine(subscriber, onFinish) call subscriber(item,
// unsubscribe, output) for each collected item in order, until it calls
// unsubscribe, then onFinish(). The run has closed the stream by the time
// handlers run, so output(message), which would send a WebSocket message
// from the handler, throws.
func (e *Engine) stream(items []any) goja.Value {
	vm := e.vm
	each := func(name string) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			sub, ok := goja.AssertFunction(call.Argument(0))
			if !ok {
				panic(vm.NewTypeError("response.body." + name + "(subscriber) needs a function"))
			}
			stop := false
			unsubscribe := vm.ToValue(func() { stop = true })
			output := vm.ToValue(func() {
				panic(vm.NewTypeError("output() cannot send: reqs run holds a WebSocket's conversation before its handlers run, and has closed it"))
			})
			for _, it := range items {
				if stop {
					break
				}
				if _, err := sub(goja.Undefined(), e.fromJSON(it), unsubscribe, output); err != nil {
					panic(err)
				}
			}
			if fin, ok := goja.AssertFunction(call.Argument(1)); ok {
				if _, err := fin(goja.Undefined()); err != nil {
					panic(err)
				}
			}
			return goja.Undefined()
		}
	}
	return e.api("response.body", []string{"onEachMessage", "onEachLine"}, map[string]any{
		"onEachMessage": each("onEachMessage"),
		"onEachLine":    each("onEachLine"),
	})
}
