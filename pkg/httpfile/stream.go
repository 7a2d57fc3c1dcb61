package httpfile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"

	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
)

// StreamKind says what a stream's collected body holds.
type StreamKind int

const (
	// NotStream is a body as the server sent it.
	NotStream StreamKind = iota
	// EventStream is server-sent events collected as the JSON array of
	// {"event", "id", "data"} (see CollectEvents).
	EventStream
	// MessageStream is a WebSocket's received messages collected as the
	// JSON array of their data (see MessagesBody).
	MessageStream
)

// CollectEvents reads server-sent events from r until it ends or max
// events came (0: no limit), each line and event bounded by maxSize (0:
// sse.DefaultMaxSize), into the body assertions see: the JSON array of
// {"event": type ("message" unless named), "id": the last event ID,
// "data": the data decoded when it is JSON, else a string}. It returns
// the events read so far with the error that stopped it (nil at the end
// of the stream or at max); the caller decides whether that error (a
// request's @timeout, say) only ends the collection.
func CollectEvents(r io.Reader, max int, maxSize int64) ([]byte, error) {
	d := sse.NewDecoder(r)
	if maxSize > 0 {
		d.SetMaxSize(maxSize)
	}
	var b bytes.Buffer
	b.WriteByte('[')
	n := 0
	for max <= 0 || n < max {
		ev, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.WriteByte(']')
			return b.Bytes(), err
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		b.WriteString(`{"event":`)
		writeJSONString(&b, ev.Type)
		b.WriteString(`,"id":`)
		writeJSONString(&b, ev.ID)
		b.WriteString(`,"data":`)
		writeData(&b, []byte(ev.Data), false)
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// Message is one WebSocket message received.
type Message struct {
	Binary bool
	Data   []byte
}

// MessagesBody is the body assertions see for a WebSocket conversation:
// the JSON array of the messages received, each decoded when it is JSON,
// else a string (binary messages that are not JSON as base64).
func MessagesBody(msgs []Message) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, m := range msgs {
		if i > 0 {
			b.WriteByte(',')
		}
		writeData(&b, m.Data, m.Binary)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// writeData writes data as itself when it is JSON, else as a JSON string
// (base64 when binary).
func writeData(b *bytes.Buffer, data []byte, binary bool) {
	if t := bytes.TrimSpace(data); len(t) > 0 && json.Valid(t) {
		b.Write(t)
		return
	}
	if binary {
		writeJSONString(b, base64.StdEncoding.EncodeToString(data))
		return
	}
	writeJSONString(b, string(data))
}

// streamItems are the items of a collected stream as handlers see them:
// the events' data, or the messages.
func streamItems(x *Exchange) []any {
	v, err := x.JSON()
	arr, ok := v.([]any)
	if err != nil || !ok {
		return []any{}
	}
	if x.Stream != EventStream {
		return arr
	}
	items := make([]any, len(arr))
	for i, ev := range arr {
		if m, ok := ev.(map[string]any); ok {
			items[i] = m["data"]
		}
	}
	return items
}
