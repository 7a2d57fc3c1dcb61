package sessionfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

func ptr[T any](v T) *T { return &v }

// TestMerge is the precedence table: flag > session > environment >
// config file, per key, and per proxy key for proxies.
func TestMerge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                         string
		flag, session, env, fileConf Settings
		want                         Settings
	}{
		{name: "nothing set", want: Settings{}},
		{
			name:     "config file alone",
			fileConf: Settings{ConnectTimeout: ptr(30 * time.Second), ReadTimeout: ptr(30 * time.Second)},
			want:     Settings{ConnectTimeout: ptr(30 * time.Second), ReadTimeout: ptr(30 * time.Second)},
		},
		{
			name:     "environment beats config file",
			env:      Settings{Insecure: ptr(true)},
			fileConf: Settings{CABundle: "/etc/ca.pem"},
			want:     Settings{Insecure: ptr(true)},
		},
		{
			name:    "session beats environment",
			session: Settings{CABundle: "/s/ca.pem"},
			env:     Settings{Insecure: ptr(true)},
			want:    Settings{CABundle: "/s/ca.pem"},
		},
		{
			name:    "flag beats session",
			flag:    Settings{Insecure: ptr(false)},
			session: Settings{Insecure: ptr(true)},
			want:    Settings{Insecure: ptr(false)},
		},
		{
			name:     "each key from its strongest layer",
			flag:     Settings{MaxRedirects: ptr(2)},
			session:  Settings{ConnectTimeout: ptr(time.Second), ReadTimeout: ptr(2 * time.Second), MaxRedirects: ptr(9)},
			env:      Settings{Cert: "/env/c.pem", ConnectTimeout: ptr(time.Minute)},
			fileConf: Settings{Cert: "/file/c.pem", CertKey: "/file/k.pem", Insecure: ptr(true)},
			want: Settings{
				MaxRedirects:   ptr(2),
				ConnectTimeout: ptr(time.Second), ReadTimeout: ptr(2 * time.Second),
				Cert:     "/env/c.pem",
				Insecure: ptr(true),
			},
		},
		{
			name:     "proxies merge per key",
			flag:     Settings{Proxies: map[string]string{"https": "http://flag:1"}},
			session:  Settings{Proxies: map[string]string{"https": "http://session:1", "http": "http://session:2"}},
			env:      Settings{Proxies: map[string]string{"all": "http://env:1", "http": "http://env:2"}},
			fileConf: Settings{Proxies: map[string]string{"no_proxy": "localhost"}},
			want: Settings{Proxies: map[string]string{
				"https": "http://flag:1", "http": "http://session:2", "all": "http://env:1", "no_proxy": "localhost",
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Merge(tc.flag, tc.session, tc.env, tc.fileConf)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Merge(flag, session, env, config) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettingsApplyTo(t *testing.T) {
	t.Parallel()
	o := httpclient.Options{CABundle: "/old.pem", ConnectTimeout: time.Hour}
	Settings{Insecure: ptr(true), ReadTimeout: ptr(time.Second), Proxies: map[string]string{"all": "socks5://p:1"}}.ApplyTo(&o)
	want := httpclient.Options{InsecureSkipVerify: true, ConnectTimeout: time.Hour, ReadTimeout: time.Second, Proxies: map[string]string{"all": "socks5://p:1"}}
	if diff := cmp.Diff(want, o, cmp.AllowUnexported(httpclient.Options{})); diff != "" {
		t.Errorf("ApplyTo (-want +got):\n%s", diff)
	}
}

// TestReadMigratesCommandLineSyntax: files written when verify and
// timeout were kept as the command line spells them load into the typed
// fields, and are written back typed.
func TestReadMigratesCommandLineSyntax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content string
		want          Settings
	}{
		{"verify no", `{"version": 1, "verify": "no"}`, Settings{Insecure: ptr(true)}},
		{"verify yes", `{"version": 1, "verify": "yes"}`, Settings{Insecure: ptr(false)}},
		{"verify bundle", `{"version": 1, "verify": "/etc/ca.pem"}`, Settings{Insecure: ptr(false), CABundle: "/etc/ca.pem"}},
		{"one timeout", `{"version": 1, "timeout": "7"}`, Settings{ConnectTimeout: ptr(7 * time.Second), ReadTimeout: ptr(7 * time.Second)}},
		{"two timeouts", `{"version": 1, "timeout": "2.5,10"}`, Settings{ConnectTimeout: ptr(2500 * time.Millisecond), ReadTimeout: ptr(10 * time.Second)}},
		{"typed fields win", `{"version": 1, "timeout": "7", "connect_timeout": 1, "read_timeout": 2}`, Settings{ConnectTimeout: ptr(time.Second), ReadTimeout: ptr(2 * time.Second)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "s.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Lock(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if diff := cmp.Diff(tc.want, f.Session.Settings); diff != "" {
				t.Errorf("settings read from %s (-want +got):\n%s", tc.content, diff)
			}
			if err := f.write(f.Session); err != nil {
				t.Fatal(err)
			}
			again, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, again.Session.Settings); diff != "" {
				t.Errorf("settings after writing back (-want +got):\n%s", diff)
			}
			data, _ := os.ReadFile(path)
			if s := string(data); strings.Contains(s, `"verify"`) || strings.Contains(s, `"timeout"`) {
				t.Errorf("written back in the old syntax:\n%s", s)
			}
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"version": 1, "timeout": "soon"}`), 0o600)
	if _, err := Read(bad); err == nil {
		t.Errorf("Read of a file with timeout \"soon\" succeeded, want an error naming it")
	}
}

func TestParseVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		wantVerify bool
		wantPath   string
	}{
		{"", true, ""}, {"yes", true, ""}, {"True", true, ""}, {"1", true, ""},
		{"no", false, ""}, {"false", false, ""}, {"OFF", false, ""},
		{"/etc/ssl/ca.pem", true, "/etc/ssl/ca.pem"}, {"./yes", true, "./yes"},
	}
	for _, tc := range tests {
		insecure, path := ParseVerify(tc.in)
		if insecure == tc.wantVerify || path != tc.wantPath {
			t.Errorf("ParseVerify(%q) = %v, %q; want insecure %v, %q", tc.in, insecure, path, !tc.wantVerify, tc.wantPath)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in            string
		connect, read time.Duration
		wantErr       bool
	}{
		{in: "5", connect: 5 * time.Second, read: 5 * time.Second},
		{in: "0.25", connect: 250 * time.Millisecond, read: 250 * time.Millisecond},
		{in: "3,0.5", connect: 3 * time.Second, read: 500 * time.Millisecond},
		{in: " 1 , 2 ", connect: time.Second, read: 2 * time.Second},
		{in: "0", connect: 0, read: 0},
		{in: "soon", wantErr: true},
		{in: "1,2,3", wantErr: true},
		{in: ",5", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "inf", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			c, r, err := ParseTimeout(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Errorf("ParseTimeout(%q) = %v, %v, want an error", tc.in, c, r)
				}
				return
			}
			if err != nil || c != tc.connect || r != tc.read {
				t.Errorf("ParseTimeout(%q) = %v, %v, %v; want %v, %v", tc.in, c, r, err, tc.connect, tc.read)
			}
		})
	}
}

func TestAbsIfFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(mustGetwd(t), file)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"", ""},
		{"no", "no"},
		{"yes", "yes"},
		{rel, file},
		{file, file},
		{"missing.pem", "missing.pem"},
	}
	for _, tc := range tests {
		if got := absIfFile(tc.in); got != tc.want {
			t.Errorf("absIfFile(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
