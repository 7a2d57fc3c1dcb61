package testserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestVerifySigV4 checks the verifier itself against the AWS test suite's
// post-x-www-form-urlencoded vector, and that it notices tampering.
func TestVerifySigV4(t *testing.T) {
	t.Parallel()
	at := time.Date(2015, 8, 30, 12, 40, 0, 0, time.UTC)
	newReq := func() *http.Request {
		r := httptest.NewRequest("POST", "http://example.amazonaws.com/", strings.NewReader("Param1=value1"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Amz-Date", "20150830T123600Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
		return r
	}
	if _, err := verifySigV4(newReq(), at); err != nil {
		t.Fatalf("suite vector rejected: %v", err)
	}
	tamper := map[string]func(*http.Request){
		"body": func(r *http.Request) {
			r.Body = httptest.NewRequest("POST", "/", strings.NewReader("Param1=value2")).Body
		},
		"signed value": func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") },
		"query":        func(r *http.Request) { r.URL.RawQuery = "a=b" },
		"method":       func(r *http.Request) { r.Method = "PUT" },
		"path":         func(r *http.Request) { r.URL.Path, r.URL.RawPath = "/x", "" },
	}
	for name, f := range tamper {
		r := newReq()
		f(r)
		if _, err := verifySigV4(r, at); err == nil {
			t.Errorf("tampered %s: accepted", name)
		}
	}
	if _, err := verifySigV4(newReq(), at.Add(time.Hour)); err == nil {
		t.Errorf("a signature an hour old was accepted")
	}
}
