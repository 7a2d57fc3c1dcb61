package testserver

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// Proxy and SOCKS credentials of the fixtures that require them.
const (
	ProxyUser     = "proxyuser"
	ProxyPassword = "proxypass"
	SOCKSUser     = "socksuser"
	SOCKSPassword = "sockspass"
)

// Log files the fixtures' proxies write in the work directory, one line
// per accepted request (see [ProxyConfig.LogPath], [SOCKS5Config.LogPath]).
const (
	ProxyLogName     = "proxy.log"
	ProxyAuthLogName = "proxy-auth.log"
	ProxyTLSLogName  = "proxy-tls.log"
	SOCKSLogName     = "socks.log"
	SOCKSAuthLogName = "socks-auth.log"
	SOCKS4LogName    = "socks4.log"
)

// maxUnixSocketPath keeps socket paths under the 108-byte sun_path limit.
const maxUnixSocketPath = 100

// Fixtures is the full set of servers one end-to-end scenario runs against,
// all on loopback. See [StartFixtures] for what each is.
type Fixtures struct {
	// Fault is the handler shared by the FAULT* and TLS_* servers.
	Fault *Fault
	// Counters count requests by path per server: "httpbin" (HTTPBIN and
	// HTTPBIN_ALT), "httpbin-tls", "unix", and "fault" (all the servers of
	// Fault).
	Counters map[string]*Counter

	env     [][2]string
	closers []func()
}

// Env returns the environment variables that describe the fixtures, as
// "NAME=value" in a stable order.
func (f *Fixtures) Env() []string {
	out := make([]string, len(f.env))
	for i, kv := range f.env {
		out[i] = kv[0] + "=" + kv[1]
	}
	return out
}

