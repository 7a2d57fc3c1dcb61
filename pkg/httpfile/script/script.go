// Package script runs the JavaScript of request files on an embedded
// engine (goja, pure Go): JetBrains HTTP Client response handlers and
// pre-request scripts, and httpyac's {{ expression }}s.
//
// Scripts see the subset of JetBrains' scripting API that reqs
// implements (client, response, request, crypto, console.log) and
// nothing else: no file system, network or processes. Reading an API
// name reqs lacks (client.foo, require, fetch, process) fails with an
// error naming it, so a file written for a richer runner fails where it
// needs what is missing instead of running on with undefined.
//
// Every run is bounded. A watchdog interrupts the script past its time
// budget (10 s unless [Options.Timeout] says otherwise) and when the
// heap has grown by more than its memory budget. The built-ins that
// allocate in one step a size a script asks for (String.prototype.repeat,
// padStart and padEnd, ArrayBuffer and the typed arrays) refuse sizes
// past that budget. The engine cannot interrupt a built-in that is
// running (Array.prototype.fill over a huge sparse array, a regular
// expression that backtracks for ever), so when a script has not
// stopped a second after its interrupt, or its heap keeps growing past
// four times its budget, the engine gives it up: it calls
// [Options.OnRunaway], refuses every later run, and the caller's
// goroutine, stuck in the script, runs on until the process exits. A
// caller that must go on runs the engine on a goroutine it can leave
// behind when OnRunaway is called.
package script

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// Default budgets of a run.
const (
	DefaultTimeout = 10 * time.Second
	DefaultMemory  = 64 << 20
)

// How often the watchdog looks at the heap, how long an interrupted
// script may take to stop, and how far past its budget its heap may grow
// before the engine gives it up.
const (
	watchEvery = 5 * time.Millisecond
	stopGrace  = time.Second
	hardFactor = 4
)

// maxPrograms bounds the compiled programs an engine keeps for scripts
// that run again.
const maxPrograms = 128

// maxCallStack bounds recursion, so a runaway recursion is a RangeError
// rather than a heap that grows until the watchdog stops it.
const maxCallStack = 10000

// Options are the budgets of every run of an engine.
type Options struct {
	// Timeout bounds each run (a handler with its tests, or an
	// expression); 0 is DefaultTimeout.
	Timeout time.Duration
	// Memory bounds how much a run may grow the heap, in bytes; 0 is
	// DefaultMemory.
	Memory int64
	// Grace is how long an interrupted script may take to stop before
	// the engine gives it up; 0 is a second.
	Grace time.Duration
	// OnRunaway, when set, is called (on the watchdog's goroutine) when a
	// script could not be stopped: the goroutine that runs it is stuck,
	// and everything it would have done next must be given up.
	OnRunaway func(error)
}

// Engine runs scripts, one at a time, on one JavaScript runtime whose
// global object the scripts of a run share, with the client.global
// variables they set. Scripts run on the caller's goroutine; a watchdog
// goroutine keeps them within their budgets. An Engine is not safe for
// concurrent use.
type Engine struct {
	opts  Options
	grace time.Duration // how long an interrupted script may take to stop
	// busy is set while a run is under way: the API's callbacks run
	// then, and nothing may start another run from them.
	busy bool
	dead atomic.Pointer[error] // ErrRunaway, wrapped, once a script could not be stopped
	stop sync.Once
	quit chan struct{}

	// The watchdog's state, under mu: the run under way (active), why
	// it was interrupted and since when.
	mu      sync.Mutex
	active  bool
	runCtx  context.Context
	why     error
	since   time.Time
	waited  int // the watchdog's looks since the interrupt
	started time.Time
	tick    *time.Ticker
	heap    *heapWatch

	vm       *goja.Runtime
	programs map[programKey]*goja.Program
	globals  *Variables
	// cur is the run under way: set and cleared under mu, read by the
	// API's callbacks on the run's goroutine.
	cur *call
}

// ErrRunaway is returned by a run that could not be stopped, and by
// every run of its engine after it.
var ErrRunaway = errors.New("the script could not be stopped")

