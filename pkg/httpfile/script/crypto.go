package script

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/dop251/goja"
)

// hashes are the digests of JetBrains' crypto API, in its order.
var hashes = []struct {
	name string
	new  func() hash.Hash
}{{"sha1", sha1.New}, {"sha256", sha256.New}, {"sha512", sha512.New}, {"md5", md5.New}}

// crypto is the `crypto` object: JetBrains' hashing and HMAC builders,
// crypto.sha256().updateWithText(s).digest().toHex() and
// crypto.hmac.sha256().withTextSecret(k).updateWithText(s).digest().toBase64().
func (e *Engine) crypto() *goja.Object {
	names := make([]string, 0, len(hashes)+1)
	props := map[string]any{}
	hmacs := map[string]any{}
	for _, h := range hashes {
		h := h
		names = append(names, h.name)
		props[h.name] = func() *goja.Object { return e.digestBuilder("crypto."+h.name+"()", h.new()) }
		hmacs[h.name] = func() *goja.Object { return e.hmacInit("crypto.hmac."+h.name+"()", h.new) }
	}
	props["hmac"] = e.api("crypto.hmac", append([]string(nil), names...), hmacs)
	return e.api("crypto", append(names, "hmac"), props)
}

// hmacInit is an HMAC's initializer: it takes the secret and gives the
// digest builder.
func (e *Engine) hmacInit(name string, h func() hash.Hash) *goja.Object {
	start := func(key []byte) *goja.Object { return e.digestBuilder(name, hmac.New(h, key)) }
	return e.api(name, []string{"withTextSecret", "withHexSecret", "withBase64Secret"}, map[string]any{
		"withTextSecret": func(secret string, encoding goja.Value) *goja.Object {
			return start(e.encode(name+".withTextSecret", secret, encoding))
		},
		"withHexSecret": func(secret string) *goja.Object {
			return start(e.fromHex(name+".withHexSecret", secret))
		},
		"withBase64Secret": func(secret string, urlSafe bool) *goja.Object {
			return start(e.fromBase64(name+".withBase64Secret", secret, urlSafe))
		},
	})
}

// digestBuilder feeds h: each update* appends bytes and returns the
// builder, digest() ends it.
func (e *Engine) digestBuilder(name string, h hash.Hash) *goja.Object {
	var self *goja.Object
	self = e.api(name, []string{"updateWithText", "updateWithHex", "updateWithBase64", "digest"}, map[string]any{
		"updateWithText": func(text string, encoding goja.Value) *goja.Object {
			h.Write(e.encode(name+".updateWithText", text, encoding))
			return self
		},
		"updateWithHex": func(s string) *goja.Object {
			h.Write(e.fromHex(name+".updateWithHex", s))
			return self
		},
		"updateWithBase64": func(s string, urlSafe bool) *goja.Object {
			h.Write(e.fromBase64(name+".updateWithBase64", s, urlSafe))
			return self
		},
		"digest": func() *goja.Object {
			sum := h.Sum(nil)
			return e.api(name+".digest()", []string{"toHex", "toBase64"}, map[string]any{
				"toHex": func() string { return hex.EncodeToString(sum) },
				"toBase64": func(urlSafe bool) string {
					if urlSafe {
						return base64.URLEncoding.EncodeToString(sum)
					}
					return base64.StdEncoding.EncodeToString(sum)
				},
			})
		},
	})
	return self
}

// encode turns text into bytes in the named encoding: UTF-8 (the
// default) or ISO-8859-1.
func (e *Engine) encode(fn, text string, encoding goja.Value) []byte {
	enc := ""
	if encoding != nil && !goja.IsUndefined(encoding) && !goja.IsNull(encoding) {
		enc = encoding.String()
	}
	switch strings.ToUpper(strings.ReplaceAll(enc, "-", "")) {
	case "", "UTF8":
		return []byte(text)
	case "ISO88591", "LATIN1":
		b := make([]byte, 0, len(text))
		for _, r := range text {
			if r > 0xff {
				panic(e.vm.NewTypeError(fmt.Sprintf("%s: %q has a character ISO-8859-1 cannot encode", fn, excerpt(text))))
			}
			b = append(b, byte(r))
		}
		return b
	}
	panic(e.refuse(fn, fmt.Sprintf("%s: the encoding %q is not supported (reqs knows UTF-8 and ISO-8859-1)", fn, enc)))
}

func (e *Engine) fromHex(fn, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(e.vm.NewTypeError(fmt.Sprintf("%s: %q is not hexadecimal", fn, excerpt(s))))
	}
	return b
}

// fromBase64 decodes Base64 with or without its padding, as Java's
// decoder (JetBrains' client) accepts it.
func (e *Engine) fromBase64(fn, s string, urlSafe bool) []byte {
	enc := base64.RawStdEncoding
	if urlSafe {
		enc = base64.RawURLEncoding
	}
	b, err := enc.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		panic(e.vm.NewTypeError(fmt.Sprintf("%s: %q is not Base64", fn, excerpt(s))))
	}
	return b
}

// excerpt shortens text quoted in a message.
func excerpt(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "…"
}
