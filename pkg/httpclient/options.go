package httpclient

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Options configure a session's transport: TLS, proxies, timeouts and
// connection pinning. The values are typed (parsing a command line's
// syntax is the caller's job), and the zero value verifies TLS against
// the system roots, negotiates the TLS version and uses no timeout.
// Settings from the environment are the Session's (TrustEnv).
type Options struct {
	// InsecureSkipVerify turns certificate verification off (Requests'
	// verify=False).
	InsecureSkipVerify bool
	// CABundle verifies against only the certificates of this PEM bundle
	// file or c_rehash directory (Requests' verify=PATH); empty uses the
	// system roots, or with Session.TrustEnv the bundle
	// REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names.
	CABundle string
	// Cert is a PEM client certificate (with its key unless CertKey is set).
	Cert, CertKey, CertKeyPass string
	// TLSVersion pins one version (tls.VersionTLS12, ...); 0 negotiates.
	TLSVersion uint16
	// CipherSuites restricts the TLS 1.2 cipher suites, by ID (see
	// [tls.CipherSuites]; insecure ones are allowed when listed); nil
	// keeps Go's defaults. TLS 1.3 suites are not configurable in Go.
	CipherSuites []uint16
	// HTTP1 forbids HTTP/2.
	HTTP1 bool
	// HTTP2 sends plain-http requests over HTTP/2 with prior knowledge
	// (h2c, RFC 9113 §3.3), directly or through a SOCKS proxy; an HTTP
	// proxy is still spoken to in HTTP/1.1. Over TLS, HTTP/2 is negotiated
	// either way.
	HTTP2 bool
	// HTTP3 sends https requests over HTTP/3 (QUIC, RFC 9114) with the
	// same TLS settings, --resolve pins, address family, interface and
	// timeouts. Plain-http requests (a redirect to http://) still go over
	// TCP, and a request that a proxy applies to fails with ErrProxy:
	// QUIC's UDP cannot go through HTTP or SOCKS proxies.
	HTTP3 bool
	// Proxies maps Requests' proxy keys (http, https, all, scheme://host)
	// to proxy URLs; explicit entries beat the environment. An empty URL
	// means a direct connection. The key "no_proxy" holds a no_proxy list
	// that applies to these proxies and replaces the environment's.
	Proxies map[string]string
	// Resolve pins host names to addresses, like curl's --resolve.
	Resolve []ResolveEntry
	// UnixSocket sends every request over this Unix socket.
	UnixSocket string
	// ConnectTimeout bounds each connection attempt; ReadTimeout the wait
	// for each read of headers and body. Zero means no limit.
	ConnectTimeout, ReadTimeout time.Duration
	// IPv4 and IPv6 restrict connections to that address family.
	IPv4, IPv6 bool
	// Interface binds outgoing connections to a local interface, by name
	// (eth0) or address.
	Interface string
	// MaxHeaders is the most header fields a response may have, as
	// HTTPie's --max-headers (Python's http.client limit); a response with
	// more fails with ErrConnection. Zero means no limit beyond the
	// 10 MiB a response head may take.
	MaxHeaders int
}

// ResolveEntry pins Host:Port to Addrs, skipping DNS (curl's --resolve).
type ResolveEntry struct {
	Host  string
	Port  uint16
	Addrs []netip.Addr
}

// Validate reports the first option that cannot be used without reading
// any file: a bad proxy URL or key, a resolve entry without host, port or
// address, an unknown TLS version or cipher suite, both address families,
// a key without a certificate, an unknown interface. Unreadable CA
// bundles and certificates are New's errors: they are read once, there.
func (o Options) Validate() error {
	if err := o.conflict(); err != nil {
		return err
	}
	if o.MaxHeaders < 0 {
		return fmt.Errorf("the most header fields allowed is %d; want 0 (no limit) or more", o.MaxHeaders)
	}
	if o.CertKey != "" && o.Cert == "" {
		return fmt.Errorf("client key %s given without a certificate", o.CertKey)
	}
	if o.TLSVersion != 0 && !slices.Contains([]uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13}, o.TLSVersion) {
		return fmt.Errorf("TLS version %#04x is not one Go speaks", o.TLSVersion)
	}
	if o.CipherSuites != nil && len(o.CipherSuites) == 0 {
		return errors.New("the cipher suite list is empty")
	}
	for _, id := range o.CipherSuites {
		if !knownCipherSuite(id) {
			return fmt.Errorf("unknown cipher suite %#04x", id)
		}
	}
	for _, e := range o.Resolve {
		if e.Host == "" || e.Port == 0 || len(e.Addrs) == 0 {
			return fmt.Errorf("resolve entry %+v: want a host, a port and an address", e)
		}
	}
	if _, err := newProxySelector(o.Proxies); err != nil {
		return err
	}
	if o.Interface != "" {
		if _, _, err := interfaceAddrs(o.Interface); err != nil {
			return err
		}
	}
	return nil
}

