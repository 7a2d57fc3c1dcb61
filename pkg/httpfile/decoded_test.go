package httpfile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// bigArray is a JSON body of n records, large enough that decoding it
// shows in allocation counts.
func bigArray(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"n%d","price":%d.50}`, i, i, i)
	}
	b.WriteString(`],"total":1.50}`)
	return []byte(b.String())
}

// TestDecodedOnce: however many references and jq assertions read a
// response, its body is decoded once; after that, each costs what it
// selects, not what the body holds. (Not parallel: it counts
// allocations.)
func TestDecodedOnce(t *testing.T) {
	f, err := Parse("t.http", []byte("GET http://h/\n"))
	if err != nil {
		t.Fatal(err)
	}
	req := f.Requests[0]
	x := &Exchange{Status: 200, Header: http.Header{}, Body: bigArray(20000)}
	vars := &Vars{Responses: map[string]*Response{}}
	named := &Request{Name: "big", Pos: Pos{"t.http", 1, 1}}
	if err := keepResponse(vars, named, x, nil, MaxHeldResponses); err != nil {
		t.Fatal(err)
	}
	refs := strings.Repeat("{{big.response.body.$.items[7].name}}{{big.response.body.$.total}}", 3)
	want := strings.Repeat("n71.50", 3)
	if got, err := vars.Expand(req, refs, Pos{}); err != nil || got != want {
		t.Fatalf("Expand(%q) = %q, %v; want %q", refs, got, err, want)
	}
	assertion := &Assertion{Subject: SubjectJQ, Op: "==", Arg: ".items[3].price", Expected: "3.5"}
	if res := Check(assertion, assertion.Arg, assertion.Expected, x, RunJQ); !res.Passed || res.Err != nil {
		t.Fatalf("Check(jq .items[3].price == 3.5) = %+v, want a pass", res)
	}

	// Decoding 20,000 records takes over 100,000 allocations; reading the
	// decoded form, a few.
	if n := testing.AllocsPerRun(3, func() { vars.Expand(req, refs, Pos{}) }); n > 1000 {
		t.Errorf("six references to a decoded response took %.0f allocations each time: the body is decoded again", n)
	}
	if n := testing.AllocsPerRun(3, func() { Check(assertion, assertion.Arg, assertion.Expected, x, RunJQ) }); n > 1000 {
		t.Errorf("a jq assertion on a decoded response took %.0f allocations: the body is decoded again", n)
	}

	// The exchange and the named response share one decoding.
	a, _ := x.JSON()
	b, _ := vars.Responses["big"].JSON()
	if reflect.ValueOf(a).UnsafePointer() != reflect.ValueOf(b).UnsafePointer() {
		t.Error("the exchange and its named response hold two decodings of one body")
	}
}

// TestDecodedUnchanged: an assertion compares numbers by value, but the
// decoded body it reads is left as it was, so a later reference still
// gets the server's digits.
func TestDecodedUnchanged(t *testing.T) {
	t.Parallel()
	f, err := Parse("t.http", []byte("GET http://h/\n"))
	if err != nil {
		t.Fatal(err)
	}
	x := &Exchange{Status: 200, Header: http.Header{}, Body: []byte(`{"a":{"price":1.50,"n":[2.0]}}`)}
	vars := &Vars{Responses: map[string]*Response{}}
	if err := keepResponse(vars, &Request{Name: "r"}, x, nil, MaxHeldResponses); err != nil {
		t.Fatal(err)
	}
	a := &Assertion{Subject: SubjectJQ, Op: "==", Arg: ".a", Expected: `{"price": 1.5, "n": [2]}`}
	if res := Check(a, a.Arg, a.Expected, x, RunJQ); !res.Passed {
		t.Fatalf("Check(jq .a == ...) = %+v, want a pass", res)
	}
	got, err := vars.Expand(f.Requests[0], "{{r.response.body.$.a.price}} {{r.response.body.$.a.n}}", Pos{})
	if want := "1.50 [2.0]"; err != nil || got != want {
		t.Errorf("after an assertion on it, the response reads %q, %v; want %q", got, err, want)
	}
}

// TestHeldResponsesCap: the bodies a run keeps for later requests have a
// total bound; the request whose response would pass it fails, by name,
// and the run goes on.
func TestHeldResponsesCap(t *testing.T) {
	t.Parallel()
	src := "# @name a\nGET http://h/a\n\n###\n# @name b\nGET http://h/b\n\n###\n# @name a\nGET http://h/a\n\n###\nGET http://h/c?x={{b.response.body.$.v}}\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"v":"` + strings.Repeat("x", 90) + `"}`) // 98 bytes
	var sent []string
	run := &Runner{
		MaxHeld: 250,
		Send: func(_ context.Context, _ *Request, built *httpclient.Request) (*Exchange, error) {
			sent = append(sent, built.URL)
			return &Exchange{Status: 200, Header: http.Header{}, Body: body}, nil
		},
	}
	outs, err := run.Run(context.Background(), []*File{f})
	if err != nil {
		t.Fatal(err)
	}
	got := outs[0].Outcomes
	// a and b: 196 bytes; a again replaces a: still 196.
	for i := range 3 {
		if got[i].Err != nil {
			t.Errorf("request %d: %v, want it kept (a replaced response no longer counts)", i+1, got[i].Err)
		}
	}
	if len(sent) != 4 || !strings.HasSuffix(sent[3], "?x="+strings.Repeat("x", 90)) {
		t.Errorf("sent %q, want the last request to read b's response", sent)
	}

	run.MaxHeld = 150
	outs, err = run.Run(context.Background(), []*File{f})
	if err != nil {
		t.Fatal(err)
	}
	got = outs[0].Outcomes
	if got[0].Err != nil {
		t.Errorf("a: %v, want it kept", got[0].Err)
	}
	err = got[1].Err
	if !errors.Is(err, ErrTooManyHeld) || !strings.Contains(err.Error(), `t.http:6:1: the response of "b" (98 bytes)`) || !strings.Contains(err.Error(), "more than 150 bytes") {
		t.Errorf("b: %v, want an error naming b and the limit", err)
	}
	if !strings.Contains(got[3].Err.Error(), `request "b" (line 6) has no response to read`) {
		t.Errorf("the request reading b: %v, want it to say b's response is not there", got[3].Err)
	}
}

