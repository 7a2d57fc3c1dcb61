package sessionfile

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRedactedNewSecrets: session show masks OAuth 2 and helper secrets.
func TestRedactedNewSecrets(t *testing.T) {
	t.Parallel()
	s := &Session{
		Auth:          &Auth{Type: "oauth2", Username: "client", Password: "secret", TokenURL: "https://a.test/token", Token: "at", RefreshToken: "rt", Expires: 10},
		HelperAnswers: []HelperAnswer{{Helper: "h", Host: "a.test", Headers: map[string]string{"Authorization": "Bearer x", "X-Other": "y"}, Expires: 10}},
	}
	got := s.Redacted()
	want := &Session{
		Auth:          &Auth{Type: "oauth2", Username: "client", Password: "****", TokenURL: "https://a.test/token", Token: "****", RefreshToken: "****", Expires: 10},
		HelperAnswers: []HelperAnswer{{Helper: "h", Host: "a.test", Headers: map[string]string{"Authorization": "****", "X-Other": "****"}, Expires: 10}},
		Headers:       []Header{},
		Cookies:       []Cookie{},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Redacted (-want +got):\n%s", d)
	}
	if s.HelperAnswers[0].Headers["Authorization"] != "Bearer x" || s.Auth.RefreshToken != "rt" {
		t.Errorf("Redacted changed the session it copied")
	}
}

func TestSetHelperAnswers(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	s := &Session{HelperAnswers: []HelperAnswer{
		{Helper: "h", Host: "a", Expires: 2000, Headers: map[string]string{"X": "old"}},
		{Helper: "h", Host: "b", Expires: 999},
		{Helper: "g", Host: "a", Expires: 3000},
	}}
	s.SetHelperAnswers([]HelperAnswer{{Helper: "h", Host: "a", Expires: 2500, Headers: map[string]string{"X": "new"}}, {Helper: "h", Host: "c", Expires: 1000}}, now)
	want := []HelperAnswer{
		{Helper: "h", Host: "a", Expires: 2500, Headers: map[string]string{"X": "new"}},
		{Helper: "g", Host: "a", Expires: 3000},
	}
	if d := cmp.Diff(want, s.HelperAnswers); d != "" {
		t.Errorf("SetHelperAnswers (-want +got):\n%s", d)
	}
}
