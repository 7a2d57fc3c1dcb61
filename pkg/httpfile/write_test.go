package httpfile

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteBlockReadsBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    Block
	}{
		{"GET with headers", Block{Title: "GET /x", Method: "GET", URL: "http://h:1/x?a=1&b=%20",
			Header: [][2]string{{"X-B", "2"}, {"x-a", "1"}, {"X-B", "3"}, {"Empty", ""}}}},
		{"JSON body", Block{Method: "POST", URL: "https://h/p", Header: [][2]string{{"Content-Type", "application/json"}},
			Body: []byte(`{"a": "b",` + "\n" + `  "c": [1, 2]}`)}},
		{"body file", Block{Method: "PUT", URL: "http://h/up", BodyFile: "/data/my file.bin"}},
		{"XML body", Block{Method: "POST", URL: "http://h/x", Body: []byte("<a>\n  <b/>\n</a>")}},
		{"prompted secret", Block{Method: "GET", URL: "http://h/x", Prompts: []string{"password"},
			Header: [][2]string{{"Authorization", "Basic ann:{{password}}"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := WriteBlock(&out, tc.b); err != nil {
				t.Fatal(err)
			}
			f, err := Parse("x.http", out.Bytes())
			if err != nil {
				t.Fatalf("Parse(WriteBlock(%+v)) = %v\n%s", tc.b, err, out.String())
			}
			if len(f.Requests) != 1 {
				t.Fatalf("read back %d requests from\n%s", len(f.Requests), out.String())
			}
			r := f.Requests[0]
			got := Block{Title: r.Title, Method: r.Method, URL: r.URL, BodyFile: r.BodyFile}
			for _, p := range r.Directives.Prompts {
				got.Prompts = append(got.Prompts, p.Name)
			}
			for _, h := range r.Headers {
				got.Header = append(got.Header, [2]string{h.Name, h.Value})
			}
			if r.Body != nil {
				got.Body = []byte(*r.Body)
			}
			if diff := cmp.Diff(tc.b, got); diff != "" {
				t.Errorf("read back (-wrote +read):\n%s\nfile:\n%s", diff, out.String())
			}
		})
	}
}

func TestWriteBlockRefuses(t *testing.T) {
	t.Parallel()
	base := func(body string) Block { return Block{Method: "POST", URL: "http://h/", Body: []byte(body)} }
	tests := []struct {
		name string
		b    Block
	}{
		{"binary body", base("a\x00b")},
		{"trailing newline", base("a\n")},
		{"leading blank line", base("\na")},
		{"CR LF", base("a\r\nb")},
		{"separator line", base("a\n### b")},
		{"assertion line", base("a\n?? status == 200")},
		{"file reference", base("< /etc/passwd")},
		{"script", base("> {% client.test() %}")},
		{"braces in body", base(`{"t": "{{x}}"}`)},
		{"braces in a header", Block{Method: "GET", URL: "http://h/", Header: [][2]string{{"X", "{{y}}"}}}},
		{"lower-case method", Block{Method: "get", URL: "http://h/"}},
		{"GRAPHQL method", Block{Method: "GRAPHQL", URL: "http://h/"}},
		{"CR in a header", Block{Method: "GET", URL: "http://h/", Header: [][2]string{{"X", "a\rb"}}}},
		{"empty body", base("")},
		{"comment line", base("a: 1\n# b: 2")},
		{"slash comment line", base("{\n  // note\n}")},
		{"file line among text", base("--b\n< ./f.txt\n--b--")},
		{"response reference", base("a\n<> 2024-01-01T000000.200.json")},
		{"output redirection", base("a\n>> out.json")},
		{"trailing blanks", base("a  ")},
		{"leading blanks", base("  a")},
		{"GraphQL marker", Block{Method: "POST", URL: "http://h/", Header: [][2]string{{"X-Request-Type", "GraphQL"}}, Body: []byte("{ a }")}},
		{"form lines joined", Block{Method: "POST", URL: "http://h/", Header: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, Body: []byte("a=1\n&b=2")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := WriteBlock(&out, tc.b); !errors.Is(err, ErrNotWritable) {
				t.Errorf("WriteBlock(%+v) = %v, want ErrNotWritable", tc.b, err)
			}
			if out.Len() > 0 {
				t.Errorf("WriteBlock(%+v) wrote %q before refusing", tc.b, out.String())
			}
		})
	}
}