// TestDecodedBudget: a body whose decoded form would take more than the
// memory budget is refused with words that say so, not decoded.
func TestDecodedBudget(t *testing.T) {
	t.Parallel()
	// 3 MiB of empty objects: each takes over 300 bytes decoded.
	body := []byte("[" + strings.Repeat("{},", 1<<20) + "{}]")
	x := &Exchange{Status: 200, Header: http.Header{}, Body: body}
	a := &Assertion{Subject: SubjectJQ, Op: "==", Arg: "length", Expected: "5"}
	res := Check(a, a.Arg, a.Expected, x, RunJQ)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "jq length: the response body is too large: decoding the json would take more memory than 3 times its size plus 48 MiB") {
		t.Errorf("Check(jq length) over a body too large to decode = %+v, want an error saying so", res)
	}
}

// TestSelectText: following a JSONPath through the text selects what it
// selects in the decoded body.
func TestSelectText(t *testing.T) {
	t.Parallel()
	docs := []string{
		`{"a": {"b": [10, 20, {"c": "deep"}]}, "id": 12345678901234567890, "z": [], "m": {"y": 1, "x": 2}}`,
		`[{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": []}, 3, null, [4, 5]]`,
		`{"k": 1, "k": {"v": 2}, "length": 7}`,
		"\ufeff[1.50, \"s\", true]",
		`"just a string"`,
	}
	paths := []string{
		"$", "$.a", "$.a.b", "$.a.b[0]", "$.a.b[-1].c", "$.a.b[-3]", "$.a.b[-4]", "$.a.b[9]", "$.a.b.length",
		"$.a.b[*]", "$.*", "$[*]", "$.m.*", "$[*].id", "$[*].tags[*]", "$[0].tags.length", "$.k", "$.k.v",
		"$.length", "$[-1][0]", "$[*][0]", "$[*][1]", "$[4][1]", "$[0]['tags'][1]", "$.missing", "$[1].id", "$.z.length", "$.a.b.length.x",
	}
	for _, doc := range docs {
		decoded, err := decodeBody([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			jp, err := ParseJSONPath(p)
			if err != nil {
				t.Fatal(err)
			}
			want := jp.Select(decoded)
			got, err := jp.SelectText([]byte(doc))
			if err != nil {
				t.Errorf("SelectText(%s) over %s: %v", p, doc, err)
				continue
			}
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("SelectText(%s) over %s = %v, want %v as Select", p, doc, got, want)
			}
		}
	}
}

// TestReferenceTooLargeToDecode: a body whose decoded form would not fit
// the memory budget is still read by references, which follow their path
// through its text.
func TestReferenceTooLargeToDecode(t *testing.T) {
	t.Parallel()
	f, err := Parse("t.http", []byte("GET http://h/\n"))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"items": [` + strings.Repeat(`{},`, 1<<20) + `{"id": "last"}], "next": "n2"}`)
	x := &Exchange{Status: 200, Header: http.Header{}, Body: body}
	vars := &Vars{Responses: map[string]*Response{}}
	if err := keepResponse(vars, &Request{Name: "big"}, x, nil, MaxHeldResponses); err != nil {
		t.Fatal(err)
	}
	if _, err := x.JSON(); err == nil {
		t.Fatal("3 MiB of {} decoded within the budget; the test needs a body that does not")
	}
	got, err := vars.Expand(f.Requests[0], "{{big.response.body.$.next}} {{big.response.body.$.items[-1].id}} {{big.response.body.$.items.length}}", Pos{})
	if want := "n2 last 1048577"; err != nil || got != want {
		t.Errorf("references into a body too large to decode = %q, %v; want %q", got, err, want)
	}
	// jq assertions too, when their expression starts with a path.
	for _, a := range []*Assertion{
		{Subject: SubjectJQ, Op: "==", Arg: ".next", Expected: "n2"},
		{Subject: SubjectJQ, Op: "contains", Arg: ".items[] | .id? // empty", Expected: "last"},
	} {
		if res := Check(a, a.Arg, a.Expected, x, RunJQ); !res.Passed {
			t.Errorf("Check(jq %s %s %s) over a body too large to decode = %+v, want a pass", a.Arg, a.Op, a.Expected, res)
		}
	}
	a := &Assertion{Subject: SubjectJQ, Op: "==", Arg: ".items | length", Expected: "1048577"}
	if res := Check(a, a.Arg, a.Expected, x, RunJQ); res.Err == nil || !strings.Contains(res.Err.Error(), "too large") {
		t.Errorf("Check(jq .items | length) = %+v, want an error saying the body is too large", res)
	}
}
