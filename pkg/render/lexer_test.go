package render

import (
	"bytes"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/reqs-cli/reqs/internal/testserver"
)

// lexerSamples are ordinary texts in each language the highlighter
// lexes.
var lexerSamples = map[string][]string{
	"javascript.xml": {
		"function f(a, b) { return a + b * 2; }\n",
		"const re = /ab+c/gi; let s = `x ${y} z`; // done\n",
		"/* block */ var o = {\"k\": 'v', n: 1.5e3, t: true};\r\nif (o.n > 0) { console.log(\"ok\\n\") }",
		"#!/usr/bin/env node\nimport x from 'y';\nexport default class A extends B {}\n",
		"a = b / c / d; e = /re/.test(f);",
	},
	"yaml.xml": {
		"name: ann\nage: 3\ntags: [a, b]\n",
		"---\n# comment\nlist:\n  - one\n  - \"two\"\n  - 'three'\nblock: |\n  text\n  more\n",
		"key: value # trailing\nanchor: &a 1\nref: *a\ndate: 2024-01-02\n...\n",
	},
	"css.xml": {
		"body { color: red; margin: 0 auto; }\n",
		"@media (max-width: 600px) { .a > b:hover { background: url(x.png) #fff; } }\n",
		"a::before { content: \"\\201C\"; width: calc(100% - 2em); }",
	},
	"graphql.xml": {
		"query Q($id: ID!) { user(id: $id) { id name ...F } }\nfragment F on User { email }\n",
		"mutation { add(x: 1, y: \"s\") @include(if: true) }",
	},
	"markdown.xml": {
		"# Title\n\ntext `code` and **bold** and *em*\n\n- item\n- [x] done\n1. first\n> quote\n",
		"```go\nfunc f() {}\n```\n[link](http://x) ![img](y.png) ~~gone~~ <!-- note -->\n",
	},
}

// TestLexerMatchesChroma: on ordinary text the budgeted lexer finds the
// tokens chroma's own RegexLexer finds, from the same definitions.
func TestLexerMatchesChroma(t *testing.T) {
	t.Parallel()
	for file, samples := range lexerSamples {
		dir := "chroma/lexers/"
		if file == "markdown.xml" {
			dir = "lexers/"
		}
		ref, err := chroma.NewXMLLexer(chromaFiles, dir+file)
		if err != nil {
			t.Fatalf("chroma cannot read %s: %v", file, err)
		}
		l := loadLexer(file)
		if l == nil {
			t.Fatalf("loadLexer(%s) = nil", file)
		}
		for _, text := range samples {
			var want []chroma.Token
			it, err := chroma.Coalesce(ref).Tokenise(&chroma.TokeniseOptions{State: "root"}, text)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for tok := it(); tok != chroma.EOF; tok = it() {
				if n >= len(text) {
					break
				}
				if len(tok.Value) > len(text)-n { // the newline chroma adds
					tok.Value = tok.Value[:len(text)-n]
				}
				n += len(tok.Value)
				want = appendToken(want, tok)
			}
			var got []chroma.Token
			runes := []rune(text)
			at := 0
			err = l.tokenise(runes, &budget{end: time.Now().Add(time.Minute)}, func(typ chroma.TokenType, k int) {
				got = appendToken(got, chroma.Token{Type: typ, Value: string(runes[at : at+k])})
				at += k
			})
			if err != nil {
				t.Fatalf("%s: tokenise(%q): %v", file, text, err)
			}
			if !tokensEqual(got, want) {
				t.Errorf("%s: tokenise(%q) =\n%v\nchroma:\n%v", file, text, got, want)
			}
		}
	}
}

// appendToken appends t, merged with the last token when of one type.
func appendToken(ts []chroma.Token, t chroma.Token) []chroma.Token {
	if t.Value == "" {
		return ts
	}
	if n := len(ts); n > 0 && ts[n-1].Type == t.Type {
		ts[n-1].Value += t.Value
		return ts
	}
	return append(ts, t)
}

