package httpfile

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// builtinNames lists the built-in variables, as an unknown one's error
// shows them: those of JetBrains' HTTP Client, REST Client and httpyac.
const builtinNames = "$uuid, $random.uuid, $guid, $timestamp [OFFSET UNIT], $isoTimestamp, " +
	"$randomInt [MIN MAX], $random.integer(MIN, MAX), $random.float(MIN, MAX), " +
	"$random.alphabetic(N), $random.alphanumeric(N), $random.hexadecimal(N), $random.email, " +
	"$datetime rfc1123|iso8601|\"FORMAT\" [OFFSET UNIT], $localDatetime …, " +
	"$processEnv [%]NAME, $env.NAME, $dotenv [%]NAME"

// builtin evaluates a built-in variable, ref starting with $.
func (v *Vars) builtin(req *Request, ref string, at Pos, depth int, refs *int) (string, error) {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	fields := strings.Fields(ref)
	word := fields[0]
	args := fields[1:]
	if k := strings.IndexByte(word, '('); k >= 0 {
		// $random.integer(1, 10): the arguments may hold blanks.
		word = ref[:k]
		call := strings.TrimSpace(ref[k:])
		if !strings.HasPrefix(call, "(") || !strings.HasSuffix(call, ")") {
			return "", errorf(at, "%s: expected %s(…)", word, word)
		}
		args = nil
		if inner := strings.TrimSpace(call[1 : len(call)-1]); inner != "" {
			for _, a := range strings.Split(inner, ",") {
				args = append(args, strings.Trim(strings.TrimSpace(a), `"'`))
			}
		}
	}
	noArgs := func() error {
		if len(args) > 0 {
			return errorf(at, "%s takes no arguments", word)
		}
		return nil
	}
	switch word {
	case "$uuid", "$random.uuid", "$guid":
		if err := noArgs(); err != nil {
			return "", err
		}
		return newUUID(v.random()), nil
	case "$timestamp":
		t, err := offsetTime(now(), args, at, word)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(t.Unix(), 10), nil
	case "$isoTimestamp":
		if err := noArgs(); err != nil {
			return "", err
		}
		return now().UTC().Format(time.RFC3339), nil
	case "$randomInt", "$random.integer":
		lo, hi := int64(0), int64(1000)
		switch len(args) {
		case 0:
		case 2:
			a, err1 := strconv.ParseInt(args[0], 10, 64)
			b, err2 := strconv.ParseInt(args[1], 10, 64)
			if err1 != nil || err2 != nil || b <= a {
				return "", errorf(at, "%s takes MIN MAX with MIN < MAX", word)
			}
			lo, hi = a, b
		default:
			return "", errorf(at, "%s takes MIN MAX with MIN < MAX", word)
		}
		return randomInt(v.random(), lo, hi)
	case "$random.float":
		lo, hi := 0.0, 1000.0
		switch len(args) {
		case 0:
		case 2:
			a, err1 := strconv.ParseFloat(args[0], 64)
			b, err2 := strconv.ParseFloat(args[1], 64)
			if err1 != nil || err2 != nil || !(b > a) || b-a > 1e300 {
				return "", errorf(at, "%s takes MIN, MAX with MIN < MAX", word)
			}
			lo, hi = a, b
		default:
			return "", errorf(at, "%s takes MIN, MAX with MIN < MAX", word)
		}
		n, err := rand.Int(v.random(), big.NewInt(1<<53))
		if err != nil {
			return "", err
		}
		f := lo + (hi-lo)*float64(n.Int64())/(1<<53)
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case "$random.alphabetic", "$random.alphanumeric", "$random.hexadecimal":
		if len(args) != 1 {
			return "", errorf(at, "%s takes a length", word)
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 || n > maxRandomLength {
			return "", errorf(at, "%s takes a length from 0 to %d, got %q", word, maxRandomLength, excerpt(args[0]))
		}
		alphabet := map[string]string{
			"$random.alphabetic":   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
			"$random.alphanumeric": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
			"$random.hexadecimal":  "0123456789abcdef",
		}[word]
		return randomString(v.random(), alphabet, n), nil
	case "$random.email":
		if err := noArgs(); err != nil {
			return "", err
		}
		letters := "abcdefghijklmnopqrstuvwxyz"
		return randomString(v.random(), letters, 8) + "@" + randomString(v.random(), letters, 6) + ".com", nil
	case "$datetime", "$localDatetime":
		return v.datetime(now(), word, strings.TrimSpace(strings.TrimPrefix(ref, word)), at)
	case "$processEnv", "$dotenv":
		if len(args) != 1 {
			return "", errorf(at, "%s takes one variable name", word)
		}
		name := args[0]
		if rest, ok := strings.CutPrefix(name, "%"); ok {
			// %NAME: the variable NAME holds the name to look up.
			val, err := v.resolve(req, rest, at, depth+1, refs)
			if err != nil {
				return "", err
			}
			name = val
		}
		if word == "$dotenv" {
			return v.dotenv(name, at)
		}
		return v.lookupEnv(name, at)
	}
	if name, ok := strings.CutPrefix(ref, "$env."); ok && len(fields) == 1 {
		return v.lookupEnv(name, at)
	}
	return "", errorf(at, "unknown built-in variable %q (reqs knows %s)", excerpt(ref), builtinNames)
}

// maxRandomLength bounds $random.alphabetic(N) and its kind.
const maxRandomLength = 1 << 20

func randomInt(r io.Reader, lo, hi int64) (string, error) {
	// hi-lo overflows int64 for the widest ranges: count in big.Int.
	span := new(big.Int).Sub(big.NewInt(hi), big.NewInt(lo))
	n, err := rand.Int(r, span)
	if err != nil {
		return "", err
	}
	return n.Add(n, big.NewInt(lo)).String(), nil
}

func randomString(r io.Reader, alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = io.ReadFull(r, b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// random is the source of the random built-ins.
func (v *Vars) random() io.Reader {
	if v.Rand != nil {
		return v.Rand
	}
	return rand.Reader
}

// newUUID returns a random (version 4) UUID.
func newUUID(r io.Reader) string {
	var b [16]byte
	_, _ = io.ReadFull(r, b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (v *Vars) lookupEnv(name string, at Pos) (string, error) {
	getenv := v.Getenv
	if getenv == nil {
		getenv = lookupProcessEnv
	}
	val, ok := getenv(name)
	if !ok {
		return "", errorf(at, "environment variable %s is not set", name)
	}
	return val, nil
}

// datetime evaluates REST Client's `$datetime FORMAT [OFFSET UNIT]` and
// `$localDatetime …`: FORMAT is rfc1123, iso8601 or a quoted Day.js
// format ("YYYY-MM-DD"); the offset moves the time, in units y, M, w, d,
// h, m, s or ms.
func (v *Vars) datetime(now time.Time, word, spec string, at Pos) (string, error) {
	usage := func() error {
		return errorf(at, "%s takes rfc1123, iso8601 or a quoted format, then an optional offset such as 1 d", word)
	}
	var format string
	switch {
	case spec == "":
		return "", usage()
	case spec[0] == '"' || spec[0] == '\'':
		end := strings.IndexByte(spec[1:], spec[0])
		if end < 0 {
			return "", usage()
		}
		format, spec = spec[1:end+1], spec[end+2:]
	default:
		format, spec, _ = strings.Cut(spec, " ")
	}
	t, err := offsetTime(now, strings.Fields(spec), at, word)
	if err != nil {
		return "", err
	}
	local := word == "$localDatetime"
	if local {
		loc := v.Location
		if loc == nil {
			loc = time.Local
		}
		t = t.In(loc)
	} else {
		t = t.UTC()
	}
	switch format {
	case "rfc1123":
		if local {
			return t.Format("Mon, 02 Jan 2006 15:04:05 -0700"), nil
		}
		// An HTTP date, as JavaScript's toUTCString writes it.
		return t.Format(http.TimeFormat), nil
	case "iso8601":
		if local {
			return t.Format("2006-01-02T15:04:05-07:00"), nil
		}
		return t.Format("2006-01-02T15:04:05.000Z"), nil
	}
	if format == "" || strings.IndexFunc(format, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) < 0 {
		return "", usage()
	}
	return dayjsFormat(t, format), nil
}

// offsetTime moves t by an `OFFSET UNIT` pair, as `$datetime iso8601 -1 d`.
func offsetTime(t time.Time, args []string, at Pos, word string) (time.Time, error) {
	switch len(args) {
	case 0:
		return t, nil
	case 2:
	default:
		return t, errorf(at, "%s: expected an offset and a unit (y, M, w, d, h, m, s, ms), got %q", word, strings.Join(args, " "))
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n > 1e6 || n < -1e6 {
		return t, errorf(at, "%s: offset %q is not a whole number", word, excerpt(args[0]))
	}
	switch args[1] {
	case "y":
		return t.AddDate(n, 0, 0), nil
	case "M":
		return t.AddDate(0, n, 0), nil
	case "w":
		return t.AddDate(0, 0, 7*n), nil
	case "d":
		return t.AddDate(0, 0, n), nil
	case "h":
		return t.Add(time.Duration(n) * time.Hour), nil
	case "m":
		return t.Add(time.Duration(n) * time.Minute), nil
	case "s":
		return t.Add(time.Duration(n) * time.Second), nil
	case "ms":
		return t.Add(time.Duration(n) * time.Millisecond), nil
	}
	return t, errorf(at, "%s: unknown unit %q (y, M, w, d, h, m, s, ms)", word, excerpt(args[1]))
}

// dayjsTokens are the Day.js format tokens REST Client's custom formats
// use, longest first so that YYYY wins over YY.
var dayjsTokens = []string{
	"YYYY", "MMMM", "dddd", "SSS", "MMM", "ddd", "YY", "MM", "DD", "dd", "HH", "hh",
	"mm", "ss", "ZZ", "M", "D", "d", "H", "h", "m", "s", "Z", "A", "a", "X", "x",
}

// dayjsFormat formats t with a Day.js format string; [text] is literal.
func dayjsFormat(t time.Time, format string) string {
	var b strings.Builder
	for format != "" {
		if format[0] == '[' {
			if end := strings.IndexByte(format, ']'); end > 0 {
				b.WriteString(format[1:end])
				format = format[end+1:]
				continue
			}
		}
		tok := ""
		for _, k := range dayjsTokens {
			if strings.HasPrefix(format, k) {
				tok = k
				break
			}
		}
		if tok == "" {
			b.WriteByte(format[0])
			format = format[1:]
			continue
		}
		format = format[len(tok):]
		hour12 := t.Hour() % 12
		if hour12 == 0 {
			hour12 = 12
		}
		switch tok {
		case "YYYY":
			fmt.Fprintf(&b, "%04d", t.Year())
		case "YY":
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case "MMMM":
			b.WriteString(t.Month().String())
		case "MMM":
			b.WriteString(t.Month().String()[:3])
		case "MM":
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case "M":
			b.WriteString(strconv.Itoa(int(t.Month())))
		case "DD":
			fmt.Fprintf(&b, "%02d", t.Day())
		case "D":
			b.WriteString(strconv.Itoa(t.Day()))
		case "dddd":
			b.WriteString(t.Weekday().String())
		case "ddd":
			b.WriteString(t.Weekday().String()[:3])
		case "dd":
			b.WriteString(t.Weekday().String()[:2])
		case "d":
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case "HH":
			fmt.Fprintf(&b, "%02d", t.Hour())
		case "H":
			b.WriteString(strconv.Itoa(t.Hour()))
		case "hh":
			fmt.Fprintf(&b, "%02d", hour12)
		case "h":
			b.WriteString(strconv.Itoa(hour12))
		case "mm":
			fmt.Fprintf(&b, "%02d", t.Minute())
		case "m":
			b.WriteString(strconv.Itoa(t.Minute()))
		case "ss":
			fmt.Fprintf(&b, "%02d", t.Second())
		case "s":
			b.WriteString(strconv.Itoa(t.Second()))
		case "SSS":
			fmt.Fprintf(&b, "%03d", t.Nanosecond()/1e6)
		case "Z":
			b.WriteString(t.Format("-07:00"))
		case "ZZ":
			b.WriteString(t.Format("-0700"))
		case "A":
			b.WriteString(t.Format("PM"))
		case "a":
			b.WriteString(t.Format("pm"))
		case "X":
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case "x":
			b.WriteString(strconv.FormatInt(t.UnixMilli(), 10))
		}
	}
	return b.String()
}
