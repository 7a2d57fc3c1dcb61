# Everyday tasks; each target is one plain command.
.PHONY: build test generate release-check

# Stripped (-s -w) as releases are: a smaller binary starts faster.
build:
	go build -trimpath -ldflags="-s -w" -o reqs .

test:
	go test ./...

# Regenerates completions/ and man/ from the command tree.
generate:
	go generate ./...

# Validates .goreleaser.yaml; install GoReleaser with
# go install github.com/goreleaser/goreleaser/v2@v2.15.1
release-check:
	goreleaser check
