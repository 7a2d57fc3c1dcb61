package sessionfile

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// Settings are the Requests session defaults a session keeps besides its
// headers, credentials and cookies: proxies, TLS verification, a client
// certificate, timeouts and the redirect limit. Each is a key of its own
// that is either set or not, so that settings from several sources can be
// layered with [Merge]: verify (Insecure and CABundle), cert (Cert and
// CertKey), timeout (ConnectTimeout and ReadTimeout), max redirects, and
// each proxy key.
type Settings struct {
	// Proxies maps Requests' proxy keys (http, https, all,
	// scheme://host, no_proxy) to proxy URLs; an empty URL means no
	// proxy for that key.
	Proxies map[string]string `json:"proxies,omitempty"`
	// Insecure, when set, says whether TLS certificates go unchecked.
	Insecure *bool `json:"insecure,omitempty"`
	// CABundle is a CA bundle file or c_rehash directory to verify
	// against instead of the system roots.
	CABundle string `json:"ca_bundle,omitempty"`
	// Cert and CertKey are the client certificate and key files.
	Cert    string `json:"cert,omitempty"`
	CertKey string `json:"cert_key,omitempty"`
	// ConnectTimeout and ReadTimeout bound connecting and the wait for
	// each read; 0 is no limit. A file stores them in seconds.
	ConnectTimeout *time.Duration `json:"-"`
	ReadTimeout    *time.Duration `json:"-"`
	// MaxRedirects bounds the redirects one request follows.
	MaxRedirects *int `json:"max_redirects,omitempty"`
}

// HasVerify reports whether the verify key is set.
func (s Settings) HasVerify() bool { return s.Insecure != nil || s.CABundle != "" }

// HasCert reports whether the cert key is set.
func (s Settings) HasCert() bool { return s.Cert != "" }

// HasTimeout reports whether the timeout key is set.
func (s Settings) HasTimeout() bool { return s.ConnectTimeout != nil || s.ReadTimeout != nil }

// IsZero reports whether no key is set.
func (s Settings) IsZero() bool {
	return len(s.Proxies) == 0 && !s.HasVerify() && !s.HasCert() && !s.HasTimeout() && s.MaxRedirects == nil
}

// Merge layers settings, strongest first: for each key the first layer
// that sets it wins, and proxies merge per proxy key, as Requests merges
// a request's proxies over its session's. A command line's settings go
// first, then a stored session's, then the environment's, then a config
// file's, so a session's defaults beat everything but what is typed.
func Merge(layers ...Settings) Settings {
	var out Settings
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		if len(l.Proxies) > 0 {
			if out.Proxies == nil {
				out.Proxies = map[string]string{}
			}
			maps.Copy(out.Proxies, l.Proxies)
		}
		if l.HasVerify() {
			out.Insecure, out.CABundle = l.Insecure, l.CABundle
		}
		if l.HasCert() {
			out.Cert, out.CertKey = l.Cert, l.CertKey
		}
		if l.HasTimeout() {
			out.ConnectTimeout, out.ReadTimeout = l.ConnectTimeout, l.ReadTimeout
		}
		if l.MaxRedirects != nil {
			out.MaxRedirects = l.MaxRedirects
		}
	}
	return out
}

// ApplyTo sets the transport options of the keys s sets: the options a
// session is built with ([httpclient.New]). The redirect limit is the
// session's own field, which [File.Apply] sets.
func (s Settings) ApplyTo(o *httpclient.Options) {
	if len(s.Proxies) > 0 {
		o.Proxies = maps.Clone(s.Proxies)
	}
	if s.HasVerify() {
		o.InsecureSkipVerify = s.Insecure != nil && *s.Insecure
		o.CABundle = s.CABundle
	}
	if s.HasCert() {
		o.Cert, o.CertKey = s.Cert, s.CertKey
	}
	if s.ConnectTimeout != nil {
		o.ConnectTimeout = *s.ConnectTimeout
	}
	if s.ReadTimeout != nil {
		o.ReadTimeout = *s.ReadTimeout
	}
}

