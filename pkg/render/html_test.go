package render

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Monokai's colours for the tokens the tests look for.
const (
	monokaiKeyword = "\x1b[38;5;81m"  // JavaScript keywords, CSS properties
	monokaiTag     = "\x1b[38;5;197m" // tags, JSON keys
)

func TestHTMLEmbedded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string // substrings of the coloured output
		absent   []string // substrings it must not have
	}{
		{"script as JavaScript", "<p>x</p><script>function f() { const a = 1; }</script>",
			[]string{monokaiKeyword + "function\x1b[0m", monokaiKeyword + "const\x1b[0m", monokaiTag + "</script>\x1b[0m"}, nil},
		{"style as CSS", "<style>\nbody { color: red; }\n</style>",
			[]string{monokaiKeyword + "color\x1b[0m", monokaiTag + "<style>\x1b[0m"}, nil},
		{"upper-case tags and attributes", `<SCRIPT Type="text/javascript" defer>const x = 1</SCRIPT>`,
			[]string{monokaiKeyword + "const\x1b[0m", monokaiTag + "</SCRIPT>\x1b[0m", "\x1b[38;5;148mdefer\x1b[0m"}, nil},
		{"module script", `<script type=module>const x = 1</script>`,
			[]string{monokaiKeyword + "const\x1b[0m"}, nil},
		{"JSON-LD as JSON", `<script type="application/ld+json">{"@type": "Person"}</script>`,
			[]string{monokaiTag + `"@type"` + "\x1b[0m", "\x1b[38;5;186m\"Person\"\x1b[0m"}, nil},
		{"invalid JSON as JavaScript", `<script type="application/json">{a: function() {}}</script>`,
			[]string{monokaiKeyword + "function\x1b[0m"}, nil},
		{"template is not a script", `<script type="text/template">const x = <b>1</b></script>`,
			[]string{monokaiTag + "<b>\x1b[0m"}, []string{monokaiKeyword + "const"}},
		{"unterminated script", "<script>const x = 1;\n",
			[]string{monokaiKeyword + "const\x1b[0m"}, nil},
		{"end tag in a string ends the script, as in a browser", `<script>var s = "</script>"; const y</script>`,
			[]string{monokaiKeyword + "var\x1b[0m"}, []string{monokaiKeyword + "const"}},
		{"a longer end tag name does not end it", "<script>a = '</scripts>'; const y = 1</script>",
			[]string{monokaiKeyword + "const\x1b[0m"}, nil},
		{"control characters in a script are escaped", "<script>var s = \"\x1b]0;owned\x07\";</script>",
			[]string{monokaiKeyword + "var\x1b[0m", `\x1b]0;owned\x07`}, []string{"\x1b]", "\x07"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Body(&out, strings.NewReader(tc.in), "text/html; charset=utf-8", Options{Color: true, Terminal: true, Style: "monokai"}); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Body(%q) = %q, want it to contain %q", tc.in, got, w)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("Body(%q) = %q, want no %q", tc.in, got, a)
				}
			}
			want := strings.TrimSuffix(EscapeControls(tc.in), "\n") + "\n"
			if s := stripANSI(got); s != want {
				t.Errorf("Body(%q) without colour = %q, want %q", tc.in, s, want)
			}
		})
	}
}

// TestHTMLEmbeddedAutoStyle: the default style colours keywords too.
func TestHTMLEmbeddedAutoStyle(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	in := "<script>const f = function() {}</script><style>p { color: red }</style>"
	if err := Body(&out, strings.NewReader(in), "text/html", Options{Color: true, Terminal: true}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"\x1b[35mconst\x1b[0m", "\x1b[35mfunction\x1b[0m", "\x1b[35mcolor\x1b[0m"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("Body(%q) = %q, want it to contain %q", in, out.String(), w)
		}
	}
}

