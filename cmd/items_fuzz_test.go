package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseItem checks that parseItem never panics, that it fails only with
// an *itemError, and that every item it accepts reads back the same from
// its canonical spelling (formatItem).
func FuzzParseItem(f *testing.F) {
	for _, seed := range []string{
		"Accept:application/json", "User-Agent:", "X-Empty;", "X:@token.txt",
		"q==term", "q==@q.txt", "name=gopher", "bio=@bio.txt", "n:=1",
		`tags:=["a","b"]`, "cfg:=@cfg.json", "f@photo.png;type=image/png",
		"@body.json", "@-", "a=b:c", "a:b=c", `a\:b=c`, `a\\=c`, `a\[b\]=x`,
		`handle=\@me`, `f@C:\dir\x`, "a[b][]=x", "名前=値", "X;v", "n:=[1,", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		it, ok, err := parseItem(arg)
		if err != nil {
			var ie *itemError
			if !errors.As(err, &ie) || ie.Item != arg {
				t.Fatalf("parseItem(%q) error = %#v, want an *itemError naming the argument", arg, err)
			}
			if ok || it != (item{}) {
				t.Fatalf("parseItem(%q) = %+v, %v with an error", arg, it, ok)
			}
			return
		}
		if !ok {
			if it != (item{}) {
				t.Fatalf("parseItem(%q) = %+v, false; want the zero item", arg, it)
			}
			return
		}
		if it.Kind < itemHeader || it.Kind > itemBody || it.Arg != arg {
			t.Fatalf("parseItem(%q) = %+v: bad kind or Arg", arg, it)
		}
		spelled := formatItem(it)
		again, ok, err := parseItem(spelled)
		if err != nil || !ok || !sameItem(it, again) {
			t.Fatalf("parseItem(%q) = %+v, but its spelling %q parses to %+v, %v, %v", arg, it, spelled, again, ok, err)
		}
	})
}

// FuzzJSONBody checks that building a body from any data items never
// panics, fails only with an *itemError, and otherwise gives the same
// valid JSON each time. File items read their path as their content.
func FuzzJSONBody(f *testing.F) {
	for _, seed := range [][3]string{
		{"a[b][c]=x", "tags[]=y", "a[0]=z"},
		{"[]=x", "[3]:=1", "[][a]=y"},
		{`a\[b\]=x`, `a\\[b]=x`, `a[\1]=x`},
		{`a:={"b":[1,{"c":2}]}`, "a[b][1][d]=3", "a[b][]:=null"},
		{"a=1", "a[b]=2", "c=3"},
		{"a[-1]=x", "a[99999999999999999999]=x", "a[b"},
		{`j:=@{"x":1}`, "s=@text", "j[y]=2"},
		{"=x", "[0]=y", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	readPathAsContent := func(p string) ([]byte, error) { return []byte(p), nil }
	f.Fuzz(func(t *testing.T, a, b, c string) {
		var r requestItems
		for _, arg := range []string{a, b, c} {
			it, ok, err := parseItem(arg)
			if err != nil || !ok {
				continue
			}
			switch it.Kind {
			case itemData, itemDataFile, itemJSON, itemJSONFile:
				if err := r.add(it, readPathAsContent); err != nil {
					continue
				}
			}
		}
		body, err := jsonBody(r.Data)
		if _, ferr := formFields(r.Data); ferr != nil {
			var ie *itemError
			if !errors.As(ferr, &ie) {
				t.Fatalf("formFields(%q, %q, %q) error = %#v, want an *itemError", a, b, c, ferr)
			}
		}
		if err != nil {
			var ie *itemError
			if !errors.As(err, &ie) {
				t.Fatalf("jsonBody(%q, %q, %q) error = %#v, want an *itemError", a, b, c, err)
			}
			return
		}
		if len(r.Data) == 0 {
			if body != nil {
				t.Fatalf("jsonBody of no data items = %q, want nil", body)
			}
			return
		}
		if !json.Valid(body) || (body[0] != '{' && body[0] != '[') {
			t.Fatalf("jsonBody(%q, %q, %q) = %q, not a JSON object or array", a, b, c, body)
		}
		again, err := jsonBody(r.Data)
		if err != nil || !bytes.Equal(body, again) {
			t.Fatalf("jsonBody(%q, %q, %q) gave %q, then %q, %v", a, b, c, body, again, err)
		}
	})
}