func tokensEqual(a, b []chroma.Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLexersLoad: every embedded lexer definition is understood whole.
func TestLexersLoad(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"javascript.xml", "yaml.xml", "css.xml", "graphql.xml", "markdown.xml"} {
		dir := "chroma/lexers/"
		if file == "markdown.xml" {
			dir = "lexers/"
		}
		data, err := chromaFiles.ReadFile(dir + file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseLexer(data); err != nil {
			t.Errorf("parseLexer(%s): %v", file, err)
		}
	}
	for _, bad := range []string{
		`<lexer><rules><state name="root"><rule pattern="a"><using lexer="x"/></rule></state></rules></lexer>`,
		`<lexer><rules><state name="other"/></rules></lexer>`,
		`<lexer><rules><state name="root"><rule pattern="(a)(b)"><bygroups><token type="Text"/></bygroups></rule></state></rules></lexer>`,
		`<lexer><rules><state name="root"><rule><include state="nope"/></rule></state></rules></lexer>`,
		`<lexer><rules><state name="root"><rule pattern="a"><token type="NoSuchType"/></rule></state></rules></lexer>`,
	} {
		if _, err := parseLexer([]byte(bad)); err == nil {
			t.Errorf("parseLexer(%s) succeeded, want an error", bad)
		}
	}
}

// sgrPattern is a colour escape sequence the highlighter writes.
var sgrPattern = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkHighlight highlights text as a body of kind would be and fails
// unless, without its colours, the output is the text exactly, and the
// time it took is within the budget and a little per byte.
func checkHighlight(t *testing.T, kind string, text []byte) {
	t.Helper()
	o := Options{Color: true, Terminal: true, Style: "monokai"}
	p := o.palette()
	// As Body gives it on a terminal: control characters already escaped.
	esc := appendBodyText(nil, text, Options{Terminal: true})
	start := time.Now()
	var out []byte
	if kind == "html" {
		var b bytes.Buffer
		if err := colorHTML(&b, esc, p, o); err != nil {
			t.Fatal(err)
		}
		out = b.Bytes()
	} else {
		out = colorTokens(nil, loadLexer(kind), esc, newBudget(o), p, o)
	}
	took := time.Since(start)
	if got := sgrPattern.ReplaceAll(out, nil); !bytes.Equal(got, esc) {
		t.Fatalf("%s: highlighting %q changed it: %q", kind, text, got)
	}
	if limit := highlightBudget + time.Second + time.Duration(len(text))*time.Microsecond; took > limit {
		t.Errorf("%s: highlighting %d bytes took %v, more than %v", kind, len(text), took, limit)
	}
}

// hostileKinds maps the kinds of /hostile/highlight to what highlights
// them.
var hostileKinds = map[string]string{"js": "javascript.xml", "yaml": "yaml.xml", "css": "css.xml", "html": "html"}

// FuzzHighlight: whatever a body holds, highlighting it writes its bytes
// unchanged between colour codes, in time bounded by the budget.
func FuzzHighlight(f *testing.F) {
	kinds := []string{"javascript.xml", "yaml.xml", "css.xml", "graphql.xml", "markdown.xml", "html"}
	for i, kind := range kinds {
		for _, s := range lexerSamples[kind] {
			f.Add(uint8(i), []byte(s))
		}
	}
	for i, kind := range kinds {
		for k, lexer := range hostileKinds {
			if lexer == kind {
				body, _, err := testserver.HostileHighlight(k, 0)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(uint8(i), body[:min(len(body), 4096)])
			}
		}
	}
	f.Add(uint8(5), []byte("<p>a<script>var x = \"\x1b]0;t\x07\";</script><style>b{c:d}</style>\r\n"))
	f.Add(uint8(0), []byte("x = '\xff\xfe'; \u009b31m \x00"))
	f.Fuzz(func(t *testing.T, kind uint8, text []byte) {
		checkHighlight(t, kinds[int(kind)%len(kinds)], text)
	})
}

// TestHighlightHostile: the hostile bodies of the fault server, 1 MiB
// each, are highlighted within the budget and come out whole.
func TestHighlightHostile(t *testing.T) {
	t.Parallel()
	for kind, lexer := range hostileKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			body, _, err := testserver.HostileHighlight(kind, highlightLimit)
			if err != nil {
				t.Fatal(err)
			}
			checkHighlight(t, lexer, body)
		})
	}
}

// BenchmarkHighlightHostile highlights 1 MiB of each hostile body of the
// fault server as a terminal shows it (the whole of Body: escaping,
// lexing within the budget, the rest uncoloured). Each used to take from
// 14 s (CSS) to hours (JavaScript); the budget keeps each under a second.
func BenchmarkHighlightHostile(b *testing.B) {
	for _, kind := range testserver.HighlightKinds {
		body, ctype, err := testserver.HostileHighlight(kind, highlightLimit)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(kind, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := Body(io.Discard, bytes.NewReader(body), ctype, Options{Color: true, Terminal: true, Style: "monokai"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
