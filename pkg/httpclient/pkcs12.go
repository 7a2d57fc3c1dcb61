package httpclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// ErrPassphraseNeeded is returned (wrapped) when a client key or PKCS#12
// bundle is encrypted and no passphrase was given, so a caller with a
// terminal can ask for one and try again.
var ErrPassphraseNeeded = errors.New("the key is encrypted and no passphrase was given")

// isPKCS12 reports whether a --cert file is a PKCS#12 bundle: named
// .p12 or .pfx, or not PEM at all (PKCS#12 is DER, so it never starts
// with a PEM header).
func isPKCS12(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".p12", ".pfx":
		return true
	}
	return len(data) > 0 && data[0] == 0x30 && !strings.Contains(string(data[:min(len(data), 512)]), "-----BEGIN")
}

// loadPKCS12 reads a client certificate, its key and any CA certificates
// from a PKCS#12 bundle. A bundle protected by an empty password opens
// without one.
func loadPKCS12(path string, data []byte, pass string) (tls.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, pass)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		if pass == "" {
			return tls.Certificate{}, fmt.Errorf("client certificate %s: %w", path, ErrPassphraseNeeded)
		}
		return tls.Certificate{}, fmt.Errorf("client certificate %s: cannot decrypt the bundle (wrong passphrase?)", path)
	}
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("client certificate %s: not a PKCS#12 bundle reqs can read: %v", path, strings.TrimPrefix(err.Error(), "pkcs12: "))
	}
	cert := tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}
	for _, c := range chain {
		if !isSelfSigned(c) {
			// Intermediates go with the leaf; a root is the server's to have.
			cert.Certificate = append(cert.Certificate, c.Raw)
		}
	}
	return cert, nil
}

func isSelfSigned(c *x509.Certificate) bool {
	return c.CheckSignatureFrom(c) == nil
}
