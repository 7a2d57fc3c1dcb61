package testserver

import (
	"maps"
	"net/http"
	"sync"
)

// Counter counts requests by URL path, so a test can prove that a request
// was sent (or that nothing was, as with --offline) and how often (retries).
// The zero value is ready to use.
type Counter struct {
	mu     sync.Mutex
	byPath map[string]int
	total  int
}

// Add records one request for path.
func (c *Counter) Add(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byPath == nil {
		c.byPath = make(map[string]int)
	}
	c.byPath[path]++
	c.total++
}

// Count returns how many requests path received.
func (c *Counter) Count(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byPath[path]
}

// Total returns how many requests were counted on all paths.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// Snapshot returns a copy of the counts by path.
func (c *Counter) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.byPath)
}

// Wrap returns a handler that counts each request's path before h serves it.
func (c *Counter) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.Add(r.URL.Path)
		h.ServeHTTP(w, r)
	})
}
