package script

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkRun is one response handler with a client.test that reads
// the status and the body: the same code each time (compiled once), or
// a different one each time (compiled each time, as the handlers of a
// file are).
func BenchmarkRun(b *testing.B) {
	e := New(Options{})
	defer e.Close()
	resp := jsonResponse(`{"args": {"i": "1"}}`)
	const src = `client.test("request %d", () => client.assert(response.status === 200 && response.body.args.i === "1", "status " + response.status))`
	b.Run("same", func(b *testing.B) {
		b.ReportAllocs()
		c := code(fmt.Sprintf(src, 0))
		for b.Loop() {
			if res, err := e.Run(context.Background(), c, nil, resp); err != nil || len(res.Tests) != 1 || res.Tests[0].Err != nil {
				b.Fatal(err, res)
			}
		}
	})
	b.Run("distinct", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if res, err := e.Run(context.Background(), code(fmt.Sprintf(src, i)), nil, resp); err != nil || len(res.Tests) != 1 || res.Tests[0].Err != nil {
				b.Fatal(err, res)
			}
		}
	})
}

// BenchmarkNew is the cost of the engine a run with scripts makes once.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(Options{}).Close()
	}
}