// New returns an engine with the given budgets. Close releases it.
func New(opts Options) *Engine {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Memory <= 0 {
		opts.Memory = DefaultMemory
	}
	if opts.Grace <= 0 {
		opts.Grace = stopGrace
	}
	e := &Engine{opts: opts, grace: opts.Grace, programs: map[programKey]*goja.Program{}, globals: NewVariables(),
		quit: make(chan struct{}), tick: time.NewTicker(watchEvery), heap: newHeapWatch(opts.Memory)}
	e.vm = goja.New()
	e.vm.SetMaxCallStackSize(maxCallStack)
	e.setup()
	go e.watch()
	return e
}

// Close stops the engine's watchdog.
func (e *Engine) Close() {
	e.stop.Do(func() { close(e.quit) })
}

// Err is ErrRunaway, wrapped, once a script could not be stopped: the
// engine refuses every run after it.
func (e *Engine) Err() error {
	if err := e.dead.Load(); err != nil {
		return *err
	}
	return nil
}

// Global returns the text of a variable that a script set with
// client.global.set, as {{name}} substitutes it.
func (e *Engine) Global(name string) (string, bool) {
	return e.globals.Lookup(name)
}

// Globals is the store of client.global; the caller may read it between
// runs.
func (e *Engine) Globals() *Variables { return e.globals }

// Code is a script to run: its source, and where that source is, for
// messages (a .js file from line 1, column 1, or the code between {% and
// %} of a request file).
type Code struct {
	Source    string
	File      string
	Line, Col int
}

// Place is a place in a file; Line and Col count from 1.
type Place struct {
	File      string
	Line, Col int
}

func (p Place) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// where names a place in code from a position in its compiled form,
// whose source starts on the second line (the first is the wrapper).
func (c Code) where(line, col int) Place {
	line -= 2
	if line < 0 {
		line, col = 0, 1
	}
	if line == 0 {
		col += c.Col - 1
	}
	return Place{c.File, c.Line + line, col}
}

// Error is a script that failed: it threw, used an API reqs lacks, or
// ran past a budget, at At.
type Error struct {
	At  Place
	Msg string
	// Unsupported is set when the script used an API reqs lacks.
	Unsupported bool
	// Assertion is set when a client.assert outside any client.test
	// failed: a check that did not hold rather than a script that broke.
	Assertion bool
	err       error // ErrRunaway, context.Canceled and the like
}

func (e *Error) Error() string { return e.At.String() + ": " + e.Msg }

func (e *Error) Unwrap() error { return e.err }

// Test is the outcome of a client.test: Err is nil when it passed.
type Test struct {
	Name string
	At   Place // of the client.test call
	Err  *Error
}

// Result is what a run left: its tests, in the order they were
// declared, and the lines it logged.
type Result struct {
	Tests []Test
	Logs  []string
}

// maxLog bounds the text a run may log.
const maxLog = 1 << 20

// call is the state of the run under way.
type call struct {
	ctx     context.Context
	code    Code
	req     *Request
	resp    *Response
	res     *Result
	logged  int
	tests   []pendingTest
	refused *goja.Object // the last error thrown for an API reqs lacks
	failed  *goja.Object // the last error thrown by client.assert
	// The run's response body, made on first read, and its parsed
	// Content-Type.
	body     goja.Value
	ctParsed bool
	mimeType string
	params   map[string]string
	// The run's request URL and body objects, made on first read.
	reqURL, reqBody goja.Value
}

type pendingTest struct {
	name  string
	where Place
	fn    goja.Callable
}

// interruption is why a run was interrupted.
type interruption struct{ err error }

var (
	errTimeout = errors.New("timeout")
	errMemory  = errors.New("memory")
	errExit    = errors.New("exit")
)

