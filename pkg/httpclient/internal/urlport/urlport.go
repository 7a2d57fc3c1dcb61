// Package urlport knows the port an http or https URL implies when it
// names none, for the packages of the library that compare origins.
package urlport

import "strings"

// Default is the port scheme implies when a URL names none: 80 for http,
// 443 for https (any case), "" for other schemes.
func Default(scheme string) string {
	switch strings.ToLower(scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}
