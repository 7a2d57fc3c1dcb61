package testserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// pageLinks builds the Link header of page p of n for the request r:
// rel="prev" (when p > 1), rel="next" (when p < n), and rel="last", in
// that order. Targets are absolute URLs, or path-absolute references
// ("/pages?...") when relative is set.
func pageLinks(r *http.Request, p, n int, relative bool) string {
	target := func(page int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		if !relative {
			u.Scheme, u.Host = "http", r.Host
			if r.TLS != nil {
				u.Scheme = "https"
			}
		}
		return u.String()
	}
	var links []string
	if p > 1 {
		links = append(links, fmt.Sprintf(`<%s>; rel="prev"`, target(p-1)))
	}
	if p < n {
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, target(p+1)))
	}
	links = append(links, fmt.Sprintf(`<%s>; rel="last"`, target(n)))
	return strings.Join(links, ", ")
}

type pageItem struct {
	Page int `json:"page"`
	Item int `json:"item"`
}

// handlePages serves /pages?n=3&per=2&page=1&rel=0: page `page` of `n`,
// a JSON array of `per` objects {"page": p, "item": i} where i counts from
// 1 across all pages, with a Link header (prev, next, last; see pageLinks)
// whose targets are absolute, or relative with rel=1. Following next from
// page 1 and merging the arrays gives items 1..n*per in order.
func handlePages(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 3, 1, 10000)
	per := k.int("per", 2, 0, 10000)
	p := k.int("page", 1, 1, 10000)
	rel := k.bool("rel")
	if k.err == nil && p > n {
		k.fail("page", strconv.Itoa(p), fmt.Errorf("beyond n=%d", n))
	}
	if !k.ok(w) {
		return
	}
	items := make([]pageItem, per)
	for i := range items {
		items[i] = pageItem{Page: p, Item: (p-1)*per + i + 1}
	}
	w.Header().Set("Link", pageLinks(r, p, n, rel))
	writeJSON(w, http.StatusOK, items)
}

// handlePagesText serves /pages-text?n=3&page=1&rel=0: "page P of N\n" as
// text/plain with the same Link header as /pages, for pagination of bodies
// that are not JSON arrays (concatenated as they are).
func handlePagesText(w http.ResponseWriter, r *http.Request) {
	k := newKnobs(r)
	n := k.int("n", 3, 1, 10000)
	p := k.int("page", 1, 1, 10000)
	rel := k.bool("rel")
	if k.err == nil && p > n {
		k.fail("page", strconv.Itoa(p), fmt.Errorf("beyond n=%d", n))
	}
	if !k.ok(w) {
		return
	}
	w.Header().Set("Link", pageLinks(r, p, n, rel))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "page %d of %d\n", p, n)
}

// handleSSE serves /sse?n=3&delay=50ms: n Server-Sent Events, each
//
//	id: I
//	event: tick
//	data: {"n": I}
//
// flushed on its own, with delay (at most 10s) before every event after
// the first.
func handleSSE(w http.ResponseWriter, r *http.Request) {
	streamLines(w, r, "text/event-stream", func(i int) string {
		return fmt.Sprintf("id: %d\nevent: tick\ndata: {\"n\": %d}\n\n", i, i)
	})
}

// handleNDJSON serves /ndjson?n=3&delay=50ms: n lines {"n": I} as
// application/x-ndjson, each flushed on its own, with delay (at most 10s)
// before every line after the first.
func handleNDJSON(w http.ResponseWriter, r *http.Request) {
	streamLines(w, r, "application/x-ndjson", func(i int) string {
		return fmt.Sprintf("{\"n\": %d}\n", i)
	})
}

func streamLines(w http.ResponseWriter, r *http.Request, ctype string, line func(i int) string) {
	k := newKnobs(r)
	n := k.int("n", 3, 0, 100000)
	delay := k.duration("delay", 50*time.Millisecond, 10*time.Second)
	if !k.ok(w) {
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush(w)
	for i := 1; i <= n; i++ {
		if i > 1 && delay > 0 && !sleepCtx(r, delay) {
			return
		}
		if _, err := fmt.Fprint(w, line(i)); err != nil {
			return
		}
		flush(w)
	}
}
