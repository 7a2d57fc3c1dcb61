package testserver

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/youmark/pkcs8"
)

func sharedPKIForTest(t *testing.T) *PKI {
	t.Helper()
	p, err := SharedPKI()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tlsClient trusts the test CA (or pool) and presents certs, if any.
func tlsClient(t *testing.T, pool *x509.CertPool, mutate func(*tls.Config)) *http.Client {
	t.Helper()
	cfg := &tls.Config{RootCAs: pool}
	if mutate != nil {
		mutate(cfg)
	}
	// A client that pins NextProtos speaks only what it lists.
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: cfg.NextProtos == nil}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestPKIFiles(t *testing.T) {
	t.Parallel()
	p := sharedPKIForTest(t)
	files, err := p.WriteFiles(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := SubjectHash(p.CA.RawSubject)
	if err != nil {
		t.Fatal(err)
	}
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if got := read(filepath.Join(files.CADir, hash+".0")); !bytes.Equal(got, p.CAPEM) {
		t.Errorf("%s/%s.0 is not the CA", files.CADir, hash)
	}
	if !bytes.Equal(read(files.CAFile), p.CAPEM) {
		t.Errorf("%s is not the CA", files.CAFile)
	}

	tests := []struct {
		name     string
		certFile string
		keyFile  string
	}{
		{name: "separate files", certFile: files.ClientCert, keyFile: files.ClientKey},
		{name: "combined file", certFile: files.ClientPEM, keyFile: files.ClientPEM},
	}
	for _, tc := range tests {
		pair, err := tls.LoadX509KeyPair(tc.certFile, tc.keyFile)
		if err != nil {
			t.Errorf("%s: LoadX509KeyPair(%s, %s): %v", tc.name, tc.certFile, tc.keyFile, err)
			continue
		}
		if !bytes.Equal(pair.Certificate[0], p.Client.Certificate[0]) {
			t.Errorf("%s: loaded certificate is not the client certificate", tc.name)
		}
	}

	block, _ := pem.Decode(read(files.ClientKeyEnc))
	if block == nil || block.Type != "ENCRYPTED PRIVATE KEY" {
		t.Fatalf("%s holds no ENCRYPTED PRIVATE KEY block", files.ClientKeyEnc)
	}
	if _, err := pkcs8.ParsePKCS8PrivateKey(block.Bytes, []byte("wrong")); err == nil {
		t.Errorf("encrypted key decrypts with a wrong password")
	}
	key, err := pkcs8.ParsePKCS8PrivateKey(block.Bytes, []byte(ClientKeyPassword))
	if err != nil {
		t.Fatalf("decrypt %s with ClientKeyPassword: %v", files.ClientKeyEnc, err)
	}
	if !key.(*ecdsa.PrivateKey).Equal(p.Client.PrivateKey) {
		t.Errorf("decrypted key is not the client key")
	}
}

func TestTLSFixtures(t *testing.T) {
	t.Parallel()
	p := sharedPKIForTest(t)
	f := NewFault(nil)
	start := func(cfg *tls.Config) *Server {
		s, err := StartServer(f, ServerConfig{TLS: cfg, HTTP2: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	good := start(&tls.Config{Certificates: []tls.Certificate{p.Server}})
	tls12 := start(&tls.Config{Certificates: []tls.Certificate{p.Server}, MaxVersion: tls.VersionTLS12})
	expired := start(&tls.Config{Certificates: []tls.Certificate{p.Expired}})
	wrongHost := start(&tls.Config{Certificates: []tls.Certificate{p.WrongHost}})
	mtls := start(&tls.Config{Certificates: []tls.Certificate{p.Server}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.Pool()})
	otherPool := x509.NewCertPool()
	otherPool.AppendCertsFromPEM(p.OtherCAPEM)

	withClientCert := func(c *tls.Config) { c.Certificates = []tls.Certificate{p.Client} }
	tests := []struct {
		name    string
		url     string
		pool    *x509.CertPool
		mutate  func(*tls.Config)
		wantErr func(error) bool
		want    map[string]any // fields of /tls-info
	}{
		{name: "trusted by the CA, h2", url: good.URL, pool: p.Pool(), want: map[string]any{"version": "TLS 1.3", "alpn": "h2", "client_cert": ""}},
		{name: "by localhost", url: strings.Replace(good.URL, "127.0.0.1", "localhost", 1), pool: p.Pool(), want: map[string]any{"server_name": "localhost"}},
		{name: "http/1.1 only", url: good.URL, pool: p.Pool(), mutate: func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }, want: map[string]any{"alpn": "http/1.1", "proto": "HTTP/1.1"}},
		{name: "unknown authority", url: good.URL, pool: otherPool, wantErr: isErr[x509.UnknownAuthorityError]},
		{name: "TLS 1.2 server", url: tls12.URL, pool: p.Pool(), want: map[string]any{"version": "TLS 1.2"}},
		{name: "TLS 1.2 server refuses a 1.3 minimum", url: tls12.URL, pool: p.Pool(), mutate: func(c *tls.Config) { c.MinVersion = tls.VersionTLS13 }, wantErr: anyErr},
		{name: "expired", url: expired.URL, pool: p.Pool(), wantErr: func(err error) bool {
			var e x509.CertificateInvalidError
			return errors.As(err, &e) && e.Reason == x509.Expired && strings.Contains(err.Error(), "2021-01-01")
		}},
		{name: "wrong host", url: altURL(wrongHost), pool: p.Pool(), wantErr: func(err error) bool {
			return isErr[x509.HostnameError](err) && strings.Contains(err.Error(), WrongHostName)
		}},
		{name: "mTLS with the client certificate", url: mtls.URL, pool: p.Pool(), mutate: withClientCert, want: map[string]any{"client_cert": "reqs-client"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tlsClient(t, tc.pool, tc.mutate)
			resp, err := c.Get(tc.url + "/tls-info")
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("GET %s/tls-info: err = %v, want the %s failure", tc.url, err, tc.name)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s/tls-info: %v", tc.url, err)
			}
			var info map[string]any
			if err := json.Unmarshal(body, &info); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if info[k] != v {
					t.Errorf("GET %s/tls-info %s = %v, want %v (all: %s)", tc.url, k, info[k], v, body)
				}
			}
		})
	}
}

// TestMTLSRefusesNoClientCertificate checks the mTLS fixture's refusal at
// the TLS layer. Over HTTP the outcome depends on timing: TLS 1.3 rejects
// a missing client certificate after the client considers the handshake
// done, so a client already writing its request sees a broken pipe or a
// reset instead of the alert. A client that only reads always gets the
// server's "certificate required" alert.
func TestMTLSRefusesNoClientCertificate(t *testing.T) {
	t.Parallel()
	p := sharedPKIForTest(t)
	s, err := StartServer(NewFault(nil), ServerConfig{TLS: &tls.Config{
		Certificates: []tls.Certificate{p.Server}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.Pool(),
	}, HTTP2: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL, "https://"), &tls.Config{RootCAs: p.Pool(), ServerName: "127.0.0.1"})
	if err == nil {
		defer conn.Close()
		if v := conn.ConnectionState().Version; v != tls.VersionTLS13 {
			t.Fatalf("negotiated %s, want TLS 1.3", tls.VersionName(v))
		}
		// Only reached without a refusal: a server that accepted the
		// handshake waits for a request.
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		_, err = conn.Read(make([]byte, 1))
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || !strings.Contains(err.Error(), "certificate required") {
		t.Fatalf("TLS 1.3 without a client certificate: err = %v, want the server's certificate required alert", err)
	}
}

func isErr[E error](err error) bool {
	var e E
	return errors.As(err, &e)
}

func anyErr(err error) bool { return err != nil }

// Over HTTP/2 a connection cannot be hijacked, so the broken-transfer
// routes reset their stream instead; the client must still see a failure.
func TestFaultBrokenTransfersOverHTTP2(t *testing.T) {
	t.Parallel()
	p := sharedPKIForTest(t)
	s, err := StartServer(NewFault(nil), ServerConfig{TLS: &tls.Config{Certificates: []tls.Certificate{p.Server}}, HTTP2: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	c := tlsClient(t, p.Pool(), nil)
	for _, path := range []string{"/truncated?declared=100&sent=10", "/drop?times=1"} {
		resp, err := c.Get(s.URL + path)
		if err == nil {
			if resp.ProtoMajor != 2 {
				t.Fatalf("GET %s over %s, want HTTP/2", path, resp.Proto)
			}
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("GET %s over HTTP/2 succeeded, want a stream error", path)
		}
	}
}
