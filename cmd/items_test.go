package cmd

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseItem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		arg  string
		want item // Arg is filled in; EscapedKey defaults to Key
	}{
		// One of each separator.
		{"header", "Accept:application/json", item{Kind: itemHeader, Key: "Accept", Value: "application/json"}},
		{"header value trimmed", "Accept: text/html ", item{Kind: itemHeader, Key: "Accept", Value: "text/html"}},
		{"header removed", "User-Agent:", item{Kind: itemHeader, Key: "User-Agent"}},
		{"header of blanks removed", "User-Agent: ", item{Kind: itemHeader, Key: "User-Agent"}},
		{"empty header", "X-Empty;", item{Kind: itemEmptyHeader, Key: "X-Empty"}},
		{"header from file", "X-Token:@token.txt", item{Kind: itemHeaderFile, Key: "X-Token", Value: "token.txt"}},
		{"param", "q==search term", item{Kind: itemParam, Key: "q", Value: "search term"}},
		{"param empty value", "q==", item{Kind: itemParam, Key: "q"}},
		{"param empty key", "==x", item{Kind: itemParam, Value: "x"}},
		{"param from file", "q==@q.txt", item{Kind: itemParamFile, Key: "q", Value: "q.txt"}},
		{"data", "name=gopher", item{Kind: itemData, Key: "name", Value: "gopher"}},
		{"data empty value", "name=", item{Kind: itemData, Key: "name"}},
		{"data empty key", "=x", item{Kind: itemData, Value: "x"}},
		{"data from file", "bio=@bio.txt", item{Kind: itemDataFile, Key: "bio", Value: "bio.txt"}},
		{"json number", "n:=1", item{Kind: itemJSON, Key: "n", Value: "1"}},
		{"json array", `tags:=["a", "b"]`, item{Kind: itemJSON, Key: "tags", Value: `["a", "b"]`}},
		{"json object", `o:={"a":{"b":null}}`, item{Kind: itemJSON, Key: "o", Value: `{"a":{"b":null}}`}},
		{"json from file", "cfg:=@cfg.json", item{Kind: itemJSONFile, Key: "cfg", Value: "cfg.json"}},
		{"file field", "avatar@me.png", item{Kind: itemFile, Key: "avatar", Value: "me.png"}},
		{"file field with type", "avatar@me.png;type=image/png", item{Kind: itemFile, Key: "avatar", Value: "me.png", Type: "image/png"}},
		{"file field empty type", "avatar@me.png;type=", item{Kind: itemFile, Key: "avatar", Value: "me.png"}},
		{"file field escaped type", `f@a\;type=b`, item{Kind: itemFile, Key: "f", Value: "a;type=b"}},
		{"file field with file name", "f@me.png;filename=x.png", item{Kind: itemFile, Key: "f", Value: "me.png", Filename: "x.png"}},
		{"file field with file name then type", "f@me.png;filename=x.png;type=image/png", item{Kind: itemFile, Key: "f", Value: "me.png", Type: "image/png", Filename: "x.png"}},
		{"file field with type then file name", "f@me.png;type=image/png;filename=a b.png", item{Kind: itemFile, Key: "f", Value: "me.png", Type: "image/png", Filename: "a b.png"}},
		{"file field escaped semicolon in file name", `f@me.png;filename=a\;b.png`, item{Kind: itemFile, Key: "f", Value: "me.png", Filename: "a;b.png"}},
		{"file field from stdin", "f@-;filename=s.txt", item{Kind: itemFile, Key: "f", Value: "-", Filename: "s.txt"}},
		{"file field semicolon in path", "f@a;b.txt", item{Kind: itemFile, Key: "f", Value: "a;b.txt"}},
		{"body from file", "@body.json", item{Kind: itemBody, Value: "body.json"}},
		{"body from stdin", "@-", item{Kind: itemBody, Value: "-"}},
		{"body keeps type suffix in path", "@a;type=x", item{Kind: itemBody, Value: "a;type=x"}},

		// The earliest separator wins; at one position the longest.
		{"data value with colon", "a=b:c", item{Kind: itemData, Key: "a", Value: "b:c"}},
		{"header value with equals", "a:b=c", item{Kind: itemHeader, Key: "a", Value: "b=c"}},
		{"url as data value", "url=http://example.org/?a=b", item{Kind: itemData, Key: "url", Value: "http://example.org/?a=b"}},
		{"cookie header", "Cookie:a=1; b=2", item{Kind: itemHeader, Key: "Cookie", Value: "a=1; b=2"}},
		{"file path with equals", "a@b=c", item{Kind: itemFile, Key: "a", Value: "b=c"}},
		{"param value with separators", "q==a:b@c=d", item{Kind: itemParam, Key: "q", Value: "a:b@c=d"}},
		{"data value starting with separator", "a=:=b", item{Kind: itemData, Key: "a", Value: ":=b"}},
		{"data value of equals", "a==", item{Kind: itemParam, Key: "a"}},
		{"json value with colon", `a:={"k":"v"}`, item{Kind: itemJSON, Key: "a", Value: `{"k":"v"}`}},

		// Escapes in keys.
		{"escaped colon in key", `a\:b=c`, item{Kind: itemData, Key: "a:b", EscapedKey: `a\:b`, Value: "c"}},
		{"escaped equals in key", `a\=b=c`, item{Kind: itemData, Key: "a=b", EscapedKey: `a\=b`, Value: "c"}},
		{"escaped at in key", `\@x=1`, item{Kind: itemData, Key: "@x", EscapedKey: `\@x`, Value: "1"}},
		{"escaped semicolon in key", `a\;b=1`, item{Kind: itemData, Key: "a;b", EscapedKey: `a\;b`, Value: "1"}},
		{"escaped backslash in key", `a\\=c`, item{Kind: itemData, Key: `a\`, EscapedKey: `a\\`, Value: "c"}},
		{"escaped brackets in key", `a\[b\]=x`, item{Kind: itemData, Key: "a[b]", EscapedKey: `a\[b\]`, Value: "x"}},
		{"other backslash kept in key", `a\qb=c`, item{Kind: itemData, Key: `a\qb`, Value: "c"}},
		{"escaped colon in header name is param", `a\:b==c`, item{Kind: itemParam, Key: "a:b", EscapedKey: `a\:b`, Value: "c"}},

		// Escapes in values: separator characters only, so paths keep theirs.
		{"escaped at in data value", `handle=\@me`, item{Kind: itemData, Key: "handle", Value: "@me"}},
		{"escaped at in header value", `X-Handle:\@bob`, item{Kind: itemHeader, Key: "X-Handle", Value: "@bob"}},
		{"escaped equals in header value", `a:\=b`, item{Kind: itemHeader, Key: "a", Value: "=b"}},
		{"windows path", `f@C:\dir\file.txt`, item{Kind: itemFile, Key: "f", Value: `C:\dir\file.txt`}},
		{"backslashes kept in value", `a=b\=c\\d`, item{Kind: itemData, Key: "a", Value: `b=c\\d`}},
		{"trailing backslash in value", `a=b\`, item{Kind: itemData, Key: "a", Value: `b\`}},

		// Unicode.
		{"unicode data key", "名前=値", item{Kind: itemData, Key: "名前", Value: "値"}},
		{"unicode json key", "ключ:=1", item{Kind: itemJSON, Key: "ключ", Value: "1"}},
		{"unicode header value", "X-Name:Zoë", item{Kind: itemHeader, Key: "X-Name", Value: "Zoë"}},
		{"unicode nested key", "été[π]=x", item{Kind: itemData, Key: "été[π]", Value: "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := tc.want
			want.Arg = tc.arg
			if want.EscapedKey == "" {
				want.EscapedKey = want.Key
			}
			got, ok, err := parseItem(tc.arg)
			if err != nil || !ok {
				t.Fatalf("parseItem(%q) = _, %v, %v; want an item", tc.arg, ok, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("parseItem(%q) mismatch (-want +got):\n%s", tc.arg, diff)
			}
			// Every accepted item reads back from its canonical spelling.
			again, ok, err := parseItem(formatItem(got))
			if err != nil || !ok || !sameItem(got, again) {
				t.Errorf("parseItem(formatItem(%q) = %q) = %+v, %v, %v; want %+v", tc.arg, formatItem(got), again, ok, err, got)
			}
		})
	}
}

func TestParseItemNotAnItem(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"", "GET", "example.org", "localhost/path", `a\=b`, `a\:b\@c`, `\`, "日本"} {
		t.Run(arg, func(t *testing.T) {
			t.Parallel()
			got, ok, err := parseItem(arg)
			if ok || err != nil || got != (item{}) {
				t.Errorf("parseItem(%q) = %+v, %v, %v; want no item and no error", arg, got, ok, err)
			}
		})
	}
}

func TestParseItemErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, arg, want string
	}{
		{"invalid json", "n:=[1,", `invalid item "n:=[1,": invalid JSON: the value ends too soon`},
		{"cut literal", "n:=tru", `invalid item "n:=tru": invalid JSON: the value ends too soon`},
		{"cut literal with trailing space", "n:=tru ", `invalid item "n:=tru ": invalid JSON at byte 4: invalid character ' ' in literal true`},
		{"invalid json literal", "ok:=yes", `invalid item "ok:=yes": invalid JSON at byte 1: invalid character 'y' looking for beginning of value`},
		{"empty json", "n:=", "invalid JSON: no value"},
		{"two json values", "n:=1 2", `invalid JSON at byte 3: invalid character '2' after top-level value`},
		{"bad character mid-value", `n:={"a" 1}`, `invalid JSON at byte 6: invalid character '1' after object key`},
		{"json not utf-8", "n:=\"\xff\"", "not UTF-8"},
		{"longest separator wins", "a:==b", `invalid item "a:==b": invalid JSON`},
		{"header without name", ":value", `invalid item ":value": missing header name before ":"`},
		{"colon alone", ":", "missing header name"},
		{"empty header without name", ";", `missing header name before ";"`},
		{"header file without name", ":@f", `missing header name before ":@"`},
		{"header name with space", "Bad Name:x", `invalid header name "Bad Name"`},
		{"header name escaped colon", `H\:x:y`, `invalid header name "H:x"`},
		{"unicode header name", "Ünï:x", `invalid header name "Ünï"`},
		{"header value control char", "X:a\x01b", "control character"},
		{"header value newline", "X:a\nInjected: 1", "control character"},
		{"value after empty header", "X;v", `invalid item "X;v": nothing may follow ";" (to send an empty header write "X;")`},
		{"header file without path", "X:@", `missing file path after ":@"`},
		{"param file without path", "q==@", `missing file path after "==@"`},
		{"data file without path", "d=@", `missing file path after "=@"`},
		{"json file without path", "j:=@", `missing file path after ":=@"`},
		{"file field without path", "f@", `missing file path after "@"`},
		{"file field only type", "f@;type=text/plain", `missing file path after "@"`},
		{"body without path", "@", "use @- for standard input"},
		{"file type control char", "f@a;type=text/plain\r\nX: 1", "content type contains a control character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := parseItem(tc.arg)
			var ie *itemError
			if !errors.As(err, &ie) {
				t.Fatalf("parseItem(%q) = %+v, %v, %v; want an *itemError", tc.arg, got, ok, err)
			}
			if ok || got != (item{}) {
				t.Errorf("parseItem(%q) = %+v, %v with an error; want the zero item and false", tc.arg, got, ok)
			}
			if ie.Item != tc.arg {
				t.Errorf("parseItem(%q) error names item %q, want the argument", tc.arg, ie.Item)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseItem(%q) error = %q, want it to contain %q", tc.arg, err, tc.want)
			}
		})
	}
}

func TestSeparatorTableLongestFirst(t *testing.T) {
	t.Parallel()
	// A separator that is a prefix of a later one would hide it.
	for i, a := range itemSeparators {
		for _, b := range itemSeparators[i+1:] {
			if strings.HasPrefix(b.sep, a.sep) {
				t.Errorf("itemSeparators lists %q before %q, which it is a prefix of", a.sep, b.sep)
			}
		}
	}
	for _, s := range itemSeparators {
		if got := s.kind.separator(); got != s.sep {
			t.Errorf("%v.separator() = %q, want %q", s.kind, got, s.sep)
		}
	}
}

// fakeFiles is a readFile over an in-memory file system.
func fakeFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(s), nil
	}
}

// mustCollect is collectItems for arguments that must be valid.
func mustCollect(t *testing.T, files map[string]string, args ...string) *requestItems {
	t.Helper()
	r, err := collectItems(args, fakeFiles(files))
	if err != nil {
		t.Fatalf("collectItems(%q) error: %v", args, err)
	}
	return r
}

func TestCollectItems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	photo := filepath.Join(dir, "photo.png")
	if err := os.WriteFile(photo, []byte("png"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"token.txt": "s3cret\n\n",
		"crlf.txt":  "s3cret\r\n",
		"q.txt":     "term\n",
		"bio.txt":   "line 1\nline 2\n",
		"cfg.json":  "{\n  \"debug\": true,\n  \"n\": 1.50\n}\n",
		"empty.txt": "",
		"pad.txt":   "  v 1 \t\n",
	}
	tests := []struct {
		name string
		args []string
		want requestItems
	}{
		{
			name: "groups keep their order",
			args: []string{"X-A:1", "a=1", "q==1", "X-B:2", "b:=2", "q==2", "X-A:3"},
			want: requestItems{
				Headers: []headerItem{{Name: "X-A", Value: "1"}, {Name: "X-B", Value: "2"}, {Name: "X-A", Value: "3"}},
				Params:  []keyValue{{"q", "1"}, {"q", "2"}},
				Data: []dataItem{
					{Key: "a", EscapedKey: "a", JSON: json.RawMessage(`"1"`), Raw: "1", Arg: "a=1"},
					{Key: "b", EscapedKey: "b", JSON: json.RawMessage(`2`), Raw: "2", IsJSON: true, Arg: "b:=2"},
				},
			},
		},
		{
			name: "unset and empty headers",
			args: []string{"User-Agent:", "X-Empty;", "Accept: */* "},
			want: requestItems{Headers: []headerItem{{Name: "User-Agent", Unset: true}, {Name: "X-Empty"}, {Name: "Accept", Value: "*/*"}}},
		},
		{
			name: "header and param files lose trailing line breaks, headers blanks too",
			args: []string{"Authorization:@token.txt", "X-Win:@crlf.txt", "X-None:@empty.txt", "X-Pad:@pad.txt", "q==@q.txt"},
			want: requestItems{
				Headers: []headerItem{{Name: "Authorization", Value: "s3cret"}, {Name: "X-Win", Value: "s3cret"}, {Name: "X-None"}, {Name: "X-Pad", Value: "v 1"}},
				Params:  []keyValue{{"q", "term"}},
				// The paths read are kept, to tell whether one was standard input.
				readPaths: []string{"token.txt", "crlf.txt", "empty.txt", "pad.txt", "q.txt"},
			},
		},
		{
			name: "data file is kept verbatim",
			args: []string{"bio=@bio.txt"},
			want: requestItems{Data: []dataItem{{Key: "bio", EscapedKey: "bio", JSON: json.RawMessage(`"line 1\nline 2\n"`), Raw: "line 1\nline 2\n", Arg: "bio=@bio.txt"}}, readPaths: []string{"bio.txt"}},
		},
		{
			name: "json file is compacted, numbers as written",
			args: []string{"cfg:=@cfg.json"},
			want: requestItems{Data: []dataItem{{Key: "cfg", EscapedKey: "cfg", JSON: json.RawMessage(`{"debug":true,"n":1.50}`), Raw: files["cfg.json"], IsJSON: true, Arg: "cfg:=@cfg.json"}}, readPaths: []string{"cfg.json"}},
		},
		{
			name: "json value compacted, duplicates kept",
			args: []string{`o:={ "a" : [1, 2], "a": 3 }`},
			want: requestItems{Data: []dataItem{{Key: "o", EscapedKey: "o", JSON: json.RawMessage(`{"a":[1,2],"a":3}`), Raw: `{ "a" : [1, 2], "a": 3 }`, IsJSON: true, Arg: `o:={ "a" : [1, 2], "a": 3 }`}}},
		},
		{
			name: "string data is not HTML-escaped",
			args: []string{`html=<a href="x">&</a>`},
			want: requestItems{Data: []dataItem{{Key: "html", EscapedKey: "html", JSON: json.RawMessage(`"<a href=\"x\">&</a>"`), Raw: `<a href="x">&</a>`, Arg: `html=<a href="x">&</a>`}}},
		},
		{
			name: "escaped key keeps its typed form",
			args: []string{`a\[b\]=x`},
			want: requestItems{Data: []dataItem{{Key: "a[b]", EscapedKey: `a\[b\]`, JSON: json.RawMessage(`"x"`), Raw: "x", Arg: `a\[b\]=x`}}},
		},
		{
			name: "file fields and body",
			args: []string{"photo@" + photo + ";type=image/x-test", "again@" + photo, "@" + photo},
			want: requestItems{
				Files:    []fileItem{{Field: "photo", Path: photo, Type: "image/x-test"}, {Field: "again", Path: photo}},
				BodyPath: photo,
				bodyArg:  "@" + photo,
			},
		},
		{
			name: "body from stdin",
			args: []string{"@-", "X:1"},
			want: requestItems{Headers: []headerItem{{Name: "X", Value: "1"}}, BodyPath: "-", bodyArg: "@-"},
		},
		{
			name: "nothing",
			args: nil,
			want: requestItems{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := mustCollect(t, files, tc.args...)
			if diff := cmp.Diff(&tc.want, got, cmp.AllowUnexported(requestItems{})); diff != "" {
				t.Errorf("collectItems(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestCollectItemsErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regular := filepath.Join(dir, "real.txt")
	if err := os.WriteFile(regular, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.bin")
	files := map[string]string{
		"bad.json":  "{\"a\":\n",
		"latin1":    "caf\xe9",
		"multiline": "a\nb\n",
	}
	tests := []struct {
		name     string
		args     []string
		wantItem string
		want     string
		wantIs   error // when set, errors.Is must hold
	}{
		{"not an item", []string{"a=1", "oops"}, "oops", "expected NAME:VALUE", nil},
		{"parse error surfaces", []string{"n:=nope"}, "n:=nope", "invalid JSON", nil},
		{"unreadable data file", []string{"d=@nope.txt"}, "d=@nope.txt", `cannot read "nope.txt": file does not exist`, fs.ErrNotExist},
		{"unreadable header file", []string{"X:@nope.txt"}, "X:@nope.txt", `cannot read "nope.txt"`, fs.ErrNotExist},
		{"unreadable param file", []string{"q==@nope.txt"}, "q==@nope.txt", `cannot read "nope.txt"`, fs.ErrNotExist},
		{"unreadable json file", []string{"j:=@nope.txt"}, "j:=@nope.txt", `cannot read "nope.txt"`, fs.ErrNotExist},
		{"invalid json file", []string{"j:=@bad.json"}, "j:=@bad.json", `"bad.json": invalid JSON: the value ends too soon`, nil},
		{"binary data file", []string{"d=@latin1"}, "d=@latin1", `cannot embed "latin1": not a UTF-8 text file`, nil},
		{"multi-line header file", []string{"X:@multiline"}, "X:@multiline", "contains a line break", nil},
		{"missing file field", []string{"f@" + missing}, "f@" + missing, `cannot read "` + missing + `": no such file or directory`, fs.ErrNotExist},
		{"directory file field", []string{"f@" + dir}, "f@" + dir, "is a directory", nil},
		{"missing body file", []string{"@" + missing}, "@" + missing, "no such file or directory", fs.ErrNotExist},
		{"two body files", []string{"@" + regular, "a=1", "@" + regular}, "@" + regular, "two explicit body sources: @" + regular + " and @" + regular, nil},
		{"body file and stdin", []string{"@-", "@" + regular}, "@" + regular, "two explicit body sources: @- and @" + regular, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := collectItems(tc.args, fakeFiles(files))
			var ie *itemError
			if !errors.As(err, &ie) {
				t.Fatalf("collectItems(%q) = %+v, %v; want an *itemError", tc.args, got, err)
			}
			if got != nil {
				t.Errorf("collectItems(%q) returned items with an error: %+v", tc.args, got)
			}
			if ie.Item != tc.wantItem {
				t.Errorf("collectItems(%q) error names %q, want %q", tc.args, ie.Item, tc.wantItem)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("collectItems(%q) error = %q, want it to contain %q", tc.args, err, tc.want)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("collectItems(%q) error = %v, want errors.Is(err, %v)", tc.args, err, tc.wantIs)
			}
		})
	}
}

func TestExpandItemHome(t *testing.T) {
	t.Parallel()
	home := func() string { return "/home/gopher" }
	noHome := func() string { return "" }
	tests := []struct {
		path string
		home func() string
		want string
	}{
		{"~", home, "/home/gopher"},
		{"~/a.json", home, "/home/gopher/a.json"},
		{"~other/a.json", home, "~other/a.json"},
		{"a/~/b", home, "a/~/b"},
		{"rel.json", home, "rel.json"},
		{"~/a.json", noHome, "~/a.json"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			if got := expandItemHome(tc.path, tc.home); got != tc.want {
				t.Errorf("expandItemHome(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestFormFields(t *testing.T) {
	t.Parallel()
	files := map[string]string{"bio.txt": "hi\n", "n.json": "42\n"}
	tests := []struct {
		name string
		args []string
		want []keyValue
	}{
		{"none", nil, []keyValue{}},
		{"plain in order", []string{"b=2", "a=1", "b=3"}, []keyValue{{"b", "2"}, {"a", "1"}, {"b", "3"}}},
		{"nested keys sent as written", []string{"user[name]=x", "tags[]=y", `esc\[k\]=z`}, []keyValue{{"user[name]", "x"}, {"tags[]", "y"}, {"esc[k]", "z"}}},
		{"json scalars", []string{"n:=1.50", "s:=\"q\\u0041\"", "t:=true", "f:=false", "n2:=@n.json"}, []keyValue{{"n", "1.50"}, {"s", "qA"}, {"t", "true"}, {"f", "false"}, {"n2", "42"}}},
		{"file content", []string{"bio=@bio.txt"}, []keyValue{{"bio", "hi\n"}}},
		{"escaped separators", []string{`a\=b=c\:d`}, []keyValue{{"a=b", "c:d"}}},
		{"bytes that are not UTF-8 kept", []string{"\xe9=\xe9t\xe9"}, []keyValue{{"\xe9", "\xe9t\xe9"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustCollect(t, files, tc.args...)
			got, err := formFields(r.Data)
			if err != nil {
				t.Fatalf("formFields(%q) error: %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("formFields(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestFormFieldsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arg, want string
	}{
		{"a:=[1]", `invalid item "a:=[1]": a JSON array cannot be a form field`},
		{`o:={"k":1}`, "a JSON object cannot be a form field"},
		{"z:=null", "a JSON null cannot be a form field"},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			t.Parallel()
			r := mustCollect(t, nil, "ok=1", tc.arg)
			got, err := formFields(r.Data)
			var ie *itemError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("formFields(%q) = %v, %v; want an *itemError containing %q", tc.arg, got, err, tc.want)
			}
		})
	}
}

// formatItem spells an item canonically: every separator character in the
// key and value escaped, so it parses back to the same item.
func formatItem(it item) string {
	var b strings.Builder
	for i := 0; i < len(it.Key); i++ {
		if strings.IndexByte(itemKeyEscapes, it.Key[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(it.Key[i])
	}
	b.WriteString(it.Kind.separator())
	b.WriteString(escapeItemValueForTest(it.Value))
	if it.Type != "" {
		b.WriteString(sepFileType)
		b.WriteString(escapeItemValueForTest(it.Type))
	}
	return b.String()
}

// escapeItemValueForTest escapes the separator characters of a value.
func escapeItemValueForTest(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if strings.IndexByte(itemValueEscapes, v[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// sameItem compares what an item means, not how it was spelled.
func sameItem(a, b item) bool {
	return a.Kind == b.Kind && a.Key == b.Key && a.Value == b.Value && a.Type == b.Type
}
