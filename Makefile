# Everyday tasks; each target is one plain command.
.PHONY: build test generate release-check

# Static (CGO_ENABLED=0) and stripped (-s -w) as releases are: a binary
# that needs no dynamic loader and libc, and a smaller one, starts faster.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o reqs .

test:
	go test ./...

# Regenerates completions/ and man/ from the command tree.
generate:
	go generate ./...

# Validates .goreleaser.yaml; install GoReleaser with
# go install github.com/goreleaser/goreleaser/v2@v2.15.1
release-check:
	goreleaser check