// Getenv returns the value of one of the fixtures' variables ("" if unknown).
func (f *Fixtures) Getenv(name string) string {
	for _, kv := range f.env {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

func (f *Fixtures) setenv(name, value string) { f.env = append(f.env, [2]string{name, value}) }

// Close stops every server, in the reverse order of their start.
func (f *Fixtures) Close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
	f.closers = nil
}

// StartFixtures starts, for one scenario whose work directory is workDir,
// the servers below, writes the TLS files into workDir/tls and the proxy
// logs into workDir, and describes everything with these variables:
//
//	HTTPBIN           http://127.0.0.1:PORT, go-httpbin
//	HTTPBIN_ALT       http://localhost:PORT, the same server under another host name
//	HTTPBIN_HOST      127.0.0.1:PORT
//	HTTPBIN_PORT      PORT
//	HTTPBIN_TLS       https://127.0.0.1:PORT, go-httpbin over TLS (h2 and http/1.1)
//	HTTPBIN_TLS_HOST  127.0.0.1:PORT
//	HTTPBIN_TLS_PORT  PORT
//	FAULT             http://127.0.0.1:PORT, the Fault routes, else go-httpbin; also h2c (HTTP/2 with prior knowledge)
//	FAULT_ALT         http://localhost:PORT, the same server under another host name
//	FAULT_HOST        127.0.0.1:PORT
//	FAULT_WS          ws://127.0.0.1:PORT, FAULT's WebSocket routes (/ws/...)
//	FAULT_TLS         https://127.0.0.1:PORT, the same Fault handler over TLS
//	FAULT_WSS         wss://127.0.0.1:PORT, the same server as FAULT_TLS
//	FAULT_TLS_PORT    PORT
//	FAULT_TLS12       https://127.0.0.1:PORT, the same, TLS 1.2 at most
//	TLS_EXPIRED       https://127.0.0.1:PORT, a leaf that expired on 2021-01-01
//	TLS_WRONGHOST     https://localhost:PORT, a leaf valid only for other.example
//	TLS_MTLS          https://127.0.0.1:PORT, requires a client certificate from the test CA
//	TLS_MTLS_WSS      wss://127.0.0.1:PORT, the same server as TLS_MTLS
//	FAULT_H3          https://127.0.0.1:PORT, the same Fault handler over HTTP/3 (QUIC on UDP PORT)
//	FAULT_H3_PORT     PORT
//	H3_MTLS           https://127.0.0.1:PORT, HTTP/3 requiring a client certificate from the test CA
//	CA_FILE           PEM of the test CA, which signed every server leaf
//	CA_DIR            c_rehash-style directory: the CA as <OpenSSL subject hash>.0
//	OTHER_CA_FILE     PEM of an unrelated CA (verification with it fails)
//	CLIENT_CERT       client certificate (PEM), accepted by TLS_MTLS
//	CLIENT_KEY        its key, unencrypted PKCS#8 PEM
//	CLIENT_KEY_ENC    its key, encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY")
//	CLIENT_KEY_PASS   the password of CLIENT_KEY_ENC
//	CLIENT_PEM        certificate and unencrypted key in one file
//	CLIENT_P12        certificate, key and CA as PKCS#12, password CLIENT_KEY_PASS
//	CLIENT_P12_NOPASS certificate and key as PKCS#12 (.pfx) with an empty password
//	PROXY             http://127.0.0.1:PORT, HTTP proxy (absolute-form and CONNECT), log proxy.log
//	PROXY_HOST        127.0.0.1:PORT
//	PROXY_AUTH        http://127.0.0.1:PORT, the same but requires Basic proxy auth, log proxy-auth.log
//	PROXY_AUTH_HOST   127.0.0.1:PORT
//	PROXY_USER        proxyuser
//	PROXY_PASS        proxypass
//	PROXY_TLS         https://127.0.0.1:PORT, an HTTP proxy reached over TLS, log proxy-tls.log
//	SOCKS             socks5://127.0.0.1:PORT, SOCKS5 without auth, log socks.log
//	SOCKS_HOST        127.0.0.1:PORT (for socks5h://$SOCKS_HOST)
//	SOCKS_AUTH        socks5://127.0.0.1:PORT, SOCKS5 with username/password, log socks-auth.log
//	SOCKS_AUTH_HOST   127.0.0.1:PORT
//	SOCKS_USER        socksuser
//	SOCKS_PASS        sockspass
//	SOCKS4            socks4://127.0.0.1:PORT, SOCKS4 and SOCKS4a, log socks4.log
//	SOCKS4_HOST       127.0.0.1:PORT (for socks4a://$SOCKS4_HOST)
//	SOCKS4_USER_HOST  127.0.0.1:PORT, SOCKS4/4a that accepts only the user ID socksuser (reply 93 otherwise)
//	NEVER_ACCEPT      127.0.0.1:PORT whose connections never complete (connect timeouts)
//	UNIX_SOCKET       path of a Unix socket serving go-httpbin
//	RAW               http://127.0.0.1:PORT, RawServer: request heads byte for byte, raw response heads
//	RAW_HOST          127.0.0.1:PORT
//	RAW_TLS           https://127.0.0.1:PORT, the same over TLS (HTTP/1.1)
//	RAW_TLS_HOST      127.0.0.1:PORT
//	RAW_H2            https://127.0.0.1:PORT, RawH2Server: HTTP/2 only, fixed response header order
//	RAW_H2C           http://127.0.0.1:PORT, RawH2Server over h2c (prior knowledge)
//
// All server leaves are also valid for localhost, ::1, reqs.test and
// www.reqs.test. On error, whatever was started is stopped.
func StartFixtures(workDir string) (_ *Fixtures, err error) {
	f := &Fixtures{Counters: map[string]*Counter{}}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	pki, err := SharedPKI()
	if err != nil {
		return nil, err
	}
	files, err := pki.WriteFiles(filepath.Join(workDir, "tls"))
	if err != nil {
		return nil, err
	}
	serverTLS := &tls.Config{Certificates: []tls.Certificate{pki.Server}}

	start := func(h http.Handler, cfg ServerConfig) (*Server, error) {
		s, err := StartServer(h, cfg)
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, s.Close)
		return s, nil
	}
	newHTTPBin := func(counter string) http.Handler {
		c := &Counter{}
		f.Counters[counter] = c
		return c.Wrap(httpbin.New(httpbin.WithMaxBodySize(64<<20), httpbin.WithHostname("reqs-test")))
	}

	hb, err := start(newHTTPBin("httpbin"), ServerConfig{})
	if err != nil {
		return nil, err
	}
	f.setenv("HTTPBIN", hb.URL)
	f.setenv("HTTPBIN_ALT", altURL(hb))
	f.setenv("HTTPBIN_HOST", hb.Addr)
	f.setenv("HTTPBIN_PORT", strconv.Itoa(hb.Port))

	hbTLS, err := start(newHTTPBin("httpbin-tls"), ServerConfig{TLS: serverTLS, HTTP2: true})
	if err != nil {
		return nil, err
	}
	f.setenv("HTTPBIN_TLS", hbTLS.URL)
	f.setenv("HTTPBIN_TLS_HOST", hbTLS.Addr)
	f.setenv("HTTPBIN_TLS_PORT", strconv.Itoa(hbTLS.Port))

	f.Fault = NewFault(httpbin.New(httpbin.WithMaxBodySize(64<<20), httpbin.WithHostname("reqs-test")))
	f.Counters["fault"] = f.Fault.Counter()
	fault, err := start(f.Fault, ServerConfig{HTTP2: true})
	if err != nil {
		return nil, err
	}
	f.setenv("FAULT", fault.URL)
	f.setenv("FAULT_ALT", altURL(fault))
	f.setenv("FAULT_HOST", fault.Addr)
	f.setenv("FAULT_WS", "ws://"+fault.Addr)

	tls12 := serverTLS.Clone()
	tls12.MaxVersion = tls.VersionTLS12
	mtls := serverTLS.Clone()
	mtls.ClientAuth = tls.RequireAndVerifyClientCert
	mtls.ClientCAs = pki.Pool()
	for _, v := range []struct {
		name string
		cfg  *tls.Config
	}{
		{"FAULT_TLS", serverTLS},
		{"FAULT_TLS12", tls12},
		{"TLS_EXPIRED", &tls.Config{Certificates: []tls.Certificate{pki.Expired}}},
		{"TLS_WRONGHOST", &tls.Config{Certificates: []tls.Certificate{pki.WrongHost}}},
		{"TLS_MTLS", mtls},
	} {
		s, err := start(f.Fault, ServerConfig{TLS: v.cfg, HTTP2: true})
		if err != nil {
			return nil, err
		}
		switch v.name {
		case "TLS_WRONGHOST":
			// By name, so the hostname error lists the certificate's names.
			f.setenv(v.name, altURL(s))
		case "FAULT_TLS":
			f.setenv(v.name, s.URL)
			f.setenv("FAULT_WSS", "wss://"+s.Addr)
			f.setenv("FAULT_TLS_PORT", strconv.Itoa(s.Port))
		case "TLS_MTLS":
			f.setenv(v.name, s.URL)
			f.setenv("TLS_MTLS_WSS", "wss://"+s.Addr)
		default:
			f.setenv(v.name, s.URL)
		}
	}

	for _, v := range []struct {
		name string
		cfg  *tls.Config
	}{
		{"FAULT_H3", serverTLS},
		{"H3_MTLS", mtls},
	} {
		s, err := StartHTTP3(f.Fault, v.cfg)
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, s.Close)
		f.setenv(v.name, s.URL)
		if v.name == "FAULT_H3" {
			f.setenv(v.name+"_PORT", strconv.Itoa(s.Port))
		}
	}

	f.setenv("CA_FILE", files.CAFile)
	f.setenv("CA_DIR", files.CADir)
	f.setenv("OTHER_CA_FILE", files.OtherCAFile)
	f.setenv("CLIENT_CERT", files.ClientCert)
	f.setenv("CLIENT_KEY", files.ClientKey)
	f.setenv("CLIENT_KEY_ENC", files.ClientKeyEnc)
	f.setenv("CLIENT_KEY_PASS", ClientKeyPassword)
	f.setenv("CLIENT_PEM", files.ClientPEM)
	f.setenv("CLIENT_P12", files.ClientP12)
	f.setenv("CLIENT_P12_NOPASS", files.ClientP12NoPass)

	for _, p := range []struct {
		name string
		cfg  ProxyConfig
	}{
		{"PROXY", ProxyConfig{LogPath: filepath.Join(workDir, ProxyLogName)}},
		{"PROXY_AUTH", ProxyConfig{LogPath: filepath.Join(workDir, ProxyAuthLogName), User: ProxyUser, Password: ProxyPassword}},
		{"PROXY_TLS", ProxyConfig{LogPath: filepath.Join(workDir, ProxyTLSLogName), TLS: serverTLS}},
	} {
		px, err := StartHTTPProxy(p.cfg)
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, px.Close)
		f.setenv(p.name, px.URL)
		if p.name != "PROXY_TLS" {
			f.setenv(p.name+"_HOST", px.Addr)
		}
	}
	f.setenv("PROXY_USER", ProxyUser)
	f.setenv("PROXY_PASS", ProxyPassword)

	for _, s := range []struct {
		name string
		cfg  SOCKS5Config
	}{
		{"SOCKS", SOCKS5Config{LogPath: filepath.Join(workDir, SOCKSLogName)}},
		{"SOCKS_AUTH", SOCKS5Config{LogPath: filepath.Join(workDir, SOCKSAuthLogName), User: SOCKSUser, Password: SOCKSPassword}},
	} {
		sx, err := StartSOCKS5(s.cfg)
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, sx.Close)
		f.setenv(s.name, "socks5://"+sx.Addr)
		f.setenv(s.name+"_HOST", sx.Addr)
	}
	f.setenv("SOCKS_USER", SOCKSUser)
	f.setenv("SOCKS_PASS", SOCKSPassword)

	for _, s := range []struct {
		name string
		cfg  SOCKS4Config
	}{
		{"SOCKS4", SOCKS4Config{LogPath: filepath.Join(workDir, SOCKS4LogName)}},
		{"SOCKS4_USER", SOCKS4Config{UserID: SOCKSUser}},
	} {
		sx, err := StartSOCKS4(s.cfg)
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, sx.Close)
		if s.name == "SOCKS4" {
			f.setenv(s.name, "socks4://"+sx.Addr)
		}
		f.setenv(s.name+"_HOST", sx.Addr)
	}

	na, err := NewNeverAccept()
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, na.Close)
	f.setenv("NEVER_ACCEPT", na.Addr)

	sock := filepath.Join(workDir, "httpbin.sock")
	if len(sock) > maxUnixSocketPath {
		dir, err := os.MkdirTemp("", "reqs-sock")
		if err != nil {
			return nil, fmt.Errorf("socket dir: %w", err)
		}
		f.closers = append(f.closers, func() { os.RemoveAll(dir) })
		sock = filepath.Join(dir, "httpbin.sock")
	}
	if _, err := start(newHTTPBin("unix"), ServerConfig{UnixSocket: sock}); err != nil {
		return nil, err
	}
	f.setenv("UNIX_SOCKET", sock)

	for _, r := range []struct {
		name string
		cfg  *tls.Config
	}{{"RAW", nil}, {"RAW_TLS", serverTLS}} {
		rs, err := StartRawServer(r.cfg)
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, rs.Close)
		f.setenv(r.name, rs.URL)
		f.setenv(r.name+"_HOST", strings.TrimPrefix(strings.TrimPrefix(rs.URL, "http://"), "https://"))
	}
	rh2, err := StartRawH2Server(serverTLS)
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, rh2.Close)
	f.setenv("RAW_H2", rh2.URL)
	rh2c, err := StartRawH2Server(nil)
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, rh2c.Close)
	f.setenv("RAW_H2C", rh2c.URL)
	return f, nil
}

// altURL is s's URL with the host name localhost instead of 127.0.0.1: the
// same server as another host, for cross-host redirects and cookies.
func altURL(s *Server) string {
	return strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
}
