package sse

import (
	"mime"
	"strings"
)

// Kind is the kind of stream a Content-Type announces.
type Kind int

const (
	// NotStream is any other type: a body read whole.
	NotStream Kind = iota
	// EventStream is text/event-stream, read by a [Decoder].
	EventStream
	// JSONLines is one JSON text a line (NDJSON, JSON Lines), read by
	// [Lines].
	JSONLines
	// JSONSeq is an RFC 7464 JSON text sequence, read by [Lines] with seq.
	JSONSeq
)

// KindOf returns the kind of stream contentType announces:
// text/event-stream; application/x-ndjson, application/ndjson,
// application/jsonl, application/x-jsonlines and application/jsonlines;
// application/json-seq.
func KindOf(contentType string) Kind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "text/event-stream":
		return EventStream
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		return JSONLines
	case "application/json-seq":
		return JSONSeq
	}
	return NotStream
}
