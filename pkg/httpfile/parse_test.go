package httpfile

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const specExample = `@host = http://localhost:8080
@user = ann

### Log in
# @name login
POST {{host}}/anything
Content-Type: application/json

{"user": "{{user}}", "token": "t-123"}

?? status == 200
?? jq .json.token == "t-123"

### Use the token
GET {{host}}/bearer
    ?page=1
    &size=20
Authorization: Bearer {{login.response.body.$.json.token}}

?? status == 200
?? header Content-Type contains json
?? duration < 2000
`

func TestParseSpecExample(t *testing.T) {
	t.Parallel()
	f, err := Parse("api.http", []byte(specExample))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Requests) != 2 {
		t.Fatalf("got %d requests, want 2", len(f.Requests))
	}
	login, use := f.Requests[0], f.Requests[1]
	body := `{"user": "{{user}}", "token": "t-123"}`
	want := &Request{
		Start: Pos{"api.http", 4, 1}, Pos: Pos{"api.http", 6, 1},
		Title: "Log in", Name: "login", Method: "POST", URL: "{{host}}/anything", URLPos: Pos{"api.http", 6, 6},
		Headers: []Header{{Name: "Content-Type", Value: "application/json", Pos: Pos{"api.http", 7, 1}, ValuePos: Pos{"api.http", 7, 15}}},
		Body:    &body, BodyPos: Pos{"api.http", 9, 1},
		Vars: []Var{
			{Name: "host", Value: "http://localhost:8080", Pos: Pos{"api.http", 1, 2}, ValuePos: Pos{"api.http", 1, 9}},
			{Name: "user", Value: "ann", Pos: Pos{"api.http", 2, 2}, ValuePos: Pos{"api.http", 2, 9}},
		},
		Directives: Directives{Retries: -1},
	}
	if diff := cmp.Diff(want, login, cmpopts.IgnoreFields(Request{}, "Assertions")); diff != "" {
		t.Errorf("login request (-want +got):\n%s", diff)
	}
	if got := len(login.Assertions); got != 2 {
		t.Errorf("login has %d assertions, want 2", got)
	}
	if use.URL != "{{host}}/bearer?page=1&size=20" {
		t.Errorf("URL with continuation lines = %q", use.URL)
	}
	if use.Method != "GET" || use.Body != nil || len(use.Assertions) != 3 {
		t.Errorf("second request = %+v", use)
	}
	a := use.Assertions[1]
	if a.Subject != "header" || a.Arg != "Content-Type" || a.Op != "contains" || a.Expected != "json" || a.Pos.Line != 21 {
		t.Errorf("header assertion = %+v", a)
	}
}

func TestParseForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		check     func(t *testing.T, f *File)
	}{
		{"bare URL is GET", "https://example.org/x\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Method != "GET" || r.URL != "https://example.org/x" {
				t.Errorf("got %s %s", r.Method, r.URL)
			}
		}},
		{"HTTP version", "DELETE /x HTTP/1.1\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Method != "DELETE" || r.URL != "/x" || r.Version != "HTTP/1.1" {
				t.Errorf("got %+v", r)
			}
		}},
		{"comments and directives", "### t\n// a comment\n# @no-redirect\n# @no-cookie-jar\n# @timeout 2.5\n# @retries 3\nGET /x\n", func(t *testing.T, f *File) {
			d := f.Requests[0].Directives
			want := Directives{NoRedirect: true, NoCookieJar: true, Timeout: 2500 * time.Millisecond, Retries: 3}
			if diff := cmp.Diff(want, d); diff != "" {
				t.Errorf("directives (-want +got):\n%s", diff)
			}
		}},
		{"file body", "POST /x\n\n< ./data.json\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.BodyFile != "./data.json" || r.BodySubst || r.Body != nil || r.BodyPos != (Pos{"t.http", 3, 3}) {
				t.Errorf("got %+v", r)
			}
		}},
		{"substituted file body", "POST /x\n\n<@ data.json\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.BodyFile != "data.json" || !r.BodySubst {
				t.Errorf("got %+v", r)
			}
		}},
		{"XML body is text", "POST /x\n\n<a>1</a>\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Body == nil || *r.Body != "<a>1</a>" {
				t.Errorf("got %+v", r)
			}
		}},
		{"body keeps inner blank lines and ends before ??", "POST /x\n\nline1\n\nline2\n\n?? status == 200\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Body == nil || *r.Body != "line1\n\nline2" {
				t.Errorf("body = %v", r.Body)
			}
		}},
		{"separator without title, variables between requests", "GET /a\n\n###\n@x = 1\nGET /b\n", func(t *testing.T, f *File) {
			if len(f.Requests) != 2 || len(f.Requests[0].Vars) != 0 || len(f.Requests[1].Vars) != 1 || f.Requests[1].Title != "" {
				t.Errorf("got %+v", f.Requests)
			}
		}},
		{"empty blocks are skipped", "###\n\n### only a comment\n# hi\n###\nGET /a\n", func(t *testing.T, f *File) {
			if len(f.Requests) != 1 || f.Requests[0].Start.Line != 5 {
				t.Errorf("got %+v", f.Requests)
			}
		}},
		{"CRLF", "GET /a\r\nX: 1\r\n\r\nbody\r\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Headers[0].Value != "1" || *r.Body != "body" {
				t.Errorf("got %+v", r)
			}
		}},
		{"blanks inside {{...}} stay in the URL", "POST {{host}}/r?n={{$randomInt 1 9}}&h={{ $processEnv HOME }} HTTP/1.1\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Method != "POST" || r.URL != "{{host}}/r?n={{$randomInt 1 9}}&h={{ $processEnv HOME }}" || r.Version != "HTTP/1.1" || r.URLPos.Col != 6 {
				t.Errorf("got %s %q %s at %v", r.Method, r.URL, r.Version, r.URLPos)
			}
		}},
		{"indented path lines continue the URL", "GET http://h\n    /api\n\t/get\n    ?id=1\n    &v=2\nAccept: */*\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.URL != "http://h/api/get?id=1&v=2" || len(r.Headers) != 1 {
				t.Errorf("got %q, headers %+v", r.URL, r.Headers)
			}
		}},
		{"comments and blanks around the body are not sent", "POST /x\n\n  \t# c\n  {\n  // c\n  \"a\": 1 # not a comment\n}  \n# before the next request\n\n?? status == 200\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Body == nil || *r.Body != "{\n  \"a\": 1 # not a comment\n}" || r.BodyPos != (Pos{"t.http", 4, 3}) {
				t.Errorf("body = %q at %v", *r.Body, r.BodyPos)
			}
		}},
		{"response references are not a body", "GET /x\n\n<> 2024-01-01T120000.200.json\n<>\tprevious.json\n###\nPOST /y\n\na\n<> r.json\n", func(t *testing.T, f *File) {
			if r := f.Requests[0]; r.Body != nil || r.BodyParts != nil {
				t.Errorf("GET body = %v, parts %v", r.Body, r.BodyParts)
			}
			if r := f.Requests[1]; r.Body == nil || *r.Body != "a" {
				t.Errorf("POST body = %v", r.Body)
			}
		}},
		{"file lines among text", "POST /x\n\n--b\nContent-Type: text/plain\n\n< ./a.txt\n--b\n\n  <@ b.txt\n--b--\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			want := []BodyPart{
				{Text: "--b\nContent-Type: text/plain\n", Pos: Pos{"t.http", 3, 1}},
				{File: "./a.txt", Pos: Pos{"t.http", 6, 3}},
				{Text: "--b\n", Pos: Pos{"t.http", 7, 1}},
				{File: "b.txt", Subst: true, Pos: Pos{"t.http", 9, 6}},
				{Text: "--b--", Pos: Pos{"t.http", 10, 1}},
			}
			if r.Body != nil || r.BodyFile != "" {
				t.Errorf("body %v, file %q; want parts", r.Body, r.BodyFile)
			}
			if diff := cmp.Diff(want, r.BodyParts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		}},
		{"tabs in directives", "#\t@name\tlogin\n//\t@timeout\t2\nGET /a\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.Name != "login" || r.Directives.Timeout != 2*time.Second {
				t.Errorf("name %q, timeout %v", r.Name, r.Directives.Timeout)
			}
		}},
		{"lone CR line ends", "### a\rGET /a\rX: 1\r\rbody\r###\rGET /b\r", func(t *testing.T, f *File) {
			if len(f.Requests) != 2 || f.Requests[0].URL != "/a" || f.Requests[0].Headers[0].Value != "1" || *f.Requests[0].Body != "body" || f.Requests[1].Pos.Line != 7 {
				t.Errorf("got %+v", f.Requests)
			}
		}},
		{"indented lines continue a header value", "GET /a\nX-Long: part one\n    part two\n\tand three\n  Accept: */*\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if len(r.Headers) != 2 || r.Headers[0].Value != "part one part two and three" || r.Headers[1].Name != "Accept" {
				t.Errorf("headers %+v", r.Headers)
			}
		}},
		{"other comments among headers", "GET /a\n# @see the docs\n// note\nX: 1\n", func(t *testing.T, f *File) {
			if r := f.Requests[0]; len(r.Headers) != 1 {
				t.Errorf("headers %+v", r.Headers)
			}
		}},
		{"a JavaScript file as the body", "POST /a\n\n< ./app.js\n", func(t *testing.T, f *File) {
			if r := f.Requests[0]; r.BodyFile != "./app.js" {
				t.Errorf("body file %q", r.BodyFile)
			}
		}},
		{"timeouts with units", "# @timeout 2 m\nGET /a\n###\n# @timeout 500 ms\nGET /b\n###\n# @timeout 1.5s\nGET /c\n", func(t *testing.T, f *File) {
			var got []time.Duration
			for _, r := range f.Requests {
				got = append(got, r.Directives.Timeout)
			}
			if diff := cmp.Diff([]time.Duration{2 * time.Minute, 500 * time.Millisecond, 1500 * time.Millisecond}, got); diff != "" {
				t.Errorf("timeouts (-want +got):\n%s", diff)
			}
		}},
		{"comments among continuation lines", "GET http://h\n    /api\n    # page size next\n    ?page=1\n// and the size\n    &size=2\n# then the headers\nX: 1\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			if r.URL != "http://h/api?page=1&size=2" || len(r.Headers) != 1 {
				t.Errorf("got %q, headers %+v", r.URL, r.Headers)
			}
		}},
		{"scripts of every form", "### a\n< {% request.variables.set('x', 1) %}\n< ./pre.js\n# @name a\nPOST /a\nX: 1\n\nbody\n> {%\n  client.test('t', () => {\n    client.assert(true)\n  })\n%}\n?? status == 200\n> ./post.js\n", func(t *testing.T, f *File) {
			r := f.Requests[0]
			want := []*Script{
				{Pos: Pos{"t.http", 2, 1}, Code: " request.variables.set('x', 1) ", CodePos: Pos{"t.http", 2, 5}},
				{Pos: Pos{"t.http", 3, 1}, File: "./pre.js"},
			}
			if diff := cmp.Diff(want, r.PreScripts); diff != "" {
				t.Errorf("pre-request scripts (-want +got):\n%s", diff)
			}
			want = []*Script{
				{Pos: Pos{"t.http", 9, 1}, Code: "\n  client.test('t', () => {\n    client.assert(true)\n  })\n", CodePos: Pos{"t.http", 9, 5}},
				{Pos: Pos{"t.http", 15, 1}, File: "./post.js"},
			}
			if diff := cmp.Diff(want, r.Handlers); diff != "" {
				t.Errorf("handlers (-want +got):\n%s", diff)
			}
			if r.Name != "a" || *r.Body != "body" || len(r.Assertions) != 1 || len(r.Headers) != 1 || r.Err != nil {
				t.Errorf("request %+v", r)
			}
		}},
		{"a handler right after the headers ends them", "GET /a\nX: 1\n> {% client.log(1) %}\n", func(t *testing.T, f *File) {
			if r := f.Requests[0]; len(r.Headers) != 1 || r.Body != nil || len(r.Handlers) != 1 || r.Handlers[0].Code != " client.log(1) " {
				t.Errorf("request %+v", r)
			}
		}},
		{"a handler ends the body", "POST /a\n\n{\"a\": 1}\n\n> {% client.log(1) %}\n\n###\nGET /b\n", func(t *testing.T, f *File) {
			if r := f.Requests[0]; *r.Body != `{"a": 1}` || len(r.Handlers) != 1 || len(f.Requests) != 2 {
				t.Errorf("request %+v", r)
			}
		}},
		{"a handler then a request without ###", "GET /a\n\n> {%\n  client.global.set('t', 1)\n%}\n\nGET /b\n", func(t *testing.T, f *File) {
			if len(f.Requests) != 2 || len(f.Requests[0].Handlers) != 1 || f.Requests[1].URL != "/b" {
				t.Errorf("requests %+v", f.Requests)
			}
		}},
		{"below the request line < file.js is the body", "POST /a\n\n< ./app.js\n", func(t *testing.T, f *File) {
			if r := f.Requests[0]; r.BodyFile != "./app.js" || len(r.PreScripts) != 0 {
				t.Errorf("request %+v", r)
			}
		}},
		{"name with equals sign", "# @name = login\nGET /a\n", func(t *testing.T, f *File) {
			if f.Requests[0].Name != "login" {
				t.Errorf("name = %q", f.Requests[0].Name)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("t.http", []byte(tc.src))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.src, err)
			}
			if len(f.Requests) == 0 {
				t.Fatalf("Parse(%q): no requests", tc.src)
			}
			tc.check(t, f)
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"GET /a\n\n> {%\n client.global.set('a', 1)\n", "t.http:3:3: the script is not closed: %} is missing"},
		{"GET /a\n\n> {% client.log(1) %} trailing\n", `t.http:3:22: unexpected "trailing" after the %} that ends the script`},
		{"GET /a\n\n< {% request.variables.set('a', 1) %}\n", "t.http:3:1: a pre-request script `< {% … %}` goes above the request line"},
		{"GET /a\nX: 1\n< {% request.variables.set('a', 1) %}\n", "t.http:3:1: a pre-request script `< {% … %}` goes above the request line"},
		{"> {% client.log(1) %}\nGET /a\n", "t.http:1:1: a response handler `> {% … %}` goes after its request, not before the request line"},
		{"< {% client.log(1)\nGET /a\n", "t.http:1:3: the script is not closed: %} is missing"},
		{"GET /a\n# @no-redirect\n", "t.http:2:1: @no-redirect must come before the request line"},
		{"GET /a\n  ?b=1\n# @timeout 1\n  &c=2\n", "t.http:3:1: @timeout must come before the request line"},
		{"GET /a\nX: 1\n  // @name=login\n", "t.http:3:3: @name must come before the request line"},
		{"GET /a\n\n>> out.json\n", "t.http:3:1: reqs does not save responses to files (`>> path`); remove the line"},
		{"GET /a\n\n?? status == 200\n  >>! out.json\n", "t.http:4:3: reqs does not save responses to files"},
		{"GET /a\n>> out.json\n", "t.http:2:1: reqs does not save responses to files"},
		{"GET HTTP/1.1\n", "t.http:1:1: expected a request line"},
		{"GRPC h:50051/pkg.Service/Method\n", "t.http:1:1: GRPC requests are not supported"},
		{"WEBSOCKET ws://h/ws\n\n===\n=== wait for it\n", "t.http:4:1: expected `===` or `=== wait-for-server` between WebSocket messages"},
		{"import ./auth.http\n", "t.http:1:1: `import` lines are not supported by reqs; pass the request files to reqs run instead"},
		{"###\nrun #login\n", "t.http:2:1: `run` lines are not supported by reqs"},
		{"# @timeout soon\nGET /a\n", "t.http:1:3: @timeout: expected a positive number of seconds"},
		{"# @retries -1\nGET /a\n", "t.http:1:3: @retries needs a count"},
		{"# @name\nGET /a\n", "t.http:1:3: @name needs a name"},
		{"@ = 1\nGET /a\n", "t.http:1:1: expected a variable"},
		{"GET /a\n\n?? status\n", "t.http:3:10: missing operator"},
		{"GET /a\n\n?? status = 200\n", "t.http:3:11: unknown operator \"=\""},
		{"GET /a\n\n?? code == 200\n", "t.http:3:4: unknown assertion subject \"code\""},
		{"GET /a\n\n?? header == 1\n", "t.http:3:10: `header` needs a header name"},
		{"GET /a\n\n?? jq == 1\n", "t.http:3:6: `jq` needs an expression"},
		{"GET /a\n\n?? status ==\n", "t.http:3:13: == needs a value"},
		{"GET /a\n\n?? body exists 1\n", "t.http:3:16: exists takes no value"},
		{"GET /a\n\n?? duration < abc\n", `t.http:3:15: duration < needs a number, not "abc"`},
		{"GET /a\n\n?? status >= 2xx\n", `t.http:3:14: status >= needs a number, not "2xx"`},
		{"GET /a\n\n?? jq .a ]] == 1\n", "t.http:3:7: invalid jq expression \".a ]]\""},
		{"GET /a\n\n?? body matches (\n", "t.http:3:17: invalid regular expression"},
		{"GET /a\n\n?? status == 200\nhello\n", "t.http:4:1: unexpected line after the assertions"},
	}
	// A long line is quoted shortened.
	long := strings.Repeat("é", 100)
	tests = append(tests, struct{ src, want string }{"@" + long + "\nGET /a\n", "t.http:1:1: expected a variable `@name = value`, got \"@" + strings.Repeat("é", 39) + "…\""})
	for _, tc := range tests {
		err := firstError(t, tc.src)
		var perr *Error
		if !errors.As(err, &perr) {
			t.Errorf("Parse(%q) = %v, want an *Error", tc.src, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %q, want prefix %q", tc.src, err, tc.want)
		}
	}
}

