package charset

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eucjp(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.EUCJP.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []byte
		charset string
		want    string
		wantErr bool
	}{
		{"utf-8 unchanged", []byte("caf\xc3\xa9"), "utf-8", "café", false},
		{"empty charset unchanged", []byte("abc"), "", "abc", false},
		{"latin-1", []byte("caf\xe9"), "ISO-8859-1", "café", false},
		{"latin-1 keeps C1 controls as Python does", []byte("\x80"), "latin1", "\u0080", false},
		{"windows-1252 maps 0x80 to the euro sign", []byte("\x80"), "windows-1252", "€", false},
		{"shift_jis", sjis(t, "日本語"), "Shift_JIS", "日本語", false},
		{"quoted name", []byte("caf\xe9"), `"iso-8859-1"`, "café", false},
		{"unknown", []byte("x"), "no-such-charset", "", true},
	}
	for _, tc := range tests {
		got, err := Decode(tc.in, tc.charset)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("Decode(%q, %q) = %q, %v; want %q (error %v)", tc.in, tc.charset, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestNewReader(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader(string(sjis(t, "こんにちは、世界"))), "shift_jis")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	if string(got) != "こんにちは、世界" {
		t.Errorf("NewReader(shift_jis) read %q, want %q", got, "こんにちは、世界")
	}
	if _, err := NewReader(strings.NewReader(""), "bogus"); err == nil {
		t.Errorf("NewReader(bogus): no error, want one")
	}
}

func TestDetectCharset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"ascii", []byte("hello"), ""},
		{"utf-8", []byte("caf\xc3\xa9 cr\xc3\xa8me"), "utf-8"},
		{"utf-8 cut in a rune", []byte("caf\xc3\xa9 \xe6\x97"), "utf-8"},
		{"utf-8 bom", []byte("\xef\xbb\xbfhi"), "utf-8"},
		{"utf-16le bom", []byte("\xff\xfeh\x00"), "utf-16le"},
		{"meta charset", []byte(`<html><head><meta charset="Shift_JIS"></head>` + string(sjis(t, "日本語"))), "shift_jis"},
		{"meta http-equiv", []byte(`<meta http-equiv="Content-Type" content="text/html; charset=euc-jp">` + "\xc6\xfc"), "euc-jp"},
		{"xml declaration", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a>caf` + "\xe9</a>"), "iso-8859-1"},
		{"shift_jis statistics", sjis(t, "これは日本語の文章です。ひらがなとカタカナ。"), "shift_jis"},
		{"euc-jp statistics", eucjp(t, "これは日本語の文章です。ひらがなとカタカナ。"), "euc-jp"},
		{"latin-1 is not guessed", []byte("Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade"), ""},
	}
	for _, tc := range tests {
		if got := detect(tc.in); got != tc.want {
			t.Errorf("%s: detect(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestForDisplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ct   string
		head []byte
		want string
	}{
		{"header charset wins", "text/html; charset=UTF-8", []byte(`<meta charset="shift_jis">`), "utf-8"},
		{"meta without header charset", "text/html", []byte(`<meta charset="shift_jis">` + "\x93\xfa"), "shift_jis"},
		{"text without charset is latin-1", "text/plain", []byte("caf\xe9"), "iso-8859-1"},
		{"json without charset", "application/json", []byte(`{"a": 1}`), ""},
		{"no type, utf-8 detected", "", []byte("\xc3\xa9t\xc3\xa9"), "utf-8"},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.ct != "" {
			h.Set("Content-Type", tc.ct)
		}
		if got := ForDisplay(h, tc.head); got != tc.want {
			t.Errorf("%s: ForDisplay(%q, %q) = %q, want %q", tc.name, tc.ct, tc.head, got, tc.want)
		}
	}
}

func TestFromHeader(t *testing.T) {
	t.Parallel()
	tests := []struct{ ct, want string }{
		{"text/html; charset=Shift_JIS", "shift_jis"},
		{"text/plain", "iso-8859-1"},
		{"application/json", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := FromHeader(http.Header{"Content-Type": {tc.ct}}); got != tc.want {
			t.Errorf("FromHeader(Content-Type %q) = %q, want %q", tc.ct, got, tc.want)
		}
	}
}
