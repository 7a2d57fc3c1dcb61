// Package jq runs jq expressions (the gojq dialect) over JSON values. The
// CLI's --jq flag and request files' `jq` assertions both use it, so an
// expression means the same in both places.
package jq

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/itchyny/gojq"
)

// Query is a compiled jq expression. It is safe for concurrent use.
type Query struct {
	expr     string
	code     *gojq.Code
	plan     *pathPlan // nil: the expression has no leading path
	identity bool      // the expression is `.`
}

// SyntaxError reports an expression that does not compile. Line and
// Column (1-based, columns counted in characters) point at the offending
// token when the parser knows it, and are 0 when the error is not tied to
// a place, such as a call of an undefined function.
type SyntaxError struct {
	Expr         string
	Line, Column int
	Err          error // gojq's own error
}

// Error names the expression, the place and the problem, on one line.
func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("invalid jq expression %q: %v", e.Expr, e.Err)
	}
	if !strings.Contains(e.Expr, "\n") {
		return fmt.Sprintf("invalid jq expression %q at column %d: %v", e.Expr, e.Column, e.Err)
	}
	return fmt.Sprintf("invalid jq expression %q at line %d, column %d: %v", e.Expr, e.Line, e.Column, e.Err)
}

// Unwrap returns gojq's error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Compile parses and compiles expr. Errors are *SyntaxError. The
// expression cannot read the environment ($ENV and env are empty), so
// a request file's assertion never depends on who runs it.
func Compile(expr string) (*Query, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		se := &SyntaxError{Expr: expr, Err: err}
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			// gojq's Offset is where the parser stood after reading the
			// token; its CLI points at the token's first byte the same way.
			se.Line, se.Column = position(expr, pe.Offset-len(pe.Token))
		}
		return nil, se
	}
	opts := []gojq.CompilerOption{gojq.WithEnvironLoader(func() []string { return nil })}
	code, err := gojq.Compile(q, opts...)
	if err == nil {
		err = checkFormats(q)
	}
	if err != nil {
		return nil, &SyntaxError{Expr: expr, Err: err}
	}
	query := &Query{expr: expr, code: code, identity: q.String() == "."}
	if node, steps := leadingPath(q); len(steps) > 0 {
		query.plan = &pathPlan{root: q, node: node, term: node.Term, steps: steps, opts: opts}
		query.plan.whole = node == q && query.plan.suffixesTaken(len(steps)) == len(node.Term.SuffixList)
	}
	return query, nil
}

// checkFormats refuses a format such as @foo that gojq does not know.
// gojq compiles it and fails only when it runs, which for --jq is after
// the request was sent; jq refuses it when compiling.
func checkFormats(q *gojq.Query) error {
	var err error
	walkTerms(reflect.ValueOf(q), func(t *gojq.Term) {
		if err == nil && t.Type == gojq.TermTypeFormat && !knownFormat(t.Format) {
			err = fmt.Errorf("format not defined: %s", t.Format)
		}
	})
	return err
}

// knownFormat says whether gojq knows the format, by using it, so the
// answer follows gojq's own list: an unknown one fails with its name
// whatever the input.
func knownFormat(format string) bool {
	q, err := gojq.Parse(format)
	if err != nil {
		return false
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return false
	}
	v, _ := code.Run(nil).Next()
	e, isErr := v.(error)
	return !isErr || e.Error() != "format not defined: "+format
}

// walkTerms calls f with every term of the syntax tree under v.
func walkTerms(v reflect.Value, f func(*gojq.Term)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if t, ok := v.Interface().(*gojq.Term); ok {
			f(t)
		}
		walkTerms(v.Elem(), f)
	case reflect.Struct:
		for i := range v.NumField() {
			walkTerms(v.Field(i), f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkTerms(v.Index(i), f)
		}
	}
}

// position turns a byte offset into a 1-based line and character column.
func position(s string, off int) (line, col int) {
	off = min(max(off, 0), len(s))
	before := s[:off]
	line = strings.Count(before, "\n") + 1
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCountInString(before) + 1
}

// String returns the expression as it was given.
func (q *Query) String() string { return q.expr }

// Run yields the results of the query over v, a value such as [Decoder]
// returns (nil, bool, int, float64, *big.Int, json.Number, string, []any,
// map[string]any). Iteration stops at the first error, which is yielded
// with a nil value; `halt` stops it without one. Cancelling ctx stops a
// long-running expression.
func (q *Query) Run(ctx context.Context, v any) iter.Seq2[any, error] {
	return runCode(ctx, q.code, v, nil)
}

// runCode runs code over v; halted, when not nil, is set when `halt`
// stopped it.
func runCode(ctx context.Context, code *gojq.Code, v any, halted *bool) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		it := code.RunWithContext(ctx, v)
		for {
			r, ok := it.Next()
			if !ok {
				return
			}
			if err, isErr := r.(error); isErr {
				var halt *gojq.HaltError
				if errors.As(err, &halt) && halt.Value() == nil {
					if halted != nil {
						*halted = true
					}
					return
				}
				yield(nil, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Marshal returns the compact JSON text of a result, as `jq -c` prints
// it: numbers keep the digits of the input, NaN is null.
func Marshal(v any) []byte {
	b, _ := gojq.Marshal(v) // never fails for the types Run yields
	return b
}
