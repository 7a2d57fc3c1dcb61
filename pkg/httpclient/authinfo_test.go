package httpclient

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/reqs-cli/reqs/pkg/httpclient/digest"
)

func TestDescribeAuth(t *testing.T) {
	t.Parallel()
	netrc := &NetrcAuth{Path: "/home/ann/.netrc", machines: []netrcEntry{{host: "a.test", login: "nu", password: "np"}}}
	helper := &ExecAuth{Args: []string{"get-token", "--x"}}
	tests := []struct {
		name string
		auth Auth
		url  string
		want AuthInfo
	}{
		{"none", nil, "http://a.test/", AuthInfo{}},
		{"basic", &BasicAuth{Username: "u", Password: "p"}, "http://a.test/", AuthInfo{Scheme: AuthBasic, User: "u", Secret: "p"}},
		{"digest", &digest.Auth{Username: "u", Password: "p"}, "http://a.test/", AuthInfo{Scheme: AuthDigest, User: "u", Secret: "p"}},
		{"bearer", &BearerAuth{Token: "t"}, "http://a.test/", AuthInfo{Scheme: AuthBearer, Secret: "t"}},
		{"aws-sigv4", &SigV4Auth{AccessKeyID: "AK", SecretAccessKey: "SK", SessionToken: "ST", Region: "r", Service: "s"}, "http://a.test/",
			AuthInfo{Scheme: AuthSigV4, User: "AK", Secret: "SK", SessionToken: "ST", Region: "r", Service: "s"}},
		{"oauth2", &OAuth2Auth{TokenURL: "https://id.test/token", ClientSecret: "cs"}, "http://a.test/", AuthInfo{Scheme: AuthOAuth2, TokenURL: "https://id.test/token"}},
		{"helper", helper, "http://a.test/", AuthInfo{Scheme: AuthExec, Helper: []string{"get-token", "--x"}}},
		{"netrc entry", netrc, "http://a.test:8080/", AuthInfo{Scheme: AuthBasic, User: "nu", Secret: "np", Netrc: "/home/ann/.netrc"}},
		{"netrc without an entry", netrc, "http://b.test/", AuthInfo{}},
		{"netrc digest", netrc.WithScheme(AuthDigest), "http://a.test/", AuthInfo{Scheme: AuthDigest, User: "nu", Secret: "np", Netrc: "/home/ann/.netrc"}},
		{"netrc bearer", netrc.WithScheme(AuthBearer), "http://a.test/", AuthInfo{Scheme: AuthBearer, Secret: "np", Netrc: "/home/ann/.netrc"}},
		{"host helper", (&HostHelpers{Helpers: map[string]*ExecAuth{"a.test": helper}, Fallback: netrc}).withChallenges(), "http://a.test/",
			AuthInfo{Scheme: AuthExec, Helper: []string{"get-token", "--x"}}},
		{"host without a helper", (&HostHelpers{Helpers: map[string]*ExecAuth{"b.test": helper}, Fallback: netrc.WithScheme(AuthDigest)}).withChallenges(), "http://a.test/",
			AuthInfo{Scheme: AuthDigest, User: "nu", Secret: "np", Netrc: "/home/ann/.netrc"}},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.url)
		if got := DescribeAuth(tc.auth, u); !cmp.Equal(got, tc.want) {
			t.Errorf("%s: DescribeAuth = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