// Run runs a pre-request script (resp nil) or a response handler, then
// the tests it declared. req may be nil in neither case' absence: a
// script that reads request or response when it has none fails naming
// it. The Result holds what the run left even when it failed; the error
// is an *Error.
func (e *Engine) Run(ctx context.Context, code Code, req *Request, resp *Response) (*Result, error) {
	res := &Result{}
	c := &call{ctx: ctx, code: code, req: req, resp: resp, res: res}
	err := e.do(ctx, c, func() error {
		run, err := e.function(c, "(function () {\n", "\n})")
		if err != nil {
			return err
		}
		if _, err := run(goja.Undefined()); err != nil && !e.exited(err) {
			return e.failure(c, err)
		}
		for _, t := range c.tests {
			test := Test{Name: t.name, At: t.where}
			e.vm.ClearInterrupt()
			v, err := t.fn(goja.Undefined())
			if err != nil && !e.exited(err) {
				f := e.failure(c, err)
				var se *Error
				if !errors.As(f, &se) || se.err != nil {
					return f // out of time or memory: the run ends
				}
				test.Err = se
			} else if err == nil {
				test.Err = e.settled(t, v)
			}
			res.Tests = append(res.Tests, test)
		}
		return nil
	})
	return res, err
}

// function compiles the code of c wrapped in head and tail, a function
// expression, and returns that function.
func (e *Engine) function(c *call, head, tail string) (goja.Callable, error) {
	p, err := e.compile(c.code, head, tail)
	if err != nil {
		return nil, err
	}
	fn, err := e.vm.RunProgram(p)
	if err != nil {
		return nil, e.failure(c, err)
	}
	run, _ := goja.AssertFunction(fn)
	return run, nil
}

