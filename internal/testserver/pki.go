package testserver

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
	"sync"
	"time"

	"github.com/youmark/pkcs8"
)

// ClientKeyPassword is the password that protects [PKIFiles.ClientKeyEnc].
const ClientKeyPassword = "clientpass"

// WrongHostName is the only name the wrong-host leaf is valid for.
const WrongHostName = "other.example"

// TestHostName is a name in the reserved .test domain (RFC 6761) that the
// server leaf is valid for although no DNS server knows it, so `--resolve`
// can be tested over TLS; www.reqs.test is valid too.
const TestHostName = "reqs.test"

// Expired leaf validity: fixed dates, so error messages can be matched.
var (
	expiredNotBefore = time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)
	expiredNotAfter  = time.Date(2021, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// PKI is a throw-away public key infrastructure for tests: a CA, the leaf
// certificates the TLS fixtures serve, a client certificate for mutual TLS,
// and an unrelated CA that trusts none of them. All keys are ECDSA P-256
// (fast to generate), so TLS 1.2 cipher suites must be ECDHE_ECDSA ones.
type PKI struct {
	// CA signs every certificate below except OtherCA's.
	CA *x509.Certificate
	// CAPEM is CA in PEM form.
	CAPEM []byte
	// OtherCAPEM is a CA that signed nothing the fixtures serve, for
	// "unknown authority" failures with an explicit bundle.
	OtherCAPEM []byte

	// Server is valid for localhost, 127.0.0.1, ::1, reqs.test and www.reqs.test.
	Server tls.Certificate
	// Expired has Server's names but expired on 2021-01-01.
	Expired tls.Certificate
	// WrongHost is valid only for other.example.
	WrongHost tls.Certificate
	// Client is a client-authentication certificate (CN reqs-client).
	Client tls.Certificate

	// ClientCertPEM, ClientKeyPEM (unencrypted PKCS#8) and ClientKeyEncPEM
	// (PKCS#8 encrypted with ClientKeyPassword) are Client in PEM form.
	ClientCertPEM, ClientKeyPEM, ClientKeyEncPEM []byte
	// ClientP12 is Client and its key as a PKCS#12 bundle protected by
	// ClientKeyPassword; ClientP12NoPass the same with an empty password
	// (what `openssl pkcs12 -export -passout pass:` writes).
	ClientP12, ClientP12NoPass []byte
}

// PKIFiles names the files [PKI.WriteFiles] wrote.
type PKIFiles struct {
	CAFile          string // the CA certificate (PEM)
	CADir           string // c_rehash-style directory holding CAFile as <subject hash>.0
	OtherCAFile     string // an unrelated CA (PEM)
	ClientCert      string // the client certificate alone (PEM)
	ClientKey       string // its key, unencrypted PKCS#8 (PEM)
	ClientKeyEnc    string // its key, encrypted PKCS#8 (PEM), password ClientKeyPassword
	ClientPEM       string // certificate and unencrypted key in one file
	ClientP12       string // certificate and key as PKCS#12, password ClientKeyPassword
	ClientP12NoPass string // the same with an empty password
}

var sharedPKI = sync.OnceValues(NewPKI)

// SharedPKI returns one PKI per process, generated on first use, so fixtures
// started for many scenarios pay for key generation once.
func SharedPKI() (*PKI, error) { return sharedPKI() }

// NewPKI generates a fresh PKI.
func NewPKI() (*PKI, error) {
	now := time.Now()
	caKey, caCert, err := selfSigned("reqs test CA", now)
	if err != nil {
		return nil, err
	}
	_, otherCA, err := selfSigned("reqs unrelated test CA", now)
	if err != nil {
		return nil, err
	}
	p := &PKI{
		CA:         caCert,
		CAPEM:      pemBlock("CERTIFICATE", caCert.Raw),
		OtherCAPEM: pemBlock("CERTIFICATE", otherCA.Raw),
	}
	serverNames := []string{"localhost", TestHostName, "www." + TestHostName}
	serverIPs := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	leaves := []struct {
		dst       *tls.Certificate
		tmpl      x509.Certificate
		clientUse bool
	}{
		{dst: &p.Server, tmpl: x509.Certificate{
			Subject: pkix.Name{CommonName: "localhost"}, DNSNames: serverNames, IPAddresses: serverIPs,
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		}},
		{dst: &p.Expired, tmpl: x509.Certificate{
			Subject: pkix.Name{CommonName: "localhost"}, DNSNames: serverNames, IPAddresses: serverIPs,
			NotBefore: expiredNotBefore, NotAfter: expiredNotAfter,
		}},
		{dst: &p.WrongHost, tmpl: x509.Certificate{
			Subject: pkix.Name{CommonName: WrongHostName}, DNSNames: []string{WrongHostName},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		}},
		{dst: &p.Client, clientUse: true, tmpl: x509.Certificate{
			Subject:   pkix.Name{CommonName: "reqs-client", Organization: []string{"reqs"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		}},
	}
	for _, l := range leaves {
		cert, err := issue(caCert, caKey, l.tmpl, l.clientUse)
		if err != nil {
			return nil, err
		}
		*l.dst = cert
	}

	clientKey := p.Client.PrivateKey
	der, err := x509.MarshalPKCS8PrivateKey(clientKey)
	if err != nil {
		return nil, fmt.Errorf("marshal client key: %w", err)
	}
	encDER, err := pkcs8.MarshalPrivateKey(clientKey, []byte(ClientKeyPassword), nil)
	if err != nil {
		return nil, fmt.Errorf("encrypt client key: %w", err)
	}
	p.ClientCertPEM = pemBlock("CERTIFICATE", p.Client.Certificate[0])
	p.ClientKeyPEM = pemBlock("PRIVATE KEY", der)
	p.ClientKeyEncPEM = pemBlock("ENCRYPTED PRIVATE KEY", encDER)
	leaf, err := x509.ParseCertificate(p.Client.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("parse client certificate: %w", err)
	}
	if p.ClientP12, err = pkcs12.Modern.Encode(clientKey, leaf, []*x509.Certificate{p.CA}, ClientKeyPassword); err != nil {
		return nil, fmt.Errorf("encode client PKCS#12: %w", err)
	}
	if p.ClientP12NoPass, err = pkcs12.Modern.Encode(clientKey, leaf, nil, ""); err != nil {
		return nil, fmt.Errorf("encode client PKCS#12: %w", err)
	}
	return p, nil
}

// Pool returns a pool holding only the test CA.
func (p *PKI) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CA)
	return pool
}

// WriteFiles writes the CA, the rehash directory and the client credentials
// into dir (created if needed) and returns their paths.
func (p *PKI) WriteFiles(dir string) (*PKIFiles, error) {
	hash, err := SubjectHash(p.CA.RawSubject)
	if err != nil {
		return nil, err
	}
	f := &PKIFiles{
		CAFile:          filepath.Join(dir, "ca.pem"),
		CADir:           filepath.Join(dir, "cadir"),
		OtherCAFile:     filepath.Join(dir, "other-ca.pem"),
		ClientCert:      filepath.Join(dir, "client.pem"),
		ClientKey:       filepath.Join(dir, "client-key.pem"),
		ClientKeyEnc:    filepath.Join(dir, "client-key-enc.pem"),
		ClientPEM:       filepath.Join(dir, "client-combined.pem"),
		ClientP12:       filepath.Join(dir, "client.p12"),
		ClientP12NoPass: filepath.Join(dir, "client-nopass.pfx"),
	}
	if err := os.MkdirAll(f.CADir, 0o755); err != nil {
		return nil, fmt.Errorf("create pki dir: %w", err)
	}
	files := []struct {
		path string
		data []byte
	}{
		{f.CAFile, p.CAPEM},
		{filepath.Join(f.CADir, hash+".0"), p.CAPEM},
		{f.OtherCAFile, p.OtherCAPEM},
		{f.ClientCert, p.ClientCertPEM},
		{f.ClientKey, p.ClientKeyPEM},
		{f.ClientKeyEnc, p.ClientKeyEncPEM},
		{f.ClientPEM, bytes.Join([][]byte{p.ClientCertPEM, p.ClientKeyPEM}, nil)},
		{f.ClientP12, p.ClientP12},
		{f.ClientP12NoPass, p.ClientP12NoPass},
	}
	for _, file := range files {
		if err := os.WriteFile(file.path, file.data, 0o600); err != nil {
			return nil, fmt.Errorf("write pki file: %w", err)
		}
	}
	return f, nil
}

func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k, nil
}

func serial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("generate serial: %w", err)
	}
	return n, nil
}

func selfSigned(cn string, now time.Time) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"reqs"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create CA %q: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parse CA %q: %w", cn, err)
	}
	return key, cert, nil
}

func issue(ca *x509.Certificate, caKey *ecdsa.PrivateKey, tmpl x509.Certificate, clientUse bool) (tls.Certificate, error) {
	key, err := newKey()
	if err != nil {
		return tls.Certificate{}, err
	}
	if tmpl.SerialNumber, err = serial(); err != nil {
		return tls.Certificate{}, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if clientUse {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue %q: %w", tmpl.Subject.CommonName, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse %q: %w", tmpl.Subject.CommonName, err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
