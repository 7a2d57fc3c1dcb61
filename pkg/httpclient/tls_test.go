package httpclient

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/youmark/pkcs8"
)

// testPKI is a throw-away CA with the leaves the TLS tests serve. Keys are
// ECDSA P-256, quick to generate.
type testPKI struct {
	caPEM, otherCAPEM          []byte
	server, expired, wrongHost tls.Certificate
	clientCertPEM              []byte
	clientKeyPEM               []byte // unencrypted PKCS#8
	clientKeyEncPEM            []byte // PKCS#8 encrypted with testKeyPass
	clientKeyLegacyPEM         []byte // "Proc-Type: 4,ENCRYPTED" EC key
	// legacyGarbagePEM is a legacy encrypted block holding bytes that are
	// not a key, encrypted with legacyGarbagePass: what a wrong passphrase
	// that happens to pass the padding check decrypts to.
	legacyGarbagePEM []byte
	pool             *x509.CertPool
}

const testKeyPass = "s3cret pass"

// legacyGarbagePass opens legacyGarbagePEM.
const legacyGarbagePass = "nope"

var sharedTestPKI = sync.OnceValues(newTestPKI)

func loadTestPKI(t *testing.T) *testPKI {
	t.Helper()
	p, err := sharedTestPKI()
	if err != nil {
		t.Fatalf("generate test PKI: %v", err)
	}
	return p
}

func newTestPKI() (*testPKI, error) {
	now := time.Now()
	caKey, ca, caPEM, err := testCA("reqs test CA", now)
	if err != nil {
		return nil, err
	}
	_, _, otherPEM, err := testCA("other CA", now)
	if err != nil {
		return nil, err
	}
	p := &testPKI{caPEM: caPEM, otherCAPEM: otherPEM, pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	leaf := func(tmpl x509.Certificate) (tls.Certificate, []byte, *ecdsa.PrivateKey, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return tls.Certificate{}, nil, nil, err
		}
		tmpl.SerialNumber = big.NewInt(now.UnixNano())
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return tls.Certificate{}, nil, nil, err
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certPEM, key, nil
	}
	serverUse := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	names := []string{"localhost", "reqs.test"}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if p.server, _, _, err = leaf(x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: names, IPAddresses: ips,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), ExtKeyUsage: serverUse}); err != nil {
		return nil, err
	}
	if p.expired, _, _, err = leaf(x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: names, IPAddresses: ips,
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), ExtKeyUsage: serverUse}); err != nil {
		return nil, err
	}
	if p.wrongHost, _, _, err = leaf(x509.Certificate{Subject: pkix.Name{CommonName: "other.example"}, DNSNames: []string{"other.example"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), ExtKeyUsage: serverUse}); err != nil {
		return nil, err
	}
	_, clientPEM, clientKey, err := leaf(x509.Certificate{Subject: pkix.Name{CommonName: "reqs-client"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return nil, err
	}
	p.clientCertPEM = clientPEM
	der, err := x509.MarshalPKCS8PrivateKey(clientKey)
	if err != nil {
		return nil, err
	}
	p.clientKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	enc, err := pkcs8.MarshalPrivateKey(clientKey, []byte(testKeyPass), nil)
	if err != nil {
		return nil, err
	}
	p.clientKeyEncPEM = pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc})
	ecDER, err := x509.MarshalECPrivateKey(clientKey)
	if err != nil {
		return nil, err
	}
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", ecDER, []byte(testKeyPass), x509.PEMCipherAES256)
	if err != nil {
		return nil, err
	}
	p.clientKeyLegacyPEM = pem.EncodeToMemory(legacy)
	garbage, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", bytes.Repeat([]byte{0x5a}, len(ecDER)), []byte(legacyGarbagePass), x509.PEMCipherAES256)
	if err != nil {
		return nil, err
	}
	p.legacyGarbagePEM = pem.EncodeToMemory(garbage)
	return p, nil
}

