package render

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Exchange is one line of the timing waterfall: a retried attempt, a
// redirect hop or the final response, in the order they happened.
type Exchange struct {
	// Label says what the line is, such as "GET /redirect/1 → 302" or
	// "retry 1 → connection refused".
	Label string
	// Start is when the exchange began, counted from the first one.
	Start time.Duration
	// DNS, Connect and TLS are 0 on a reused connection; TTFB counts
	// from Start (it includes them); Elapsed runs to the last byte, or
	// to the headers when the body was not timed. TTFB 0 means no
	// response came.
	DNS, Connect, TLS, TTFB, Elapsed time.Duration
}

// waterfallWidth is the width of the bar in columns.
const waterfallWidth = 48

// phase is one segment of an exchange's bar.
type phase struct {
	name  string
	glyph rune
	d     time.Duration
	color func(*palette) []byte
}

// phases splits an exchange into its sequential phases: DNS, connect,
// TLS, the server's work (time to first byte less the set-up) and the
// transfer of the body.
func (e Exchange) phases() []phase {
	server := e.TTFB - e.DNS - e.Connect - e.TLS
	transfer := e.Elapsed - e.TTFB
	if e.TTFB == 0 { // no response: the whole time went waiting
		server, transfer = e.Elapsed-e.DNS-e.Connect-e.TLS, 0
	}
	return []phase{
		{"DNS", '░', e.DNS, func(p *palette) []byte { return p.label }},
		{"connect", '▒', e.Connect, func(p *palette) []byte { return p.attrValue }},
		{"TLS", '▓', e.TLS, func(p *palette) []byte { return p.num }},
		{"server", '█', max(server, 0), func(p *palette) []byte { return p.key }},
		{"transfer", '▄', max(transfer, 0), func(p *palette) []byte { return p.status2xx }},
	}
}

// appendWaterfall draws the exchanges as httpstat draws curl's timings:
// one proportional bar per exchange, placed on a common time axis so
// redirects and retries read left to right, with its figures under it.
func appendWaterfall(b []byte, xs []Exchange, p *palette) []byte {
	var total time.Duration
	labelWidth := 0
	for _, x := range xs {
		total = max(total, x.Start+x.Elapsed)
		labelWidth = max(labelWidth, utf8.RuneCountInString(x.Label))
	}
	if total <= 0 {
		total = 1
	}
	col := func(d time.Duration) int {
		return int((int64(d)*waterfallWidth + int64(total)/2) / int64(total))
	}
	pad := strings.Repeat(" ", labelWidth+2)
	for _, x := range xs {
		b = append(b, x.Label...)
		b = append(b, strings.Repeat(" ", labelWidth-utf8.RuneCountInString(x.Label)+1)...)
		b = append(b, '[')
		at := x.Start
		pos := col(at)
		// Too short for a column at this scale (a fast hop after a slow
		// one): one column of its longest phase, so every exchange that
		// took time shows on the axis.
		mark := x.Elapsed > 0 && col(at+x.Elapsed) == pos
		if mark {
			pos = min(pos, waterfallWidth-1)
		}
		b = append(b, strings.Repeat(" ", pos)...)
		if mark {
			b = appendMark(b, x.phases(), p)
			pos++
		} else {
			for _, ph := range x.phases() {
				at += ph.d
				end := col(at)
				if end > pos {
					seg := strings.Repeat(string(ph.glyph), end-pos)
					if p != nil {
						b = paint(b, ph.color(p), seg)
					} else {
						b = append(b, seg...)
					}
					pos = end
				}
			}
		}
		b = append(b, strings.Repeat(" ", max(waterfallWidth-pos, 0))...)
		b = append(b, "] "...)
		b = append(b, formatMillis(x.Elapsed)...)
		b = append(b, '\n')
		// The figures, each after its glyph, so the bar can be read
		// without colour.
		b = append(b, pad...)
		first := true
		for _, ph := range x.phases() {
			if ph.d == 0 {
				continue
			}
			if !first {
				b = append(b, "  "...)
			}
			first = false
			g := string(ph.glyph)
			if p != nil {
				b = paint(b, ph.color(p), g)
			} else {
				b = append(b, g...)
			}
			b = append(b, ' ')
			b = append(b, ph.name...)
			b = append(b, ' ')
			b = append(b, formatMillis(ph.d)...)
		}
		b = append(b, '\n')
	}
	return b
}

// appendMark draws one column of the longest of phases.
func appendMark(b []byte, phases []phase, p *palette) []byte {
	longest := phases[0]
	for _, ph := range phases[1:] {
		if ph.d > longest.d {
			longest = ph
		}
	}
	if p != nil {
		return paint(b, longest.color(p), string(longest.glyph))
	}
	return append(b, string(longest.glyph)...)
}

// formatMillis writes a duration in milliseconds with one decimal, the
// precision at which network timings are worth reading.
func formatMillis(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
