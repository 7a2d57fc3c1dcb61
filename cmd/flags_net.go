package cmd

import (
	"crypto/tls"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/reqs-cli/reqs/pkg/httpclient/sessionfile"
	"github.com/spf13/pflag"
)

// netFlags are the proxy, TLS and connection flags.
type netFlags struct {
	Verify      string
	HTTP1       bool
	HTTP2       bool
	HTTP3       bool
	Proxy       []string
	Cert        string
	CertKey     string
	CertKeyPass string
	SSL         string
	Ciphers     string
	Resolve     []string
	UnixSocket  string
	TrustEnv    bool
	IPv4, IPv6  bool
	Interface   string
	MaxHeaders  int
}

func (f *netFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Verify, "verify", "yes", "verify TLS certificates: yes, no, or a CA bundle `PATH` (file or c_rehash directory)")
	fs.BoolVar(&f.HTTP1, "http1.1", false, "forbid HTTP/2")
	fs.BoolVar(&f.HTTP3, "http3", false, "send https requests over HTTP/3 (QUIC); proxies cannot carry it")
	fs.BoolVar(&f.HTTP2, "http2", false, "use HTTP/2: with prior knowledge (h2c) over plain http; over TLS it is negotiated anyway")
	fs.StringArrayVar(&f.Proxy, "proxy", nil, "use a proxy, `KEY=URL` with KEY http, https, all or SCHEME://HOST (repeatable; HTTPie's http:URL works too)")
	fs.StringVar(&f.Cert, "cert", "", "client certificate `FILE`: PEM (holding the key too unless --cert-key is given) or a PKCS#12 bundle (.p12, .pfx)")
	fs.StringVar(&f.CertKey, "cert-key", "", "private key `FILE` of the client certificate (PEM)")
	fs.StringVar(&f.CertKeyPass, "cert-key-pass", "", "`PASSPHRASE` of an encrypted client key or PKCS#12 bundle (asked for on a terminal when missing)")
	fs.StringVar(&f.SSL, "ssl", "", "pin the TLS `VERSION`: tls1, tls1.1, tls1.2 or tls1.3")
	fs.StringVar(&f.Ciphers, "ciphers", "", "TLS 1.2 cipher `SUITES`, separated by : or , and named as OpenSSL, HTTPie and curl name them (ECDHE-RSA-AES128-GCM-SHA256) or as IANA does; TLS 1.3 suites are not configurable")
	fs.StringArrayVar(&f.Resolve, "resolve", nil, "pin `HOST:PORT:ADDR`: connect to ADDR for HOST:PORT without DNS (repeatable)")
	fs.StringVar(&f.UnixSocket, "unix-socket", "", "send every request over the Unix socket `PATH`")
	fs.BoolVar(&f.TrustEnv, "trust-env", true, "read proxies, netrc and CA bundles from the environment (--trust-env=false ignores them)")
	fs.BoolVarP(&f.IPv4, "ipv4", "4", false, "connect over IPv4 only")
	fs.BoolVarP(&f.IPv6, "ipv6", "6", false, "connect over IPv6 only")
	fs.StringVar(&f.Interface, "interface", "", "bind outgoing connections to an interface `NAME` or local address")
	fs.IntVar(&f.MaxHeaders, "max-headers", 0, "fail on a response with more than `N` header fields (0: no limit)")
}

// apply parses the flags into the transport options and checks them, so
// that a bad proxy URL, --resolve entry, TLS version or cipher name is a
// usage error naming the culprit. Files (CA bundles, certificates) are
// read once, by httpclient.New.
func (f *netFlags) apply(o *httpclient.Options) error {
	o.InsecureSkipVerify, o.CABundle = sessionfile.ParseVerify(f.Verify)
	o.HTTP1, o.HTTP2, o.HTTP3 = f.HTTP1, f.HTTP2, f.HTTP3
	o.Cert, o.CertKey, o.CertKeyPass = f.Cert, f.CertKey, f.CertKeyPass
	if f.SSL != "" {
		v, err := parseTLSVersion(f.SSL)
		if err != nil {
			return usageErrorf("%v", err)
		}
		o.TLSVersion = v
	}
	if f.Ciphers != "" {
		ids, err := parseCipherSuites(f.Ciphers)
		if err != nil {
			return usageErrorf("%v", err)
		}
		o.CipherSuites = ids
	}
	pins, err := parseResolve(f.Resolve)
	if err != nil {
		return usageErrorf("%v", err)
	}
	o.Resolve = append(o.Resolve, pins...)
	o.UnixSocket = f.UnixSocket
	o.IPv4, o.IPv6 = f.IPv4, f.IPv6
	o.Interface = f.Interface
	if f.MaxHeaders < 0 {
		return usageErrorf("invalid --max-headers %d: want 0 (no limit) or more", f.MaxHeaders)
	}
	o.MaxHeaders = f.MaxHeaders
	if f.IPv4 && f.IPv6 {
		return usageErrorf("--ipv4 and --ipv6 cannot be used together")
	}
	if f.HTTP1 && f.HTTP2 {
		return usageErrorf("--http1.1 and --http2 cannot be used together")
	}
	if f.HTTP3 && (f.HTTP1 || f.HTTP2) {
		return usageErrorf("--http3 cannot be used with --http1.1 or --http2")
	}
	if f.HTTP3 && len(f.Proxy) > 0 {
		return usageErrorf("--http3 cannot be used with --proxy: QUIC runs over UDP, which HTTP and SOCKS proxies do not carry")
	}
	for _, p := range f.Proxy {
		key, proxyURL, err := parseProxyFlag(p)
		if err != nil {
			return err
		}
		if o.Proxies == nil {
			o.Proxies = map[string]string{}
		}
		o.Proxies[key] = proxyURL
	}
	if err := o.Validate(); err != nil {
		return usageErrorf("%v", err)
	}
	return nil
}