// firstError parses src and returns the first request's mistake.
func firstError(t *testing.T, src string) error {
	t.Helper()
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		return err
	}
	for _, r := range f.Requests {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

func TestParseAssertions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line                    string
		subject, arg, op, value string
	}{
		{"status == 200", "status", "", "==", "200"},
		{"header X-A !contains a b", "header", "X-A", "!contains", "a b"},
		{"jq .items | length > 2", "jq", ".items | length", ">", "2"},
		{"jq .a | select(. > 1) exists", "jq", ".a | select(. > 1)", "exists", ""},
		{`jq .s == "x == y"`, "jq", ".s", "==", `"x == y"`},
		{"body matches ^a.*b$", "body", "", "matches", "^a.*b$"},
		{"duration <= 100", "duration", "", "<=", "100"},
		{"header Location !exists", "header", "Location", "!exists", ""},
	}
	for _, tc := range tests {
		a, err := parseAssertion(" "+tc.line, Pos{}, Pos{})
		if err != nil {
			t.Errorf("parseAssertion(%q): %v", tc.line, err)
			continue
		}
		got := []string{a.Subject, a.Arg, a.Op, a.Expected}
		want := []string{tc.subject, tc.arg, tc.op, tc.value}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parseAssertion(%q) (-want +got):\n%s", tc.line, diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(specExample)
	f.Add("GET /a\n\n> {% %}\n")
	f.Add("POST /x\n\n<@ f\n?? jq .a | length > 1\n")
	f.Add("###\n# @timeout 1\n@a = {{b}}\n/x\n  ?a=1\n")
	f.Add("GET /{{$randomInt -9223372036854775808 9223372036854775807}} HTTP/1.1\n")
	f.Add("GET /{{a {{b}} c}} {{x\n")
	f.Add("# @timeout 2 m\rGET /a\r  # c\r  ?b=1\rX: a\r  b\r\r>> out\r")
	f.Add("POST http://h\n  /p\n  ?q=1\n\n# c\n--b\n< ./f\n<@ g\n<>  r.json\n  \n?? status == 200\n")
	f.Add("# @name a\n###\n### one\nGRAPHQL http://h/g\nX-REQUEST-TYPE: GraphQL\n\nquery { a(s: \"}\") }\n\n{\"v\": 1}\n\nGET http://h/{{a.b}} HTTP/2\n{\"x\": [1]}\n\nPOST {{h}}/x\n")
	f.Add("# @ref a\n# @forceRef b\n# @prompt p desc\n# @http\n//@x = 1\n@a.b-c = {{$datetime 'YYYY' -1 d}}\nGRPC h/x\n\nWEBSOCKET ws://h\n")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := Parse("f.http", []byte(src))
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %v is not an *Error", src, err)
			}
			if perr.Pos.Line < 1 || perr.Pos.Col < 1 {
				t.Fatalf("Parse(%q) error at %v", src, perr.Pos)
			}
			return
		}
		// Lines end in LF, CR LF or CR.
		lines := strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\r") + 1
		for _, r := range file.Requests {
			if r.Pos.Line < 1 || r.Pos.Line > lines {
				t.Fatalf("Parse(%q): bad request %+v", src, r)
			}
			if r.Err != nil {
				var perr *Error
				if !errors.As(r.Err, &perr) || perr.Pos.Line < 1 || perr.Pos.Line > lines || perr.Pos.Col < 1 {
					t.Fatalf("Parse(%q): request error %v is not an *Error in the file", src, r.Err)
				}
				continue
			}
			if r.Method == "" || r.URL == "" {
				t.Fatalf("Parse(%q): bad request %+v", src, r)
			}
			for _, a := range r.Assertions {
				if !isOperator(a.Op) {
					t.Fatalf("Parse(%q): assertion operator %q", src, a.Op)
				}
			}
			// Substitution must fail cleanly, never panic.
			v := &Vars{Getenv: func(string) (string, bool) { return "", false }}
			_, _ = v.Expand(r, r.URL, r.URLPos)
			_ = Dependencies(r)
		}
	})
}

