package render

import (
	"io"
	"strconv"
	"time"
)

// Meta is the metadata block that --print m (and -vv) shows: how long the
// exchange took, where that time went, and what it was carried over.
type Meta struct {
	// Elapsed is always printed; any other zero duration was not
	// measured (a reused connection has no DNS, connect or TLS time) and
	// its line is left out.
	Elapsed, DNS, Connect, TLS, TTFB, Transfer time.Duration
	// RemoteAddr ("127.0.0.1:8080"), Proto ("HTTP/2.0") and TLSVersion
	// ("TLS 1.3") are printed when not empty.
	RemoteAddr, Proto, TLSVersion string
	// Exchanges, when given, are drawn as a waterfall on a terminal
	// (o.Terminal) in place of the breakdown lines.
	Exchanges []Exchange
}

// Metadata writes m as HTTPie does, one "Label: value" line each with the
// values aligned, starting with "Elapsed time: 0.012340s" (the final
// exchange's); with more than one exchange (redirect hops, retries) a
// "Total time:" line follows with the time of them all. Durations are
// in seconds with microsecond precision. On a terminal with m.Exchanges,
// the DNS, connect, TLS, first-byte and transfer lines give way to a
// waterfall of every exchange (see appendWaterfall), after the others.
func Metadata(w io.Writer, m Meta, o Options) error {
	type line struct {
		label, value string
	}
	secs := func(d time.Duration) string {
		return strconv.FormatFloat(d.Seconds(), 'f', 6, 64) + "s"
	}
	lines := []line{{"Elapsed time:", secs(m.Elapsed)}}
	if n := len(m.Exchanges); n > 1 {
		// Elapsed is the last exchange's, as Requests' and HTTPie's;
		// the redirect hops and retries before it took time too.
		var total time.Duration
		for _, x := range m.Exchanges {
			total = max(total, x.Start+x.Elapsed)
		}
		lines = append(lines, line{"Total time:", secs(total) + ", " + strconv.Itoa(n) + " exchanges"})
	}
	picture := o.Terminal && len(m.Exchanges) > 0
	for _, t := range []struct {
		label string
		d     time.Duration
	}{
		{"DNS lookup:", m.DNS},
		{"TCP connect:", m.Connect},
		{"TLS handshake:", m.TLS},
		{"Time to first byte:", m.TTFB},
		{"Content transfer:", m.Transfer},
	} {
		if t.d != 0 && !picture {
			lines = append(lines, line{t.label, secs(t.d)})
		}
	}
	for _, s := range []line{
		{"Remote address:", m.RemoteAddr},
		{"Protocol:", m.Proto},
		{"TLS version:", m.TLSVersion},
	} {
		if s.value != "" {
			lines = append(lines, s)
		}
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l.label))
	}
	p := o.palette()
	var b []byte
	for _, l := range lines {
		if p != nil {
			b = paint(b, p.label, l.label)
		} else {
			b = append(b, l.label...)
		}
		for range width - len(l.label) + 1 {
			b = append(b, ' ')
		}
		b = append(b, l.value...)
		b = append(b, '\n')
	}
	if picture {
		b = append(b, '\n')
		b = appendWaterfall(b, m.Exchanges, p)
	}
	_, err := w.Write(b)
	return err
}
