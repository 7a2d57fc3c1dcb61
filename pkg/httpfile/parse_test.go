package httpfile

import (
	"errors"
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
			if d != want {
				t.Errorf("directives = %+v, want %+v", d, want)
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
		{"GET /a\n\n> {%\n client.global.set('a', 1)\n%}\n", "t.http:3:1: JavaScript handlers are not run"},
		{"GET /a\n> ./handler.js\n", "t.http:2:1: JavaScript handlers are not run"},
		{"< {% request.variables.set('a', 1) %}\nGET /a\n", "t.http:1:1: JavaScript handlers are not run"},
		{"GET /a\nnot a header\n", "t.http:2:1: expected a header"},
		{"###\n< ./pre-request.js\nGET /a\n", "t.http:2:1: JavaScript handlers are not run"},
		{"GET /a\n# @no-redirect\n", "t.http:2:1: @no-redirect must come before the request line"},
		{"GET /a\n  ?b=1\n# @timeout 1\n  &c=2\n", "t.http:3:1: @timeout must come before the request line"},
		{"GET /a\nX: 1\n  // @name=login\n", "t.http:3:3: @name must come before the request line"},
		{"GET /a\n  not a header\n", "t.http:2:3: expected a header"},
		{"GET /a\n\n>> out.json\n", "t.http:3:1: reqs does not save responses to files (`>> path`); remove the line"},
		{"GET /a\n\n?? status == 200\n  >>! out.json\n", "t.http:4:3: reqs does not save responses to files"},
		{"GET /a\n>> out.json\n", "t.http:2:1: reqs does not save responses to files"},
		{"GET a b c\n", "t.http:1:1: expected a request line"},
		{"### q\nGRAPHQL http://h/graphql\n\nquery { a }\n", "t.http:2:1: GRAPHQL requests are not supported by reqs, which sends HTTP requests"},
		{"GRPC h:50051/pkg.Service/Method\n", "t.http:1:1: GRPC requests are not supported"},
		{"  WEBSOCKET ws://h/ws\n", "t.http:1:3: WEBSOCKET requests are not supported"},
		{"import ./auth.http\n", "t.http:1:1: `import` lines are not supported by reqs; pass the request files to reqs run instead"},
		{"###\nrun #login\n", "t.http:2:1: `run` lines are not supported by reqs"},
		{"# @timeout soon\nGET /a\n", "t.http:1:3: @timeout: expected a positive number of seconds"},
		{"# @retries -1\nGET /a\n", "t.http:1:3: @retries needs a count"},
		{"# @frobnicate\nGET /a\n", "t.http:1:3: unknown directive @frobnicate"},
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
		{"GET /a\n\n?? status == 200\nGET /b\n", "t.http:4:1: unexpected line after the assertions"},
		{"### t\n# @name x\n", "t.http:1:1: request \"x\" has no request line"},
	}
	// A long line is quoted shortened.
	long := strings.Repeat("é", 100)
	tests = append(tests, struct{ src, want string }{"GET /a\n" + long + "\n", "t.http:2:1: expected a header `Name: value` or a blank line before the body, got \"" + strings.Repeat("é", 40) + "…\""})
	for _, tc := range tests {
		_, err := Parse("t.http", []byte(tc.src))
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
			if r.Pos.Line < 1 || r.Pos.Line > lines || r.Method == "" || r.URL == "" {
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
