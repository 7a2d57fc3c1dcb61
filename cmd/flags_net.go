package cmd

import (
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
	"github.com/spf13/pflag"
)

// netFlags are the proxy, TLS and connection flags (SPEC §3).
type netFlags struct {
	Verify      string
	HTTP1       bool
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
}

func (f *netFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Verify, "verify", "yes", "verify TLS certificates: yes, no, or a CA bundle `PATH` (file or c_rehash directory)")
	fs.BoolVar(&f.HTTP1, "http1.1", false, "forbid HTTP/2")
	fs.StringArrayVar(&f.Proxy, "proxy", nil, "use a proxy, `KEY=URL` with KEY http, https, all or SCHEME://HOST (repeatable; HTTPie's http:URL works too)")
	fs.StringVar(&f.Cert, "cert", "", "client certificate `FILE` (PEM; holds the key too unless --cert-key is given)")
	fs.StringVar(&f.CertKey, "cert-key", "", "private key `FILE` of the client certificate (PEM)")
	fs.StringVar(&f.CertKeyPass, "cert-key-pass", "", "`PASSPHRASE` of an encrypted client key")
	fs.StringVar(&f.SSL, "ssl", "", "pin the TLS `VERSION`: tls1, tls1.1, tls1.2 or tls1.3")
	fs.StringVar(&f.Ciphers, "ciphers", "", "TLS 1.2 cipher suites as Go names them, comma-separated (TLS 1.3 suites are not configurable)")
	fs.StringArrayVar(&f.Resolve, "resolve", nil, "pin `HOST:PORT:ADDR`: connect to ADDR for HOST:PORT without DNS (repeatable)")
	fs.StringVar(&f.UnixSocket, "unix-socket", "", "send every request over the Unix socket `PATH`")
	fs.BoolVar(&f.TrustEnv, "trust-env", true, "read proxies, netrc and CA bundles from the environment (--trust-env=false ignores them)")
	fs.BoolVarP(&f.IPv4, "ipv4", "4", false, "connect over IPv4 only")
	fs.BoolVarP(&f.IPv6, "ipv6", "6", false, "connect over IPv6 only")
	fs.StringVar(&f.Interface, "interface", "", "bind outgoing connections to an interface `NAME` or local address")
}

// trustEnv reports whether the environment may supply proxies, netrc and
// CA bundles (Requests' Session.trust_env).
func (f *netFlags) trustEnv() bool { return f.TrustEnv }

// apply copies the flags into the transport options and checks them, so
// that an unreadable CA bundle or certificate, a bad proxy URL or a bad
// --resolve entry is a usage error naming the culprit.
func (f *netFlags) apply(o *httpclient.Options) error {
	o.TrustEnv = f.TrustEnv
	o.Verify = f.Verify
	o.HTTP1 = f.HTTP1
	o.Cert, o.CertKey, o.CertKeyPass = f.Cert, f.CertKey, f.CertKeyPass
	o.TLSVersion = f.SSL
	o.Ciphers = f.Ciphers
	o.Resolve = append(o.Resolve, f.Resolve...)
	o.UnixSocket = f.UnixSocket
	o.IPv4, o.IPv6 = f.IPv4, f.IPv6
	o.Interface = f.Interface
	if f.IPv4 && f.IPv6 {
		return usageErrorf("--ipv4 and --ipv6 cannot be used together")
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
