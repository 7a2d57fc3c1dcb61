package httpclient

import (
	"net/url"
	"strings"
)

// Link is one link of a Link header (RFC 8288): its target, resolved
// against the response's URL, and its parameters.
type Link struct {
	// URL is the target, absolute.
	URL string
	// Rel is the relation type as sent ("next", or several separated by
	// spaces such as "next last"), lower-cased.
	Rel string
	// Params holds every parameter, names lower-cased, values unquoted;
	// when a parameter repeats the first one counts (RFC 8288 §3).
	Params map[string]string
}

// HasRel reports whether rel is one of the link's relation types.
func (l Link) HasRel(rel string) bool {
	for _, r := range strings.Fields(l.Rel) {
		if r == strings.ToLower(rel) {
			return true
		}
	}
	return false
}

// Links parses the response's Link headers, in order: Requests'
// Response.links as a list.
func (r *Response) Links() []Link {
	return ParseLinks(r.Header.Values("Link"), r.URL)
}

// LinkByRel returns the first link with relation type rel.
func LinkByRel(links []Link, rel string) (Link, bool) {
	for _, l := range links {
		if l.HasRel(rel) {
			return l, true
		}
	}
	return Link{}, false
}

// ParseLinks parses Link header values (RFC 8288 §3): comma-separated
// "<uri>; name=value; name="quoted, value"" entries. Relative targets are
// resolved against base (when not nil). Entries that cannot be parsed are
// skipped, and parsing resumes at the next comma.
func ParseLinks(values []string, base *url.URL) []Link {
	var links []Link
	for _, v := range values {
		p := linkParser{s: v}
		for {
			l, ok, more := p.next()
			if ok {
				if base != nil {
					if u, err := base.Parse(l.URL); err == nil {
						l.URL = u.String()
					}
				}
				links = append(links, l)
			}
			if !more {
				break
			}
		}
	}
	return links
}

type linkParser struct {
	s string
	i int
}

func (p *linkParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// skipEntry moves past the next comma outside quotes and angle brackets.
func (p *linkParser) skipEntry() bool {
	inQuote := false
	for ; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		switch {
		case inQuote && c == '\\':
			p.i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == ',':
			p.i++
			return true
		}
	}
	return false
}

// next parses one entry; ok says it was valid, more that entries follow.
func (p *linkParser) next() (l Link, ok, more bool) {
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		break
	}
	if p.i >= len(p.s) {
		return l, false, false
	}
	if p.s[p.i] != '<' {
		return l, false, p.skipEntry()
	}
	end := strings.IndexByte(p.s[p.i:], '>')
	if end < 0 {
		return l, false, false
	}
	l.URL = strings.TrimSpace(p.s[p.i+1 : p.i+end])
	l.Params = map[string]string{}
	p.i += end + 1
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return l, true, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			return l, true, true
		case ';':
			p.i++
		default:
			return l, false, p.skipEntry()
		}
		p.skipSpace()
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune("=;, \t", rune(p.s[p.i])) {
			p.i++
		}
		name := strings.ToLower(p.s[start:p.i])
		p.skipSpace()
		val := ""
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			p.skipSpace()
			val = p.value()
		}
		if name == "" {
			continue
		}
		if _, dup := l.Params[name]; !dup {
			l.Params[name] = val
			if name == "rel" {
				l.Rel = strings.ToLower(strings.Join(strings.Fields(val), " "))
			}
		}
	}
}

// value reads a token or a quoted string with backslash escapes.
func (p *linkParser) value() string {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		p.i++
		var b strings.Builder
		for p.i < len(p.s) {
			c := p.s[p.i]
			p.i++
			switch {
			case c == '\\' && p.i < len(p.s):
				b.WriteByte(p.s[p.i])
				p.i++
			case c == '"':
				return b.String()
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ';' && p.s[p.i] != ',' {
		p.i++
	}
	return strings.TrimSpace(p.s[start:p.i])
}
