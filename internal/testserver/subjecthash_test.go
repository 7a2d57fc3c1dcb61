package testserver

import (
	"encoding/hex"
	"testing"
)

func TestSubjectHash(t *testing.T) {
	t.Parallel()
	// Expected values are what `openssl x509 -hash` prints for a
	// certificate with each subject (OpenSSL 3).
	tests := []struct {
		name       string
		rawSubject string // DER, hex
		want       string
	}{
		{
			name:       "O=reqs, CN=reqs test CA (PrintableString)",
			rawSubject: "3026310d300b060355040a130472657173311530130603550403130c726571732074657374204341",
			want:       "e0f59f3a",
		},
		{
			name:       "white space and case folded, UTF-8 kept",
			rawSubject: "3044310b300906035504061302444531183016060355040a0c0f52c3a9717320c39c6ec3af636f6465311b301906035504030c12202052657173202020544553540943412020",
			want:       "7d1f1f9d",
		},
		{
			name:       "T61String, BMPString and a multi-valued RDN",
			rawSubject: "30413110300e060355040a140754363120e974e9312d3014060355040a160d4d756c7469202056616c756564301506035504031e0e0042004d005000200020005800e9",
			want:       "2e58f806",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw, err := hex.DecodeString(tc.rawSubject)
			if err != nil {
				t.Fatal(err)
			}
			got, err := SubjectHash(raw)
			if err != nil || got != tc.want {
				t.Errorf("SubjectHash(%s) = %q, %v; want %q", tc.rawSubject, got, err, tc.want)
			}
		})
	}
}

func TestSubjectHashRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "30", "3026310d", "020101"} {
		raw, _ := hex.DecodeString(in)
		if got, err := SubjectHash(raw); err == nil {
			t.Errorf("SubjectHash(%s) = %q, want an error", in, got)
		}
	}
}

func TestCanonicalName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{in: "Reqs Test CA", want: "reqs test ca"},
		{in: "  lead  and\ttrail \n", want: "lead and trail"},
		{in: "a\v\f\rb", want: "a b"},
		{in: "Ünïcode ÉÉ", want: "Ünïcode ÉÉ"},
		{in: "", want: ""},
		{in: "   ", want: ""},
	}
	for _, tc := range tests {
		if got := string(canonicalName([]byte(tc.in))); got != tc.want {
			t.Errorf("canonicalName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
