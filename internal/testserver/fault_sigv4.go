package testserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Credentials /sigv4/ accepts: the AWS documentation's example key pair.
const (
	SigV4KeyID  = "AKIDEXAMPLE"
	SigV4Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// handleSigV4 serves /sigv4/ANY/PATH: it checks an AWS Signature Version 4
// Authorization header, written independently of the client's signer from
// AWS's description of the canonical request, and answers 200
// {"authenticated": true, "service", "region", "signed_headers",
// "payload_hash"} or 403 {"authenticated": false, "error"}.
//
// Any region and service are accepted with the key pair SigV4KeyID /
// SigV4Secret. For s3 the payload hash comes from X-Amz-Content-Sha256
// (UNSIGNED-PAYLOAD allowed) and the path is signed as sent; for other
// services the body is hashed here and each path segment is encoded once
// more. The body must match the hash it was signed with. X-Amz-Date must
// be within 15 minutes of now, as AWS requires.
//
// ?redirect=N answers a correctly signed request with a 307 to the same
// path with redirect=N-1, so a client must sign every hop anew.
func handleSigV4(w http.ResponseWriter, r *http.Request) {
	res, err := verifySigV4(r, time.Now())
	if err != nil {
		writeJSON(w, http.StatusForbidden, map[string]any{"authenticated": false, "error": err.Error()})
		return
	}
	if n, _ := strconv.Atoi(r.URL.Query().Get("redirect")); n > 0 {
		q := r.URL.Query()
		q.Set("redirect", strconv.Itoa(n-1))
		http.Redirect(w, r, r.URL.Path+"?"+q.Encode(), http.StatusTemporaryRedirect)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// verifySigV4 checks r's signature and returns what /sigv4/ reports.
func verifySigV4(r *http.Request, now time.Time) (map[string]any, error) {
	authz := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(authz, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, errors.New("no AWS4-HMAC-SHA256 Authorization header")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, fmt.Errorf("bad Credential %q", fields["Credential"])
	}
	keyID, day, region, service := scope[0], scope[1], scope[2], scope[3]
	if keyID != SigV4KeyID {
		return nil, fmt.Errorf("unknown access key %q", keyID)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		return nil, fmt.Errorf("bad X-Amz-Date %q", amzDate)
	}
	if d := now.Sub(t); d > 15*time.Minute || d < -15*time.Minute {
		return nil, fmt.Errorf("X-Amz-Date %s is more than 15 minutes away", amzDate)
	}
	if !strings.HasPrefix(amzDate, day) {
		return nil, errors.New("credential scope day differs from X-Amz-Date")
	}
	signedHeaders := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signedHeaders) || !containsString(signedHeaders, "host") || !containsString(signedHeaders, "x-amz-date") {
		return nil, fmt.Errorf("SignedHeaders %q must be sorted and include host and x-amz-date", fields["SignedHeaders"])
	}

	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %v", err)
	}
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	payloadHash := bodyHash
	isS3 := strings.HasPrefix(service, "s3")
	if isS3 {
		payloadHash = r.Header.Get("X-Amz-Content-Sha256")
		if payloadHash == "" {
			return nil, errors.New("s3 requires X-Amz-Content-Sha256")
		}
		if payloadHash != "UNSIGNED-PAYLOAD" && payloadHash != bodyHash {
			return nil, errors.New("X-Amz-Content-Sha256 does not match the body")
		}
	}

	path := r.URL.EscapedPath()
	if !isS3 {
		segs := strings.Split(path, "/")
		for i, s := range segs {
			segs[i] = awsURIEncode(s)
		}
		path = strings.Join(segs, "/")
	}
	var headerLines strings.Builder
	for _, name := range signedHeaders {
		var values []string
		switch name {
		case "host":
			values = []string{r.Host}
		case "content-length":
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		default:
			values = r.Header.Values(name)
			if values == nil {
				return nil, fmt.Errorf("signed header %q is missing", name)
			}
		}
		for i, v := range values {
			values[i] = strings.Join(strings.Fields(v), " ")
		}
		fmt.Fprintf(&headerLines, "%s:%s\n", name, strings.Join(values, ","))
	}
	canonical := strings.Join([]string{
		r.Method, path, canonicalQuery(r.URL.RawQuery), headerLines.String(),
		fields["SignedHeaders"], payloadHash,
	}, "\n")
	crHash := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{
		"AWS4-HMAC-SHA256", amzDate, strings.Join(scope[1:], "/"), hex.EncodeToString(crHash[:]),
	}, "\n")
	key := []byte("AWS4" + SigV4Secret)
	for _, s := range []string{day, region, service, "aws4_request"} {
		key = hmacSHA256(key, s)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if subtle.ConstantTimeCompare([]byte(want), []byte(fields["Signature"])) != 1 {
		return nil, fmt.Errorf("signature does not match; canonical request was %q", canonical)
	}
	return map[string]any{
		"authenticated":  true,
		"service":        service,
		"region":         region,
		"signed_headers": fields["SignedHeaders"],
		"payload_hash":   payloadHash,
		"session_token":  r.Header.Get("X-Amz-Security-Token"),
	}, nil
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// canonicalQuery sorts the query's encoded name=value pairs, every byte
// but the unreserved ones percent-encoded.
func canonicalQuery(raw string) string {
	var pairs []string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		pairs = append(pairs, awsURIEncode(k)+"="+awsURIEncode(v))
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// awsURIEncode percent-encodes every byte except A-Z a-z 0-9 - _ . ~.
func awsURIEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
