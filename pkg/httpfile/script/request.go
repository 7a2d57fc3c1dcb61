package script

import (
	"strings"

	"github.com/dop251/goja"
)

// request is the `request` object: JetBrains' shape for pre-request
// scripts (url.getRaw(), headers.findByName(name).getRawValue(), …),
// whose url and body may also be called, as response handlers call
// them.
func (e *Engine) request() *goja.Object {
	vm := e.vm
	req := func() *Request { return e.cur.req }
	return e.api("request", []string{"method", "url", "headers", "body", "environment", "variables"}, map[string]any{
		"method": func() goja.Value { return vm.ToValue(req().Method) },
		"url": func() goja.Value {
			c := e.cur
			if c.reqURL == nil {
				c.reqURL = e.substitutable(c.req.URL)
			}
			return c.reqURL
		},
		"body": func() goja.Value {
			c := e.cur
			if c.reqBody == nil {
				body := ""
				if c.req.Body != nil {
					body = *c.req.Body
				}
				c.reqBody = e.substitutable(body)
			}
			return c.reqBody
		},
		"headers": e.api("request.headers", []string{"all", "findByName"}, map[string]any{
			"all": fn(func(goja.FunctionCall) goja.Value {
				r := req()
				out := make([]any, len(r.Header))
				for i, h := range r.Header {
					out[i] = e.header(h)
				}
				return vm.NewArray(out...)
			}),
			"findByName": fn(func(call goja.FunctionCall) goja.Value {
				name := arg(call, 0)
				for _, h := range req().Header {
					if strings.EqualFold(h.Name, name) {
						return e.header(h)
					}
				}
				return goja.Null()
			}),
		}),
		"environment": e.api("request.environment", []string{"get"}, map[string]any{
			"get": fn(func(call goja.FunctionCall) goja.Value {
				if r := req(); r.Environment != nil {
					if v, ok := r.Environment(arg(call, 0)); ok {
						return vm.ToValue(v)
					}
				}
				return goja.Null()
			}),
		}),
		"variables": e.variables("request.variables", func() *Variables {
			r := req()
			if r.Variables == nil {
				r.Variables = NewVariables()
			}
			return r.Variables
		}),
	})
}

// substitute is Request.Substitute, or the text as it is.
func (e *Engine) substitute(s string) string {
	if r := e.cur.req; r.Substitute != nil {
		return r.Substitute(s)
	}
	return s
}

// substitutable is a piece of the request as JetBrains gives it: an
// object with getRaw() and tryGetSubstituted(), which may also be called
// for the substituted text and reads as it when converted to a string.
func (e *Engine) substitutable(raw string) goja.Value {
	get := fn(func(goja.FunctionCall) goja.Value { return e.vm.ToValue(e.substitute(raw)) })
	f := e.vm.ToValue(get).(*goja.Object)
	_ = f.Set("getRaw", fn(func(goja.FunctionCall) goja.Value { return e.vm.ToValue(raw) }))
	_ = f.Set("tryGetSubstituted", get)
	_ = f.Set("toString", get)
	return f
}

// header is one request header: name, value(), getRawValue() and
// tryGetSubstitutedValue().
func (e *Engine) header(h Header) *goja.Object {
	get := fn(func(goja.FunctionCall) goja.Value { return e.vm.ToValue(e.substitute(h.Value)) })
	return e.api("request header", []string{"name", "value", "getRawValue", "tryGetSubstitutedValue"}, map[string]any{
		"name":                   h.Name,
		"value":                  get,
		"getRawValue":            fn(func(goja.FunctionCall) goja.Value { return e.vm.ToValue(h.Value) }),
		"tryGetSubstitutedValue": get,
	})
}
