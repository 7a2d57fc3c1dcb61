package httpclient

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The credentials, scope and time of AWS's Signature Version 4 test suite
// (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html).
const (
	suiteKeyID  = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	suiteHost   = "example.amazonaws.com"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func suiteAuth() *SigV4Auth {
	return &SigV4Auth{
		AccessKeyID: suiteKeyID, SecretAccessKey: suiteSecret,
		Region: "us-east-1", Service: "service",
		Now: func() time.Time { return suiteTime },
	}
}

// TestSigV4Suite signs the test suite's requests and compares the
// Authorization header with the published signatures.
func TestSigV4Suite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, target string
		header               http.Header
		body                 string
		signedHeaders        string
		signature            string
	}{
		{name: "get-vanilla", method: "GET", target: "/",
			signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		// An empty query ("/?") signs as no query at all.
		{name: "get-vanilla-query", method: "GET", target: "/?",
			signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{name: "get-vanilla-empty-query-key", method: "GET", target: "/?Param1=value1",
			signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
		// Parameters are signed sorted, whatever order they are sent in.
		{name: "get-vanilla-query-order-key-case", method: "GET", target: "/?Param2=value2&Param1=value1",
			signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{name: "get-vanilla-utf8-query", method: "GET", target: "/?%E1%88%B4=bar",
			signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
		{name: "get-header-key-duplicate", method: "GET", target: "/",
			header:        http.Header{"My-Header1": {"value2", "value2", "value1"}},
			signedHeaders: "host;my-header1;x-amz-date",
			signature:     "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
		{name: "get-header-value-order", method: "GET", target: "/",
			header:    http.Header{"My-Header1": {"value4", "value1", "value3", "value2"}},
			signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
		// Values are trimmed and inner runs of spaces squeezed.
		{name: "get-header-value-trim", method: "GET", target: "/",
			header:        http.Header{"My-Header1": {" value1"}, "My-Header2": {` "a   b   c"`}},
			signedHeaders: "host;my-header1;my-header2;x-amz-date",
			signature:     "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
		{name: "post-vanilla", method: "POST", target: "/",
			signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{name: "post-vanilla-query", method: "POST", target: "/?Param1=value1",
			signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
		// Header names are signed lower-case.
		{name: "post-header-key-case", method: "POST", target: "/",
			header:    http.Header{"MY-HEADER1": {"value1"}},
			signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
		// Header values keep their case.
		{name: "post-header-value-case", method: "POST", target: "/",
			header:    http.Header{"My-Header1": {"VALUE1"}},
			signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
		// The body's SHA-256 is part of the signature.
		{name: "post-x-www-form-urlencoded", method: "POST", target: "/",
			header:        http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			body:          "Param1=value1",
			signedHeaders: "content-type;host;x-amz-date",
			signature:     "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, "https://"+suiteHost+tc.target, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			if tc.body != "" {
				// The suite's request has no Content-Length line, and the
				// signer signs Content-Length whenever the length is known.
				req.ContentLength = -1
			}
			if err := suiteAuth().Apply(req); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			signed := tc.signedHeaders
			if signed == "" {
				signed = "host;x-amz-date"
				if len(tc.header) > 0 {
					signed = "host;my-header1;x-amz-date"
				}
			}
			want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" + signed + ", Signature=" + tc.signature
			if got := req.Header.Get("Authorization"); got != want {
				t.Errorf("%s %s: Authorization =\n %s\nwant\n %s", tc.method, tc.target, got, want)
			}
			if _, q, _ := strings.Cut(tc.target, "?"); req.URL.RawQuery != q {
				t.Errorf("query sent = %q, want %q as given", req.URL.RawQuery, q)
			}
			if got := req.Header.Get("X-Amz-Date"); got != "20150830T123600Z" {
				t.Errorf("X-Amz-Date = %q, want 20150830T123600Z", got)
			}
			if tc.body != "" {
				b, err := io.ReadAll(req.Body)
				if err != nil || string(b) != tc.body {
					t.Errorf("body after signing = %q, %v; want %q", b, err, tc.body)
				}
			}
		})
	}
}

// TestSigV4SessionToken: temporary credentials send and sign the token
// (the suite's post-sts-header-before).
func TestSigV4SessionToken(t *testing.T) {
	t.Parallel()
	const token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
	a := suiteAuth()
	a.SessionToken = token
	req, _ := http.NewRequest("POST", "https://"+suiteHost+"/", nil)
	if err := a.Apply(req); err != nil {
		t.Fatal(err)
	}
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization = %s\nwant %s", got, want)
	}
	if got := req.Header.Get("X-Amz-Security-Token"); got != token {
		t.Errorf("X-Amz-Security-Token = %q, want the token", got)
	}
}

// TestSigV4S3 checks AWS's documented S3 example (GET with Range) and that
// S3 gets the payload hash as a header.
func TestSigV4S3(t *testing.T) {
	t.Parallel()
	a := &SigV4Auth{
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		Region: "us-east-1", Service: "s3",
		Now: func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) },
	}
	req, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	req.Header.Set("Range", "bytes=0-9")
	if err := a.Apply(req); err != nil {
		t.Fatal(err)
	}
	want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization = %s\nwant %s", got, want)
	}
	if got := req.Header.Get("X-Amz-Content-Sha256"); got != emptyPayloadHash {
		t.Errorf("X-Amz-Content-Sha256 = %q, want the empty body's hash", got)
	}
}

// TestSigV4PayloadHash covers how each kind of body is hashed.
func TestSigV4PayloadHash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "body")
	if err := os.WriteFile(path, []byte("Welcome to Amazon S3."), 0o600); err != nil {
		t.Fatal(err)
	}
	const fileHash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
	fileBody, err := FileBody(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		body      *Body
		chunked   bool
		service   string
		want      string
		wantBytes string
	}{
		{name: "file, hashed then reopened", body: fileBody, service: "execute-api", want: fileHash, wantBytes: "Welcome to Amazon S3."},
		{name: "file sent chunked to s3 is unsigned", body: fileBody, chunked: true, service: "s3", want: unsignedPayload, wantBytes: "Welcome to Amazon S3."},
		{name: "stream to s3 is unsigned", body: ReaderBody(strings.NewReader("Welcome to Amazon S3."), -1), service: "s3", want: unsignedPayload, wantBytes: "Welcome to Amazon S3."},
		{name: "stream elsewhere is hashed and replayed", body: ReaderBody(strings.NewReader("Welcome to Amazon S3."), -1), service: "execute-api", want: fileHash, wantBytes: "Welcome to Amazon S3."},
		{name: "no body", service: "execute-api", want: emptyPayloadHash},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Session{}
			r := &Request{Method: "PUT", URL: "http://127.0.0.1/x", Body: tc.body, Chunked: tc.chunked}
			p, err := s.Prepare(r)
			if err != nil {
				t.Fatal(err)
			}
			req, err := s.newHTTPRequest(t.Context(), p)
			if err != nil {
				t.Fatalf("newHTTPRequest: %v", err)
			}
			hash, err := sigV4PayloadHash(req, unsignedPayloadServices[tc.service])
			if err != nil {
				t.Fatalf("sigV4PayloadHash: %v", err)
			}
			if hash != tc.want {
				t.Errorf("payload hash = %q, want %q", hash, tc.want)
			}
			var got []byte
			if req.Body != nil {
				got, _ = io.ReadAll(req.Body)
				req.Body.Close()
			}
			if string(got) != tc.wantBytes {
				t.Errorf("body sent = %q, want %q", got, tc.wantBytes)
			}
		})
	}
}

func TestSigV4ScopeFromHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host, region, service string
		ok                    bool
	}{
		{"s3.eu-west-1.amazonaws.com", "eu-west-1", "s3", true},
		{"bucket.s3.eu-west-1.amazonaws.com", "eu-west-1", "s3", true},
		{"sqs.cn-north-1.amazonaws.com.cn", "cn-north-1", "sqs", true},
		{"iam.amazonaws.com", "us-east-1", "iam", true},
		{"example.org", "", "", false},
		{"amazonaws.com", "", "", false},
	}
	for _, tc := range tests {
		r, s, ok := sigV4ScopeFromHost(tc.host)
		if r != tc.region || s != tc.service || ok != tc.ok {
			t.Errorf("sigV4ScopeFromHost(%q) = %q, %q, %v; want %q, %q, %v", tc.host, r, s, ok, tc.region, tc.service, tc.ok)
		}
	}
	req, _ := http.NewRequest("GET", "http://example.org/", nil)
	if err := (&SigV4Auth{AccessKeyID: "k", SecretAccessKey: "s"}).Apply(req); err == nil || !strings.Contains(err.Error(), "no region and service") {
		t.Errorf("Apply without a scope on a non-AWS host: %v, want a no-region error", err)
	}
}

// countingAuth sets X-Count to how many times it was applied.
type countingAuth struct{ n int }

func (a *countingAuth) Apply(req *http.Request) error {
	a.n++
	req.Header.Set("X-Count", strconv.Itoa(a.n))
	return nil
}

// TestHeadersShowSentAuth: after sending, Headers shows the credentials
// that went out rather than applying the auth again (a signature's time,
// a helper's answer); before, it shows what the auth would add.
func TestHeadersShowSentAuth(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &countingAuth{}
	p, err := s.Prepare(&Request{Method: "GET", URL: srv.URL, Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.wireHeaders(p).Get("X-Count"); got != "1" {
		t.Errorf("Headers before sending: X-Count = %q, want 1", got)
	}
	resp, err := s.Send(t.Context(), p, SendOptions{NoRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if got := s.wireHeaders(resp.Request).Get("X-Count"); got != "2" || a.n != 2 {
		t.Errorf("Headers after sending: X-Count = %q (applied %d times), want the 2 that was sent", got, a.n)
	}
}