// tlsVersions are the --ssl names; HTTPie's ssl2.3 means "negotiate".
var tlsVersions = map[string]uint16{
	"tls1": tls.VersionTLS10, "tls1.0": tls.VersionTLS10,
	"tls1.1": tls.VersionTLS11, "tls1.2": tls.VersionTLS12, "tls1.3": tls.VersionTLS13,
	"ssl2.3": 0,
}

func parseTLSVersion(s string) (uint16, error) {
	v, ok := tlsVersions[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, fmt.Errorf("TLS version %q: want tls1, tls1.1, tls1.2 or tls1.3", s)
	}
	return v, nil
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

// parseCipherSuites reads a --ciphers list: suite names separated by ':'
// (OpenSSL's separator), ',' or spaces, each in OpenSSL's spelling
// (ECDHE-RSA-AES128-GCM-SHA256, as HTTPie and curl take them) or Go's
// IANA one (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). OpenSSL's selection
// keywords (HIGH, !aNULL, ECDHE+AESGCM) are not a list of suites and are
// refused by name. Insecure suites are allowed when named. Go does not
// let TLS 1.3 suites be chosen, so naming one is accepted and has no
// effect.
func parseCipherSuites(list string) ([]uint16, error) {
	known := map[string]uint16{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		known[cs.Name] = cs.ID
	}
	var ids []uint16
	for _, name := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ':' || r == ' ' }) {
		upper := strings.ToUpper(name)
		if iana, ok := opensslCipherNames[upper]; ok {
			upper = iana
		}
		id, ok := known[upper]
		switch {
		case ok:
			ids = append(ids, id)
			continue
		case strings.ContainsAny(name, "!+@") || !strings.ContainsAny(name, "-_"):
			return nil, fmt.Errorf("--ciphers %q: %q is an OpenSSL selection keyword, not a cipher suite; list the suites by name, such as ECDHE-RSA-AES128-GCM-SHA256", list, name)
		}
		return nil, fmt.Errorf("--ciphers %q: unknown or unsupported cipher suite %q; name TLS 1.2 suites as OpenSSL does (ECDHE-RSA-AES128-GCM-SHA256) or as IANA does (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", list, name)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("cipher list %q names no suite", list)
	}
	return ids, nil
}

// parseResolve reads curl-style pins, HOST:PORT:ADDR[,ADDR...], where HOST
// may be a bracketed IPv6 address and each ADDR an IP address (IPv6
// brackets optional).
func parseResolve(entries []string) ([]httpclient.ResolveEntry, error) {
	var pins []httpclient.ResolveEntry
	for _, e := range entries {
		bad := fmt.Errorf("resolve entry %q: want HOST:PORT:ADDR", e)
		var host, rest string
		if strings.HasPrefix(e, "[") {
			h, r, ok := strings.Cut(e[1:], "]:")
			if !ok {
				return nil, bad
			}
			host, rest = h, r
		} else {
			var ok bool
			if host, rest, ok = strings.Cut(e, ":"); !ok {
				return nil, bad
			}
		}
		port, addrList, ok := strings.Cut(rest, ":")
		if !ok || host == "" || addrList == "" {
			return nil, bad
		}
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("resolve entry %q: bad port %q", e, port)
		}
		pin := httpclient.ResolveEntry{Host: host, Port: uint16(n)}
		for _, a := range strings.Split(addrList, ",") {
			a = strings.Trim(strings.TrimSpace(a), "[]")
			ip, err := netip.ParseAddr(a)
			if err != nil || ip.Zone() != "" {
				return nil, fmt.Errorf("resolve entry %q: %q is not an IP address", e, a)
			}
			pin.Addrs = append(pin.Addrs, ip)
		}
		pins = append(pins, pin)
	}
	return pins, nil
}

// parseProxyFlag splits a --proxy value: KEY=URL (Requests' proxies dict
// entry) or HTTPie's SCHEME:URL. An empty URL means "no proxy" for KEY,
// which overrides the environment; the key no_proxy takes a no_proxy list.
func parseProxyFlag(s string) (key, proxyURL string, err error) {
	if k, v, ok := strings.Cut(s, "="); ok && isProxyKey(k) {
		return strings.ToLower(k), v, nil
	}
	// "http://proxy:3128" alone is a URL without a key, not http:URL.
	if k, v, ok := strings.Cut(s, ":"); ok && !strings.Contains(k, "=") && !strings.HasPrefix(v, "//") {
		switch strings.ToLower(k) {
		case "http", "https", "all":
			return strings.ToLower(k), v, nil
		}
	}
	return "", "", usageErrorf("--proxy %q: want KEY=URL with KEY http, https, all, SCHEME://HOST or no_proxy", s)
}

// isProxyKey accepts the keys of Requests' proxies dict.
func isProxyKey(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "http", "https", "all", "no_proxy":
		return true
	}
	scheme, host, ok := strings.Cut(k, "://")
	return ok && scheme != "" && host != "" && !strings.ContainsAny(host, "/=") && !strings.ContainsAny(scheme, ":/")
}
