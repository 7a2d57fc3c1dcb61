package testserver

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// RawH2Server is an HTTP/2 server, over TLS or h2c (prior knowledge over
// plain TCP), written with x/net/http2's
// Framer and an HPACK encoder, for tests of header order over HTTP/2:
// net/http's server encodes response headers in map order, this one in
// a fixed order, and it reports the request's header block exactly as it
// decoded it.
//
// Every request is answered 200 with the header block H2Fields (in that
// order, Set-Cookie repeated), and a text/plain body: the request's
// header fields as decoded, one "name: value" a line, pseudo-headers
// included. After a request for /goaway the server sends GOAWAY and
// closes the connection.
type RawH2Server struct {
	// URL is https://127.0.0.1:PORT, or http:// for h2c.
	URL string

	connServer
}

// H2Fields is the response header block RawH2Server sends after :status.
var H2Fields = [][2]string{
	{"x-zulu", "1"},
	{"content-type", "text/plain"},
	{"set-cookie", "a=1"},
	{"x-alpha", "2"},
	{"set-cookie", "b=2"},
	{"x-middle", "3"},
}

// StartRawH2Server listens on 127.0.0.1 with cfg's certificates, offering
// h2 only; with a nil cfg it speaks h2c, HTTP/2 with prior knowledge
// over plain TCP.
func StartRawH2Server(cfg *tls.Config) (*RawH2Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if cfg == nil {
		s := &RawH2Server{URL: "http://" + l.Addr().String()}
		s.start(l, serveH2)
		return s, nil
	}
	cfg = cfg.Clone()
	cfg.NextProtos = []string{"h2"}
	s := &RawH2Server{URL: "https://" + l.Addr().String()}
	s.start(tls.NewListener(l, cfg), serveH2)
	return s, nil
}

// serveH2 speaks just enough HTTP/2 for one client: settings, pings,
// header blocks, and request bodies (read and acknowledged).
func serveH2(c net.Conn) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	var hbuf bytes.Buffer
	enc := hpack.NewEncoder(&hbuf)
	if err := fr.WriteSettings(); err != nil {
		return
	}
	pending := map[uint32][]byte{} // streams whose request is still coming: the reply body
	goaway := map[uint32]bool{}
	reply := func(stream uint32) error {
		defer delete(goaway, stream)
		if goaway[stream] {
			defer fr.WriteGoAway(stream, http2.ErrCodeNo, nil)
		}
		hbuf.Reset()
		enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
		for _, f := range H2Fields {
			enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: hbuf.Bytes(), EndHeaders: true}); err != nil {
			return err
		}
		return fr.WriteData(stream, true, pending[stream])
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if err := fr.WriteSettingsAck(); err != nil {
					return
				}
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				if err := fr.WritePing(true, f.Data); err != nil {
					return
				}
			}
		case *http2.MetaHeadersFrame:
			var body bytes.Buffer
			for _, hf := range f.Fields {
				fmt.Fprintf(&body, "%s: %s\n", hf.Name, hf.Value)
			}
			id := f.StreamID
			pending[id] = body.Bytes()
			goaway[id] = f.PseudoValue("path") == "/goaway"
			if f.StreamEnded() {
				bye := goaway[id]
				if err := reply(id); err != nil || bye {
					return
				}
				delete(pending, id)
			}
		case *http2.DataFrame:
			id := f.StreamID
			if n := uint32(len(f.Data())); n > 0 {
				fr.WriteWindowUpdate(0, n)
				fr.WriteWindowUpdate(id, n)
			}
			if f.StreamEnded() {
				if _, ok := pending[id]; ok {
					bye := goaway[id]
					if err := reply(id); err != nil || bye {
						return
					}
					delete(pending, id)
				}
			}
		case *http2.GoAwayFrame:
			return
		}
	}
}
