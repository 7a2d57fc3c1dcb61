package httpclient

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/youmark/pkcs8"
)

// newTLSConfig builds a fresh client TLS configuration from opts:
// verification (Requests' verify), the client certificate (cert), the
// pinned version and the cipher suites.
func newTLSConfig(opts Options) (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: opts.InsecureSkipVerify}
	if !opts.InsecureSkipVerify && opts.CABundle != "" {
		pool, err := loadCAPool(opts.CABundle)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if opts.Cert != "" {
		cert, err := loadClientCert(opts.Cert, opts.CertKey, opts.CertKeyPass)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	} else {
		cfg.GetClientCertificate = noteCertificateRequest
	}
	if opts.TLSVersion != 0 {
		cfg.MinVersion, cfg.MaxVersion = opts.TLSVersion, opts.TLSVersion
	}
	cfg.CipherSuites = slices.Clone(opts.CipherSuites)
	return cfg, nil
}

// envCABundle returns the CA bundle the environment names, as Requests
// reads it when verify is left at True: REQUESTS_CA_BUNDLE, else
// CURL_CA_BUNDLE; "" when neither is set.
func envCABundle(lookup func(string) (string, bool)) string {
	for _, name := range []string{"REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"} {
		if v, _ := lookup(name); v != "" {
			return v
		}
	}
	return ""
}

// noteCertificateRequest answers a server's certificate request when we
// have no client certificate: it sends none, as crypto/tls would, and
// notes the request so that a failure can be blamed on it.
func noteCertificateRequest(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	if ph, ok := cri.Context().Value(exchangePhaseKey{}).(*exchangePhase); ok {
		ph.certRequested.Store(true)
	}
	return &tls.Certificate{}, nil
}

// isHashName reports whether name is one c_rehash gives certificates: the
// subject hash and a sequence number, "5ed36f99.0" (CRLs, ".rN", are not
// certificates).
func isHashName(name string) bool {
	hash, seq, ok := strings.Cut(name, ".")
	if !ok || len(hash) != 8 || seq == "" {
		return false
	}
	for _, c := range hash {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	for _, c := range seq {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// loadCAPool reads CA certificates from path: a PEM bundle file, or a
// directory (as made by c_rehash or openssl rehash) whose *.pem, *.crt,
// *.cer and hash-named files are read. The pool holds only these
// certificates, as with Requests' verify=PATH.
func loadCAPool(path string) (*x509.CertPool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fileError("CA bundle", err)
	}
	pool := x509.NewCertPool()
	if !fi.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fileError("CA bundle", err)
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("CA bundle %s: no PEM certificates", path)
		}
		return pool, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("CA directory: %w", err)
	}
	found := false
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if ext != ".pem" && ext != ".crt" && ext != ".cer" && !isHashName(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(path, name))
		if err != nil {
			continue // a dangling link or a subdirectory is not a certificate
		}
		if pool.AppendCertsFromPEM(data) {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("CA directory %s: no PEM certificates", path)
	}
	return pool, nil
}

