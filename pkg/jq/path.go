package jq

import (
	"context"
	"io"
	"iter"
	"strconv"
	"sync"

	"github.com/itchyny/gojq"
)

// pathStep is one object key or array index of an expression's leading
// path (.items, .[0], .data.users).
type pathStep struct {
	key     string
	index   int
	isIndex bool
}

// leadingPath finds the path an expression starts with: the object keys
// and non-negative array indexes of its first term, when everything else
// only sees that term's value (the term stands alone or is the left side
// of a pipe without `as` bindings, and the query defines no functions).
// node is the query node holding that term.
func leadingPath(root *gojq.Query) (node *gojq.Query, steps []pathStep) {
	if root.Meta != nil || len(root.Imports) > 0 || len(root.FuncDefs) > 0 {
		return nil, nil
	}
	node = root
	for node.Op == gojq.OpPipe && len(node.Patterns) == 0 && node.Left != nil {
		node = node.Left
	}
	if node.Op != 0 || node.Term == nil || node.Term.Type != gojq.TermTypeIndex || len(node.FuncDefs) > 0 {
		return nil, nil
	}
	s, ok := indexStep(node.Term.Index)
	if !ok {
		return nil, nil
	}
	steps = append(steps, s)
	for _, suf := range node.Term.SuffixList {
		if suf.Index == nil || suf.Iter || suf.Optional {
			break
		}
		s, ok := indexStep(suf.Index)
		if !ok {
			break
		}
		steps = append(steps, s)
	}
	return node, steps
}

// indexStep reads .name, ."name", .["name"] and .[N] (N ≥ 0).
func indexStep(ix *gojq.Index) (pathStep, bool) {
	switch {
	case ix == nil || ix.IsSlice || ix.End != nil:
		return pathStep{}, false
	case ix.Name != "":
		return pathStep{key: ix.Name}, true
	case ix.Str != nil:
		if len(ix.Str.Queries) > 0 {
			return pathStep{}, false
		}
		return pathStep{key: ix.Str.Str}, true
	case ix.Start != nil:
		q := ix.Start
		if q.Op != 0 || q.Term == nil || len(q.Term.SuffixList) > 0 {
			return pathStep{}, false
		}
		switch q.Term.Type {
		case gojq.TermTypeString:
			if q.Term.Str == nil || len(q.Term.Str.Queries) > 0 {
				return pathStep{}, false
			}
			return pathStep{key: q.Term.Str.Str}, true
		case gojq.TermTypeNumber:
			n, err := strconv.Atoi(q.Term.Number)
			if err != nil || n < 0 {
				return pathStep{}, false
			}
			return pathStep{index: n, isIndex: true}, true
		}
	}
	return pathStep{}, false
}

// pathPlan runs a query whose leading path is resolved while decoding:
// codes[k] is the query with its first k steps taken away, compiled the
// first time a value needs it.
type pathPlan struct {
	root  *gojq.Query
	node  *gojq.Query
	term  *gojq.Term // node's own term
	steps []pathStep
	opts  []gojq.CompilerOption
	// whole: the path is the whole expression (.x, .a[0].b), so the
	// value it reaches is the one result, with no program to run.
	whole bool

	mu    sync.Mutex
	codes map[int]*gojq.Code
}

// code returns the query less its first k path steps.
func (p *pathPlan) code(k int) (*gojq.Code, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.codes[k]; ok {
		return c, nil
	}
	// The k-th index of the term is its (k-1)-th suffix; what is left
	// applies to the value found, as suffixes of the identity.
	rest := &gojq.Term{Type: gojq.TermTypeIdentity, SuffixList: p.term.SuffixList[k-1:]}
	p.node.Term = rest
	c, err := gojq.Compile(p.root, p.opts...)
	p.node.Term = p.term
	if err != nil {
		return nil, err
	}
	if p.codes == nil {
		p.codes = map[int]*gojq.Code{}
	}
	p.codes[k] = c
	return c, nil
}

// HasLeadingPath reports whether the expression starts with a path of
// object keys and array indexes, which [Query.RunReader] follows while
// decoding instead of holding the whole value.
func (q *Query) HasLeadingPath() bool { return q.plan != nil }

