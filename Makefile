GO ?= go

.PHONY: site test bench fmt lint clean conformance

site:        ; $(GO) run ./cmd/disclose build --out public
test:        ; $(GO) vet ./... && test -z "$$(gofmt -l cmd pipeline site content)" && $(GO) test ./...
bench:       ; $(GO) test -run '^$$' -bench . -benchmem ./...
conformance: ; ../shared/conformance/check.sh
fmt:         ; gofmt -s -w cmd pipeline content
lint:        ; $(GO) vet ./... && test -z "$$(gofmt -l cmd pipeline site content)"
clean:       ; rm -rf public quarantine.csv
