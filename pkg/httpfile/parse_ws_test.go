package httpfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseWebSocket(t *testing.T) {
	t.Parallel()
	type step struct {
		Wait       bool
		Text, File string
		Subst      bool
		Line       int
	}
	tests := []struct {
		name, src string
		url       string
		headers   int
		want      []step
	}{
		{"JetBrains' example", "WEBSOCKET ws://localhost:8080/websocket\nContent-Type: application/json // We use it for highlighting\n\n===\n{\n  \"message\": \"Hello, server!\",\n  \"repeat\": 3\n}\n=== wait-for-server\n=== wait-for-server\n{\n  \"message\": \"We send this message...\"\n}\n===\n{\"last\": true}\n",
			"ws://localhost:8080/websocket", 1, []step{
				{Text: "{\n  \"message\": \"Hello, server!\",\n  \"repeat\": 3\n}", Line: 5},
				{Wait: true, Line: 9}, {Wait: true, Line: 10},
				{Text: "{\n  \"message\": \"We send this message...\"\n}", Line: 11},
				{Text: "{\"last\": true}", Line: 15},
			}},
		{"first message without a separator", "WEBSOCKET wss://h/ws\n\nhello\n===\nworld\n=== wait-for-server\n",
			"wss://h/ws", 0, []step{{Text: "hello", Line: 3}, {Text: "world", Line: 5}, {Wait: true, Line: 6}}},
		{"no messages: listen only", "WEBSOCKET ws://h/ws\nAuthorization: Bearer t\n",
			"ws://h/ws", 1, nil},
		{"a bare ws:// URL", "ws://h/ws\n\nping\n",
			"ws://h/ws", 0, []step{{Text: "ping", Line: 3}}},
		{"messages from files", "WEBSOCKET ws://h/ws\n\n< ./m.json\n===\n<@ ./t.txt\n",
			"ws://h/ws", 0, []step{{File: "./m.json", Line: 3}, {File: "./t.txt", Subst: true, Line: 5}}},
		{"empty messages are not sent", "WEBSOCKET ws://h/ws\n\n===\n\n===\nx\n",
			"ws://h/ws", 0, []step{{Text: "x", Line: 6}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("t.http", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Requests) != 1 {
				t.Fatalf("%d requests, want 1", len(f.Requests))
			}
			r := f.Requests[0]
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if !r.WebSocket || r.Method != "GET" || r.URL != tc.url || len(r.Headers) != tc.headers || r.Body != nil {
				t.Errorf("request %+v, want a WebSocket GET %s with %d headers and no body", r, tc.url, tc.headers)
			}
			var got []step
			for _, m := range r.Messages {
				got = append(got, step{Wait: m.Wait, Text: m.Text, File: m.File, Subst: m.Subst, Line: m.Pos.Line})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
		})
	}
}

// A WEBSOCKET line after a request starts a new request, as other
// request lines do.
func TestParseWebSocketAfterRequest(t *testing.T) {
	t.Parallel()
	f, err := Parse("t.http", []byte("GET http://h/a\n\nWEBSOCKET ws://h/ws\n\nhi\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Requests) != 2 || !f.Requests[1].WebSocket || len(f.Requests[1].Messages) != 1 {
		t.Errorf("requests %+v, want a GET and a WebSocket with one message", f.Requests)
	}
}