// RunReader yields the query's results over each JSON value read from r,
// as [Decoder] reads them, the same results as decoding each value and
// calling [Query.Run]. When the expression starts with a path of object
// keys and array indexes (.[0], .items, .data.users[] | .name), only the
// part of each value that the path addresses is decoded: the rest is
// skipped as it streams past, so `.[0]` over a 50 MB array needs a few
// kilobytes instead of the whole document in memory. Decoding errors are
// *DecodeError. `halt` ends the whole run, as in jq, not only the value
// it met.
func (q *Query) RunReader(ctx context.Context, r io.Reader) iter.Seq2[any, error] {
	return q.RunDecoder(ctx, NewDecoder(r))
}

// RunDecoder is [Query.RunReader] over the values d reads, within
// d.MaxHeld.
func (q *Query) RunDecoder(ctx context.Context, d *Decoder) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		for {
			v, code, err := d.decodeFor(q)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if code == identity {
				if !yield(v, nil) {
					return
				}
				continue
			}
			if code == nil {
				code = q.code
			}
			halted := false
			for res, err := range runCode(ctx, code, v, &halted) {
				if !yield(res, err) || err != nil {
					return
				}
			}
			if halted {
				return // halt ends the program, not just this value
			}
		}
	}
}

// decodeFor reads the next value, or for a query with a leading path the
// part of it the path leads to, and returns the code to run over it.
func (d *Decoder) decodeFor(q *Query) (any, *gojq.Code, error) {
	if q.plan == nil {
		v, err := d.Decode()
		return v, nil, err
	}
	if d.dec.PeekKind() == 0 {
		v, err := d.Decode() // io.EOF or the error PeekKind saw
		return v, nil, err
	}
	v, k, err := d.descend(q.plan.steps, 0)
	if err != nil {
		return nil, nil, d.wrap(err)
	}
	if k == 0 {
		return v, q.code, nil
	}
	if k == len(q.plan.steps) && q.plan.whole {
		return v, identity, nil
	}
	code, err := q.plan.code(k)
	return v, code, err
}

// identity stands for a program that yields its input, which decodeFor
// returns for an expression that is a whole path: running gojq for it
// costs more than decoding the value did.
var identity = new(gojq.Code)

// descend reads a value, following steps[k:] into it. It returns the
// value reached and how many steps led there: all of them, or fewer when
// a value does not have the shape the next step needs (that step then
// runs in gojq, which says why it fails). A missing key or index is null
// after its step, as in jq.
func (d *Decoder) descend(steps []pathStep, k int) (any, int, error) {
	if k == len(steps) {
		v, err := d.held()
		return v, k, err
	}
	s := steps[k]
	kind := d.dec.PeekKind()
	switch {
	case kind == 'n':
		_, err := d.dec.ReadToken()
		return nil, k + 1, err // null.key and null[N] are null
	case kind == '{' && !s.isIndex:
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, 0, err
		}
		var found any
		reached, ok := k+1, false
		for d.dec.PeekKind() != '}' {
			tok, err := d.dec.ReadToken()
			if err != nil {
				return nil, 0, err
			}
			if tok.String() == s.key { // a later duplicate wins, as in jq
				if found, reached, err = d.descend(steps, k+1); err != nil {
					return nil, 0, err
				}
				ok = true
				continue
			}
			if err := d.dec.SkipValue(); err != nil {
				return nil, 0, err
			}
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, k + 1, nil
		}
		return found, reached, nil
	case kind == '[' && s.isIndex:
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, 0, err
		}
		var found any
		reached := k + 1
		for i := 0; d.dec.PeekKind() != ']'; i++ {
			var err error
			if i == s.index {
				found, reached, err = d.descend(steps, k+1)
			} else {
				err = d.dec.SkipValue()
			}
			if err != nil {
				return nil, 0, err
			}
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, 0, err
		}
		return found, reached, nil
	case kind == 0:
		_, err := d.dec.ReadToken()
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, 0, err
	}
	v, err := d.held() // the wrong shape: gojq runs this step and reports it
	return v, k, err
}
