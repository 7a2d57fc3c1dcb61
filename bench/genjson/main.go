// Command genjson writes a JSON document of about the given size to
// standard output, shaped like an API response: an array of records with
// strings, escapes, numbers, literals and nesting. bench/json_format.sh
// uses it.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
)

func main() {
	size := flag.Int("size", 50, "document size in MiB")
	flag.Parse()
	if err := generate(*size << 20); err != nil {
		fmt.Fprintln(os.Stderr, "genjson:", err)
		os.Exit(1)
	}
}

func generate(size int) error {
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	var b []byte
	written := 0
	b = append(b, '[')
	for i := 0; written+len(b) < size; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `,"name":"user `...)
		b = strconv.AppendInt(b, int64(i*7919), 36)
		b = append(b, `","email":"user@example.org","score":`...)
		b = strconv.AppendFloat(b, float64(i)*1.25, 'f', 2, 64)
		b = append(b, `,"active":true,"note":null,"bio":"caf\u00e9 \"quoted\" line\nbreak","tags":["a","bb","ccc"],"geo":{"lat":48.8566,"lng":2.3522,"alt":-1e-3}}`...)
		if len(b) > 64<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			written += len(b)
			b = b[:0]
		}
	}
	b = append(b, "]\n"...)
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Flush()
}
