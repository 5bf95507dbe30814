GO ?= go
SRC := cmd pipeline content site

.PHONY: site test bench fmt lint clean conformance

site:        ; $(GO) run ./cmd/disclose build --out public
test: lint   ; $(GO) test -timeout 45m ./...
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./...
	bench/run.sh
	bench/site.sh
conformance: ; ../shared/conformance/check.sh
fmt:         ; gofmt -s -w $(SRC)
ACTIONLINT ?= $(shell command -v actionlint || echo $$($(GO) env GOPATH)/bin/actionlint)

# actionlint checks the nightly workflow; .ci/run installs it (go install).
# staticcheck is a tool of go.mod (go get -tool): its version is pinned there.
lint:
	$(GO) vet ./... && test -z "$$(gofmt -l $(SRC))"
	$(GO) tool staticcheck ./...
	@if [ -x "$(ACTIONLINT)" ]; then $(ACTIONLINT) .github/workflows/*.yml; \
	elif [ -n "$$CI" ]; then echo "actionlint is missing: .ci/run installs it" >&2; exit 1; \
	else echo "actionlint not installed: workflow not checked (go install github.com/rhysd/actionlint/cmd/actionlint@latest)"; fi
clean:       ; rm -rf public quarantine.csv
