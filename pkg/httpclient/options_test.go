package httpclient

import (
	"crypto/tls"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOptionsConflicts: options that exclude each other are one rule,
// reported as a ConflictError naming the fields, in this order.
func TestOptionsConflicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
		want *ConflictError
	}{
		{"none", Options{HTTP3: true, TLSVersion: tls.VersionTLS13}, nil},
		{"both families", Options{IPv4: true, IPv6: true}, &ConflictError{Option: "IPv4", With: []string{"IPv6"}}},
		{"HTTP/1.1 and HTTP/2", Options{HTTP1: true, HTTP2: true}, &ConflictError{Option: "HTTP1", With: []string{"HTTP2"}}},
		{"HTTP/3 and HTTP/2", Options{HTTP3: true, HTTP2: true}, &ConflictError{Option: "HTTP3", With: []string{"HTTP1", "HTTP2"}}},
		{"HTTP/3 and a Unix socket", Options{HTTP3: true, UnixSocket: "/s"}, &ConflictError{Option: "HTTP3", With: []string{"UnixSocket"}, Reason: "HTTP/3 runs over UDP, not a Unix socket"}},
		{"HTTP/3 and TLS 1.2", Options{HTTP3: true, TLSVersion: tls.VersionTLS12}, &ConflictError{Option: "HTTP3", With: []string{"TLSVersion"}, Reason: "HTTP/3 needs TLS 1.3 (QUIC uses nothing older)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got *ConflictError
			err := tc.o.Validate()
			errors.As(err, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" || (tc.want == nil) != (err == nil) {
				t.Errorf("Validate(%+v) = %v (-want +got):\n%s", tc.o, err, diff)
			}
		})
	}
}

func TestCipherSuite(t *testing.T) {
	t.Parallel()
	if id, ok := CipherSuite("tls_ecdhe_rsa_with_aes_128_gcm_sha256"); !ok || id != tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 {
		t.Errorf("CipherSuite(lower-case name) = %#x, %v", id, ok)
	}
	if _, ok := CipherSuite("TLS_NOPE"); ok {
		t.Errorf("CipherSuite(TLS_NOPE) found a suite")
	}
}

func TestCipherSuiteOpenSSLName(t *testing.T) {
	t.Parallel()
	if id, ok := CipherSuite("ecdhe-rsa-aes128-gcm-sha256"); !ok || id != tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 {
		t.Errorf("CipherSuite(OpenSSL name) = %#x, %v", id, ok)
	}
}

// Every OpenSSL name in the table names a suite Go implements.
func TestOpenSSLCipherNamesAreGoSuites(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		known[cs.Name] = true
	}
	for openssl, iana := range opensslCipherNames {
		if !known[iana] {
			t.Errorf("opensslCipherNames[%q] = %q, which Go does not implement", openssl, iana)
		}
	}
	if n := len(opensslCipherNames); n < len(known)-3 { // the three TLS 1.3 suites share their IANA names
		t.Errorf("opensslCipherNames has %d names for Go's %d suites", n, len(known))
	}
}

// OpenSSLCipherName gives back the name CipherSuite takes, for every
// TLS 1.2 suite, and nothing for a TLS 1.3 one.
func TestOpenSSLCipherNameRoundTrips(t *testing.T) {
	t.Parallel()
	for openssl := range opensslCipherNames {
		id, _ := CipherSuite(openssl)
		if got, ok := OpenSSLCipherName(id); !ok || got != openssl {
			t.Errorf("OpenSSLCipherName(%#x) = %q, %v; want %q", id, got, ok, openssl)
		}
	}
	if got, ok := OpenSSLCipherName(tls.TLS_AES_128_GCM_SHA256); ok {
		t.Errorf("OpenSSLCipherName(TLS 1.3 suite) = %q", got)
	}
}
