package testserver

import (
	"bytes"
	"crypto/sha1"
	"encoding/asn1"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// ASN.1 universal tags of the string types OpenSSL canonicalises
// (ASN1_MASK_CANON in crypto/x509/x_name.c).
const (
	tagUTF8String      = 12
	tagPrintableString = 19
	tagT61String       = 20
	tagIA5String       = 22
	tagVisibleString   = 26
	tagUniversalString = 28
	tagBMPString       = 30
)

type attributeTypeAndValue struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// attributeSET is one relative distinguished name; encoding/asn1 treats a
// slice type whose name ends in SET as SET OF.
type attributeSET []attributeTypeAndValue

// SubjectHash returns the name OpenSSL's c_rehash gives a CA certificate in
// a certificate directory (without the ".0" suffix): X509_NAME_hash_ex,
// the first four bytes, little-endian, of the SHA-1 of the canonical
// encoding of the subject. rawSubject is [x509.Certificate.RawSubject].
//
// The canonical encoding (x509_name_canon) is each RDN's SET encoded in
// DER and concatenated without the outer SEQUENCE, where every string
// value is converted to a UTF8String with leading and trailing white space
// removed, inner runs of white space collapsed to one space and ASCII
// letters lower-cased.
func SubjectHash(rawSubject []byte) (string, error) {
	var rdns []attributeSET
	rest, err := asn1.Unmarshal(rawSubject, &rdns)
	if err != nil {
		return "", fmt.Errorf("parse subject: %w", err)
	}
	if len(rest) > 0 {
		return "", fmt.Errorf("parse subject: %d trailing bytes", len(rest))
	}
	var canon []byte
	for _, rdn := range rdns {
		out := make(attributeSET, 0, len(rdn))
		for _, atv := range rdn {
			if atv.Value.Class == asn1.ClassUniversal {
				if s, ok := decodeASN1String(atv.Value.Tag, atv.Value.Bytes); ok {
					atv.Value = asn1.RawValue{Class: asn1.ClassUniversal, Tag: tagUTF8String, Bytes: canonicalName(s)}
				}
			}
			atv.Value.FullBytes = nil
			out = append(out, atv)
		}
		der, err := asn1.Marshal(out)
		if err != nil {
			return "", fmt.Errorf("encode canonical subject: %w", err)
		}
		canon = append(canon, der...)
	}
	sum := sha1.Sum(canon)
	return fmt.Sprintf("%08x", binary.LittleEndian.Uint32(sum[:4])), nil
}

// decodeASN1String converts a string value to UTF-8 as ASN1_STRING_to_UTF8
// does; ok is false for types OpenSSL leaves untouched.
func decodeASN1String(tag int, b []byte) (s []byte, ok bool) {
	switch tag {
	case tagUTF8String, tagPrintableString, tagIA5String, tagVisibleString:
		return b, true
	case tagT61String: // OpenSSL reads T61String as Latin-1.
		var out []byte
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return out, true
	case tagBMPString:
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
		var out []byte
		for _, r := range utf16.Decode(u) {
			out = utf8.AppendRune(out, r)
		}
		return out, true
	case tagUniversalString:
		var out []byte
		for i := 0; i+4 <= len(b); i += 4 {
			out = utf8.AppendRune(out, rune(binary.BigEndian.Uint32(b[i:])))
		}
		return out, true
	}
	return nil, false
}

// canonicalName applies asn1_string_canon's white-space and case rules to
// UTF-8 bytes; bytes outside ASCII are copied unchanged.
func canonicalName(s []byte) []byte {
	s = bytes.TrimFunc(s, func(r rune) bool { return r < utf8.RuneSelf && isCSpace(byte(r)) })
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			out = append(out, c)
			i++
		case isCSpace(c):
			out = append(out, ' ')
			for i < len(s) && isCSpace(s[i]) {
				i++
			}
		default:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
			i++
		}
	}
	return out
}

// isCSpace is C's isspace in the "C" locale.
func isCSpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}
