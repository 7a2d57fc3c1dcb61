package httpfile

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// outcomes is a run of three requests: one passes, one fails an
// assertion, one could not run.
func outcomes(t *testing.T) []*FileOutcome {
	t.Helper()
	f, err := Parse("api.http", []byte("### ok\nGET /a\n\n?? status == 200\n\n### bad\nGET /b\n\n?? status == 200\n?? body contains x\n\n### down\nGET /c\n"))
	if err != nil {
		t.Fatal(err)
	}
	x := &Exchange{Status: 500, Header: http.Header{}, Body: []byte("<oops & fail>")}
	r0 := Check(f.Requests[0].Assertions[0], "", "200", &Exchange{Status: 200}, RunJQ)
	r1 := Check(f.Requests[1].Assertions[0], "", "200", x, RunJQ)
	r2 := Check(f.Requests[1].Assertions[1], "", "x", x, RunJQ)
	return []*FileOutcome{{Path: "api.http", Start: time.Unix(0, 0), Duration: 3 * time.Millisecond, Outcomes: []*Outcome{
		{Request: f.Requests[0], Method: "GET", URL: "http://h/a", Status: 200, Duration: time.Millisecond, Results: []Result{r0}},
		{Request: f.Requests[1], Method: "GET", URL: "http://h/b", Status: 500, Duration: time.Millisecond, Results: []Result{r1, r2}},
		{Request: f.Requests[2], Method: "GET", URL: "http://h/c", Err: errors.New("connection refused")},
	}}}
}

func TestWriteJUnit(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, outcomes(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("report is not XML: %v\n%s", err, buf.String())
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Errors != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 3 {
		t.Fatalf("counts: tests %d failures %d errors %d\n%s", doc.Tests, doc.Failures, doc.Errors, buf.String())
	}
	cases := doc.Suites[0].Cases
	if cases[0].Name != "ok (line 2)" || cases[0].Failure != nil || cases[0].Error != nil {
		t.Errorf("passing case = %+v", cases[0])
	}
	if f := cases[1].Failure; f == nil || f.Message != "line 9: ?? status == 200: expected 200, actual 500" || !strings.Contains(f.Text, `actual "<oops & fail>"`) {
		t.Errorf("failing case = %+v", cases[1].Failure)
	}
	if e := cases[2].Error; e == nil || e.Message != "connection refused" {
		t.Errorf("erroring case = %+v", cases[2].Error)
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, outcomes(t)); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Passed, Failed, Errors int
		Files                  []struct {
			Requests []struct {
				Result     string
				Status     int
				Assertions []struct {
					Passed           bool
					Expected, Actual string
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 1 || rep.Failed != 1 || rep.Errors != 1 {
		t.Fatalf("counts = %+v\n%s", rep, buf.String())
	}
	reqs := rep.Files[0].Requests
	if reqs[1].Result != "fail" || reqs[1].Status != 500 || reqs[1].Assertions[0].Actual != "500" || reqs[2].Result != "error" {
		t.Errorf("requests = %+v", reqs)
	}
}

// TestReportsEscapeControls: what a server sent reaches a report through
// an assertion substituted from a response, an actual value and a
// script's log; printed with cat, neither report drives a terminal (no
// raw C0, DEL or C1 control such as the 8-bit CSI U+009B), and a reader
// of XML or JSON gets the C1 characters back.
func TestReportsEscapeControls(t *testing.T) {
	t.Parallel()
	const hostile = "\x1b]0;t\x07 \u009b31m \x7f end"
	files := outcomes(t)
	o := files[0].Outcomes[1]
	o.Results[1].Text = "body contains " + hostile
	o.Results[1].Actual = hostile
	o.Logs = []string{hostile}
	raw := regexp.MustCompile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0080-\u009f]")

	var x bytes.Buffer
	if err := WriteJUnit(&x, files); err != nil {
		t.Fatal(err)
	}
	if m := raw.Find(x.Bytes()); m != nil {
		t.Errorf("JUnit report holds the raw control %q:\n%s", m, x.String())
	}
	var doc struct {
		Cases []struct {
			Out string `xml:"system-out"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal(x.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit report is not XML: %v\n%s", err, x.String())
	}
	if len(doc.Cases) < 2 || !strings.Contains(doc.Cases[1].Out, "\u009b31m \x7f end") {
		t.Errorf("JUnit report lost the C1 characters of a log: %+v", doc.Cases)
	}

	var j bytes.Buffer
	if err := WriteJSON(&j, files); err != nil {
		t.Fatal(err)
	}
	if m := raw.Find(j.Bytes()); m != nil {
		t.Errorf("JSON report holds the raw control %q:\n%s", m, j.String())
	}
	var rep jsonReport
	if err := json.Unmarshal(j.Bytes(), &rep); err != nil {
		t.Fatalf("JSON report is not JSON: %v\n%s", err, j.String())
	}
	if got := rep.Files[0].Requests[1].Logs; len(got) != 1 || got[0] != hostile {
		t.Errorf("JSON report logs = %q, want %q", got, hostile)
	}
	if got := rep.Files[0].Requests[1].Assertions[1].Text; got != "body contains "+hostile {
		t.Errorf("JSON report assertion = %q, want %q", got, "body contains "+hostile)
	}
}
