package cmd

import (
	"crypto/tls"
	"errors"
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

// options parses the flags into transport options and checks them, so
// that a bad proxy URL, --resolve entry, TLS version or cipher name, or
// options that exclude each other, is a usage error naming the flags.
// Files (CA bundles, certificates) are read once, by httpclient.New.
func (f *netFlags) options() (httpclient.Options, error) {
	var o httpclient.Options
	o.InsecureSkipVerify, o.CABundle = sessionfile.ParseVerify(f.Verify)
	o.HTTP1, o.HTTP2, o.HTTP3 = f.HTTP1, f.HTTP2, f.HTTP3
	o.Cert, o.CertKey, o.CertKeyPass = f.Cert, f.CertKey, f.CertKeyPass
	if f.SSL != "" {
		v, err := parseTLSVersion(f.SSL)
		if err != nil {
			return o, usageErrorf("%v", err)
		}
		o.TLSVersion = v
	}
	if f.Ciphers != "" {
		ids, err := parseCipherSuites(f.Ciphers)
		if err != nil {
			return o, usageErrorf("%v", err)
		}
		o.CipherSuites = ids
	}
	pins, err := parseResolve(f.Resolve)
	if err != nil {
		return o, usageErrorf("%v", err)
	}
	o.Resolve = pins
	o.UnixSocket = f.UnixSocket
	o.IPv4, o.IPv6 = f.IPv4, f.IPv6
	o.Interface = f.Interface
	if f.MaxHeaders < 0 {
		return o, usageErrorf("invalid --max-headers %d: want 0 (no limit) or more", f.MaxHeaders)
	}
	o.MaxHeaders = f.MaxHeaders
	if f.HTTP3 && len(f.Proxy) > 0 && !f.HTTP1 && !f.HTTP2 {
		return o, usageErrorf("--http3 cannot be used with --proxy: QUIC runs over UDP, which HTTP and SOCKS proxies do not carry")
	}
	for _, p := range f.Proxy {
		key, proxyURL, err := parseProxyFlag(p)
		if err != nil {
			return o, err
		}
		if o.Proxies == nil {
			o.Proxies = map[string]string{}
		}
		o.Proxies[key] = proxyURL
	}
	var conflict *httpclient.ConflictError
	switch err := o.Validate(); {
	case errors.As(err, &conflict):
		return o, conflictError(conflict)
	case err != nil:
		return o, usageErrorf("%v", err)
	}
	return o, nil
}

// optionFlags are the flags of the Options fields a ConflictError names.
var optionFlags = map[string]string{
	"IPv4": "--ipv4", "IPv6": "--ipv6", "HTTP1": "--http1.1", "HTTP2": "--http2", "HTTP3": "--http3",
	"UnixSocket": "--unix-socket", "TLSVersion": "--ssl",
}

// conflictError words options that exclude each other as the flags
// that set them: "--ipv4 and --ipv6 cannot be used together" for a pair,
// "--http3 cannot be used with --http1.1 or --http2" otherwise.
func conflictError(c *httpclient.ConflictError) error {
	with := make([]string, len(c.With))
	for i, w := range c.With {
		with[i] = optionFlags[w]
	}
	if len(with) == 1 && c.Reason == "" {
		return usageErrorf("%s and %s cannot be used together", optionFlags[c.Option], with[0])
	}
	msg := optionFlags[c.Option] + " cannot be used with " + strings.Join(with, " or ")
	if c.Reason != "" {
		msg += ": " + c.Reason
	}
	return usageErrorf("%s", msg)
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

// parseCipherSuites reads a --ciphers list: suite names separated by ':'
// (OpenSSL's separator), ',' or spaces, in OpenSSL's spelling
// (ECDHE-RSA-AES128-GCM-SHA256, as HTTPie and curl take them) or the
// IANA one (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); httpclient.CipherSuite
// knows both. OpenSSL's selection keywords (HIGH, !aNULL, ECDHE+AESGCM)
// are not a list of suites and are refused by name. Insecure suites are
// allowed when named. Go does not let TLS 1.3 suites be chosen, so naming
// one is accepted and has no effect.
func parseCipherSuites(list string) ([]uint16, error) {
	var ids []uint16
	for _, name := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ':' || r == ' ' }) {
		id, ok := httpclient.CipherSuite(name)
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
