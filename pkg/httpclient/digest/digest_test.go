package digest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The RFC 7616 §3.9.1 example: every algorithm below answers this
// challenge; the MD5 and SHA-256 values are the RFC's own.
const (
	rfcRealm  = "http-auth@example.org"
	rfcNonce  = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
	rfcCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	rfcOpaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
)

func TestDigestResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		algo           string
		realm, nonce   string
		cnonce         string
		user, password string
		method, uri    string
		qop            string
		nc             uint32
		bodyHash       string
		want           string
	}{
		{
			name: "RFC 7616 3.9.1 MD5", algo: "MD5", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 1,
			want: "8ca523f5e9506fed4657c9700eebdbec",
		},
		{
			name: "RFC 7616 3.9.1 SHA-256", algo: "SHA-256", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 1,
			want: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
		},
		{
			name: "RFC 2617 3.5 MD5", algo: "MD5", realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", cnonce: "0a4f113b",
			user: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 1,
			want: "6629fae49393a05397450978507c4ef1",
		},
		{
			name: "MD5-sess second request", algo: "MD5-sess", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 2,
			want: "6914b51e16f9459d9abc967ad41c4599",
		},
		{
			name: "SHA-256-sess", algo: "SHA-256-sess", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 2,
			want: "6bb0010aa4bdf46422a798c509ea32e256f27bd37de5cc3bdf8ed51e1d77d650",
		},
		{
			name: "SHA-512-256", algo: "SHA-512-256", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 2,
			want: "c70be613fc833a6fd44d48f13b0ae4431b234f5a5c232c4f817c08d99be9485e",
		},
		{
			name: "SHA-512-256-sess", algo: "SHA-512-256-sess", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", qop: "auth", nc: 2,
			want: "3f0b079c78edc3f154dc32cd155ef358aab704e07c9fda1f425282a15cc97cf7",
		},
		{
			name: "auth-int hashes the body", algo: "MD5", realm: rfcRealm, nonce: rfcNonce, cnonce: rfcCnonce,
			user: "Mufasa", password: "Circle of Life", method: "POST", uri: "/dir/index.html", qop: "auth-int", nc: 1,
			bodyHash: "5d41402abc4b2a76b9719d911017c592", // MD5("hello")
			want:     "23fef4d928a3e9fa6e0b0de51288c997",
		},
		{
			name: "RFC 2069 without qop", algo: "MD5", realm: rfcRealm, nonce: rfcNonce,
			user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html",
			want: "7b2cc3b30e75b4777ea31027084363fd",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &challenge{realm: tc.realm, nonce: tc.nonce, algo: algorithms[strings.ToUpper(tc.algo)], qop: tc.qop}
			got := c.response(tc.user, tc.password, tc.method, tc.uri, tc.nc, tc.cnonce, tc.bodyHash)
			if got != tc.want {
				t.Errorf("response(%s, %s %s, nc=%d) = %s, want %s", tc.algo, tc.method, tc.uri, tc.nc, got, tc.want)
			}
		})
	}
}

func TestDigestAuthorizationHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		chal challenge
		user string
		want string
	}{
		{
			name: "RFC 7616 3.9.1 SHA-256",
			chal: challenge{realm: rfcRealm, nonce: rfcNonce, opaque: rfcOpaque, algoNamed: true, algo: algorithms["SHA-256"], qop: "auth"},
			user: "Mufasa",
			want: `Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", algorithm=SHA-256, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"`,
		},
		{
			name: "no algorithm named, no qop, quotes escaped",
			chal: challenge{realm: `a "quoted" realm`, nonce: "n", algo: algorithms["MD5"]},
			user: `x\y`,
			want: `Digest username="x\\y", realm="a \"quoted\" realm", nonce="n", uri="/dir/index.html", response="` +
				(&challenge{realm: `a "quoted" realm`, nonce: "n", algo: algorithms["MD5"]}).response(`x\y`, "pw", "GET", "/dir/index.html", 1, rfcCnonce, "") + `"`,
		},
		{
			name: "userhash sends H(user:realm)",
			chal: challenge{realm: "r", nonce: "n", algoNamed: true, algo: algorithms["MD5"], qop: "auth", userhash: true},
			user: "u",
			want: `Digest username="` + algorithms["MD5"].h("u:r") + `", realm="r", nonce="n", uri="/dir/index.html", algorithm=MD5, response="` +
				(&challenge{realm: "r", nonce: "n", algo: algorithms["MD5"], qop: "auth"}).response("u", "pw", "GET", "/dir/index.html", 1, rfcCnonce, "") +
				`", qop=auth, nc=00000001, cnonce="` + rfcCnonce + `", userhash=true`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			password := "pw"
			if tc.user == "Mufasa" {
				password = "Circle of Life"
			}
			got := tc.chal.authorization(tc.user, password, "GET", "/dir/index.html", 1, rfcCnonce, "")
			if got != tc.want {
				t.Errorf("authorization(%q) =\n%s\nwant\n%s", tc.user, got, tc.want)
			}
		})
	}
}

