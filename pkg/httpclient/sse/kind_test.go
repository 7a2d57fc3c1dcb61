package sse

import "testing"

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ct   string
		want Kind
	}{
		{"text/event-stream", EventStream},
		{"Text/Event-Stream; charset=utf-8", EventStream},
		{"application/x-ndjson", JSONLines},
		{"application/jsonl", JSONLines},
		{"application/json-seq", JSONSeq},
		{"application/json", NotStream},
		{"text/plain", NotStream},
		{"", NotStream},
		{"text/event-stream;;", EventStream},
	}
	for _, tc := range tests {
		if got := KindOf(tc.ct); got != tc.want {
			t.Errorf("KindOf(%q) = %v, want %v", tc.ct, got, tc.want)
		}
	}
}
