package httpfile

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	x := &Exchange{
		Status:   201,
		Header:   http.Header{"Content-Type": {"application/json"}, "Content-Length": {"42"}},
		Body:     []byte(`{"name": "ann", "tags": ["a", "b"], "n": 3, "ok": true, "none": null}`),
		Duration: 150 * time.Millisecond,
	}
	tests := []struct {
		line string
		pass bool
	}{
		{"status == 201", true},
		{"status == 200", false},
		{"status != 200", true},
		{"status != 201", false},
		{"status < 300", true},
		{"status < 201", false},
		{"status <= 201", true},
		{"status <= 200", false},
		{"status > 200", true},
		{"status > 201", false},
		{"status >= 201", true},
		{"status >= 202", false},
		{"status matches ^2..$", true},
		{"status matches ^4", false},
		{"header Content-Type == application/json", true},
		{`header content-type == "application/json"`, true},
		{"header Content-Type contains json", true},
		{"header Content-Type contains xml", false},
		{"header Content-Type !contains xml", true},
		{"header Content-Type !contains json", false},
		{"header Content-Length == 42", true},
		{"header Content-Length > 40", true},
		{"header Content-Length < 40", false},
		{"header X-Missing exists", false},
		{"header X-Missing !exists", true},
		{"header Content-Type exists", true},
		{"header Content-Type !exists", false},
		{"header X-Missing == x", false},
		{"header X-Missing != x", true},
		{"body contains \"ann\"", true},
		{"body contains bob", false},
		{`body == {"name": "ann", "tags": ["a", "b"], "n": 3, "ok": true, "none": null}`, true},
		{`body == {"name": "bob"}`, false},
		{"body matches \"tags\"", true},
		{"body exists", true},
		{"body !exists", false},
		{"jq .name == ann", true},
		{`jq .name == "ann"`, true},
		{"jq .name == bob", false},
		{"jq .n == 3", true},
		{"jq .n >= 3.5", false},
		{"jq .ok == true", true},
		{"jq .tags contains \"b\"", true},
		{"jq .tags contains \"c\"", false},
		{"jq .tags | length == 2", true},
		{`jq .tags == ["a","b"]`, true},
		{`jq .tags[] == ["a","b"]`, true},
		{`jq .tags[] == "a"`, false},
		{"jq .none exists", false},
		{"jq .none !exists", true},
		{"jq .missing exists", false},
		{"jq . contains name", true},
		{"duration < 2000", true},
		{"duration < 100", false},
	}
	for _, tc := range tests {
		a, err := parseAssertion(" "+tc.line, Pos{}, Pos{})
		if err != nil {
			t.Errorf("parseAssertion(%q): %v", tc.line, err)
			continue
		}
		r := Check(a, a.Arg, a.Expected, x, RunJQ)
		if r.Err != nil {
			t.Errorf("Check(%q): %v", tc.line, r.Err)
			continue
		}
		if r.Passed != tc.pass {
			t.Errorf("Check(%q) passed = %v, want %v (expected %s, actual %s)", tc.line, r.Passed, tc.pass, r.Expected, r.Actual)
		}
	}
}

func TestCheckReportsExpectedAndActual(t *testing.T) {
	t.Parallel()
	x := &Exchange{Status: 404, Header: http.Header{}, Body: []byte("not json")}
	tests := []struct {
		line, expected, actual, err string
		value                       string // the substituted value, when the line has a variable
	}{
		{"status == 200", "200", "404", "", ""},
		{"status < 300", "< 300", "404", "", ""},
		{"header X-A exists", "present", "absent", "", ""},
		{"body contains yes", `containing "yes"`, `"not json"`, "", ""},
		{"jq .a == 1", "", "a body that is not JSON", "the response body is not JSON", ""},
		{"status < {{v}}", "", "", "cannot compare 404 with \"abc\"", "abc"},
	}
	for _, tc := range tests {
		a, err := parseAssertion(" "+tc.line, Pos{}, Pos{})
		if err != nil {
			t.Fatalf("parseAssertion(%q): %v", tc.line, err)
		}
		expected := a.Expected
		if tc.value != "" {
			expected = tc.value
		}
		r := Check(a, a.Arg, expected, x, RunJQ)
		if r.Passed {
			t.Errorf("Check(%q) passed", tc.line)
		}
		if tc.err != "" {
			if r.Err == nil || !strings.Contains(r.Err.Error(), tc.err) {
				t.Errorf("Check(%q) error = %v, want %q", tc.line, r.Err, tc.err)
			}
			continue
		}
		if r.Expected != tc.expected || r.Actual != tc.actual {
			t.Errorf("Check(%q) = expected %s, actual %s; want %s, %s", tc.line, r.Expected, r.Actual, tc.expected, tc.actual)
		}
	}
}

// TestShowEscapesControls: a value shown in a failure message never
// carries a character that drives a terminal, whatever its type.
func TestShowEscapesControls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want string
	}{
		{"\x1b[2J\u009b\x7f", `"\x1b[2J\u009b\x7f"`},
		{[]any{"\x1b]0;t\x07\u009b31m\x7f"}, `["\u001b]0;t\u0007\u009b31m\u007f"]`},
		{map[string]any{"k\u0085": "é"}, `{"k\u0085":"é"}`},
		{[]any{"plain"}, `["plain"]`},
	}
	for _, tc := range tests {
		if got := show(tc.in, true); got != tc.want {
			t.Errorf("show(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
