package script

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The dynamic variables read as globals in scripts, through the
// request's Builtin: numbers where they are numbers.
func TestDynamicVariables(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	var asked []string
	req := &Request{Method: "GET", URL: "http://h/", Builtin: func(expr string) (string, error) {
		asked = append(asked, expr)
		switch {
		case expr == "$uuid" || expr == "$random.uuid":
			return "0b9e3a4c-1f3e-4d0a-9b5e-3c2f1a0d9e8b", nil
		case expr == "$timestamp":
			return "1700000000", nil
		case strings.HasPrefix(expr, "$random.integer"):
			return "7", nil
		case strings.HasPrefix(expr, "$random.alphabetic(0"):
			return "", errors.New("$random.alphabetic takes a length from 1")
		}
		return "x", nil
	}}
	res, err := run(t, e, `client.log(typeof $uuid, $uuid.length, $timestamp + 1, $random.integer(1, 9) * 2, $random.uuid, $random.alphabetic(3), $isoTimestamp, $random.email)`, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"string 36 1700000001 14 0b9e3a4c-1f3e-4d0a-9b5e-3c2f1a0d9e8b x x x"}, res.Logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
	want := []string{"$uuid", "$uuid", "$timestamp", "$random.integer(1, 9)", "$random.uuid", "$random.alphabetic(3)", "$isoTimestamp", "$random.email"}
	if diff := cmp.Diff(want, asked); diff != "" {
		t.Errorf("asked (-want +got):\n%s", diff)
	}
	// A built-in's error is the script's, at its place.
	if _, err := run(t, e, "\n$random.alphabetic(0)", req, nil); err == nil || err.Error() != "t.http:11:19: TypeError: $random.alphabetic takes a length from 1" {
		t.Errorf("a failing built-in: %v", err)
	}
	// What $random lacks fails naming it.
	var se *Error
	if _, err := run(t, e, "$random.name", req, nil); !errors.As(err, &se) || !se.Unsupported || !strings.Contains(err.Error(), "$random.name is not part of reqs' script API") {
		t.Errorf("$random.name: %v", err)
	}
}

func TestBase64AndJSONPath(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	resp := jsonResponse(`{"data": {"items": [{"id": 7, "a b": true}], "token": "t"}}`)
	tests := []struct{ src, want string }{
		{`btoa("user:pass")`, "dXNlcjpwYXNz"},
		{`btoa("é")`, "6Q=="},
		{`atob("dXNlcjpwYXNz")`, "user:pass"},
		{`atob(" dXNl cjpw\nYXNz ")`, "user:pass"},
		{`atob("6Q").charCodeAt(0)`, "233"},
		{`jsonPath(response.body, "$.data.token")`, "t"},
		{`jsonPath(response.body, "$.data.items[0].id") + 1`, "8"},
		{`jsonPath(response.body, "$['data']['items'][0]['a b']")`, "true"},
		{`jsonPath(response.body, "data.token")`, "t"},
		{`jsonPath(response.body, "$.data.missing.deeper")`, "null"},
		{`jsonPath(response.body, "$.data.items[3]")`, "null"},
		{`jsonPath('{"n": [1, 2]}', "$.n[1]")`, "2"},
		{`JSON.stringify(jsonPath(response.body, "$.data.items[0]"))`, `{"a b":true,"id":7}`},
	}
	for _, tc := range tests {
		res, err := run(t, e, "client.log("+tc.src+")", nil, resp)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if len(res.Logs) != 1 || res.Logs[0] != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, res.Logs, tc.want)
		}
	}
	for src, want := range map[string]string{
		`btoa("✓")`:                                  "btoa: the string has a character outside Latin-1",
		`atob("***")`:                                "atob: the string is not Base64",
		`jsonPath(response.body, "$..id")`:           `jsonPath(…, "$..id"): recursive descent (..) is not supported`,
		`jsonPath(response.body, "$.data.items[*]")`: `jsonPath(…, "$.data.items[*]"): [*] is not supported`,
		`jsonPath(response.body, "$.data.*")`:        "wildcards and empty names are not supported",
	} {
		if _, err := run(t, e, src, nil, resp); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
	// Dynamic variables need a request to come from.
	if _, err := run(t, e, "$uuid", nil, resp); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%s is only available", "$uuid")) {
		t.Errorf("$uuid without a request: %v", err)
	}
}

// An async test fails when its promise is rejected, as a test that
// throws does, rather than passing unseen.
func TestAsyncTests(t *testing.T) {
	t.Parallel()
	e := newEngine(t, Options{})
	src := `client.test("passes", async () => { await Promise.resolve(1); client.assert(true) });
client.test("rejected", async () => { await null; client.assert(false, "late") });
client.test("pending", () => new Promise(() => {}));`
	res, err := run(t, e, src, nil, jsonResponse(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range res.Tests {
		s := tc.Name + ": ok"
		if tc.Err != nil {
			s = tc.Name + ": " + tc.Err.Error()
		}
		got = append(got, s)
	}
	want := []string{
		"passes: ok",
		"rejected: t.http:11:12: AssertionError: late",
		"pending: t.http:12:12: the test's promise never settles (scripts have no timers or network to wait for)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tests (-want +got):\n%s", diff)
	}
}
