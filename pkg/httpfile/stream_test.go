package httpfile

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/reqs-cli/reqs/pkg/httpclient/sse"
)

func TestCollectEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"types, ids, JSON and text data", "id: 1\nevent: add\ndata: {\"x\": 1}\n\ndata: plain\n\ndata: [1,\ndata: 2]\n\n", 0,
			`[{"event":"add","id":"1","data":{"x": 1}},{"event":"message","id":"1","data":"plain"},{"event":"message","id":"1","data":[1,
2]}]`},
		{"at most max", "data: 1\n\ndata: 2\n\ndata: 3\n\n", 2, `[{"event":"message","id":"","data":1},{"event":"message","id":"","data":2}]`},
		{"none", ": only a comment\n", 0, `[]`},
		{"text that needs escaping", "data: a \"q\" <b>\n\n", 0, `[{"event":"message","id":"","data":"a \"q\" <b>"}]`},
	}
	for _, tc := range tests {
		got, err := CollectEvents(strings.NewReader(tc.in), tc.max, 0)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: CollectEvents = %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

// What came before a failure is kept, with the failure.
func TestCollectEventsError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	got, err := CollectEvents(iotest.DataErrReader(&failAfter{s: "data: 1\n\ndata: 2", err: boom}), 0, 0)
	if string(got) != `[{"event":"message","id":"","data":1}]` || !errors.Is(err, boom) {
		t.Errorf("CollectEvents = %s, %v", got, err)
	}
	got, err = CollectEvents(strings.NewReader("data: "+strings.Repeat("x", 100)+"\n\n"), 0, 10)
	if string(got) != `[]` || !errors.Is(err, sse.ErrTooLarge) {
		t.Errorf("over the limit: %s, %v", got, err)
	}
}

type failAfter struct {
	s   string
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.s == "" {
		return 0, f.err
	}
	n := copy(p, f.s)
	f.s = f.s[n:]
	return n, nil
}

func TestMessagesBody(t *testing.T) {
	t.Parallel()
	got := MessagesBody([]Message{{Data: []byte(`{"a":1}`)}, {Data: []byte("hi")}, {Binary: true, Data: []byte{0, 1}}, {Binary: true, Data: []byte(`[2]`)}})
	if want := `[{"a":1},"hi","AAE=",[2]]`; string(got) != want {
		t.Errorf("MessagesBody = %s, want %s", got, want)
	}
}

func TestStreamItems(t *testing.T) {
	t.Parallel()
	x := &Exchange{Body: []byte(`[{"event":"e","id":"1","data":{"n":1}},{"event":"message","id":"","data":"t"}]`), Stream: EventStream}
	items := streamItems(x)
	if len(items) != 2 || items[1] != "t" {
		t.Errorf("event items %v, want the data", items)
	}
	x = &Exchange{Body: []byte(`["a",{"b":2}]`), Stream: MessageStream}
	if items := streamItems(x); len(items) != 2 || items[0] != "a" {
		t.Errorf("message items %v", items)
	}
}