// loadClientCert reads a client certificate for mutual TLS. certFile holds
// the certificate chain in PEM, and its key unless keyFile is given; or it
// is a PKCS#12 bundle (.p12, .pfx) of certificate and key, which pass
// opens. A PEM key may be encrypted with pass: PKCS#8 "ENCRYPTED PRIVATE
// KEY" (PBES2, as openssl pkcs8 -topk8 writes it) or legacy "Proc-Type:
// 4,ENCRYPTED" PEM. An encrypted key or bundle without pass is
// [ErrPassphraseNeeded]. Errors name the file at fault.
func loadClientCert(certFile, keyFile, pass string) (tls.Certificate, error) {
	certData, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fileError("client certificate", err)
	}
	if isPKCS12(certFile, certData) {
		if keyFile != "" {
			return tls.Certificate{}, fmt.Errorf("client certificate %s: a PKCS#12 bundle holds its own key; leave out the key file", certFile)
		}
		return loadPKCS12(certFile, certData, pass)
	}
	keyData, keySource := certData, certFile
	if keyFile != "" {
		keyData, err = os.ReadFile(keyFile)
		if err != nil {
			return tls.Certificate{}, fileError("client key", err)
		}
		keySource = keyFile
	}
	var certPEM bytes.Buffer
	for rest := certData; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			pem.Encode(&certPEM, b)
		}
	}
	if certPEM.Len() == 0 {
		return tls.Certificate{}, fmt.Errorf("client certificate %s: no PEM certificate", certFile)
	}
	keyPEM, err := decodeKeyPEM(keyData, pass)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("client key %s: %w", keySource, err)
	}
	cert, err := tls.X509KeyPair(certPEM.Bytes(), keyPEM)
	if err != nil {
		// "tls: private key does not match public key": said without
		// the package's prefix.
		words := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "tls: "), "x509: ")
		if keyFile != "" {
			words = strings.Replace(words, "private key does not match public key", "the key "+keyFile+" is not this certificate's key", 1)
		}
		return tls.Certificate{}, fmt.Errorf("client certificate %s: %w", certFile, &transportFailure{msg: words, err: err})
	}
	return cert, nil
}

// decodeKeyPEM finds the private key in data and returns it as
// unencrypted PEM, decrypting it with pass when needed.
func decodeKeyPEM(data []byte, pass string) ([]byte, error) {
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("no PEM private key")
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY":
			if pass == "" {
				return nil, ErrPassphraseNeeded
			}
			key, err := pkcs8.ParsePKCS8PrivateKey(b.Bytes, []byte(pass))
			if err != nil {
				return nil, fmt.Errorf("cannot decrypt the key (wrong passphrase?): %w", err)
			}
			der, err := x509.MarshalPKCS8PrivateKey(key)
			if err != nil {
				return nil, err
			}
			return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
		case x509.IsEncryptedPEMBlock(b):
			// Deprecated in crypto/x509 as insecure, but legacy keys
			// ("openssl rsa -aes256") still exist and Requests users have them.
			if pass == "" {
				return nil, ErrPassphraseNeeded
			}
			der, err := x509.DecryptPEMBlock(b, []byte(pass))
			if err != nil {
				return nil, fmt.Errorf("cannot decrypt the key (wrong passphrase?): %w", err)
			}
			// The legacy format has no integrity check: about one wrong
			// passphrase in 256 decrypts to bytes that end in valid
			// padding. Only a key that parses proves the passphrase right.
			if !isPrivateKeyDER(der) {
				return nil, errors.New("cannot decrypt the key (wrong passphrase?): the decrypted bytes are not a private key")
			}
			return pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: der}), nil
		}
		return pem.EncodeToMemory(b), nil
	}
}

// isPrivateKeyDER reports whether der is a private key in one of the
// encodings a legacy encrypted PEM block holds: PKCS#1, SEC 1 or PKCS#8.
func isPrivateKeyDER(der []byte) bool {
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParseECPrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParsePKCS8PrivateKey(der)
	return err == nil
}

// tlsFailure is a TLS error restated so that it names its cause; the
// original stays reachable with errors.As.
type tlsFailure struct {
	msg string
	err error
}

func (e *tlsFailure) Error() string { return e.msg }
func (e *tlsFailure) Unwrap() error { return e.err }

// TLS alert codes (RFC 8446 §6) the peer may send about our certificate.
const (
	alertHandshakeFailure   = 40
	alertBadCertificate     = 42
	alertCertificateExpired = 45
	alertUnknownCA          = 48
	alertProtocolVersion    = 70
	alertCertificateNeeded  = 116
	// alertNoApplicationProtocol: no ALPN protocol in common, as when
	// a QUIC server does not offer HTTP/3.
	alertNoApplicationProtocol = 120
)

