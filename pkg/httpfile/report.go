package httpfile

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Outcome is what running one request gave.
type Outcome struct {
	Request *Request
	// Method and URL are as sent, after substitution (URL without its
	// password).
	Method, URL string
	Status      int // 0 when no response came
	Duration    time.Duration
	Results     []Result
	// Logs are the lines its scripts logged (client.log, console.log).
	Logs []string
	// Err is why the request could not run or its assertions could not
	// be evaluated (an undefined variable, a refused connection).
	Err error
}

// Failed reports whether an assertion failed (as opposed to an error).
func (o *Outcome) Failed() bool {
	for _, r := range o.Results {
		if !r.Passed && r.Err == nil {
			return true
		}
	}
	return false
}

// Errored reports whether the request or one of its assertions could not
// run at all.
func (o *Outcome) Errored() bool {
	if o.Err != nil {
		return true
	}
	for _, r := range o.Results {
		if r.Err != nil {
			return true
		}
	}
	return false
}

// Passed reports whether the request ran and every assertion held.
func (o *Outcome) Passed() bool { return !o.Failed() && !o.Errored() }

// FileOutcome is the outcomes of one request file's run.
type FileOutcome struct {
	Path     string
	Start    time.Time
	Duration time.Duration
	Outcomes []*Outcome
}

