package script

import (
	"strings"

	"github.com/dop251/goja"
)

// request is the `request` object: JetBrains' shape for pre-request
// scripts (url.getRaw(), headers.findByName(name).getRawValue(), …),
// whose url and body may also be called, as response handlers call
// them.
func (e *Engine) request(r *Request) *goja.Object {
	subst := func(s string) string {
		if r.Substitute == nil {
			return s
		}
		return r.Substitute(s)
	}
	headers := func() []any {
		out := make([]any, len(r.Header))
		for i, h := range r.Header {
			out[i] = e.header(h, subst)
		}
		return out
	}
	body := ""
	if r.Body != nil {
		body = *r.Body
	}
	vars := r.Variables
	if vars == nil {
		vars = NewVariables()
	}
	return e.api("request", []string{"method", "url", "headers", "body", "environment", "variables"}, map[string]any{
		"method": r.Method,
		"url":    e.substitutable(r.URL, subst),
		"body":   e.substitutable(body, subst),
		"headers": e.api("request.headers", []string{"all", "findByName"}, map[string]any{
			"all": headers,
			"findByName": func(name string) goja.Value {
				for _, h := range r.Header {
					if strings.EqualFold(h.Name, name) {
						return e.header(h, subst)
					}
				}
				return goja.Null()
			},
		}),
		"environment": e.api("request.environment", []string{"get"}, map[string]any{
			"get": func(name string) goja.Value {
				if r.Environment != nil {
					if v, ok := r.Environment(name); ok {
						return e.vm.ToValue(v)
					}
				}
				return goja.Null()
			},
		}),
		"variables": e.variables("request.variables", func() *Variables { return vars }),
	})
}

// substitutable is a piece of the request as JetBrains gives it: an object with
// getRaw() and tryGetSubstituted(), which may also be called for the
// substituted text and reads as it when converted to a string.
func (e *Engine) substitutable(raw string, subst func(string) string) goja.Value {
	get := func() string { return subst(raw) }
	f := e.vm.ToValue(func() string { return get() }).(*goja.Object)
	_ = f.Set("getRaw", func() string { return raw })
	_ = f.Set("tryGetSubstituted", get)
	_ = f.Set("toString", get)
	return f
}

// header is one request header: name, value(), getRawValue() and
// tryGetSubstitutedValue().
func (e *Engine) header(h Header, subst func(string) string) *goja.Object {
	get := func() string { return subst(h.Value) }
	return e.api("request header", []string{"name", "value", "getRawValue", "tryGetSubstitutedValue"}, map[string]any{
		"name":                   h.Name,
		"value":                  get,
		"getRawValue":            func() string { return h.Value },
		"tryGetSubstitutedValue": get,
	})
}
