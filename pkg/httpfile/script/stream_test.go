package script

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// streamResponse is a WebSocket's collected messages.
func streamResponse(items ...any) *Response {
	return &Response{Status: 101, Header: http.Header{}, Body: []byte("[]"), Items: items}
}

func TestStreamBody(t *testing.T) {
	t.Parallel()
	msgs := []any{map[string]any{"n": json.Number("1")}, "plain", map[string]any{"n": 3}}
	tests := []struct {
		name, src string
		want      []string
	}{
		{"onEachMessage in order, then onFinish", `response.body.onEachMessage((m, unsubscribe) => client.log(typeof m === "object" ? m.n : m), () => client.log("done"))`,
			[]string{"1", "plain", "3", "done"}},
		{"unsubscribe stops", `response.body.onEachMessage((m, unsubscribe) => { client.log(m.n); unsubscribe() })`,
			[]string{"1"}},
		{"onEachLine too", `let n = 0; response.body.onEachLine(() => n++, () => client.log(n))`,
			[]string{"3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, Options{})
			res, err := run(t, e, tc.src, nil, streamResponse(msgs...))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Logs); diff != "" {
				t.Errorf("logs (-want +got):\n%s", diff)
			}
		})
	}
}

// Tests in a subscriber count as any others; output() cannot send.
func TestStreamBodyTestsAndOutput(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	res, err := run(t, e, `response.body.onEachMessage((m) => client.test("got " + m, () => client.assert(m !== "b", "b came")))`, nil, streamResponse("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tests) != 2 || res.Tests[0].Err != nil || res.Tests[1].Err == nil {
		t.Errorf("tests %+v, want two, the second failed", res.Tests)
	}
	_, err = run(t, e, `response.body.onEachMessage((m, u, output) => output("reply"))`, nil, streamResponse("a"))
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "output() cannot send") {
		t.Errorf("output: %v", err)
	}
}
