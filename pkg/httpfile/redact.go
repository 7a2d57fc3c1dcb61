package httpfile

import (
	"strings"

	"github.com/reqs-cli/reqs/pkg/httpclient"
)

// redactURL is a URL of a request file as messages and reports may show
// it: a password in it is replaced by xxxxx, also in a URL written
// without a scheme (`user:pass@host/path`, which is sent as http://),
// and in each word of one that holds blanks (`BAR http://u:p@h/ x`: a
// request line whose method was not the first word).
func redactURL(raw string) string {
	if strings.ContainsAny(raw, " \t") {
		return redactLine(raw)
	}
	if httpclient.HasScheme(raw) || !strings.Contains(raw, "@") {
		return httpclient.RedactURL(raw)
	}
	const scheme = "http://"
	return strings.TrimPrefix(httpclient.RedactURL(scheme+raw), scheme)
}

// redactLine is a line of a request file quoted in an error message,
// with the password of every URL in it replaced.
func redactLine(line string) string {
	fields := strings.Fields(line)
	changed := false
	for i, f := range fields {
		if r := redactURL(f); r != f {
			fields[i], changed = r, true
		}
	}
	if !changed {
		return line
	}
	return strings.Join(fields, " ")
}