func TestHTMLEmbeddedUncoloured(t *testing.T) {
	t.Parallel()
	in := "<script>\r\nconst x = 1;\r\n</script><style>p { color: red }</style>\n"
	for _, o := range []Options{{}, {Terminal: true}, {Format: true, Terminal: true}, {Format: true}} {
		var out bytes.Buffer
		if err := Body(&out, strings.NewReader(in), "text/html", o); err != nil {
			t.Fatal(err)
		}
		if out.String() != in {
			t.Errorf("Body(%q, %+v) = %q, want it unchanged", in, o, out.String())
		}
	}
	// Piped, --pretty=colors colours the markup only, as it leaves
	// JavaScript and CSS bodies alone.
	var out bytes.Buffer
	if err := Body(&out, strings.NewReader(in), "text/html", Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Contains(got, "\x1b[35mconst") || !strings.Contains(got, "\x1b[34;1m<script>\x1b[0m") || stripANSI(got) != in {
		t.Errorf("piped Body(%q) = %q, want the tags coloured and nothing else", in, got)
	}
}

// TestHTMLEmbeddedLimit: a body over highlightLimit streams coloured as
// markup only, as before.
func TestHTMLEmbeddedLimit(t *testing.T) {
	t.Parallel()
	in := "<script>const x = 1;</script>" + strings.Repeat("<p>text</p>\n", highlightLimit/12+1)
	var got, want bytes.Buffer
	o := Options{Color: true, Terminal: true}
	if err := Body(&got, strings.NewReader(in), "text/html", o); err != nil {
		t.Fatal(err)
	}
	if err := colorMarkup(&want, strings.NewReader(in), o.palette()); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("Body(%d bytes of HTML) differs from the markup colouring alone", len(in))
	}
	if strings.Contains(got.String(), "\x1b[35mconst") {
		t.Errorf("Body(%d bytes of HTML) highlighted a script", len(in))
	}
}

// FuzzColorHTML checks that colouring HTML never changes, adds or loses a
// byte of the document, whatever it makes of it.
func FuzzColorHTML(f *testing.F) {
	for _, s := range []string{
		"<script>const x = 1;</script>",
		"<SCRIPT type='text/javascript' async>let a = b < c;</SCRIPT >",
		"<script>unterminated",
		"<script>const x = '</script",
		"<script/>const y</script>",
		"<style media=screen>p { color: red }",
		"<STYLE>a:hover { x: 1 }</style\t>rest",
		"<script type=application/json>{\"a\": [1, 2]}</script>",
		"<script type=\"application/json\">{oops</script>",
		"<script type=\"text/template\"><b>{{x}}</b></script>",
		"<script>\r\nvar s = 'caf\xe9';\r\n</script>",
		"<!-- <script>not a script</script> --><p>",
		"<script type=\"\">f()</script><script type=>g()</script><script type",
		"<<script>>x</script>",
		"\xef\xbb\xbf<script>\u0085</script>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		// As Body gives it on a terminal: control characters escaped.
		in = EscapeControls(in)
		for _, o := range []Options{{Color: true, Terminal: true}, {Color: true, Terminal: true, Style: "monokai"}} {
			var out bytes.Buffer
			if err := colorHTML(&out, []byte(in), o.palette(), o); err != nil {
				t.Fatal(err)
			}
			if got := stripANSI(out.String()); got != in {
				t.Fatalf("colorHTML(%q, %q) without colour = %q", in, o.Style, got)
			}
		}
	})
}

// TestHTMLEmbeddedLexerLoadIsFree: the time a script's lexer takes to load
// the first time is not taken from the body's highlighting budget, so a
// slow start (a loaded machine) leaves the script coloured. Not parallel:
// it replaces the loader.
func TestHTMLEmbeddedLexerLoadIsFree(t *testing.T) {
	load := loadEmbeddedLexer
	t.Cleanup(func() { loadEmbeddedLexer = load })
	loadEmbeddedLexer = func(file string) *lexer {
		time.Sleep(highlightBudget + time.Second) // far longer than the budget
		return load(file)
	}
	b := newBudget(Options{})
	o := Options{Color: true, Terminal: true, Style: "monokai"}
	got := string(appendEmbedded(nil, []byte("const n = 1;"), "javascript.xml", b, o.palette(), o))
	if !strings.Contains(got, monokaiKeyword+"const\x1b[0m") {
		t.Errorf("appendEmbedded after a slow lexer load = %q, want const coloured", got)
	}
}