// Eval evaluates a {{ expression }} with the given variables in scope
// (strings, or a *Response for a named request's response, which the
// expression sees as its body) and returns its value as text: strings as
// they are, objects as JSON.
func (e *Engine) Eval(ctx context.Context, code Code, vars map[string]any) (string, error) {
	if e.busy {
		return "", &Error{At: code.where(2, 1), Msg: "a {{ expression }} cannot be evaluated from inside a script"}
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sortStrings(names)
	c := &call{ctx: ctx, code: code, res: &Result{}}
	var out string
	err := e.do(ctx, c, func() error {
		run, err := e.function(c, "(function ("+strings.Join(names, ", ")+") { return (\n", "\n); })")
		if err != nil {
			return err
		}
		args := make([]goja.Value, len(names))
		for i, n := range names {
			switch v := vars[n].(type) {
			case *Response:
				args[i] = e.body(v)
			default:
				args[i] = e.vm.ToValue(v)
			}
		}
		v, err := run(goja.Undefined(), args...)
		if err != nil {
			return e.failure(c, err)
		}
		if goja.IsUndefined(v) {
			return &Error{At: code.where(2, 1), Msg: "the expression is undefined"}
		}
		out = e.text(v)
		return nil
	})
	return out, err
}

// do runs job, the run c, under the watchdog.
func (e *Engine) do(ctx context.Context, c *call, job func() error) (err error) {
	if dead := e.Err(); dead != nil {
		return &Error{At: c.code.where(2, 1), Msg: dead.Error(), err: ErrRunaway}
	}
	e.mu.Lock()
	e.active, e.runCtx, e.why, e.cur = true, ctx, nil, c
	e.heap.reset()
	e.started = time.Now()
	e.mu.Unlock()
	e.busy = true
	e.vm.ClearInterrupt()
	defer func() {
		if x := recover(); x != nil {
			err = &Error{At: c.code.where(2, 1), Msg: fmt.Sprintf("the script engine failed: %v", x)}
		}
		e.mu.Lock()
		e.active, e.cur = false, nil
		e.mu.Unlock()
		e.vm.ClearInterrupt()
		e.busy = false
		if dead := e.Err(); dead != nil {
			// Given up, and done after all: the caller has moved on.
			err = &Error{At: c.code.where(2, 1), Msg: dead.Error(), err: ErrRunaway}
		}
	}()
	return job()
}

// watch is the watchdog: past the time budget, when the run's context
// ends, or when the heap has grown past the memory budget, it interrupts
// the script under way; when the script does not stop, it gives the
// engine up. It looks every watchEvery, on a ticker that runs as long as
// the engine: setting a timer for each run would cost each run more
// than its script.
func (e *Engine) watch() {
	defer e.tick.Stop()
	for {
		select {
		case <-e.quit:
			return
		case <-e.tick.C:
			e.mu.Lock()
			e.check()
			e.mu.Unlock()
		}
	}
}

// interrupt stops the script under way at its next step; mu is held.
func (e *Engine) interrupt(why error) {
	if e.why == nil {
		e.why, e.since, e.waited = why, time.Now(), 0
	}
	e.vm.Interrupt(interruption{e.why})
}

// check is the watchdog's look at the run under way; mu is held.
func (e *Engine) check() {
	if !e.active || e.Err() != nil {
		return
	}
	if e.why == nil {
		switch {
		case time.Since(e.started) > e.opts.Timeout:
			e.interrupt(errTimeout)
		case e.runCtx.Err() != nil:
			e.interrupt(e.runCtx.Err())
		case e.heap.over():
			e.interrupt(errMemory)
		}
		return
	}
	// Again: a script that clears the flag (client.exit then a test)
	// still stops.
	e.vm.Interrupt(interruption{e.why})
	grace := e.grace
	if e.runCtx.Err() != nil {
		// Ctrl-C: the user is waiting, and a command line gives a run a
		// quarter of a second to report before it exits anyway.
		grace /= 10
	}
	// The grace is counted in wall time and in the watchdog's own looks,
	// both: on a loaded machine the watchdog is scheduled late when the
	// script is, so a script that stops as soon as it runs again is not
	// taken for one that cannot stop.
	e.waited++
	if !e.heap.runaway() && (time.Since(e.since) <= grace || time.Duration(e.waited)*watchEvery <= grace) {
		return
	}
	dead := fmt.Errorf("%w: it did not stop when interrupted (%s), so the run ends here", ErrRunaway, e.budgetText(e.why))
	e.dead.Store(&dead)
	if e.opts.OnRunaway != nil {
		e.opts.OnRunaway(&Error{At: e.cur.code.where(2, 1), Msg: dead.Error(), err: ErrRunaway})
	}
}

// budgetText words why a script was interrupted.
func (e *Engine) budgetText(why error) string {
	switch {
	case why == errTimeout:
		return "it ran longer than " + e.opts.Timeout.String()
	case why == errMemory:
		return fmt.Sprintf("it used more than %d MiB", e.opts.Memory>>20)
	case errors.Is(why, context.Canceled):
		return "the run was interrupted"
	case errors.Is(why, context.DeadlineExceeded):
		return "the run's time ran out"
	}
	return why.Error()
}

// heapWatch tells when the heap has grown past a budget since it was
// made. It reads the heap's size cheaply at each check; only when that
// is past the budget does it collect garbage to see whether the live
// heap is.
type heapWatch struct {
	budget     uint64
	base, live uint64
	threshold  uint64
	last       uint64 // the heap at the last runaway check
	growing    int    // how many checks in a row saw it grow
	samples    []metrics.Sample
}

func newHeapWatch(budget int64) *heapWatch {
	return &heapWatch{budget: uint64(budget), samples: []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}}
}

// reset starts watching from the heap as it is now.
func (h *heapWatch) reset() {
	metrics.Read(h.samples)
	h.base, h.live = h.value(0), h.value(1)
	h.threshold = h.base + h.budget
	h.last, h.growing = 0, 0
}

func (h *heapWatch) value(i int) uint64 {
	if h.samples[i].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return h.samples[i].Value.Uint64()
}

// over reports whether the live heap grew past the budget.
func (h *heapWatch) over() bool {
	metrics.Read(h.samples[:1])
	if h.value(0) <= h.threshold {
		return false
	}
	runtime.GC()
	metrics.Read(h.samples)
	if h.value(1) > h.live+h.budget {
		return true
	}
	// Garbage: look again only once the heap has grown by another
	// budget.
	h.threshold = h.value(0) + h.budget
	return false
}

// runaway reports whether the heap, garbage and all, is past hardFactor
// times the budget and has grown at each of the last checks: a script
// that stopped leaves a heap that no longer grows.
func (h *heapWatch) runaway() bool {
	metrics.Read(h.samples[:1])
	now := h.value(0)
	if now > h.last && h.last != 0 {
		h.growing++
	} else {
		h.growing = 0
	}
	h.last = now
	return h.growing >= 3 && now > h.base+hardFactor*h.budget
}