// describeTLSError restates a TLS failure with its cause named: unknown
// authority, expiry date, the names a certificate is valid for, a client
// certificate the server wants, a version mismatch. ok is false when err
// is not a TLS failure it knows.
func describeTLSError(err error, haveClientCert bool) (described error, ok bool) {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
	)
	wrap := func(format string, args ...any) (error, bool) {
		return &tlsFailure{msg: fmt.Sprintf(format, args...), err: err}, true
	}
	switch {
	case errors.As(err, &hostname):
		return wrap("certificate verify failed: hostname mismatch: certificate is valid for %s, not %s",
			certNames(hostname.Certificate), hostname.Host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		if now := time.Now(); now.Before(invalid.Cert.NotBefore) {
			return wrap("certificate verify failed: certificate is not valid until %s", formatCertTime(invalid.Cert.NotBefore))
		}
		return wrap("certificate verify failed: certificate expired on %s", formatCertTime(invalid.Cert.NotAfter))
	case errors.As(err, &invalid):
		return wrap("certificate verify failed: %s", strings.TrimPrefix(invalid.Error(), "x509: "))
	case errors.As(err, &unknown):
		issuer := ""
		if unknown.Cert != nil {
			issuer = fmt.Sprintf(" (issuer %q)", unknown.Cert.Issuer.String())
		}
		return wrap("certificate verify failed: certificate signed by unknown authority%s", issuer)
	case errors.As(err, &verify):
		return wrap("certificate verify failed: %s", strings.TrimPrefix(verify.Err.Error(), "x509: "))
	case errors.As(err, &record):
		return wrap("the server did not answer with TLS (is it plain HTTP?)")
	}
	code, isAlert := remoteAlert(err)
	if !isAlert {
		return nil, false
	}
	name := alertName(code)
	switch {
	case code == alertCertificateNeeded, (code == alertBadCertificate || code == alertHandshakeFailure) && !haveClientCert:
		return wrap("the server requires a client certificate (alert: %s)", name)
	case code == alertBadCertificate || code == alertUnknownCA || code == alertCertificateExpired:
		return wrap("the server rejected the client certificate (alert: %s)", name)
	case code == alertProtocolVersion:
		return wrap("the server does not support the requested TLS version (alert: %s)", name)
	case code == alertNoApplicationProtocol && errors.As(err, new(*quic.TransportError)):
		return wrap("the server does not speak HTTP/3 on this port (alert: %s)", name)
	case code == alertNoApplicationProtocol:
		return wrap("the server speaks none of the protocols reqs offered (alert: %s)", name)
	}
	return wrap("TLS handshake failed: the server sent the alert %q", name)
}

// alertName is a TLS alert's description as RFC 8446 names it, in
// words ("certificate required"), without crypto/tls's "tls: " prefix.
func alertName(code uint8) string {
	return strings.TrimPrefix(tls.AlertError(code).Error(), "tls: ")
}

// remoteAlert finds a TLS alert the peer sent. crypto/tls reports it as a
// net.OpError with Op "remote error" around its unexported alert type (a
// uint8), so the code is read by reflection; tls.AlertError is accepted
// too, and so is QUIC's CRYPTO_ERROR from the peer, which carries the
// alert as its code minus 0x100 (RFC 9001 §4.8).
func remoteAlert(err error) (code uint8, ok bool) {
	var ae tls.AlertError
	if errors.As(err, &ae) {
		return uint8(ae), true
	}
	var qe *quic.TransportError
	if errors.As(err, &qe) && qe.Remote && qe.ErrorCode.IsCryptoError() {
		return uint8(qe.ErrorCode - 0x100), true
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return 0, false
	}
	v := reflect.ValueOf(op.Err)
	if v.Kind() != reflect.Uint8 || v.Type().PkgPath() != "crypto/tls" {
		return 0, false
	}
	return uint8(v.Uint()), true
}

// certNames lists the names a certificate is valid for: its DNS and IP
// SANs, else its common name.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "no names"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no names"
	}
	return strings.Join(names, ", ")
}

func formatCertTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") }
