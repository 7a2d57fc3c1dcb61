package cmd

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestJSONBody(t *testing.T) {
	t.Parallel()
	files := map[string]string{"v.json": `{"x": [1, 2]}`, "s.txt": "text\n"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no data", []string{"X:1", "q==2"}, ""},
		{"flat", []string{"name=gopher", "age:=13", "ok:=true", "nil:=null"}, `{"name":"gopher","age":13,"ok":true,"nil":null}`},
		{"key order is first seen", []string{"z=1", "a=2", "m=3"}, `{"z":"1","a":"2","m":"3"}`},
		{"repeated key keeps place, last value wins", []string{"a=1", "b=2", "a=3"}, `{"a":"3","b":"2"}`},
		{"nested objects", []string{"a[b][c]=x"}, `{"a":{"b":{"c":"x"}}}`},
		{"append", []string{"tags[]=x", "tags[]=y"}, `{"tags":["x","y"]}`},
		{"index with gap", []string{"a[0]=x", "a[2]=y"}, `{"a":["x",null,"y"]}`},
		{"minus zero is index 0", []string{"a[-0]=x", "a[-00]=y"}, `{"a":["y"]}`},
		{"index out of order", []string{"x[1]=a", "x[0]=b"}, `{"x":["b","a"]}`},
		{"append raw json", []string{"a[]:=1", "a[]:=[2]"}, `{"a":[1,[2]]}`},
		{"escaped brackets", []string{`a\[b\]=x`}, `{"a[b]":"x"}`},
		{"escaped backslash before bracket", []string{`a\\[b]=x`}, `{"a\\":{"b":"x"}}`},
		{"escaped backslash in key", []string{`k\\x=1`}, `{"k\\x":"1"}`},
		{"escaped number is a key", []string{`a[\1]=x`}, `{"a":{"1":"x"}}`},
		{"escaped separator in nested key", []string{`a[b\=c]=x`}, `{"a":{"b=c":"x"}}`},
		{"top-level append", []string{"[]=x", "[]:=1"}, `["x",1]`},
		{"top-level index", []string{"[0]=x", "[2]=y"}, `["x",null,"y"]`},
		{"top-level nested", []string{"[]=x", "[][a]=y"}, `["x",{"a":"y"}]`},
		{"arrays of arrays", []string{"[][]:=1", "[][]:=2", "[][][]:=3"}, `[[1],[2],[[3]]]`},
		{"empty key", []string{"=x"}, `{"":"x"}`},
		{"numeric root key", []string{"1=x"}, `{"1":"x"}`},
		{"grid", []string{"a[0][0]=x", "a[0][1]=y", "a[1][0]=z"}, `{"a":[["x","y"],["z"]]}`},
		{"index overwrites append", []string{"a[b][]=x", "a[b][]=y", "a[b][0]=z"}, `{"a":{"b":["z","y"]}}`},
		{"plain key replaces container", []string{"a[]=1", "a=2"}, `{"a":"2"}`},
		{"null slot becomes container", []string{"a[0]:=null", "a[0][b]=1"}, `{"a":[{"b":"1"}]}`},
		{"hole becomes container", []string{"a[1][b]=1"}, `{"a":[null,{"b":"1"}]}`},
		{"raw object merged", []string{`a:={"b":{"c":1}}`, "a[b][d]=2"}, `{"a":{"b":{"c":1,"d":"2"}}}`},
		{"raw array extended", []string{"a:=[1]", "a[]=2", "a[3]=x"}, `{"a":[1,"2",null,"x"]}`},
		{"files embedded", []string{"v:=@v.json", "s=@s.txt"}, `{"v":{"x":[1,2]},"s":"text\n"}`},
		{"html kept", []string{"h=<b>&</b>", "<k>=v"}, `{"h":"<b>&</b>","<k>":"v"}`},
		{"unicode", []string{"名前[名]=値", "emoji=🙂"}, `{"名前":{"名":"値"},"emoji":"🙂"}`},
		// HTTPie 3's documented nested JSON example.
		{"httpie docs platform", []string{
			"platform[name]=HTTPie",
			"platform[about][mission]=Make APIs simple and intuitive",
			"platform[about][homepage]=httpie.io",
			"platform[about][homepage]=httpie.io",
			"platform[about][stars]:=54000",
			"platform[apps][]=Terminal",
			"platform[apps][]=Desktop",
			"platform[apps][]=Web",
			"platform[apps][]=Mobile",
		}, `{"platform":{"name":"HTTPie","about":{"mission":"Make APIs simple and intuitive","homepage":"httpie.io","stars":54000},"apps":["Terminal","Desktop","Web","Mobile"]}}`},
		{"httpie docs search", []string{"category=tools", "search[type]=id", "search[id]:=1"}, `{"category":"tools","search":{"type":"id","id":1}}`},
		{"httpie docs sparse", []string{"search[type]=platforms", "search[platforms][]=Terminal", "search[platforms][1]=Desktop", "search[platforms][3]=Mobile"},
			`{"search":{"type":"platforms","platforms":["Terminal","Desktop",null,"Mobile"]}}`},
		{"httpie docs escaping", []string{`foo\[bar\]:=1`, `baz[\[]:=2`, `baz[\]]:=3`}, `{"foo[bar]":1,"baz":{"[":2,"]":3}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustCollect(t, files, tc.args...)
			got, err := jsonBody(r.Data)
			if err != nil {
				t.Fatalf("jsonBody(%q) error: %v", tc.args, err)
			}
			if string(got) != tc.want {
				t.Errorf("jsonBody(%q) = %s, want %s", tc.args, got, tc.want)
			}
			if tc.want == "" && got != nil {
				t.Errorf("jsonBody(%q) = %q, want nil", tc.args, got)
			}
		})
	}
}

func TestJSONBodyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantItem string
		want     string
	}{
		{"string then key", []string{"a=1", "a[b]=2"}, "a[b]=2", `key access "[b]" needs an object, but "a" is a string`},
		{"array then key", []string{"a[]=1", "a[x]=2"}, "a[x]=2", `key access "[x]" needs an object, but "a" is an array`},
		{"object then append", []string{"a[x]=1", "a[]=2"}, "a[]=2", `append access "[]" needs an array, but "a" is an object`},
		{"object then index", []string{"a[x]=1", "a[0]=2"}, "a[0]=2", `index access "[0]" needs an array, but "a" is an object`},
		{"deep conflict", []string{"a[b]=1", "a[b][c]=2"}, "a[b][c]=2", `key access "[c]" needs an object, but "a[b]" is a string`},
		{"element conflict", []string{"a[0]=1", "a[0][]=2"}, "a[0][]=2", `append access "[]" needs an array, but "a[0]" is a string`},
		{"boolean conflict", []string{"a:=true", "a[0]=1"}, "a[0]=1", `"a" is a boolean`},
		{"null conflict", []string{"a:=null", "a[b]=1"}, "a[b]=1", `"a" is null`},
		{"number conflict", []string{"a:=1.5", "a[]=1"}, "a[]=1", `"a" is a number`},
		{"top-level array then key", []string{"[]=x", "a=1"}, "a=1", `key access "a" needs an object, but the top level is an array`},
		{"top-level object then append", []string{"a=1", "[]=x"}, "[]=x", `append access "[]" needs an array, but the top level is an object`},
		{"top-level object then index", []string{"a=1", "[0]=x"}, "[0]=x", `index access "[0]" needs an array, but the top level is an object`},
		{"text after step", []string{"a[b]c=x"}, "a[b]c=x", `nested key: expected '[' after "a[b]", found "c"`},
		{"stray close", []string{"a]=x"}, "a]=x", `nested key: expected '[' after "a", found "]"`},
		{"unclosed", []string{"a[b=x"}, "a[b=x", `nested key: expected ']' after "a[b"`},
		{"unclosed empty", []string{"a[=x"}, "a[=x", `nested key: expected a key, a number or ']' after "a["`},
		{"top-level key in brackets", []string{"[b]=x"}, "[b]=x", `nested key: expected a number or ']' after "[", found "b"`},
		{"leading close", []string{"]=x"}, "]=x", `nested key: expected a key, a number or '[' at the start, found "]"`},
		{"double open", []string{"a[[b]]=x"}, "a[[b]]=x", `expected a key, a number or ']' after "a[", found "["`},
		{"negative index", []string{"a[-1]=x"}, "a[-1]=x", "nested key: negative index -1 is not supported"},
		{"negative top-level index", []string{"[-1]=x"}, "[-1]=x", "negative index -1 is not supported"},
		{"index above limit", []string{"a[100001]=x"}, "a[100001]=x", "index 100001 is above the limit of 100000"},
		{"index overflows", []string{"a[99999999999999999999]=x"}, "a[99999999999999999999]=x", "above the limit"},
		// JSON is UTF-8: Latin-1 bytes typed in an argument must not become U+FFFD.
		{"value not UTF-8", []string{"a=\xe9t\xe9"}, "a=\xe9t\xe9", "not UTF-8 text, which a JSON body needs"},
		{"key not UTF-8", []string{"\xe9=1"}, "\xe9=1", "not UTF-8 text"},
		{"JSON key not UTF-8", []string{"k\xe9:=1"}, "k\xe9:=1", "not UTF-8 text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustCollect(t, nil, tc.args...)
			got, err := jsonBody(r.Data)
			var ie *itemError
			if !errors.As(err, &ie) {
				t.Fatalf("jsonBody(%q) = %s, %v; want an *itemError", tc.args, got, err)
			}
			if got != nil {
				t.Errorf("jsonBody(%q) returned %s with an error", tc.args, got)
			}
			if ie.Item != tc.wantItem {
				t.Errorf("jsonBody(%q) error names %q, want %q", tc.args, ie.Item, tc.wantItem)
			}
			if !strings.Contains(ie.Reason, tc.want) {
				t.Errorf("jsonBody(%q) error = %q, want it to contain %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestJSONBodyIndexLimit(t *testing.T) {
	t.Parallel()
	arg := "a[100000]:=1"
	got, err := jsonBody(mustCollect(t, nil, arg).Data)
	if err != nil {
		t.Fatalf("jsonBody(%q) error: %v", arg, err)
	}
	want := `{"a":[` + strings.Repeat("null,", 100000) + `1]}`
	if string(got) != want {
		t.Errorf("jsonBody(%q) = %d bytes, want %d bytes of 100000 nulls then 1", arg, len(got), len(want))
	}
}

func TestJSONBodyBuiltItems(t *testing.T) {
	t.Parallel()
	// Items built without parseItem have no EscapedKey; Key is read as typed.
	data := []dataItem{
		{Key: "a[b]", JSON: json.RawMessage(`"x"`)},
		{Key: "n", JSON: json.RawMessage(`1`), IsJSON: true},
		{Key: "s", Raw: "no JSON given"},
	}
	got, err := jsonBody(data)
	if want := `{"a":{"b":"x"},"n":1,"s":"no JSON given"}`; err != nil || string(got) != want {
		t.Errorf("jsonBody(%+v) = %s, %v; want %s", data, got, err, want)
	}
	bad := []dataItem{{Key: "a[", JSON: json.RawMessage(`"x"`)}}
	if _, err := jsonBody(bad); err == nil || !strings.Contains(err.Error(), `invalid item "a["`) {
		t.Errorf("jsonBody(%+v) error = %v, want it to name the key", bad, err)
	}
}