// settled is the failure of an async test function: the promise it
// returned was rejected, or cannot settle (a script has no timers or
// I/O, so one still pending when the test returns never will). The
// engine has run the promise jobs by the time the call returns.
func (e *Engine) settled(t pendingTest, v goja.Value) *Error {
	if v == nil {
		return nil
	}
	p, ok := v.Export().(*goja.Promise)
	if !ok {
		return nil
	}
	switch p.State() {
	case goja.PromiseStateRejected:
		return &Error{At: t.where, Msg: e.message(p.Result())}
	case goja.PromiseStatePending:
		return &Error{At: t.where, Msg: "the test's promise never settles (scripts have no timers or network to wait for)"}
	}
	return nil
}

// exited reports whether a run ended by client.exit().
func (e *Engine) exited(err error) bool {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if i, ok := ie.Value().(interruption); ok && i.err == errExit {
			return true
		}
	}
	return false
}

// failure turns what goja returned into an *Error naming the place in
// the script.
func (e *Engine) failure(c *call, err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		where := e.where(c, ie.Stack())
		i, _ := ie.Value().(interruption)
		switch i.err {
		case errTimeout:
			return &Error{At: where, Msg: fmt.Sprintf("the script ran longer than %s and was stopped here", e.opts.Timeout), err: errTimeout}
		case errMemory:
			return &Error{At: where, Msg: fmt.Sprintf("the script used more than %d MiB and was stopped here", e.opts.Memory>>20), err: errMemory}
		case nil:
			return &Error{At: where, Msg: fmt.Sprint(ie.Value())}
		}
		return &Error{At: where, Msg: e.budgetText(i.err) + ", and the script was stopped here", err: i.err}
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &Error{At: e.where(c, so.Stack()), Msg: "RangeError: Maximum call stack size exceeded"}
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		se := &Error{At: e.where(c, ex.Stack()), Msg: e.message(ex.Value())}
		if obj, ok := ex.Value().(*goja.Object); ok {
			se.Unsupported = obj == c.refused
			se.Assertion = obj == c.failed
		}
		return se
	}
	return &Error{At: c.code.where(2, 1), Msg: err.Error()}
}

// message is what a thrown value says: an Error's "Name: message", or
// the value as text.
func (e *Engine) message(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if obj, ok := v.(*goja.Object); ok {
		if s := obj.Get("stack"); s != nil && !goja.IsUndefined(s) {
			// "TypeError: message\n\tat …": the first line only.
			first, _, _ := strings.Cut(obj.String(), "\n")
			return first
		}
	}
	return e.text(v)
}

// where names the innermost place of this script in a stack.
func (e *Engine) where(c *call, stack []goja.StackFrame) Place {
	for _, f := range stack {
		p := f.Position()
		if p.Line > 0 && f.SrcName() == c.code.File {
			return c.code.where(p.Line, p.Column)
		}
	}
	return c.code.where(2, 1)
}

// programKey names a compiled program: the same source in the same file
// (positions name the file), with the same wrapper.
type programKey struct{ file, prefix, source string }

// compile compiles code between a prefix and a suffix (a function
// around it: each script gets its own scope, so two handlers may both
// declare `const token`), once per source.
func (e *Engine) compile(code Code, prefix, suffix string) (*goja.Program, error) {
	key := programKey{code.File, prefix, code.Source}
	if p, ok := e.programs[key]; ok {
		return p, nil
	}
	src := prefix + code.Source + suffix
	// Parsed here rather than by goja.Compile, which drops the place of
	// a syntax error.
	ast, err := parser.ParseFile(nil, code.File, src, 0)
	if err != nil {
		return nil, e.syntaxError(code, err)
	}
	p, err := goja.CompileAST(ast, false)
	if err != nil {
		return nil, e.syntaxError(code, err)
	}
	if len(e.programs) >= maxPrograms {
		// A file's handlers are mostly each run once: keep a few, not
		// every one a long file has.
		clear(e.programs)
	}
	e.programs[key] = p
	return p, nil
}