// Files written for JetBrains' client, REST Client and httpyac read as
// their authors meant them.
func TestParseOtherTools(t *testing.T) {
	t.Parallel()
	type req struct {
		Title, Name, Method, URL, Version string
		Headers                           []string
		Body                              string
		GraphQL                           bool
		Err                               string
	}
	tests := []struct {
		name, src string
		want      []req
		warnings  []string
	}{
		{"dots and dashes in variable names", "@Shop.Api_HostAddress = http://localhost:5000\n@api-key = k\nGET {{Shop.Api_HostAddress}}/x\n",
			[]req{{Method: "GET", URL: "{{Shop.Api_HostAddress}}/x"}}, nil},
		{"a commented-out variable is a comment", "//@x = 1\n#@y=2\nGET http://h/\n",
			[]req{{Method: "GET", URL: "http://h/"}}, nil},
		{"unknown directives are comments, with warnings", "# @http\n// @pageId=3\n#@frobnicate now\nGET http://h/\n",
			[]req{{Method: "GET", URL: "http://h/"}}, []string{"t.http:1:3: unknown directive @http, read as a comment", "t.http:2:4: unknown directive @pageId, read as a comment", "t.http:3:2: unknown directive @frobnicate, read as a comment"}},
		{"directives above the ### belong to the next request", "# @name login\n# @no-redirect\n###\nPOST http://h/login\n",
			[]req{{Name: "login", Method: "POST", URL: "http://h/login"}}, nil},
		{"a title of one word names its request", "### create\nPOST http://h/\n\n### Log in\nGET http://h/\n\n### get\n# @name other\nGET http://h/\n",
			[]req{{Title: "create", Name: "create", Method: "POST", URL: "http://h/"}, {Title: "Log in", Method: "GET", URL: "http://h/"}, {Title: "get", Name: "other", Method: "GET", URL: "http://h/"}}, nil},
		{"@title names the request's report line", "# @title Create a user\n# @description Makes one\nPOST http://h/\n",
			[]req{{Title: "Create a user", Method: "POST", URL: "http://h/"}}, nil},
		{"the URL runs to the version, blanks and all", "GET http://h/search?q=New York HTTP/1.1\n###\nhttp://h/서울 시\n",
			[]req{{Method: "GET", URL: "http://h/search?q=New York", Version: "HTTP/1.1"}, {Method: "GET", URL: "http://h/서울 시"}}, nil},
		{"a JSON body right after the headers", "POST http://h/\nContent-Type: application/json\n{\n  \"a\": 1\n}\n",
			[]req{{Method: "POST", URL: "http://h/", Headers: []string{"Content-Type: application/json"}, Body: "{\n  \"a\": 1\n}"}}, nil},
		{"an XML body and a form body right after the headers", "POST http://h/\n<a/>\n###\nPOST http://h/\nContent-Type: application/x-www-form-urlencoded\nname=a\n&b=c\n",
			[]req{{Method: "POST", URL: "http://h/", Body: "<a/>"}, {Method: "POST", URL: "http://h/", Headers: []string{"Content-Type: application/x-www-form-urlencoded"}, Body: "name=a\n&b=c"}}, nil},
		{"requests without ### after complete bodies", "GET http://h/a\n\nPOST http://h/b\nContent-Type: application/json\n\n{\"a\": [1, \"}\"]}\n\n# @name c\n@v = 1\nGET {{host}}/c\n\n?? status == 200\nDELETE /d\n",
			[]req{{Method: "GET", URL: "http://h/a"}, {Method: "POST", URL: "http://h/b", Headers: []string{"Content-Type: application/json"}, Body: "{\"a\": [1, \"}\"]}"}, {Name: "c", Method: "GET", URL: "{{host}}/c"}, {Method: "DELETE", URL: "/d"}}, nil},
		{"a request line right after the headers", "GET http://h/a\nAccept: x\nGET http://h/b\n",
			[]req{{Method: "GET", URL: "http://h/a", Headers: []string{"Accept: x"}}, {Method: "GET", URL: "http://h/b"}}, nil},
		{"no new request inside a text body or an unfinished JSON body", "POST http://h/a\n\nsome text\n\nGET http://h/b\n###\nPOST http://h/c\n\n{\"a\": 1,\n\nGET http://h/d\n}\n",
			[]req{{Method: "POST", URL: "http://h/a", Body: "some text\n\nGET http://h/b"}, {Method: "POST", URL: "http://h/c", Body: "{\"a\": 1,\n\nGET http://h/d\n}"}}, nil},
		{"GRAPHQL, blank lines in the query, variables after it", "GRAPHQL http://h/graphql\n\nquery Q($id: ID) {\n  user(id: $id) { name }\n\n  me { id }\n}\n\n{\"id\": 1}\n\nGET http://h/next\n",
			[]req{{Method: "POST", URL: "http://h/graphql", GraphQL: true, Body: "query Q($id: ID) {\n  user(id: $id) { name }\n\n  me { id }\n}\n\n{\"id\": 1}"}, {Method: "GET", URL: "http://h/next"}}, nil},
		{"X-REQUEST-TYPE: GraphQL marks a GraphQL request and is not sent", "POST http://h/graphql\nX-REQUEST-TYPE: GraphQL\nAuthorization: Bearer t\n\n{ me }\n",
			[]req{{Method: "POST", URL: "http://h/graphql", GraphQL: true, Headers: []string{"Authorization: Bearer t"}, Body: "{ me }"}}, nil},
		{"GRPC is refused by name", "GRPC h:50051/pkg.S/M\n",
			[]req{{Method: "GRPC", URL: "h:50051/pkg.S/M", Err: "t.http:1:1: GRPC requests are not supported by reqs"}}, nil},
		{"a mistake fails its request only", "### a\n# @timeout x\nGET http://h/a\n\nGET http://h/b\n\n### c\nGET http://h/c\n\n?? nonsense\n\nGET http://h/d\n",
			[]req{{Title: "a", Name: "a", Err: "t.http:2:3: @timeout: expected a positive number of seconds, got \"x\""}, {Method: "GET", URL: "http://h/b"}, {Title: "c", Name: "c", Method: "GET", URL: "http://h/c", Err: "t.http:10:4: unknown assertion subject \"nonsense\""}, {Method: "GET", URL: "http://h/d"}}, nil},
		{"a request line after a form body starts a new request", "POST http://h/a\nContent-Type: application/x-www-form-urlencoded\n\nemail=a&password=1\n\n\nPOST http://h/b\n",
			[]req{{Method: "POST", URL: "http://h/a", Headers: []string{"Content-Type: application/x-www-form-urlencoded"}, Body: "email=a&password=1"}, {Method: "POST", URL: "http://h/b"}}, nil},
		{"known methods in any case", "Get http://h/a\n###\npatch http://h/b\n",
			[]req{{Method: "GET", URL: "http://h/a"}, {Method: "PATCH", URL: "http://h/b"}}, nil},
		{"indented lines continue the URL", "GET http://h/authorize?\n    client_id=spa&\n    redirect_uri=https://h/cb&\n  state=1\n  Accept: x\n",
			[]req{{Method: "GET", URL: "http://h/authorize?client_id=spa&redirect_uri=https://h/cb&state=1", Headers: []string{"Accept: x"}}}, nil},
		{"variables after a complete request are the file's", "POST http://h/a\n\n{\"a\": 1}\n\n@token = t-1\n# @name next\n### next\nGET http://h/{{token}}\n\n?? status == 200\n@after = 2\n",
			[]req{{Method: "POST", URL: "http://h/a", Body: "{\"a\": 1}"}, {Title: "next", Name: "next", Method: "GET", URL: "http://h/{{token}}"}}, nil},
		{"a mistake in a directive block fails the next request", "# @retries many\n###\nGET http://h/a\n",
			[]req{{Method: "GET", URL: "http://h/a", Err: "t.http:1:3: @retries needs a count"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("t.http", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []req
			for _, r := range f.Requests {
				g := req{Title: r.Title, Name: r.Name, Method: r.Method, URL: r.URL, Version: r.Version, GraphQL: r.GraphQL}
				if r.Err != nil {
					// Only the message's start: the rest is for people.
					g = req{Title: r.Title, Name: r.Name, Err: r.Err.Error()}
					for _, w := range tc.want {
						if w.Err != "" && strings.HasPrefix(r.Err.Error(), w.Err) {
							g = w
						}
					}
					got = append(got, g)
					continue
				}
				for _, h := range r.Headers {
					g.Headers = append(g.Headers, h.Name+": "+h.Value)
				}
				if r.Body != nil {
					g.Body = *r.Body
				}
				got = append(got, g)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.src, diff)
			}
			var warnings []string
			for _, w := range f.Warnings {
				warnings = append(warnings, w.Error())
			}
			if diff := cmp.Diff(tc.warnings, warnings); diff != "" {
				t.Errorf("Parse(%q) warnings (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

func TestParseDirectivesOfOtherTools(t *testing.T) {
	t.Parallel()
	src := "# @name b\n# @ref a\n# @forceRef login\n# @prompt otp One-time password\n# @prompt user\nGET http://h/\n"
	f, err := Parse("t.http", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d := f.Requests[0].Directives
	want := Directives{
		Retries: -1,
		Refs:    []Ref{{Name: "a", Pos: Pos{"t.http", 2, 3}}, {Name: "login", Force: true, Pos: Pos{"t.http", 3, 3}}},
		Prompts: []Prompt{{Name: "otp", Description: "One-time password", Pos: Pos{"t.http", 4, 3}}, {Name: "user", Pos: Pos{"t.http", 5, 3}}},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("directives (-want +got):\n%s", diff)
	}
}

// Parsing takes memory in proportion to the file, whatever its shape:
// lines that make the parser look ahead, join or copy (blank lines before
// comments, continuation lines, variables before many requests) cost no
// more than the others.
func TestParseHostileInputs(t *testing.T) {
	const n = 50000
	inputs := map[string]string{
		"blank and comment lines":    "POST http://h/\n\n" + strings.Repeat("\n# c\n", n) + "GET http://h/\n",
		"text before a request line": "POST http://h/\n\ntext\n" + strings.Repeat("\n", n) + "GET http://h/\n",
		"header continuation lines":  "GET http://h/\nX: a\n" + strings.Repeat("  more text\n", n),
		"query continuation lines":   "GET http://h/\n" + strings.Repeat("  &a=1\n", n),
		"variables and requests":     strings.Repeat("@v = 1\n", n/10) + strings.Repeat("###\nGET /x\n", n/10),
		"unbalanced JSON":            "POST http://h/\n\n" + strings.Repeat("{\n\nGET http://h/\n", n),
		"mistakes":                   strings.Repeat("# @timeout x\nGET /a\n\n", n),
	}
	for name, src := range inputs {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f, err := Parse("t.http", []byte(src))
		runtime.ReadMemStats(&after)
		if err != nil || len(f.Requests) == 0 {
			t.Errorf("%s: Parse = %v, %v", name, f, err)
			continue
		}
		// A few words per line (its string, its index) and a few copies
		// of the text.
		lines := uint64(strings.Count(src, "\n") + 1)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*uint64(len(src))+256*lines+1<<20 {
			t.Errorf("%s: Parse of %d bytes in %d lines allocated %d bytes", name, len(src), lines, alloc)
		}
	}
}
