package sse

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkDecoder decodes small JSON events such as an API streams,
// reporting events per second.
func BenchmarkDecoder(b *testing.B) {
	var in bytes.Buffer
	const n = 10000
	for i := range n {
		fmt.Fprintf(&in, "id: %d\ndata: {\"x\": %d}\n\n", i, i)
	}
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(in.Bytes()))
		for {
			if _, err := d.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
