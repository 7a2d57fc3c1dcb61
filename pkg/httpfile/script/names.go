package script

// reserved are JavaScript's reserved words and literals, which cannot
// name a variable an expression reads.
var reserved = map[string]bool{
	"await": true, "break": true, "case": true, "catch": true, "class": true, "const": true, "continue": true,
	"debugger": true, "default": true, "delete": true, "do": true, "else": true, "enum": true, "export": true,
	"extends": true, "false": true, "finally": true, "for": true, "function": true, "if": true, "implements": true,
	"import": true, "in": true, "instanceof": true, "interface": true, "let": true, "new": true, "null": true,
	"package": true, "private": true, "protected": true, "public": true, "return": true, "static": true,
	"super": true, "switch": true, "this": true, "throw": true, "true": true, "try": true, "typeof": true,
	"var": true, "void": true, "while": true, "with": true, "yield": true, "undefined": true, "NaN": true,
	"Infinity": true, "arguments": true, "eval": true,
}

// Names returns the names an expression may read as variables, each
// once, in order: its identifiers less property names (after a dot),
// the contents of quoted strings and reserved words. It may return
// names the expression does not read (in a template literal, say); a
// caller passes only those that name variables.
func Names(expr string) []string {
	var names []string
	seen := map[string]bool{}
	afterDot := false
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '\'' || c == '"':
			i++
			for i < len(expr) && expr[i] != c {
				if expr[i] == '\\' {
					i++
				}
				i++
			}
			i++
			afterDot = false
		case identStart(c):
			j := i + 1
			for j < len(expr) && (identStart(expr[j]) || expr[j] >= '0' && expr[j] <= '9') {
				j++
			}
			name := expr[i:j]
			if !afterDot && !reserved[name] && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
			i = j
			afterDot = false
		case c >= '0' && c <= '9':
			// A number, 1.5e3 and 0x1f included: no names in it.
			for i < len(expr) && (identStart(expr[i]) || expr[i] >= '0' && expr[i] <= '9' || expr[i] == '.') {
				i++
			}
			afterDot = false
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			afterDot = c == '.'
			i++
		}
	}
	return names
}

func identStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c >= 0x80
}
