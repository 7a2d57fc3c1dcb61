package httpfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reqs-cli/reqs/pkg/jq"
)

// Subjects an assertion can check.
const (
	SubjectStatus   = "status"
	SubjectHeader   = "header"
	SubjectBody     = "body"
	SubjectJQ       = "jq"
	SubjectDuration = "duration"
)

// operators, longest first where one is a prefix of another does not
// matter: they are matched as whole words.
var operators = []string{"==", "!=", "<=", ">=", "<", ">", "contains", "!contains", "matches", "exists", "!exists"}

func isOperator(s string) bool {
	for _, op := range operators {
		if s == op {
			return true
		}
	}
	return false
}

// Assertion is one `?? SUBJECT [ARG] OP [VALUE]` line, before
// substitution.
type Assertion struct {
	Pos     Pos    // of the ?? mark
	Text    string // the line after ??, trimmed
	Subject string
	// Arg is the header name of `header NAME`, or the expression of
	// `jq EXPR`.
	Arg      string
	Op       string
	Expected string // raw right-hand side; empty for exists/!exists
	ValuePos Pos
}

// parseAssertion parses the text after ?? (rest starts at pos restPos).
func parseAssertion(rest string, at, restPos Pos) (*Assertion, error) {
	a := &Assertion{Pos: at, Text: strings.TrimSpace(rest)}
	toks := tokenize(rest)
	if len(toks) == 0 {
		return nil, errorf(at, "empty assertion: expected `?? status|header NAME|body|jq EXPR|duration OPERATOR [VALUE]`")
	}
	colAt := func(off int) Pos { p := restPos; p.Col += off; return p }
	a.Subject = toks[0].text
	opIdx := -1
	switch a.Subject {
	case SubjectStatus, SubjectBody, SubjectDuration:
		opIdx = 1
	case SubjectHeader:
		if len(toks) < 2 || isOperator(toks[1].text) {
			return nil, errorf(colAt(toks[0].end), "`header` needs a header name")
		}
		a.Arg = toks[1].text
		opIdx = 2
	case SubjectJQ:
		// The expression runs to the last operator outside brackets and
		// quotes, so `jq .items | length > 2` reads as it looks.
		for k := len(toks) - 1; k >= 2; k-- {
			if toks[k].depth == 0 && isOperator(toks[k].text) {
				opIdx = k
				break
			}
		}
		if opIdx < 0 {
			if len(toks) >= 2 && isOperator(toks[1].text) {
				return nil, errorf(colAt(toks[0].end), "`jq` needs an expression")
			}
			return nil, errorf(colAt(toks[len(toks)-1].end), "missing operator (one of %s)", strings.Join(operators, " "))
		}
		a.Arg = strings.TrimSpace(rest[toks[1].start:toks[opIdx-1].end])
	default:
		return nil, errorf(colAt(toks[0].start), "unknown assertion subject %q (expected status, header, body, jq or duration)", excerpt(a.Subject))
	}
	if opIdx >= len(toks) {
		return nil, errorf(colAt(len(strings.TrimRight(rest, " \t"))), "missing operator (one of %s)", strings.Join(operators, " "))
	}
	if !isOperator(toks[opIdx].text) {
		return nil, errorf(colAt(toks[opIdx].start), "unknown operator %q (expected one of %s)", excerpt(toks[opIdx].text), strings.Join(operators, " "))
	}
	a.Op = toks[opIdx].text
	if opIdx+1 < len(toks) {
		a.Expected = strings.TrimSpace(rest[toks[opIdx+1].start:])
		a.ValuePos = colAt(toks[opIdx+1].start)
	}
	switch {
	case (a.Op == "exists" || a.Op == "!exists") && a.Expected != "":
		return nil, errorf(a.ValuePos, "%s takes no value", a.Op)
	case a.Op != "exists" && a.Op != "!exists" && a.Expected == "":
		return nil, errorf(colAt(toks[opIdx].end), "%s needs a value", a.Op)
	case a.Subject == SubjectJQ && !strings.Contains(a.Arg, "{{"):
		if _, err := jq.Compile(a.Arg); err != nil {
			return nil, errorf(colAt(toks[1].start), "%v", err)
		}
	}
	switch {
	case a.Op == "matches" && !strings.Contains(a.Expected, "{{"):
		if _, err := compileRegexp(a.Expected); err != nil {
			return nil, errorf(a.ValuePos, "%v", err)
		}
	case (a.Subject == SubjectStatus || a.Subject == SubjectDuration) && isOrdering(a.Op) && !strings.Contains(a.Expected, "{{"):
		// A status and a duration are numbers: comparing one with a word
		// is a mistake in the file, not a failed check.
		if _, ok := number(literal(a.Expected)); !ok {
			return nil, errorf(a.ValuePos, "%s %s needs a number, not %q", a.Subject, a.Op, excerpt(a.Expected))
		}
	}
	return a, nil
}

