package sessionfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImportHTTPie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		host string
		data string
		want *Session
	}{
		{
			name: "httpie 3 lists",
			host: "example.com:8080",
			data: `{
				"__meta__": {"about": "HTTPie session file", "httpie": "3.2.2"},
				"auth": {"raw_auth": "u:p:q", "type": "basic"},
				"cookies": [
					{"domain": "", "expires": null, "name": "sid", "path": "/", "secure": false, "value": "abc"},
					{"domain": ".Example.com", "expires": 4102444800, "name": "wide", "path": "/app", "secure": true, "value": "1"},
					{"domain": "api.example.com", "expires": null, "name": "exact", "path": "", "secure": false, "value": "2"}
				],
				"headers": [
					{"name": "X-A", "value": "1"},
					{"name": "X-A", "value": "2"},
					{"name": "Content-Type", "value": "text/plain"},
					{"name": "If-Match", "value": "x"}
				]
			}`,
			want: &Session{
				Version: Version,
				Headers: []Header{{"X-A", "1"}, {"X-A", "2"}},
				Auth:    &Auth{Type: "basic", Username: "u", Password: "p:q"},
				Cookies: []Cookie{
					{Name: "sid", Value: "abc", Domain: "example.com", HostOnly: true, Path: "/"},
					{Name: "wide", Value: "1", Domain: "example.com", Path: "/app", Expires: 4102444800, Secure: true},
					{Name: "exact", Value: "2", Domain: "api.example.com", HostOnly: true, Path: "/"},
				},
			},
		},
		{
			name: "httpie 2 objects",
			host: "example.com",
			data: `{
				"__meta__": {"about": "HTTPie session file", "httpie": "2.6.0"},
				"auth": {"type": null, "username": null, "password": null},
				"cookies": {"b": {"value": "2", "path": "/", "secure": false, "expires": null},
				            "a": {"value": "1", "path": "/", "secure": false, "expires": null}},
				"headers": {"X-B": "2", "X-A": "1", "X-Unset": null}
			}`,
			want: &Session{
				Version: Version,
				Headers: []Header{{"X-A", "1"}, {"X-B", "2"}},
				Cookies: []Cookie{
					{Name: "a", Value: "1", Domain: "example.com", HostOnly: true, Path: "/"},
					{Name: "b", Value: "2", Domain: "example.com", HostOnly: true, Path: "/"},
				},
			},
		},
		{
			// Python's cookie jar stores a host-only cookie of a host
			// without a dot under the host name plus ".local".
			name: "httpie on localhost",
			host: "localhost:5000",
			data: `{
				"cookies": [
					{"domain": "localhost.local", "expires": null, "name": "sid", "path": "/", "secure": false, "value": "abc"},
					{"domain": ".localhost", "expires": null, "name": "wide", "path": "/", "secure": false, "value": "1"},
					{"domain": "other.local", "expires": null, "name": "mdns", "path": "/", "secure": false, "value": "2"}
				]
			}`,
			want: &Session{
				Version: Version,
				Cookies: []Cookie{
					{Name: "sid", Value: "abc", Domain: "localhost", HostOnly: true, Path: "/"},
					{Name: "wide", Value: "1", Domain: "localhost", Path: "/"},
					{Name: "mdns", Value: "2", Domain: "other.local", HostOnly: true, Path: "/"},
				},
			},
		},
		{
			name: "httpie on an IPv6 address",
			host: "[::1]:5000",
			data: `{"cookies": [{"domain": "[::1].local", "name": "sid", "path": "/", "value": "abc"}]}`,
			want: &Session{
				Version: Version,
				Cookies: []Cookie{{Name: "sid", Value: "abc", Domain: "::1", HostOnly: true, Path: "/"}},
			},
		},
		{
			name: "bearer",
			host: "[::1]:3000",
			data: `{"auth": {"type": "bearer", "raw_auth": "tok"}}`,
			want: &Session{Version: Version, Auth: &Auth{Type: "bearer", Token: "tok"}},
		},
		{
			name: "digest with username and password",
			host: "h",
			data: `{"auth": {"type": "digest", "username": "u", "password": "p"}}`,
			want: &Session{Version: Version, Auth: &Auth{Type: "digest", Username: "u", Password: "p"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ImportHTTPie("in.json", []byte(tc.data), tc.host)
			if err != nil {
				t.Fatalf("ImportHTTPie(%s): %v", tc.data, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ImportHTTPie(%s) (-want +got):\n%s", tc.data, diff)
			}
		})
	}
}

func TestImportHTTPieErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"headers\": [\n", "in.json: line 3"},
		{"auth plugin", `{"auth": {"type": "ntlm", "raw_auth": "x"}}`, `auth type "ntlm"`},
		{"headers of the wrong shape", `{"headers": 5}`, "headers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ImportHTTPie("in.json", []byte(tc.data), "h")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrParse) {
				t.Errorf("ImportHTTPie(%s) = %v, want an ErrParse containing %q", tc.data, err, tc.want)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	s := &Session{
		Headers:  []Header{{"Authorization", "Basic x"}, {"X-Api-Token", "t"}, {"Accept", "text/html"}},
		Auth:     &Auth{Type: "basic", Username: "u", Password: "p"},
		Cookies:  []Cookie{{Name: "sid", Value: "v", Domain: "h", Path: "/"}},
		Settings: Settings{Proxies: map[string]string{"http": "http://user:pw@proxy:3128", "https": "http://proxy:3129"}},
	}
	got := s.Redacted()
	want := &Session{
		Headers:  []Header{{"Authorization", "****"}, {"X-Api-Token", "****"}, {"Accept", "text/html"}},
		Auth:     &Auth{Type: "basic", Username: "u", Password: "****"},
		Cookies:  []Cookie{{Name: "sid", Value: "****", Domain: "h", Path: "/"}},
		Settings: Settings{Proxies: map[string]string{"http": "http://user:****@proxy:3128", "https": "http://proxy:3129"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Redacted (-want +got):\n%s", diff)
	}
	if s.Auth.Password != "p" || s.Cookies[0].Value != "v" || s.Headers[0].Value != "Basic x" {
		t.Errorf("Redacted changed the original session: %+v", s)
	}
}
