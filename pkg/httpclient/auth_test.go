package httpclient

import (
	"errors"
	"net/http"
	"testing"
)

func TestBearerAuthRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"a\nX-Evil: 1", "a\rb", "a\x00b", "a\x7fb"} {
		req, _ := http.NewRequest("GET", "http://a.test/", nil)
		err := (&BearerAuth{Token: tok}).Apply(req)
		if !errors.Is(err, ErrInvalidHeader) {
			t.Errorf("Apply with token %q: err %v, want ErrInvalidHeader", tok, err)
		}
		if v := req.Header.Get("Authorization"); v != "" {
			t.Errorf("Apply with token %q set Authorization %q", tok, v)
		}
	}
	req, _ := http.NewRequest("GET", "http://a.test/", nil)
	if err := (&BearerAuth{Token: "a.b-c_d~e+f/g="}).Apply(req); err != nil || req.Header.Get("Authorization") != "Bearer a.b-c_d~e+f/g=" {
		t.Errorf("Apply with a plain token: %v, Authorization %q", err, req.Header.Get("Authorization"))
	}
}
