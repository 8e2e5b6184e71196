# Assay: `make run` to try it, `make test` for everything. `make help` lists targets.
SHELL := /bin/bash
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: help build image run test test-go check-challenges bench vet clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-17s %s\n", $$1, $$2}'

build: ## build bin/assay
	$(GO) build -o bin/assay ./cmd/assay

image: ## build the sandbox image (debootstraps a base when there is no registry)
	sandbox-images/python/build.sh

run: build image ## start Redis (unless REDIS_URL is set) and assay serve
	scripts/run.sh

vet: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); [ -z "$$out" ] || { echo "gofmt needed: $$out"; exit 1; }
	$(GO) vet ./...

test: vet image test-go check-challenges ## everything: unit tests, real Redis and Docker tests, challenge checks

test-go: ## go tests (real Redis and Docker included)
	$(GO) test -race -count=1 -timeout 20m ./...

check-challenges: build image ## validate every built-in challenge in the sandbox
	bin/assay challenges check challenges/*/

bench: build image ## Go benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean: ## remove build output and local data
	-scripts/redis.sh stop
	rm -rf bin var