// ConflictError is an option that cannot go with others. Option and
// With are the names of Options fields; Reason says why, when it is not
// plain.
type ConflictError struct {
	Option string
	With   []string
	Reason string
}

func (e *ConflictError) Error() string {
	msg := e.Option + " cannot be used with " + strings.Join(e.With, " or ")
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// conflict returns the first pair of options that exclude each other.
func (o Options) conflict() error {
	switch {
	case o.IPv4 && o.IPv6:
		return &ConflictError{Option: "IPv4", With: []string{"IPv6"}}
	case o.HTTP1 && o.HTTP2:
		return &ConflictError{Option: "HTTP1", With: []string{"HTTP2"}}
	case !o.HTTP3:
		return nil
	case o.HTTP1 || o.HTTP2:
		return &ConflictError{Option: "HTTP3", With: []string{"HTTP1", "HTTP2"}}
	case o.UnixSocket != "":
		return &ConflictError{Option: "HTTP3", With: []string{"UnixSocket"}, Reason: "HTTP/3 runs over UDP, not a Unix socket"}
	case o.TLSVersion != 0 && o.TLSVersion != tls.VersionTLS13:
		return &ConflictError{Option: "HTTP3", With: []string{"TLSVersion"}, Reason: "HTTP/3 needs TLS 1.3 (QUIC uses nothing older)"}
	}
	return nil
}

// CipherSuite returns the ID of the TLS cipher suite name names, in any
// case: its IANA name, which Go uses (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
// or its OpenSSL name, which HTTPie and curl take
// (ECDHE-RSA-AES128-GCM-SHA256). Insecure suites are included.
func CipherSuite(name string) (uint16, bool) {
	if iana, ok := opensslCipherNames[strings.ToUpper(name)]; ok {
		name = iana
	}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if strings.EqualFold(cs.Name, name) {
			return cs.ID, true
		}
	}
	return 0, false
}

// OpenSSLCipherName returns the OpenSSL name of the TLS 1.2 cipher suite
// id (ECDHE-RSA-AES128-GCM-SHA256), the spelling CipherSuite takes besides
// the IANA one; ok is false for a suite OpenSSL names no differently or
// Go does not implement.
func OpenSSLCipherName(id uint16) (name string, ok bool) {
	iana := tls.CipherSuiteName(id)
	for openssl, n := range opensslCipherNames {
		if n == iana {
			return openssl, true
		}
	}
	return "", false
}

// knownCipherSuite reports whether Go implements the suite id.
func knownCipherSuite(id uint16) bool {
	return slices.ContainsFunc(append(tls.CipherSuites(), tls.InsecureCipherSuites()...), func(cs *tls.CipherSuite) bool { return cs.ID == id })
}

// opensslCipherNames are the OpenSSL names of the TLS 1.2 suites Go
// implements, the spelling HTTPie's and curl's --ciphers take, with
// their IANA names, which Go uses.
var opensslCipherNames = map[string]string{
	"RC4-SHA":                       "TLS_RSA_WITH_RC4_128_SHA",
	"DES-CBC3-SHA":                  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"AES128-SHA":                    "TLS_RSA_WITH_AES_128_CBC_SHA",
	"AES256-SHA":                    "TLS_RSA_WITH_AES_256_CBC_SHA",
	"AES128-SHA256":                 "TLS_RSA_WITH_AES_128_CBC_SHA256",
	"AES128-GCM-SHA256":             "TLS_RSA_WITH_AES_128_GCM_SHA256",
	"AES256-GCM-SHA384":             "TLS_RSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-ECDSA-RC4-SHA":           "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
	"ECDHE-ECDSA-AES128-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"ECDHE-ECDSA-AES256-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"ECDHE-RSA-RC4-SHA":             "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
	"ECDHE-RSA-DES-CBC3-SHA":        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
	"ECDHE-RSA-AES128-SHA":          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"ECDHE-RSA-AES256-SHA":          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"ECDHE-ECDSA-AES128-SHA256":     "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"ECDHE-RSA-AES128-SHA256":       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"ECDHE-RSA-AES128-GCM-SHA256":   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-ECDSA-AES128-GCM-SHA256": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-RSA-AES256-GCM-SHA384":   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-ECDSA-AES256-GCM-SHA384": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-RSA-CHACHA20-POLY1305":   "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-ECDSA-CHACHA20-POLY1305": "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
}