// isOrdering reports whether op compares by order.
func isOrdering(op string) bool {
	return op == "<" || op == "<=" || op == ">" || op == ">="
}

// token is a word of an assertion line; depth counts the brackets it is
// inside.
type token struct {
	text       string
	start, end int
	depth      int
}

// tokenize splits on blanks, keeping quoted strings and bracketed groups
// together enough to find operators outside them.
func tokenize(s string) []token {
	var toks []token
	depth := 0
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			break
		}
		start := i
		startDepth := depth
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			switch c := s[i]; c {
			case '"', '\'':
				i++
				for i < len(s) && s[i] != c {
					if s[i] == '\\' {
						i++
					}
					i++
				}
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			if i < len(s) {
				i++
			}
		}
		if i > len(s) {
			i = len(s)
		}
		d := startDepth
		if depth > d {
			d = depth
		}
		toks = append(toks, token{text: s[start:i], start: start, end: i, depth: d})
	}
	return toks
}

func compileRegexp(s string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(literalText(s))
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid regular expression %q: %s", literalText(s), se.Code)
		}
		return nil, fmt.Errorf("invalid regular expression %q", literalText(s))
	}
	return re, nil
}

// literal reads a right-hand value: a JSON literal, or else the bare word
// as a string.
func literal(s string) any {
	s = strings.TrimSpace(s)
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err == nil && !d.More() {
		if _, err := d.Token(); err != nil {
			return normalize(v)
		}
	}
	return s
}

// literalText is a right-hand value as text: a JSON string's content, or
// the raw text.
func literalText(s string) string {
	if v, ok := literal(s).(string); ok {
		return v
	}
	return strings.TrimSpace(s)
}

// normalize turns json.Number into float64 so values compare by value.
// It returns new arrays and objects rather than changing v's: a jq result
// can be part of a response's decoded body, which later references and
// assertions read too.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case int:
		return float64(x)
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case []any:
		a := make([]any, len(x))
		for i := range x {
			a[i] = normalize(x[i])
		}
		return a
	case map[string]any:
		m := make(map[string]any, len(x))
		for k := range x {
			m[k] = normalize(x[k])
		}
		return m
	}
	return v
}

// Exchange is what assertions check: a finished response.
type Exchange struct {
	Status   int
	Reason   string // the status line's reason phrase
	Header   http.Header
	Body     []byte
	Duration time.Duration
	// URL is the URL sent, without its password ("" when not known).
	URL string
	// Stream says Body holds a collected stream (server-sent events, a
	// WebSocket's messages), which handlers read with onEachLine and
	// onEachMessage.
	Stream StreamKind

	decoded *decodedJSON // Body as JSON, decoded once (see JSON)
}

// JQFunc runs a jq expression over a decoded JSON value and returns its
// outputs. Compile errors should read as the user's mistake.
type JQFunc func(expr string, input any) ([]any, error)

