package main

// The shell completion scripts in completions/ and the man pages in man/
// are generated from the cobra command tree; `go generate ./...` rewrites
// them, and gendocs_test.go fails while they are out of date.
//go:generate go run ./internal/gendocs

// pkg/render/chroma holds chroma's style and lexer definitions, embedded
// rather than imported so that start-up parses none of them.
//go:generate go run ./internal/chromacopy
