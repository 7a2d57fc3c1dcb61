package testserver

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sseRoutes are the event-stream routes, added to Fault's.
func sseRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/sse/events":           handleSSEEvents,
		"/sse/reconnect":        handleSSEReconnect,
		"/sse/hostile/longline": handleSSEHostileLongLine,
		"/sse/hostile/big":      handleSSEHostileBig,
		"/sse/hostile/control":  handleSSEHostileControl,
		"/ndjson/lines":         handleNDJSONLines,
	}
}

// handleSSEEvents serves /sse/events?n=3&delay=0&keepalive=0&end=lf&bom=0&comments=0&ids=0&type=&retry=&text=0&multiline=0&hold=0
// as text/event-stream: n events whose data is {"x": I} (text=1: "event I"),
// delay apart (with keepalive, a ": keep-alive" comment that often
// while waiting), with these lines ending in end (lf, crlf or cr): with
// bom=1 a byte order mark first; retry=MS a retry field first; with
// comments=1 a ": keep-alive" comment before each event; ids=1 an "id: I"
// field; type=NAME an "event: NAME" field; multiline=1 the data spread over
// two data lines ({"x":\nI}). With hold=1 the stream stays open after the
// last event until the client goes away. Without delay, the writes are
// buffered (for a fast stream of many events).
func handleSSEEvents(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 3, 0, 10_000_000)
	delay := k.duration("delay", 0, 10*time.Second)
	keepalive := k.duration("keepalive", 0, 10*time.Second)
	end := map[string]string{"lf": "\n", "crlf": "\r\n", "cr": "\r"}[k.str("end", "lf")]
	bom := k.bool("bom")
	comments := k.bool("comments")
	ids := k.bool("ids")
	typ := k.str("type", "")
	retry := k.int("retry", -1, -1, 1<<30)
	text := k.bool("text")
	multiline := k.bool("multiline")
	hold := k.bool("hold")
	if end == "" {
		k.fail("end", k.str("end", ""), fmt.Errorf("want lf, crlf or cr"))
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	if bom {
		bw.WriteString("\ufeff")
	}
	if retry >= 0 {
		fmt.Fprintf(bw, "retry: %d%s", retry, end)
	}
	for i := 1; i <= n; i++ {
		if delay > 0 && i > 1 {
			for wait := delay; wait > 0; wait -= keepalive {
				step := wait
				if keepalive > 0 && keepalive < wait {
					step = keepalive
				}
				if !sleepCtx(r, step) {
					return
				}
				if keepalive > 0 && step == keepalive && wait > keepalive {
					bw.WriteString(": keep-alive" + end)
					bw.Flush()
					flush(w)
				}
				if keepalive <= 0 {
					break
				}
			}
		}
		if comments {
			bw.WriteString(": keep-alive" + end)
		}
		if ids {
			bw.WriteString("id: " + strconv.Itoa(i) + end)
		}
		if typ != "" {
			bw.WriteString("event: " + typ + end)
		}
		switch {
		case text:
			fmt.Fprintf(bw, "data: event %d%s", i, end)
		case multiline:
			fmt.Fprintf(bw, "data: {\"x\":%sdata: %d}%s", end, i, end)
		default:
			fmt.Fprintf(bw, "data: {\"x\": %d}%s", i, end)
		}
		if _, err := bw.WriteString(end); err != nil {
			return
		}
		if delay > 0 {
			bw.Flush()
			flush(w)
		}
	}
	bw.Flush()
	flush(w)
	if hold {
		<-r.Context().Done()
	}
}

// handleSSEReconnect serves /sse/reconnect?n=6&per=2&retry=50 for a client
// that reconnects: each response starts with "retry: RETRY", then sends the
// next per events after the Last-Event-ID the request carries (none: from
// the first), each with "id: I" and data {"x": I, "last": the
// Last-Event-ID received or null}, and ends. Once event n has been sent,
// a request after it gets 204 No Content, which tells a client to stop.
func handleSSEReconnect(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 6, 1, 1000)
	per := k.int("per", 2, 1, 1000)
	retry := k.int("retry", 50, 0, 10000)
	if !k.ok(w) {
		return
	}
	from := 0
	last := "null"
	if v, ok := r.Header["Last-Event-Id"]; ok {
		last = strconv.Quote(v[0])
		from, _ = strconv.Atoi(v[0])
	}
	if from >= n {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: %d\n\n", retry)
	for i := from + 1; i <= min(from+per, n); i++ {
		fmt.Fprintf(w, "id: %d\ndata: {\"x\": %d, \"last\": %s}\n\n", i, i, last)
	}
	flush(w)
}

// handleSSEHostileLongLine serves /sse/hostile/longline?chunk=1M: a
// text/event-stream of "data: " and then x's, chunk bytes per write, with
// no newline ever, until the client goes away.
func handleSSEHostileLongLine(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	chunk := k.size("chunk", 1<<20)
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	b := []byte(strings.Repeat("x", int(chunk)))
	if _, err := w.Write([]byte("data: ")); err != nil {
		return
	}
	for {
		if _, err := w.Write(b); err != nil {
			return
		}
		flush(w)
	}
}

// handleSSEHostileBig serves /sse/hostile/big?size=100M: one event whose
// data is size bytes, in data lines of 1 KiB, then an empty line.
func handleSSEHostileBig(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	size := k.size("size", 100<<20)
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	line := "data: " + strings.Repeat("y", 1023) + "\n"
	for sent := int64(0); sent < size; sent += 1024 {
		if _, err := bw.WriteString(line); err != nil {
			return
		}
	}
	bw.WriteString("\n")
	bw.Flush()
}

// handleSSEHostileControl serves /sse/hostile/control: one event whose
// type, id and data hold terminal control sequences (a title change, a
// colour, a screen clear), then one event of JSON whose string holds them.
func handleSSEHostileControl(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "event: \x1b]0;owned\x07tick\nid: \x1b[2J7\ndata: \x1b[31mred\x1b[0m \u009b1m\n\n")
	fmt.Fprint(w, "data: {\"s\": \"\x1b[2J\"}\n\n")
}

// handleNDJSONLines serves /ndjson/lines?n=3&type=application/x-ndjson:
// n lines {"x": I} with that Content-Type (application/json-seq puts an
// RS byte before each), written at once.
func handleNDJSONLines(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 3, 0, 10_000_000)
	ctype := k.str("type", "application/x-ndjson")
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	prefix := ""
	if strings.HasPrefix(ctype, "application/json-seq") {
		prefix = "\x1e"
	}
	for i := 1; i <= n; i++ {
		if _, err := fmt.Fprintf(bw, "%s{\"x\": %d}\n", prefix, i); err != nil {
			return
		}
	}
	bw.Flush()
}