func TestDigestUsernameExtValue(t *testing.T) {
	t.Parallel()
	c := &challenge{realm: "r", nonce: "n", algo: algorithms["MD5"], qop: "auth"}
	tests := []struct{ user, want string }{
		// UTF-8 goes in the quoted-string, as curl sends it.
		{"Jäsøn Doe", `Digest username="Jäsøn Doe", realm="r"`},
		// What a quoted-string cannot carry goes in username*.
		{"a\nb", `Digest username*=UTF-8''a%0Ab, realm="r"`},
		{"\xfcber", `Digest username*=UTF-8''%FCber, realm="r"`},
	}
	for _, tc := range tests {
		got := c.authorization(tc.user, "pw", "GET", "/", 1, "c", "")
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("authorization(%q) = %s, want prefix %s", tc.user, got, tc.want)
		}
	}
}

func TestParseChallenges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []authChallenge
	}{
		{
			name: "one digest",
			in:   `Digest realm="r", nonce="abc", qop="auth,auth-int", algorithm=MD5`,
			want: []authChallenge{{Scheme: "Digest", Params: map[string]string{"realm": "r", "nonce": "abc", "qop": "auth,auth-int", "algorithm": "MD5"}}},
		},
		{
			name: "commas and escapes inside quotes",
			in:   `Digest realm="a, b \"c\"", nonce="x,y"`,
			want: []authChallenge{{Scheme: "Digest", Params: map[string]string{"realm": `a, b "c"`, "nonce": "x,y"}}},
		},
		{
			name: "several challenges",
			in:   `Basic realm="simple", Digest realm="d", nonce=n1, algorithm=SHA-256, Newauth realm="apps", type=1, title="Login to \"apps\""`,
			want: []authChallenge{
				{Scheme: "Basic", Params: map[string]string{"realm": "simple"}},
				{Scheme: "Digest", Params: map[string]string{"realm": "d", "nonce": "n1", "algorithm": "SHA-256"}},
				{Scheme: "Newauth", Params: map[string]string{"realm": "apps", "type": "1", "title": `Login to "apps"`}},
			},
		},
		{
			name: "token68 and bare schemes",
			in:   `Negotiate YWJjZA==, Bearer, Digest nonce="n"`,
			want: []authChallenge{
				{Scheme: "Negotiate", Params: map[string]string{}, Token68: "YWJjZA=="},
				{Scheme: "Bearer", Params: map[string]string{}},
				{Scheme: "Digest", Params: map[string]string{"nonce": "n"}},
			},
		},
		{
			name: "names are case-insensitive, first wins, spaces around =",
			in:   `Digest Realm = "first" , REALM="second",nonce=abc`,
			want: []authChallenge{{Scheme: "Digest", Params: map[string]string{"realm": "first", "nonce": "abc"}}},
		},
		{
			name: "unterminated quote runs to the end",
			in:   `Digest realm="open, nonce=x`,
			want: []authChallenge{{Scheme: "Digest", Params: map[string]string{"realm": "open, nonce=x"}}},
		},
		{
			name: "garbage",
			in:   `=, "x", ,,`,
			want: nil,
		},
		{name: "empty", in: "", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := parseChallenges(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseChallenges(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestPickDigestChallenge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		headers   []string
		wantOK    bool
		wantAlgo  string
		wantQop   string
		wantStale bool
	}{
		{name: "default MD5 without qop", headers: []string{`Digest realm="r", nonce="n"`}, wantOK: true, wantAlgo: "MD5"},
		{name: "strongest of one header", headers: []string{`Digest realm="r", nonce="a", algorithm=MD5, qop="auth", Digest realm="r", nonce="b", algorithm=SHA-512-256, qop="auth", Digest realm="r", nonce="c", algorithm=SHA-256, qop="auth"`}, wantOK: true, wantAlgo: "SHA-512-256", wantQop: "auth"},
		{name: "strongest over several lines", headers: []string{`Digest realm="r", nonce="a", algorithm=SHA-256`, `Basic realm="r"`, `Digest realm="r", nonce="b", algorithm=md5-sess`}, wantOK: true, wantAlgo: "SHA-256"},
		{name: "unknown algorithm skipped", headers: []string{`Digest realm="r", nonce="a", algorithm=SHA-1024, Digest realm="r", nonce="b", algorithm=MD5-sess`}, wantOK: true, wantAlgo: "MD5-sess"},
		{name: "auth preferred to auth-int", headers: []string{`Digest realm="r", nonce="n", qop="auth-int, auth"`}, wantOK: true, wantAlgo: "MD5", wantQop: "auth"},
		{name: "auth-int alone", headers: []string{`Digest realm="r", nonce="n", qop="auth-int"`}, wantOK: true, wantAlgo: "MD5", wantQop: "auth-int"},
		{name: "stale", headers: []string{`Digest realm="r", nonce="n", stale=TRUE`}, wantOK: true, wantAlgo: "MD5", wantStale: true},
		{name: "unknown qop only", headers: []string{`Digest realm="r", nonce="n", qop="auth-conf"`}},
		{name: "no nonce", headers: []string{`Digest realm="r"`}},
		{name: "only basic", headers: []string{`Basic realm="r"`}},
		{name: "none", headers: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := pickChallenge(tc.headers)
			if ok != tc.wantOK {
				t.Fatalf("pickChallenge(%q) ok = %v, want %v", tc.headers, ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if got.algo.name != tc.wantAlgo || got.qop != tc.wantQop || got.stale != tc.wantStale {
				t.Errorf("pickChallenge(%q) = algorithm %s qop %q stale %v, want %s %q %v", tc.headers, got.algo.name, got.qop, got.stale, tc.wantAlgo, tc.wantQop, tc.wantStale)
			}
		})
	}
}

func TestDigestAuthOriginBound(t *testing.T) {
	t.Parallel()
	auth := &Auth{Username: "u", Password: "p", newCnonce: func() string { return "c" }}
	first, _ := http.NewRequest("GET", "http://a.example/x", nil)
	resp := &http.Response{StatusCode: 401, Request: first, Header: http.Header{"Www-Authenticate": {`Digest realm="r", nonce="n", qop="auth"`}}}
	if retry, err := auth.Challenge(resp); !retry || err != nil {
		t.Fatalf("Challenge(first 401) = %v, %v; want true, nil", retry, err)
	}
	tests := []struct {
		url  string
		want bool
	}{
		{"http://a.example/y", true},
		{"http://A.example:80/z", true},
		{"http://b.example/x", false},
		{"https://a.example/x", false},
		{"http://a.example:8080/x", false},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest("GET", tc.url, nil)
		if err := auth.Apply(req); err != nil {
			t.Fatalf("Apply(%s): %v", tc.url, err)
		}
		if got := req.Header.Get("Authorization") != ""; got != tc.want {
			t.Errorf("Apply(%s) sent credentials = %v, want %v", tc.url, got, tc.want)
		}
	}
}

func TestHashRequestBody(t *testing.T) {
	t.Parallel()
	md5 := algorithms["MD5"]
	withBody, _ := http.NewRequest("POST", "http://x/", bytes.NewReader([]byte("hello")))
	noBody, _ := http.NewRequest("GET", "http://x/", nil)
	tests := []struct {
		name string
		req  *http.Request
		want string
	}{
		{"body", withBody, "5d41402abc4b2a76b9719d911017c592"},
		{"no body", noBody, "d41d8cd98f00b204e9800998ecf8427e"},
	}
	for _, tc := range tests {
		got, err := hashRequestBody(tc.req, md5.newHash)
		if err != nil || got != tc.want {
			t.Errorf("hashRequestBody(%s) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=SHA-256, stale=true`,
		`Basic realm="a", Digest realm="b, c", nonce=x`,
		`Negotiate YWJj==, Bearer`,
		`Digest realm="unterminated`,
		`=,"",\`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range parseChallenges(s) {
			if c.Scheme == "" {
				t.Errorf("parseChallenges(%q) gave a challenge without a scheme: %+v", s, c)
			}
			if c.Token68 != "" && len(c.Params) > 0 {
				t.Errorf("parseChallenges(%q) gave both a token68 and params: %+v", s, c)
			}
			if strings.ContainsAny(c.Scheme, " \t,=\"") {
				t.Errorf("parseChallenges(%q) gave scheme %q with a delimiter", s, c.Scheme)
			}
		}
		dc, ok := pickChallenge([]string{s})
		if ok {
			// Whatever was picked can be answered.
			if h := dc.authorization("u", "p", "GET", "/", 1, "c", dc.algo.h("")); !strings.HasPrefix(h, "Digest ") {
				t.Errorf("authorization for %q = %q", s, h)
			}
		}
	})
}

// TestDigestAuthChallengeSequence walks the exchange of a server whose
// first nonce goes stale at once: no credentials → challenge A; answer to
// A → stale, challenge B; answer to B → stale again, which is not retried.
func TestDigestAuthChallengeSequence(t *testing.T) {
	t.Parallel()
	auth := &Auth{Username: "u", Password: "p", newCnonce: func() string { return "c" }}
	challenge := func(nonce string, stale bool) string {
		v := `Digest realm="r", qop="auth", nonce="` + nonce + `"`
		if stale {
			v += ", stale=true"
		}
		return v
	}
	steps := []struct {
		name      string
		answer    string // WWW-Authenticate of the 401 to the request just sent
		status    int
		wantNonce string // nonce the request carried, "" for none
		wantRetry bool
	}{
		{name: "first request", status: 401, answer: challenge("A", false), wantRetry: true},
		{name: "answer to A goes stale", status: 401, answer: challenge("B", true), wantNonce: "A", wantRetry: true},
		{name: "answer to B stale again", status: 401, answer: challenge("C", true), wantNonce: "B", wantRetry: false},
		{name: "a later request uses the newest challenge", status: 200, wantNonce: "C", wantRetry: false},
		{name: "stale after success is retried again", status: 401, answer: challenge("D", true), wantNonce: "C", wantRetry: true},
		{name: "wrong credentials are not retried", status: 401, answer: challenge("E", false), wantNonce: "D", wantRetry: false},
		{name: "a kept challenge refused without stale is answered again", status: 401, answer: challenge("F", false), wantNonce: "E", wantRetry: true},
		{name: "the answer to the new challenge refused is final", status: 401, answer: challenge("G", false), wantNonce: "F", wantRetry: false},
	}
	for _, st := range steps {
		req, _ := http.NewRequest("GET", "http://a.test/x", nil)
		if err := auth.Apply(req); err != nil {
			t.Fatalf("%s: Apply: %v", st.name, err)
		}
		gotNonce := ""
		if cs := parseChallenges(req.Header.Get("Authorization")); len(cs) == 1 {
			gotNonce = cs[0].Params["nonce"]
		}
		if gotNonce != st.wantNonce {
			t.Errorf("%s: request carried nonce %q, want %q", st.name, gotNonce, st.wantNonce)
		}
		resp := &http.Response{StatusCode: st.status, Request: req, Header: http.Header{}}
		if st.answer != "" {
			resp.Header.Set("WWW-Authenticate", st.answer)
		}
		retry, err := auth.Challenge(resp)
		if err != nil || retry != st.wantRetry {
			t.Errorf("%s: Challenge = %v, %v; want %v", st.name, retry, err, st.wantRetry)
		}
	}
}
