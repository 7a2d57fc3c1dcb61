package script

import "github.com/dop251/goja"

// preludeSource is the engine's own JavaScript, run once per engine with
// the memory budget and the function that throws for an API reqs lacks.
//
// It wraps the built-ins that allocate, in one step the engine cannot
// interrupt, a size the script asks for: past the memory budget they
// throw a RangeError instead of asking the Go runtime for a block so
// large that the process would die. Sizes are counted in bytes (a
// string's length as one byte a character, its least).
//
// And it defines, as functions that refuse, what Node.js and browsers
// offer for files, network, processes and timers.
const preludeSource = `(function (limit, refuse) {
	"use strict";
	var rapply = Reflect.apply, construct = Reflect.construct, define = Object.defineProperty;
	function tooBig(what) {
		throw new RangeError(what + " would take more than the script's memory budget of " + Math.floor(limit / 1048576) + " MiB");
	}
	function count(n) {
		n = Number(n);
		return n !== n ? 0 : Math.floor(n);
	}
	function wrap(obj, name, check) {
		var orig = obj[name];
		define(obj, name, {
			value: {[name]: function () { rapply(check, this, arguments); return rapply(orig, this, arguments); }}[name],
			writable: true, configurable: true,
		});
	}
	wrap(String.prototype, "repeat", function (n) {
		if (String(this).length * count(n) > limit) tooBig("String.prototype.repeat");
	});
	wrap(String.prototype, "padStart", function (n) {
		if (count(n) > limit) tooBig("String.prototype.padStart");
	});
	wrap(String.prototype, "padEnd", function (n) {
		if (count(n) > limit) tooBig("String.prototype.padEnd");
	});
	function argList(what, args) {
		if (args !== null && typeof args === "object" && count(args.length) * 16 > limit) tooBig(what);
	}
	wrap(Function.prototype, "apply", function (self, args) { argList("Function.prototype.apply", args); });
	wrap(Reflect, "apply", function (f, self, args) { argList("Reflect.apply", args); });
	wrap(Reflect, "construct", function (f, args) { argList("Reflect.construct", args); });
	function bytes(what, n, size) {
		if (typeof n === "number" && count(n) * size > limit) tooBig(what);
		if (n !== null && typeof n === "object" && !(n instanceof ArrayBuffer) && count(n.length) * size > limit) tooBig(what);
	}
	// A constructor in a wrapper that checks the size first; instances
	// and subclasses see the same prototype.
	function guardConstructor(name, size) {
		var T = globalThis[name];
		if (!T) return;
		var G = {[name]: function () {
			if (new.target === undefined) return rapply(T, this, arguments);
			bytes("new " + name, arguments[0], size);
			return construct(T, arguments, new.target === G ? T : new.target);
		}}[name];
		Object.getOwnPropertyNames(T).forEach(function (k) {
			if (k !== "prototype" && k !== "length" && k !== "name") define(G, k, Object.getOwnPropertyDescriptor(T, k));
		});
		define(G, "prototype", {value: T.prototype});
		if (typeof T.from === "function") {
			var origFrom = T.from;
			define(G, "from", {value: function from(src) { bytes(name + ".from", src, size); return rapply(origFrom, this === G ? T : this, arguments); }, writable: true, configurable: true});
		}
		define(globalThis, name, {value: G, writable: true, configurable: true});
	}
	guardConstructor("ArrayBuffer", 1);
	["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
	 "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"].forEach(function (name) {
		guardConstructor(name, globalThis[name].BYTES_PER_ELEMENT);
	});

	var noAccess = " is not available: scripts in request files cannot read files, reach the network or start processes";
	globalThis.require = function require(m) { var what = "require(" + JSON.stringify(String(m)) + ")"; refuse(what, what + noAccess); };
	["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "importScripts", "setTimeout", "setInterval", "setImmediate", "queueMicrotask"].forEach(function (name) {
		globalThis[name] = {[name]: function () { refuse(name, name + noAccess); }}[name];
	});
})`

// prelude runs preludeSource.
func (e *Engine) prelude() {
	p := goja.MustCompile("prelude.js", preludeSource, false)
	f, err := e.vm.RunProgram(p)
	if err != nil {
		panic(err) // the prelude is our code: it compiles and runs
	}
	install, _ := goja.AssertFunction(f)
	refuse := func(name, msg string) { panic(e.refuse(name, msg)) }
	if _, err := install(goja.Undefined(), e.vm.ToValue(e.opts.Memory), e.vm.ToValue(refuse)); err != nil {
		panic(err)
	}
}