// junitSuites is the JUnit XML that CI servers (Jenkins, GitLab, GitHub
// actions) read: testsuites/testsuite/testcase as Jenkins' xunit schema
// (junit-10.xsd) allows them. That schema has no file or line attribute on
// a testcase, so the file is named on its testsuite and the line in the
// testcase's name.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	File      string      `xml:"file,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"` // what its scripts logged
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes a JUnit XML report: a testsuite per file, a testcase
// per request, <failure> for failed assertions and <error> for requests
// that could not run.
func WriteJUnit(w io.Writer, files []*FileOutcome) error {
	doc := junitSuites{Name: "reqs run"}
	var total time.Duration
	for _, f := range files {
		s := junitSuite{Name: f.Path, File: f.Path, Time: seconds(f.Duration), Timestamp: f.Start.UTC().Format("2006-01-02T15:04:05")}
		total += f.Duration
		for _, all := range f.Outcomes {
			// A request's testcase holds its ?? assertions; each of its
			// scripts' tests is a testcase of its own.
			o, tests := splitTests(all)
			c := junitCase{
				Name:      fmt.Sprintf("%s (line %d)", o.Request.DisplayName(), o.Request.Pos.Line),
				Classname: f.Path,
				Time:      seconds(o.Duration),
				SystemOut: strings.Join(o.Logs, "\n"),
			}
			switch {
			case o.Errored():
				msg, detail := problemText(o, true)
				c.Error = &junitProblem{Message: msg, Type: "error", Text: detail}
				s.Errors++
			case o.Failed():
				msg, detail := problemText(o, false)
				c.Failure = &junitProblem{Message: msg, Type: "assertion", Text: detail}
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
			for _, t := range tests {
				tc := junitCase{Name: c.Name + ": " + t.Test, Classname: f.Path, Time: seconds(0)}
				if !t.Passed {
					tc.Failure = &junitProblem{Message: t.Actual, Type: "test", Text: fmt.Sprintf("%s: test %q: %s", t.Pos, t.Test, t.Actual)}
					s.Failures++
				}
				s.Cases = append(s.Cases, tc)
				s.Tests++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(xmlControlRefs(buf.Bytes()))
	return err
}

// xmlControlRefs writes DEL and the C1 controls (U+0080–U+009F, the 8-bit
// CSI U+009B among them) of an XML document as character references: a
// report holds what servers sent (assertions substituted from responses,
// scripts' logs), is read with cat in CI logs, and none of it may drive
// a terminal there. A parser reads the same characters. (The encoder
// already writes the C0 controls XML cannot hold as U+FFFD.)
func xmlControlRefs(doc []byte) []byte {
	var out []byte
	start := 0
	for i := 0; i < len(doc); {
		r, n := utf8.DecodeRune(doc[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			if out == nil {
				out = make([]byte, 0, len(doc)+16)
			}
			out = append(out, doc[start:i]...)
			out = fmt.Appendf(out, "&#x%X;", r)
			start = i + n
		}
		i += n
	}
	if out == nil {
		return doc
	}
	return append(out, doc[start:]...)
}

// splitTests returns an outcome without its scripts' tests, and the
// tests.
func splitTests(o *Outcome) (*Outcome, []Result) {
	var tests []Result
	for _, r := range o.Results {
		if r.Test != "" {
			tests = append(tests, r)
		}
	}
	if len(tests) == 0 {
		return o, nil
	}
	rest := *o
	rest.Results = nil
	for _, r := range o.Results {
		if r.Test == "" {
			rest.Results = append(rest.Results, r)
		}
	}
	return &rest, tests
}

// problemText is a one-line message and the details of what went wrong.
func problemText(o *Outcome, errors bool) (msg, detail string) {
	var lines []string
	if o.Err != nil {
		lines = append(lines, o.Err.Error())
	}
	for _, r := range o.Results {
		switch {
		case r.Err != nil && errors:
			lines = append(lines, fmt.Sprintf("line %d: ?? %s: %v", r.Pos.Line, r.Text, r.Err))
		case !r.Passed && r.Err == nil:
			lines = append(lines, fmt.Sprintf("line %d: ?? %s: expected %s, actual %s", r.Pos.Line, r.Text, r.Expected, r.Actual))
		}
	}
	if len(lines) == 0 {
		return "", ""
	}
	return lines[0], strings.Join(lines, "\n")
}

// jsonReport is the shape of --report json.
type jsonReport struct {
	Passed   int        `json:"passed"`
	Failed   int        `json:"failed"`
	Errors   int        `json:"errors"`
	Duration float64    `json:"duration_ms"`
	Files    []jsonFile `json:"files"`
}

type jsonFile struct {
	Path     string        `json:"path"`
	Duration float64       `json:"duration_ms"`
	Requests []jsonRequest `json:"requests"`
}

type jsonRequest struct {
	Name       string       `json:"name"`
	Line       int          `json:"line"`
	Method     string       `json:"method"`
	URL        string       `json:"url"`
	Status     int          `json:"status,omitempty"`
	Duration   float64      `json:"duration_ms"`
	Result     string       `json:"result"`
	Error      string       `json:"error,omitempty"`
	Assertions []jsonResult `json:"assertions"`
	Logs       []string     `json:"logs,omitempty"`
}

type jsonResult struct {
	Line     int    `json:"line"`
	Text     string `json:"assertion,omitempty"`
	Test     string `json:"test,omitempty"` // a script's client.test
	Passed   bool   `json:"passed"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	Error    string `json:"error,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteJSON writes the --report json document.
func WriteJSON(w io.Writer, files []*FileOutcome) error {
	var rep jsonReport
	var total time.Duration
	for _, f := range files {
		jf := jsonFile{Path: f.Path, Duration: ms(f.Duration), Requests: []jsonRequest{}}
		total += f.Duration
		for _, o := range f.Outcomes {
			jr := jsonRequest{
				Name: o.Request.DisplayName(), Line: o.Request.Pos.Line, Method: o.Method, URL: o.URL,
				Status: o.Status, Duration: ms(o.Duration), Assertions: []jsonResult{}, Logs: o.Logs,
			}
			switch {
			case o.Errored():
				jr.Result = "error"
				rep.Errors++
			case o.Failed():
				jr.Result = "fail"
				rep.Failed++
			default:
				jr.Result = "pass"
				rep.Passed++
			}
			if o.Err != nil {
				jr.Error = o.Err.Error()
			}
			for _, r := range o.Results {
				res := jsonResult{Line: r.Pos.Line, Text: r.Text, Passed: r.Passed}
				if r.Test != "" {
					res.Text, res.Test = "", r.Test
				}
				if !r.Passed {
					res.Expected, res.Actual = r.Expected, r.Actual
				}
				if r.Err != nil {
					res.Error = r.Err.Error()
				}
				jr.Assertions = append(jr.Assertions, res)
			}
			jf.Requests = append(jf.Requests, jr)
		}
		rep.Files = append(rep.Files, jf)
	}
	rep.Duration = ms(total)
	if rep.Files == nil {
		rep.Files = []jsonFile{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	// DEL and the C1 controls, which encoding/json leaves raw, as \u
	// escapes: the same strings to a reader of JSON, and nothing that
	// drives a terminal to one who prints the file (see xmlControlRefs).
	_, err := io.WriteString(w, escapeJSONControls(buf.String()))
	return err
}
