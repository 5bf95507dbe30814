GO ?= go
SRC := cmd pipeline content site

.PHONY: site test bench fmt lint clean conformance

site:        ; $(GO) run ./cmd/disclose build --out public
test: lint   ; $(GO) test ./...
bench:       ; $(GO) test -run '^$$' -bench . -benchmem ./...
conformance: ; ../shared/conformance/check.sh
fmt:         ; gofmt -s -w $(SRC)
lint:        ; $(GO) vet ./... && test -z "$$(gofmt -l $(SRC))"
clean:       ; rm -rf public quarantine.csv