func testCA(cn string, now time.Time) (*ecdsa.PrivateKey, *x509.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return key, cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// pkiFiles are the test PKI written to a test's temporary directory.
type pkiFiles struct {
	caFile, caDir, otherCAFile                           string
	clientCert, clientKey, clientKeyEnc, clientKeyLegacy string
	legacyGarbage                                        string
	clientCombined                                       string
}

func writePKIFiles(t *testing.T, p *testPKI) pkiFiles {
	t.Helper()
	dir := t.TempDir()
	f := pkiFiles{
		caFile:          filepath.Join(dir, "ca.pem"),
		caDir:           filepath.Join(dir, "certs"),
		otherCAFile:     filepath.Join(dir, "other-ca.pem"),
		clientCert:      filepath.Join(dir, "client.crt"),
		clientKey:       filepath.Join(dir, "client.key"),
		clientKeyEnc:    filepath.Join(dir, "client-enc.key"),
		clientKeyLegacy: filepath.Join(dir, "client-legacy.key"),
		legacyGarbage:   filepath.Join(dir, "legacy-garbage.key"),
		clientCombined:  filepath.Join(dir, "client.pem"),
	}
	write := func(path string, data ...[]byte) {
		t.Helper()
		var all []byte
		for _, d := range data {
			all = append(all, d...)
		}
		if err := os.WriteFile(path, all, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(f.caDir, 0o700); err != nil {
		t.Fatal(err)
	}
	write(f.caFile, p.caPEM)
	write(filepath.Join(f.caDir, "0a1b2c3d.0"), p.caPEM) // the name c_rehash would give it
	write(filepath.Join(f.caDir, "README"), []byte("not a certificate"))
	write(f.otherCAFile, p.otherCAPEM)
	write(f.clientCert, p.clientCertPEM)
	write(f.clientKey, p.clientKeyPEM)
	write(f.clientKeyEnc, p.clientKeyEncPEM)
	write(f.clientKeyLegacy, p.clientKeyLegacyPEM)
	write(f.legacyGarbage, p.legacyGarbagePEM)
	write(f.clientCombined, p.clientCertPEM, p.clientKeyPEM)
	return f
}

// protoHandler answers with the protocol it was spoken to in.
var protoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%s %s", r.Proto, r.Host)
})

// startTLSServer serves protoHandler over TLS with cert, HTTP/2 enabled;
// configure adjusts the server's TLS configuration.
func startTLSServer(t *testing.T, cert tls.Certificate, configure func(*tls.Config)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(protoHandler)
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	if configure != nil {
		configure(srv.TLS)
	}
	srv.Config.ErrorLog = quietLog()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// fetch sends a GET for rawURL through a new session built from opts and
// returns the body, or the error.
func fetch(t *testing.T, opts Options, rawURL string) (*Response, string, error) {
	t.Helper()
	return fetchEnv(t, opts, nil, rawURL)
}

// fetchEnv is fetch with TrustEnv set and env as the environment, or
// without TrustEnv when env is nil.
func fetchEnv(t *testing.T, opts Options, env map[string]string, rawURL string) (*Response, string, error) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	t.Cleanup(s.Close)
	s.TrustEnv, s.LookupEnv = env != nil, envOf(env)
	return get(s, rawURL)
}

// get sends a GET of rawURL through s and reads the body.
func get(s *Session, rawURL string) (*Response, string, error) {
	resp, err := s.Do(context.Background(), &Request{Method: "GET", URL: rawURL}, SendOptions{NoRedirects: true})
	if err != nil {
		return nil, "", err
	}
	body, err := resp.Bytes()
	if err != nil {
		return resp, "", err
	}
	return resp, string(body), nil
}

// quietLog keeps test servers' expected handshake failures out of the
// test output.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// noEnv is a LookupEnv that finds nothing.
func noEnv(string) (string, bool) { return "", false }

// envOf is a LookupEnv over a fixed map.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestTLSVerification(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	good := startTLSServer(t, p.server, nil)
	expired := startTLSServer(t, p.expired, nil)
	wrongHost := startTLSServer(t, p.wrongHost, nil)
	tests := []struct {
		name     string
		url      string
		opts     Options
		env      map[string]string // with TrustEnv; nil: without
		noTrust  bool              // env given, TrustEnv off
		wantKind error             // nil: success
		wantMsg  string            // in the error message
	}{
		{name: "default roots do not know the test CA", url: good.URL, env: map[string]string{},
			wantKind: ErrSSL, wantMsg: "certificate signed by unknown authority"},
		{name: "CA file", url: good.URL, opts: Options{CABundle: files.caFile}},
		{name: "rehash directory", url: good.URL, opts: Options{CABundle: files.caDir}},
		{name: "verify off", url: good.URL, opts: Options{InsecureSkipVerify: true}},
		{name: "verify off accepts an expired certificate", url: expired.URL, opts: Options{InsecureSkipVerify: true}},
		{name: "unrelated CA file", url: good.URL, opts: Options{CABundle: files.otherCAFile},
			wantKind: ErrSSL, wantMsg: "unknown authority"},
		{name: "REQUESTS_CA_BUNDLE", url: good.URL,
			env: map[string]string{"REQUESTS_CA_BUNDLE": files.caFile, "CURL_CA_BUNDLE": files.otherCAFile}},
		{name: "CURL_CA_BUNDLE", url: good.URL,
			env: map[string]string{"CURL_CA_BUNDLE": files.caDir}},
		{name: "empty REQUESTS_CA_BUNDLE falls through to CURL_CA_BUNDLE", url: good.URL,
			env: map[string]string{"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": files.caFile}},
		{name: "bundle variables ignored without trust env", url: good.URL,
			env: map[string]string{"REQUESTS_CA_BUNDLE": files.caFile}, noTrust: true,
			wantKind: ErrSSL, wantMsg: "unknown authority"},
		{name: "explicit verify path beats the environment", url: good.URL,
			opts: Options{CABundle: files.otherCAFile}, env: map[string]string{"REQUESTS_CA_BUNDLE": files.caFile},
			wantKind: ErrSSL, wantMsg: "unknown authority"},
		{name: "expired certificate names the date", url: expired.URL, opts: Options{CABundle: files.caFile},
			wantKind: ErrSSL, wantMsg: "certificate expired on 2021-01-01 00:00:00 UTC"},
		{name: "wrong host names the certificate's names", url: wrongHost.URL, opts: Options{CABundle: files.caFile},
			wantKind: ErrSSL, wantMsg: "certificate is valid for other.example, not 127.0.0.1"},
		{name: "localhost is in the certificate", url: strings.Replace(good.URL, "127.0.0.1", "localhost", 1), opts: Options{CABundle: files.caFile}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			s.TrustEnv, s.LookupEnv = tc.env != nil && !tc.noTrust, envOf(tc.env)
			_, body, err := get(s, tc.url)
			if tc.wantKind == nil {
				if err != nil {
					t.Fatalf("GET %s with %+v: %v", tc.url, tc.opts, err)
				}
				if !strings.HasPrefix(body, "HTTP/2.0 ") {
					t.Errorf("GET %s body = %q, want HTTP/2.0 negotiated", tc.url, body)
				}
				return
			}
			if !errors.Is(err, tc.wantKind) || err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("GET %s error = %v, want %v containing %q", tc.url, err, tc.wantKind, tc.wantMsg)
			}
			if IsTimeout(err) {
				t.Errorf("GET %s error %v counts as a timeout", tc.url, err)
			}
		})
	}
}

