package render

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestXMLIndent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"nested", `<?xml version="1.0"?><a><b>text</b><c/><d x="1" y='2'></d></a>`,
			"<?xml version=\"1.0\"?>\n<a>\n  <b>text</b>\n  <c/>\n  <d x=\"1\" y=\"2\"/>\n</a>\n"},
		{"white space between tags is replaced", "<a>\n\n   <b> t </b>\n</a>\n",
			"<a>\n  <b>t</b>\n</a>\n"},
		{"comments, doctype and namespaces", `<!DOCTYPE note><!-- hi --><n:a xmlns:n="urn:x"><n:b n:k="v"/></n:a>`,
			"<!DOCTYPE note>\n<!-- hi -->\n<n:a xmlns:n=\"urn:x\">\n  <n:b n:k=\"v\"/>\n</n:a>\n"},
		{"escapes survive", `<a q="&quot;&lt;">1 &lt; 2 &amp; 3</a>`,
			"<a q=\"&quot;&lt;\">1 &lt; 2 &amp; 3</a>\n"},
		{"cdata becomes escaped text", `<a><![CDATA[x < y]]></a>`, "<a>x &lt; y</a>\n"},
		{"mixed content stays on one line as written", "<r><p>\n Hello <b>you</b> there \n</p></r>", "<r>\n  <p>Hello <b>you</b> there</p>\n</r>\n"},
		{"text after elements", "<r><a/> tail </r>", "<r>\n  <a/>\n  tail\n</r>\n"},
		{"encoding declaration is accepted", `<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>`,
			"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>é</a>\n"},
		{"not xml is written as received", "<a><b></a>", "<a><b></a>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(tc.in), "application/xml", Options{Format: true, Indent: 2}); err != nil {
				t.Fatalf("Body(%q): %v", tc.in, err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("Body(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestXMLIndentLargeFallsBack checks a body past the hold limit: it is
// indented as it streams, and from a syntax error on the rest is raw.
func TestXMLIndentLargeFallsBack(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	in.WriteString("<list>")
	for in.Len() < xmlHoldLimit+100 {
		in.WriteString("<item>x</item>")
	}
	in.WriteString("<broken attr=></list>")
	var out bytes.Buffer
	if err := Body(&out, strings.NewReader(in.String()), "text/xml", Options{Format: true, Indent: 2}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.HasPrefix(got, "<list>\n  <item>x</item>\n  <item>x</item>\n") {
		t.Errorf("output starts %q, want indented items", got[:60])
	}
	if !strings.HasSuffix(got, "\n<broken attr=></list>") {
		t.Errorf("output ends %q, want the raw rest from the broken tag", got[len(got)-60:])
	}
}

// TestXMLIndentStreams checks that a large body is written before it has
// all been read.
func TestXMLIndentStreams(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	out := &notifyWriter{ch: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- Body(out, pr, "application/xml", Options{Format: true}) }()
	pw.Write([]byte("<a>" + strings.Repeat("<b>x</b>", xmlHoldLimit/8+1000)))
	<-out.ch // written while the body is still open
	pw.Write([]byte("</a>"))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

type notifyWriter struct{ ch chan struct{} }

func (n *notifyWriter) Write(p []byte) (int, error) {
	select {
	case n.ch <- struct{}{}:
	default:
	}
	return len(p), nil
}

func TestXMLIndentColour(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := Body(&out, strings.NewReader(`<a k="v"><b/></a>`), "application/xml", Options{Format: true, Color: true, Indent: 2}); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[34;1m<a\x1b[0m \x1b[36mk\x1b[0m=\x1b[32m\"v\"\x1b[0m\x1b[34;1m>\x1b[0m\n  \x1b[34;1m<b/>\x1b[0m\n\x1b[34;1m</a>\x1b[0m\n"
	if got := out.String(); got != want {
		t.Errorf("coloured\n got %q\nwant %q", got, want)
	}
}

// XMLIndent sets XML's own indent width, and XMLAsIs and JSONAsIs keep
// those bodies as sent though Format is on (HTTPie's format options).
func TestFormatOptionsPerType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ct, in string
		o            Options
		want         string
	}{
		{"xml indent of its own", "application/xml", "<a><b/></a>", Options{Format: true, Indent: 4, XMLIndent: 2}, "<a>\n  <b/>\n</a>\n"},
		{"xml indent follows Indent by default", "application/xml", "<a><b/></a>", Options{Format: true, Indent: 3}, "<a>\n   <b/>\n</a>\n"},
		{"xml as is", "application/xml", "<a><b/></a>", Options{Format: true, XMLAsIs: true}, "<a><b/></a>"},
		{"json as is", "application/json", `{"a":1}`, Options{Format: true, JSONAsIs: true}, `{"a":1}`},
		{"json formatted", "application/json", `{"a":1}`, Options{Format: true, Indent: 2}, "{\n  \"a\": 1\n}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(tc.in), tc.ct, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("Body(%q, %+v) = %q, want %q", tc.in, tc.o, got, tc.want)
			}
		})
	}
}
