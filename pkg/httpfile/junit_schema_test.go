package httpfile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"testing"
)

// junitElement is what Jenkins' xunit plugin schema for JUnit reports
// (junit-10.xsd, the strictest of the schemas CI servers read) allows for
// one element: its attributes, which of them are required, and its child
// elements.
type junitElement struct {
	attrs    map[string]bool // attribute name -> required
	children []string
	text     bool // character data other than white space is allowed
}

// junitSchema restates junit-10.xsd's elements and attributes.
var junitSchema = map[string]junitElement{
	"testsuites": {
		attrs:    map[string]bool{"name": false, "time": false, "tests": false, "failures": false, "errors": false},
		children: []string{"testsuite"},
	},
	"testsuite": {
		attrs: map[string]bool{
			"name": true, "tests": true, "failures": true, "errors": true,
			"group": false, "time": false, "skipped": false, "timestamp": false, "hostname": false,
			"id": false, "package": false, "file": false, "log": false, "url": false,
		},
		children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
	},
	"testcase": {
		attrs: map[string]bool{"name": true, "time": false, "classname": false, "group": false},
		children: []string{"skipped", "error", "failure", "rerunFailure", "rerunError",
			"flakyFailure", "flakyError", "system-out", "system-err"},
	},
	"failure":    {attrs: map[string]bool{"type": false, "message": false}, text: true},
	"error":      {attrs: map[string]bool{"type": false, "message": false}, text: true},
	"skipped":    {attrs: map[string]bool{"type": false, "message": false}, text: true},
	"system-out": {attrs: map[string]bool{}, text: true},
	"system-err": {attrs: map[string]bool{}, text: true},
}

// surefireTime is the schema's SUREFIRE_TIME pattern for the time of a
// testsuite or of testsuites.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

// validateJUnit checks a document against junitSchema and returns the
// first violation.
func validateJUnit(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	roots := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			rule, ok := junitSchema[name]
			if !ok {
				return errors.New("element <" + name + "> is not in the schema")
			}
			if len(stack) == 0 {
				roots++
				if name != "testsuites" {
					return errors.New("the root is <" + name + ">, want <testsuites>")
				}
			} else {
				parent := stack[len(stack)-1]
				allowed := false
				for _, c := range junitSchema[parent].children {
					allowed = allowed || c == name
				}
				if !allowed {
					return errors.New("<" + name + "> is not allowed in <" + parent + ">")
				}
			}
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				n := a.Name.Local
				if _, ok := rule.attrs[n]; !ok {
					return errors.New("attribute " + n + " is not allowed on <" + name + ">")
				}
				if n == "time" && (name == "testsuite" || name == "testsuites") && !surefireTime.MatchString(a.Value) {
					return errors.New("time " + a.Value + " on <" + name + "> is not a SUREFIRE_TIME")
				}
				seen[n] = true
			}
			for n, required := range rule.attrs {
				if required && !seen[n] {
					return errors.New("<" + name + "> lacks its required attribute " + n)
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && !junitSchema[stack[len(stack)-1]].text && len(bytes.TrimSpace(tok)) > 0 {
				return errors.New("text inside <" + stack[len(stack)-1] + ">")
			}
		}
	}
	if roots != 1 {
		return errors.New("no single root element")
	}
	return nil
}

// TestWriteJUnitFollowsSchema checks the report of a run with a passing, a
// failing and an erroring request, over two files, one with a script's
// tests and logs, against the schema CI servers validate with.
func TestWriteJUnitFollowsSchema(t *testing.T) {
	t.Parallel()
	files := outcomes(t)
	second := *files[0]
	second.Path = "other.http"
	// With a script's tests (one passed, one failed) and its logs.
	scripted := *second.Outcomes[0]
	scripted.Results = append(scripted.Results,
		Result{Test: "ok", Text: "ok", Passed: true, Pos: Pos{"other.http", 5, 1}},
		Result{Test: "bad <&>", Text: "bad <&>", Actual: "AssertionError: no", Pos: Pos{"other.http", 6, 3}})
	scripted.Logs = []string{"a line", "another <line>"}
	second.Outcomes = append([]*Outcome{&scripted}, second.Outcomes[1:]...)
	files = append(files, &second)
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, files); err != nil {
		t.Fatal(err)
	}
	if err := validateJUnit(buf.Bytes()); err != nil {
		t.Fatalf("WriteJUnit's report breaks the JUnit schema: %v\n%s", err, buf.String())
	}
}

// TestValidateJUnitRejects makes sure the checker above can fail.
func TestValidateJUnitRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc string }{
		{"testcase file attribute", `<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" file="a.http"/></testsuite></testsuites>`},
		{"missing required attribute", `<testsuites><testsuite name="a" tests="1" failures="0"></testsuite></testsuites>`},
		{"wrong root", `<testsuite name="a" tests="1" failures="0" errors="0"/>`},
		{"misplaced element", `<testsuites><testcase name="x"/></testsuites>`},
		{"bad time", `<testsuites time="1.2s"/>`},
	} {
		if err := validateJUnit([]byte(tc.doc)); err == nil {
			t.Errorf("validateJUnit(%s) = nil, want a violation", tc.name)
		}
	}
}