func TestClientCertificates(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	requireCert := func(max uint16) func(*tls.Config) {
		return func(c *tls.Config) {
			c.ClientAuth = tls.RequireAndVerifyClientCert
			c.ClientCAs = p.pool
			c.MaxVersion = max
		}
	}
	tls13 := startTLSServer(t, p.server, requireCert(tls.VersionTLS13))
	tls12 := startTLSServer(t, p.server, requireCert(tls.VersionTLS12))
	tests := []struct {
		name    string
		url     string
		opts    Options
		wantMsg string // empty: success
	}{
		{name: "cert and key files", url: tls13.URL, opts: Options{Cert: files.clientCert, CertKey: files.clientKey}},
		{name: "cert and key in one file", url: tls13.URL, opts: Options{Cert: files.clientCombined}},
		{name: "encrypted PKCS#8 key", url: tls13.URL, opts: Options{Cert: files.clientCert, CertKey: files.clientKeyEnc, CertKeyPass: testKeyPass}},
		{name: "legacy encrypted PEM key", url: tls12.URL, opts: Options{Cert: files.clientCert, CertKey: files.clientKeyLegacy, CertKeyPass: testKeyPass}},
		{name: "no certificate, TLS 1.3", url: tls13.URL, opts: Options{}, wantMsg: "the server requires a client certificate"},
		{name: "no certificate, TLS 1.2", url: tls12.URL, opts: Options{}, wantMsg: "the server requires a client certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.CABundle = files.caFile
			_, body, err := fetch(t, tc.opts, tc.url)
			if tc.wantMsg == "" {
				if err != nil || body == "" {
					t.Errorf("GET %s with %+v = %q, %v; want a body", tc.url, tc.opts, body, err)
				}
				return
			}
			if !errors.Is(err, ErrSSL) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("GET %s with %+v error = %v, want an SSL error containing %q", tc.url, tc.opts, err, tc.wantMsg)
			}
		})
	}
}

