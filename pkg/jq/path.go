package jq

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"strconv"
	"sync"

	"github.com/itchyny/gojq"
)

// pathStep is one object key or array index of an expression's leading
// path (.items, .[0], .data.users), or its last step, an iteration over
// an array's elements (.items[]).
type pathStep struct {
	key     string
	index   int
	isIndex bool
	iter    bool
}

// leadingPath finds the path an expression starts with: the object keys
// and non-negative array indexes of its first term, and then maybe one
// iteration ([]), when everything else only sees that term's values (the
// term stands alone or is the left side of a pipe without `as` bindings,
// and the query defines no functions). node is the query node holding
// that term.
func leadingPath(root *gojq.Query) (node *gojq.Query, steps []pathStep) {
	if root.Meta != nil || len(root.Imports) > 0 || len(root.FuncDefs) > 0 {
		return nil, nil
	}
	node = root
	for node.Op == gojq.OpPipe && len(node.Patterns) == 0 && node.Left != nil {
		node = node.Left
	}
	if node.Op != 0 || node.Term == nil || len(node.FuncDefs) > 0 {
		return nil, nil
	}
	suffixes := node.Term.SuffixList
	switch node.Term.Type {
	case gojq.TermTypeIndex:
		s, ok := indexStep(node.Term.Index)
		if !ok {
			return nil, nil
		}
		steps = append(steps, s)
	case gojq.TermTypeIdentity:
		// `.[]`: the path is the iteration alone.
	default:
		return nil, nil
	}
	for i, suf := range suffixes {
		if suf.Iter && suf.Index == nil && !suf.Optional {
			// An iteration ends the path; `.[]?` is left to gojq, which
			// treats what cannot be iterated as nothing.
			if i+1 < len(suffixes) && suffixes[i+1].Optional {
				break
			}
			steps = append(steps, pathStep{iter: true})
			break
		}
		if suf.Index == nil || suf.Iter || suf.Optional {
			break
		}
		s, ok := indexStep(suf.Index)
		if !ok {
			break
		}
		steps = append(steps, s)
	}
	if len(steps) == 0 {
		return nil, nil
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
		case gojq.TermTypeUnary:
			// -N counts from the end: the last N elements are kept as
			// text while the array streams past.
			u := q.Term.Unary
			if u.Op != gojq.OpSub || u.Term == nil || u.Term.Type != gojq.TermTypeNumber || len(u.Term.SuffixList) > 0 {
				return pathStep{}, false
			}
			n, err := strconv.Atoi(u.Term.Number)
			if err != nil || n <= 0 || n > maxFromEnd {
				return pathStep{}, false
			}
			return pathStep{index: -n, isIndex: true}, true
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
	// whole: the path is the whole expression (.x, .a[0].b, .items[]), so
	// each value it reaches is a result, with no program to run.
	whole bool

	mu    sync.Mutex
	codes map[int]*gojq.Code
}

// suffixesTaken is how many of the term's suffixes k steps take: the
// first step of an index term is its index, each other step one suffix.
func (p *pathPlan) suffixesTaken(k int) int {
	if p.term.Type == gojq.TermTypeIndex {
		return k - 1
	}
	return k
}

// code returns the query less its first k path steps.
func (p *pathPlan) code(k int) (*gojq.Code, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.codes[k]; ok {
		return c, nil
	}
	// The term's suffixes after the k steps taken apply to the value
	// found, as suffixes of the identity.
	rest := &gojq.Term{Type: gojq.TermTypeIdentity, SuffixList: p.term.SuffixList[p.suffixesTaken(k):]}
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
// object keys and array indexes, maybe ending in an iteration, which
// [Query.RunReader] follows while decoding instead of holding the whole
// value.
func (q *Query) HasLeadingPath() bool { return q.plan != nil }

// RunReader yields the query's results over each JSON value read from r,
// as [Decoder] reads them, the same results as decoding each value and
// calling [Query.Run]. When the expression starts with a path of object
// keys and array indexes (.[0], .items, .[-1].id), only the part of each
// value that the path addresses is decoded: the rest is skipped as it
// streams past, so `.[0]` over a 50 MB array needs a few kilobytes
// instead of the whole document in memory. When the path ends in an
// iteration over an array (.items[], .data.users[] | .name), its
// elements are decoded and run a batch at a time. Decoding errors are
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
			if d.dec.PeekKind() == 0 {
				if _, err := d.Decode(); err != io.EOF { // the error PeekKind saw
					yield(nil, err)
				}
				return
			}
			stopped := false
			run := func(v any, code *gojq.Code) error {
				halted := false
				for res, err := range runCode(ctx, code, v, &halted) {
					if !yield(res, err) || err != nil {
						stopped = true
						return errStopped
					}
				}
				if halted {
					stopped = true // halt ends the program, not just this value
					return errStopped
				}
				return nil
			}
			var err error
			if q.plan == nil {
				var v any
				if v, err = d.held(); err == nil {
					err = run(v, q.code)
				}
			} else {
				steps := q.plan.steps
				err = d.descend(steps, 0, func(v any, k int) error {
					// Running gojq to yield its input would cost more than
					// decoding the value did.
					var results []any
					switch {
					case k == len(steps) && q.plan.whole:
						results = []any{v}
					case k == len(steps)-1 && steps[k].iter && q.plan.whole:
						if batch, ok := v.([]any); ok {
							results = batch
						}
					}
					if results != nil {
						for _, r := range results {
							if !yield(r, nil) {
								stopped = true
								return errStopped
							}
						}
						return nil
					}
					code := q.code
					if k > 0 {
						c, err := q.plan.code(k)
						if err != nil {
							return err
						}
						code = c
					}
					return run(v, code)
				})
			}
			if stopped {
				return
			}
			if err != nil {
				yield(nil, d.wrap(err))
				return
			}
		}
	}
}