// keep stores the keys given sets over s's: proxies per key, the others
// whole. Files named by a relative path are stored absolute, so that the
// session works from another directory.
func (s *Settings) keep(given Settings) {
	if len(given.Proxies) > 0 {
		if s.Proxies == nil {
			s.Proxies = map[string]string{}
		}
		maps.Copy(s.Proxies, given.Proxies)
	}
	if given.HasVerify() {
		s.Insecure, s.CABundle = given.Insecure, absIfFile(given.CABundle)
	}
	if given.HasCert() {
		s.Cert, s.CertKey = absIfFile(given.Cert), absIfFile(given.CertKey)
	}
	if given.HasTimeout() {
		s.ConnectTimeout, s.ReadTimeout = given.ConnectTimeout, given.ReadTimeout
	}
	if given.MaxRedirects != nil {
		s.MaxRedirects = given.MaxRedirects
	}
}

// absIfFile makes a path that names an existing file absolute; other
// values are kept as they are.
func absIfFile(p string) string {
	if p == "" {
		return p
	}
	if _, err := os.Stat(p); err != nil {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// legacySettings are the fields of files written before the settings were
// typed: verify and timeout in the command line's syntax.
type legacySettings struct {
	Verify  string `json:"verify"`
	Timeout string `json:"timeout"`
}

// migrate reads legacy fields into s where s does not set the key itself.
func (s *Settings) migrate(l legacySettings) error {
	if l.Verify != "" && !s.HasVerify() {
		insecure, ca := ParseVerify(l.Verify)
		s.Insecure, s.CABundle = &insecure, ca
	}
	if l.Timeout != "" && !s.HasTimeout() {
		c, r, err := ParseTimeout(l.Timeout)
		if err != nil {
			return fmt.Errorf("timeout %q: %w", l.Timeout, err)
		}
		s.ConnectTimeout, s.ReadTimeout = &c, &r
	}
	return nil
}

// ParseVerify reads a verify value as Requests' verify argument and
// HTTPie's --verify take it: yes, true, 1 or on (or empty) check
// certificates against the system roots, no, false, 0 or off do not
// check them, and anything else is a CA bundle path (./yes names a file
// called yes).
func ParseVerify(v string) (insecure bool, caBundle string) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "yes", "true", "1", "on":
		return false, ""
	case "no", "false", "0", "off":
		return true, ""
	}
	return false, v
}

// ParseTimeout reads a timeout as "S" (both timeouts) or "CONNECT,READ",
// in seconds, as Requests' (connect, read) tuple; 0 means no limit.
func ParseTimeout(s string) (connect, read time.Duration, err error) {
	parts := strings.Split(s, ",")
	if len(parts) > 2 {
		return 0, 0, errors.New("want SECONDS or CONNECT,READ")
	}
	var ds []time.Duration
	for _, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v > 1e9 || v != v {
			return 0, 0, fmt.Errorf("%q is not a number of seconds", p)
		}
		ds = append(ds, time.Duration(v*float64(time.Second)))
	}
	if len(ds) == 1 {
		return ds[0], ds[0], nil
	}
	return ds[0], ds[1], nil
}

// diskSession is a Session as a file holds it: timeouts in seconds.
type diskSession struct {
	Session        `json:",inline"`
	ConnectTimeout *float64 `json:"connect_timeout,omitempty"`
	ReadTimeout    *float64 `json:"read_timeout,omitempty"`
}

// toDisk is s as a file holds it.
func toDisk(s *Session) *diskSession {
	d := &diskSession{Session: *s}
	d.ConnectTimeout, d.ReadTimeout = seconds(s.Settings.ConnectTimeout), seconds(s.Settings.ReadTimeout)
	return d
}

// fromDisk is the Session d holds.
func (d *diskSession) fromDisk() *Session {
	s := d.Session
	s.Settings.ConnectTimeout, s.Settings.ReadTimeout = duration(d.ConnectTimeout), duration(d.ReadTimeout)
	return &s
}

func seconds(d *time.Duration) *float64 {
	if d == nil {
		return nil
	}
	v := d.Seconds()
	return &v
}

func duration(v *float64) *time.Duration {
	if v == nil {
		return nil
	}
	d := time.Duration(*v * float64(time.Second))
	return &d
}