func TestLoadClientCertErrors(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name                string
		cert, key, pass     string
		wantInMsg, wantFile string
	}{
		{name: "missing certificate", cert: missing, wantInMsg: "no such file", wantFile: missing},
		{name: "missing key", cert: files.clientCert, key: missing, wantInMsg: "no such file", wantFile: missing},
		{name: "certificate alone has no key", cert: files.clientCert, wantInMsg: "no PEM private key", wantFile: files.clientCert},
		{name: "encrypted key without passphrase", cert: files.clientCert, key: files.clientKeyEnc, wantInMsg: "no passphrase", wantFile: files.clientKeyEnc},
		{name: "encrypted key with the wrong passphrase", cert: files.clientCert, key: files.clientKeyEnc, pass: "nope", wantInMsg: "wrong passphrase", wantFile: files.clientKeyEnc},
		{name: "legacy key with the wrong passphrase", cert: files.clientCert, key: files.clientKeyLegacy, pass: "nope", wantInMsg: "wrong passphrase", wantFile: files.clientKeyLegacy},
		// A wrong passphrase that passes the padding check, made certain.
		{name: "legacy key decrypting to garbage", cert: files.clientCert, key: files.legacyGarbage, pass: legacyGarbagePass, wantInMsg: "wrong passphrase", wantFile: files.legacyGarbage},
		{name: "key file given as certificate", cert: files.clientKey, wantInMsg: "no PEM certificate", wantFile: files.clientKey},
		{name: "CA that is not the key's certificate", cert: files.caFile, key: files.clientKey, wantInMsg: "is not this certificate's key", wantFile: files.caFile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadClientCert(tc.cert, tc.key, tc.pass)
			if err == nil || !strings.Contains(err.Error(), tc.wantInMsg) || !strings.Contains(err.Error(), tc.wantFile) {
				t.Errorf("loadClientCert(%q, %q, %q) error = %v, want one naming %s and containing %q",
					tc.cert, tc.key, tc.pass, err, tc.wantFile, tc.wantInMsg)
			}
		})
	}
}

func TestLoadCAPoolErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(notPEM, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyDir := filepath.Join(dir, "empty")
	if err := os.Mkdir(emptyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope.pem"), "no such file"},
		{"not PEM", notPEM, "no PEM certificates"},
		{"directory without certificates", emptyDir, "no PEM certificates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadCAPool(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("loadCAPool(%q) error = %v, want one naming the path and containing %q", tc.path, err, tc.want)
			}
		})
	}
}

func TestTLSVersionAndCiphers(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	tls12 := startTLSServer(t, p.server, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 })
	tests := []struct {
		name       string
		opts       Options
		wantErr    string // empty: success
		wantCipher uint16
	}{
		{name: "tls1.3 against a TLS 1.2 server", opts: Options{TLSVersion: tls.VersionTLS13}, wantErr: "TLS version"},
		{name: "tls1.2 pinned", opts: Options{TLSVersion: tls.VersionTLS12}},
		{name: "one cipher suite", opts: Options{CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}},
			wantCipher: tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384},
		{name: "no common cipher suite", opts: Options{CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}}, wantErr: "SSLError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.CABundle = files.caFile
			resp, _, err := fetch(t, tc.opts, tls12.URL)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrSSL) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("GET with %+v error = %v, want an SSL error containing %q", tc.opts, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET with %+v: %v", tc.opts, err)
			}
			if resp.TLS == nil || resp.TLS.Version != tls.VersionTLS12 {
				t.Errorf("GET with %+v: TLS state %+v, want TLS 1.2", tc.opts, resp.TLS)
			}
			if tc.wantCipher != 0 && resp.TLS.CipherSuite != tc.wantCipher {
				t.Errorf("GET with %+v: cipher %s, want %s", tc.opts, tls.CipherSuiteName(resp.TLS.CipherSuite), tls.CipherSuiteName(tc.wantCipher))
			}
		})
	}
}

func TestHTTP2Negotiation(t *testing.T) {
	t.Parallel()
	p := loadTestPKI(t)
	files := writePKIFiles(t, p)
	srv := startTLSServer(t, p.server, nil)
	tests := []struct {
		name  string
		http1 bool
		want  string
	}{
		{"HTTP/2 by default", false, "HTTP/2.0"},
		{"http1.1 forbids HTTP/2", true, "HTTP/1.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body, err := fetch(t, Options{CABundle: files.caFile, HTTP1: tc.http1}, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Proto != tc.want || !strings.HasPrefix(body, tc.want) {
				t.Errorf("HTTP1=%v: response proto %q, server saw %q; want %s", tc.http1, resp.Proto, body, tc.want)
			}
		})
	}
}

func TestIsHashName(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{"5ed36f99.0": true, "5ED36F99.12": true, "5ed36f99.r0": false, "5ed36f9.0": false, "ca.pem": false, "5ed36f99.": false}
	for in, want := range tests {
		if got := isHashName(in); got != want {
			t.Errorf("isHashName(%q) = %v, want %v", in, got, want)
		}
	}
}