// maxFromEnd bounds N in .[-N] followed as text: the last N elements are
// kept while the array streams past.
const maxFromEnd = 1000

// An iterated array is decoded in batches of at most maxBatch elements
// or about batchMemory bytes of decoded values.
const (
	maxBatch    = 4096
	batchMemory = 1 << 20
)

// errStopped ends a descent whose results are no longer wanted.
var errStopped = errors.New("stopped")

// descend reads a value, following steps[k:] into it, and calls found
// with each value reached and how many steps led there: all of them, or
// fewer when a value does not have the shape the next step needs (that
// step then runs in gojq, which says why it fails). A missing key or
// index is null after its step, as in jq. An iteration step calls found
// with each element of an array as it is read, so only one is held at a
// time; any other value is iterated by gojq.
func (d *Decoder) descend(steps []pathStep, k int, found func(v any, k int) error) error {
	if k == len(steps) {
		v, err := d.held()
		if err != nil {
			return err
		}
		return found(v, k)
	}
	s := steps[k]
	kind := d.dec.PeekKind()
	switch {
	case kind == 'n' && !s.iter:
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		return found(nil, k+1) // null.key and null[N] are null
	case kind == '[' && s.iter:
		// The elements are decoded a batch at a time, and the iteration
		// runs over each batch: gojq costs more to start than a small
		// element costs to decode.
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		for d.dec.PeekKind() != ']' {
			d.start, d.used = d.dec.InputOffset(), 0
			batch := make([]any, 0, 64)
			for d.dec.PeekKind() != ']' && len(batch) < maxBatch && d.used < batchMemory {
				if err := d.checkHeld(); err != nil {
					return err
				}
				v, err := d.value()
				if err != nil {
					return err
				}
				batch = append(batch, v)
			}
			if err := found(batch, k); err != nil {
				return err
			}
		}
		_, err := d.dec.ReadToken()
		return err
	case kind == '{' && !s.iter && !s.isIndex:
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		// A later duplicate wins, as in jq, so what the key leads to is
		// known only at the object's end: until then the value is held,
		// decoded, or when the path goes on to iterate it, as its text
		// (its elements are then decoded one at a time).
		iterates := steps[len(steps)-1].iter
		var (
			v       any
			raw     []byte
			reached int
			ok      bool
		)
		for d.dec.PeekKind() != '}' {
			tok, err := d.dec.ReadToken()
			if err != nil {
				return err
			}
			if tok.String() != s.key {
				if err := d.dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			ok = true
			if iterates {
				r, err := d.dec.ReadValue()
				if err != nil {
					return err
				}
				raw = append(raw[:0], r...)
				continue
			}
			if err := d.descend(steps, k+1, func(x any, n int) error {
				v, reached = x, n
				return nil
			}); err != nil {
				return err
			}
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		switch {
		case !ok:
			return found(nil, k+1)
		case iterates:
			sub := NewDecoder(bytes.NewReader(raw))
			sub.MaxHeld, sub.LimitMemory, sub.keys = d.MaxHeld, d.LimitMemory, d.keys
			return sub.descend(steps, k+1, found)
		}
		return found(v, reached)
	case kind == '[' && s.isIndex && s.index < 0:
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		var tail [][]byte
		for d.dec.PeekKind() != ']' {
			raw, err := d.dec.ReadValue()
			if err != nil {
				return err
			}
			if len(tail) == -s.index {
				tail = append(tail[:0], tail[1:]...)
			}
			tail = append(tail, bytes.Clone(raw))
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		if len(tail) < -s.index {
			return found(nil, k+1) // out of range: null, as in jq
		}
		sub := NewDecoder(bytes.NewReader(tail[0]))
		sub.MaxHeld, sub.LimitMemory, sub.keys = d.MaxHeld, d.LimitMemory, d.keys
		return sub.descend(steps, k+1, found)
	case kind == '[' && s.isIndex:
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		// Arrays have no duplicates: the element is followed as it comes,
		// and held till the array's end only when it is a result itself.
		iterates := steps[len(steps)-1].iter
		var v any
		reached := k + 1
		for i := 0; d.dec.PeekKind() != ']'; i++ {
			var err error
			switch {
			case i != s.index:
				err = d.dec.SkipValue()
			case iterates:
				err, reached = d.descend(steps, k+1, found), -1
			default:
				err = d.descend(steps, k+1, func(x any, n int) error {
					v, reached = x, n
					return nil
				})
			}
			if err != nil {
				return err
			}
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
		if iterates && reached == -1 {
			return nil // followed as it came
		}
		return found(v, reached)
	case kind == 0:
		_, err := d.dec.ReadToken()
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	v, err := d.held() // the wrong shape: gojq runs this step and reports it
	if err != nil {
		return err
	}
	return found(v, k)
}
