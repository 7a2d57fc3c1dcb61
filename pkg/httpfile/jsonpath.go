package httpfile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// JSONPath is the subset of JSONPath that REST Client's response
// references use: $ then .field, ['field'], [N] (negative counts from
// the end), [*] and .* steps.
type JSONPath struct {
	steps []step
}

type step struct {
	field    string
	index    int
	isIndex  bool
	wildcard bool
}

// ParseJSONPath parses an expression starting with $.
func ParseJSONPath(expr string) (*JSONPath, error) {
	if !strings.HasPrefix(expr, "$") {
		return nil, fmt.Errorf("JSONPath %q must start with $", expr)
	}
	jp := &JSONPath{}
	s := expr[1:]
	bad := func(why string) (*JSONPath, error) {
		return nil, fmt.Errorf("JSONPath %q: %s", expr, why)
	}
	for s != "" {
		switch s[0] {
		case '.':
			s = s[1:]
			if strings.HasPrefix(s, ".") {
				return bad("recursive descent (..) is not supported")
			}
			n := strings.IndexAny(s, ".[")
			if n < 0 {
				n = len(s)
			}
			name := s[:n]
			s = s[n:]
			switch name {
			case "":
				return bad("empty field name")
			case "*":
				jp.steps = append(jp.steps, step{wildcard: true})
			default:
				jp.steps = append(jp.steps, step{field: name})
			}
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return bad("missing ]")
			}
			inner := strings.TrimSpace(s[1:end])
			s = s[end+1:]
			switch {
			case inner == "*":
				jp.steps = append(jp.steps, step{wildcard: true})
			case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0]:
				jp.steps = append(jp.steps, step{field: inner[1 : len(inner)-1]})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil {
					return bad(fmt.Sprintf("[%s] is not an index, a quoted name or *", inner))
				}
				jp.steps = append(jp.steps, step{index: n, isIndex: true})
			}
		default:
			return bad(fmt.Sprintf("unexpected %q", s[:1]))
		}
	}
	return jp, nil
}

// Select returns the values the path selects in a decoded JSON document.
func (jp *JSONPath) Select(doc any) []any {
	cur := []any{doc}
	for _, st := range jp.steps {
		var next []any
		for _, v := range cur {
			switch x := v.(type) {
			case map[string]any:
				switch {
				case st.wildcard:
					keys := make([]string, 0, len(x))
					for k := range x {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					for _, k := range keys {
						next = append(next, x[k])
					}
				case !st.isIndex:
					if e, ok := x[st.field]; ok {
						next = append(next, e)
					}
				}
			case []any:
				switch {
				case st.wildcard:
					next = append(next, x...)
				case st.isIndex:
					i := st.index
					if i < 0 {
						i += len(x)
					}
					if i >= 0 && i < len(x) {
						next = append(next, x[i])
					}
				case st.field == "length":
					next = append(next, float64(len(x)))
				}
			}
		}
		cur = next
	}
	return cur
}
