package httpclient

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SigV4Auth signs every request with AWS Signature Version 4, through the
// AWS SDK's signer: method, path, query, headers present when it is
// applied, and the SHA-256 of the body. Apply runs for every redirect hop
// and retry, so each is signed afresh with its own time.
type SigV4Auth struct {
	AccessKeyID, SecretAccessKey string
	// SessionToken is sent as X-Amz-Security-Token when set (temporary
	// credentials).
	SessionToken string
	// Region and Service are the credential scope ("eu-west-1", "s3").
	// When empty they are read from an AWS host name such as
	// s3.eu-west-1.amazonaws.com, as curl does.
	Region, Service string
	// Now returns the signing time; nil means time.Now.
	Now func() time.Time
}

// SigV4 payload hashes.
const (
	emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
)

// unsignedPayloadServices accept UNSIGNED-PAYLOAD in place of the body's
// hash (S3 and its variants); other services reject it.
var unsignedPayloadServices = map[string]bool{
	"s3": true, "s3-object-lambda": true, "s3-outposts": true, "s3express": true,
}

// Apply signs req, setting X-Amz-Date and Authorization (and
// X-Amz-Security-Token, and X-Amz-Content-Sha256 for S3).
//
// The body is hashed as it streams: a file is read once to hash it and
// opened again to send it, never held in memory. A body of unknown
// length (standard input, --chunked) is sent UNSIGNED-PAYLOAD to services
// that accept it (S3); to the others it is hashed on its first read and
// replayed from the copy Body keeps, up to ReplayLimit.
func (a *SigV4Auth) Apply(req *http.Request) error {
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return errors.New("aws-sigv4: no credentials: an access key ID and a secret access key are required")
	}
	region, service := a.Region, a.Service
	if region == "" || service == "" {
		r, s, ok := sigV4ScopeFromHost(req.URL.Hostname())
		if !ok {
			return fmt.Errorf("aws-sigv4: no region and service given, and the host %q does not name them (SERVICE.REGION.amazonaws.com)", req.URL.Hostname())
		}
		if region == "" {
			region = r
		}
		if service == "" {
			service = s
		}
	}
	hash, err := sigV4PayloadHash(req, unsignedPayloadServices[service])
	if err != nil {
		return fmt.Errorf("aws-sigv4: %w", err)
	}
	isS3 := strings.HasPrefix(service, "s3")
	if isS3 {
		// S3 requires the hash as a header and checks the body against it.
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	creds := aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey, SessionToken: a.SessionToken}
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		// S3 signs the path as sent; other services escape it once more.
		o.DisableURIPathEscaping = isS3
	})
	// Hop-by-hop headers are left out of the signature: a proxy may
	// drop them, and HTTP/2 never sends Connection.
	hop := map[string][]string{}
	for _, name := range sigV4Unsigned {
		if v, ok := req.Header[name]; ok {
			hop[name] = v
			delete(req.Header, name)
		}
	}
	rawQuery := req.URL.RawQuery
	err = signer.SignHTTP(req.Context(), creds, req, hash, service, region, now())
	for name, v := range hop {
		req.Header[name] = v
	}
	// The signer rewrites the query in canonical order; the signature
	// covers that order whatever order is sent, so the user's stays.
	req.URL.RawQuery = rawQuery
	if err != nil {
		return fmt.Errorf("aws-sigv4: %w", err)
	}
	return nil
}

// sigV4Unsigned are the hop-by-hop headers (RFC 9110 §7.6.1) kept out of
// the signature.
var sigV4Unsigned = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Te", "Upgrade"}

// sigV4PayloadHash returns the hex SHA-256 of req's body, leaving req with
// a fresh body to send, or UNSIGNED-PAYLOAD for a body of unknown length
// when the service allows it.
func sigV4PayloadHash(req *http.Request, unsignedOK bool) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return emptyPayloadHash, nil
	}
	if req.ContentLength < 0 && unsignedOK {
		return unsignedPayload, nil
	}
	h := sha256.New()
	if req.GetBody == nil {
		// A caller's one-shot body: keep what is hashed to send it.
		var buf bytes.Buffer
		_, err := io.Copy(io.MultiWriter(h, &buf), req.Body)
		req.Body.Close()
		if err != nil {
			return "", fmt.Errorf("read body: %w", err)
		}
		req.Body = io.NopCloser(&buf)
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	// Read the body once through the hash, then reopen it: a file is read
	// from disk again, a stream is replayed from Body's copy.
	_, err := io.Copy(h, req.Body)
	req.Body.Close()
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	body, err := req.GetBody()
	if err != nil {
		return "", err
	}
	req.Body = body
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sigV4ScopeFromHost reads region and service from an AWS endpoint name:
// SERVICE.REGION.amazonaws.com (bucket.s3.REGION… too), and
// SERVICE.amazonaws.com for global services, which sign for us-east-1.
func sigV4ScopeFromHost(host string) (region, service string, ok bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	rest, found := strings.CutSuffix(host, ".amazonaws.com")
	if !found {
		rest, found = strings.CutSuffix(host, ".amazonaws.com.cn")
	}
	if !found || rest == "" {
		return "", "", false
	}
	labels := strings.Split(rest, ".")
	if len(labels) == 1 {
		return "us-east-1", labels[0], true
	}
	return labels[len(labels)-1], labels[len(labels)-2], true
}
