package jq

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// benchDoc is an array of n API-like records, as bench/genjson writes.
func benchDoc(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"user %d","score":%d.5,"active":true,"note":null,"tags":["a","bb","ccc"],"geo":{"lat":48.8566,"lng":2.3522}}`, i, i, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// BenchmarkFirstElement compares `.[0]` through RunReader, which decodes
// only the first element, with `.[0] | .` (no leading path: the whole
// document is decoded, as gojq and jq do).
func BenchmarkFirstElement(b *testing.B) {
	doc := benchDoc(50000) // about 6 MB
	for _, expr := range []string{".[0]", "(.) | .[0]"} {
		q, err := Compile(expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(expr, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				for _, err := range q.RunReader(context.Background(), bytes.NewReader(doc)) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