// RunJQ is the JQFunc of reqs: pkg/jq, the engine of --jq, so an
// expression means the same in both places.
func RunJQ(expr string, input any) ([]any, error) {
	q, err := jq.Compile(expr)
	if err != nil {
		return nil, err
	}
	var out []any
	for v, err := range q.Run(context.Background(), input) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// hasLeadingPath says whether a jq expression starts with a path, which
// runJQText follows through a body's text.
func hasLeadingPath(expr string) bool {
	q, err := jq.Compile(expr)
	return err == nil && q.HasLeadingPath()
}

// runJQText runs a jq expression over a JSON body as --jq does, within
// the memory budget: only the part of the body the expression's leading
// path reaches is decoded (see [jq.Query.RunReader]).
func runJQText(expr string, body []byte) ([]any, error) {
	q, err := jq.Compile(expr)
	if err != nil {
		return nil, err
	}
	d := jq.NewDecoder(bytes.NewReader(body))
	d.LimitMemory = true
	var out []any
	for v, err := range q.RunDecoder(context.Background(), d) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Result is an assertion's outcome. Err is set when the assertion could
// not be evaluated at all (a bad jq expression, a body that is not JSON).
type Result struct {
	// Assertion is the ?? line checked; nil for a script's test.
	Assertion *Assertion
	// Test names the script test (client.test) this is the result of;
	// "" for a ?? assertion. A failed test's Actual is its error.
	Test string
	// Pos is where: the ?? mark, the client.test call, or the place a
	// failed test failed.
	Pos Pos
	// Text is the assertion with its variables substituted.
	Text     string
	Passed   bool
	Expected string
	Actual   string
	Err      error
}

// Check evaluates an assertion whose Arg and Expected are already
// substituted.
func Check(a *Assertion, arg, expected string, x *Exchange, run JQFunc) Result {
	r := Result{Assertion: a, Pos: a.Pos, Text: assertionText(a, arg, expected)}
	var actual any
	present := true
	switch a.Subject {
	case SubjectStatus:
		actual = float64(x.Status)
	case SubjectDuration:
		actual = float64(x.Duration.Milliseconds())
	case SubjectHeader:
		vals := x.Header.Values(arg)
		if len(vals) == 0 {
			present = false
		} else {
			actual = strings.Join(vals, ", ")
		}
	case SubjectBody:
		present = len(x.Body) > 0
		actual = string(x.Body)
	case SubjectJQ:
		if run == nil {
			r.Err = fmt.Errorf("jq assertions are not available")
			return r
		}
		var (
			in     any
			outs   []any
			err    error
			stream bool
		)
		var big *jq.ErrTooLarge
		if len(bytes.TrimSpace(x.Body)) > 0 {
			// A body too large to hold decoded, or better not decoded
			// whole, is read through its text by an expression that
			// starts with a path: only the part it reaches is decoded.
			stream = len(x.Body) > decodeWholeLimit && hasLeadingPath(arg)
			if !stream {
				in, err = x.JSON()
				switch {
				case errors.As(err, &big):
					stream = hasLeadingPath(arg)
				case err != nil:
					r.Err = fmt.Errorf("jq %s: the response body is not JSON", arg)
					r.Actual = "a body that is not JSON"
					return r
				}
			}
		}
		switch {
		case stream:
			outs, err = runJQText(arg, x.Body)
		case err == nil:
			outs, err = run(arg, in)
		}
		if errors.As(err, &big) {
			r.Err = fmt.Errorf("jq %s: the response body is too large: %v", arg, err)
			return r
		}
		if err != nil {
			r.Err = fmt.Errorf("jq %s: %v", arg, err)
			return r
		}
		switch len(outs) {
		case 0:
			present = false
		case 1:
			actual = normalize(outs[0])
		default:
			for i := range outs {
				outs[i] = normalize(outs[i])
			}
			actual = outs
		}
		if actual == nil {
			present = false
		}
	}
	r.Actual = show(actual, present)
	switch a.Op {
	case "exists", "!exists":
		r.Passed = present == (a.Op == "exists")
		r.Expected = map[bool]string{true: "present", false: "absent"}[a.Op == "exists"]
		if !present {
			r.Actual = "absent"
		} else if a.Op == "!exists" {
			r.Actual = "present: " + r.Actual
		}
		return r
	}
	want := literal(expected)
	r.Expected = show(want, true)
	if !present && a.Op != "!=" && a.Op != "!contains" {
		return r
	}
	switch a.Op {
	case "==", "!=":
		eq := present && equal(a.Subject, actual, want)
		r.Passed = eq == (a.Op == "==")
		if a.Op == "!=" {
			r.Expected = "not " + r.Expected
		}
	case "<", "<=", ">", ">=":
		c, ok := compare(actual, want)
		if !ok {
			r.Err = fmt.Errorf("%s cannot compare %s with %s", a.Op, r.Actual, r.Expected)
			return r
		}
		switch a.Op {
		case "<":
			r.Passed = c < 0
		case "<=":
			r.Passed = c <= 0
		case ">":
			r.Passed = c > 0
		case ">=":
			r.Passed = c >= 0
		}
		r.Expected = a.Op + " " + r.Expected
	case "contains", "!contains":
		in := present && contains(actual, want)
		r.Passed = in == (a.Op == "contains")
		r.Expected = strings.TrimPrefix(a.Op, "!")
		if a.Op == "!contains" {
			r.Expected = "not containing"
		} else {
			r.Expected = "containing"
		}
		r.Expected += " " + show(want, true)
	case "matches":
		re, err := compileRegexp(expected)
		if err != nil {
			r.Err = err
			return r
		}
		r.Passed = re.MatchString(text(actual))
		r.Expected = "matching " + re.String()
	}
	return r
}

func assertionText(a *Assertion, arg, expected string) string {
	parts := []string{a.Subject}
	if arg != "" {
		parts = append(parts, arg)
	}
	parts = append(parts, a.Op)
	if expected != "" {
		parts = append(parts, expected)
	}
	return strings.Join(parts, " ")
}

// show renders a value for a failure message.
func show(v any, present bool) string {
	if !present {
		return "absent"
	}
	if s, ok := v.(string); ok {
		const max = 200
		if len(s) > max {
			s = s[:max] + "…"
		}
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 200 {
		return escapeJSONControls(string(b[:200])) + "…"
	}
	return escapeJSONControls(string(b))
}

// escapeJSONControls writes DEL and the C1 controls (U+0080–U+009F, the
// 8-bit CSI U+009B among them) that encoding/json leaves as they are as
// \u escapes, as it already writes the C0 ones: a failure message shows
// a value from the server, and none of it may drive a terminal. In JSON
// text these characters occur only inside strings, where the escape
// means the same character.
func escapeJSONControls(s string) string {
	var b strings.Builder
	start := 0
	for i, r := range s {
		if r != 0x7f && (r < 0x80 || r > 0x9f) {
			continue
		}
		if start == 0 {
			b.Grow(len(s) + 8)
		}
		b.WriteString(s[start:i])
		fmt.Fprintf(&b, `\u%04x`, r)
		start = i + utf8.RuneLen(r)
	}
	if start == 0 {
		return s
	}
	b.WriteString(s[start:])
	return b.String()
}

// text is a value as a string: strings as they are, others as JSON.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// equal compares an actual value with an expected literal. A string and a
// scalar compare by text (a header "12" equals 12); a body equals a JSON
// literal that is not a string when it decodes to it.
func equal(subject string, actual, want any) bool {
	if reflect.DeepEqual(actual, want) {
		return true
	}
	as, aIsString := actual.(string)
	if !aIsString {
		return false
	}
	switch want.(type) {
	case map[string]any, []any:
		if subject != SubjectBody {
			return false
		}
		d := json.NewDecoder(strings.NewReader(as))
		d.UseNumber()
		var v any
		if d.Decode(&v) != nil {
			return false
		}
		return reflect.DeepEqual(normalize(v), want)
	case string:
		return false
	}
	if f, ok := want.(float64); ok {
		g, err := strconv.ParseFloat(strings.TrimSpace(as), 64)
		return err == nil && g == f
	}
	return strings.TrimSpace(as) == text(want)
}

// compare orders two numbers (or numeric strings), or two strings.
func compare(a, b any) (int, bool) {
	fa, okA := number(a)
	fb, okB := number(b)
	if okA && okB {
		switch {
		case fa < fb:
			return -1, true
		case fa > fb:
			return 1, true
		}
		return 0, true
	}
	sa, okA := a.(string)
	sb, okB := b.(string)
	if okA && okB {
		return strings.Compare(sa, sb), true
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}

// contains: a substring of a string, an element of an array, a key of an
// object.
func contains(actual, want any) bool {
	switch x := actual.(type) {
	case string:
		return strings.Contains(x, text(want))
	case []any:
		for _, e := range x {
			if reflect.DeepEqual(e, want) {
				return true
			}
		}
	case map[string]any:
		if k, ok := want.(string); ok {
			_, has := x[k]
			return has
		}
	}
	return false
}
