# Assay: `make run` to try it, `make test` for everything. `make help` lists targets.
SHELL := /bin/bash
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: help build build-race image run compose test test-go test-harness fuzz check-challenges bench fmt vet clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-17s %s\n", $$1, $$2}'

build: ## build bin/assay
	$(GO) build -o bin/assay ./cmd/assay

# The tests' own build of the binary: race-enabled, so that it shares every
# compiled package with `go test -race` (on a cold cache a second, plain
# build of the whole graph cost about 340 CPU-seconds, nearly 3 minutes on
# two cores), and the checks run with the race detector on.
build-race:
	$(GO) build -race -o bin/assay-race ./cmd/assay

image: ## build the sandbox image (debootstraps a base when there is no registry)
	sandbox-images/python/build.sh

run: build image ## start Redis (unless REDIS_URL is set) and assay serve
	scripts/run.sh

fmt: ## check that gofmt has nothing to change
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); [ -z "$$out" ] || { echo "gofmt needed: $$out"; exit 1; }

vet: fmt ## gofmt and go vet (make test vets inside go test, on the race build)
	$(GO) vet ./...

compose: image ## build Assay's own images locally and start Redis, the API and workers with docker-compose
	CGO_ENABLED=0 $(GO) build -o bin/assay ./cmd/assay
	docker-compose -f deploy/docker-compose.yml up -d --build
	@echo "API on http://127.0.0.1:$${ASSAY_PORT:-8080}; logs: docker-compose -f deploy/docker-compose.yml logs -f"

test: fmt test-harness image test-go check-challenges ## every test: unit tests, real Redis and Docker tests, challenge checks (CI also fuzzes: make fuzz)

# -n 2 (Debian's python3-pytest-xdist): each case is an interpreter of its
# own, started and waited for one at a time; two at a time took the suite
# from about 99 to 54 s on two cores.
test-harness: ## the sandbox harness's own Python modules, tested without Docker (Debian's python3-pytest)
	/usr/bin/python3 -m pytest -q -p no:cacheprovider -n 2 sandbox-images/python/tests

# -parallel 4: the Docker-backed end-to-end tests (testenv.Parallel) spend
# much of their time waiting on containers, engines and browsers; two at a
# time (GOMAXPROCS on this machine kind) kept the CPUs 50-80% busy, four
# take cmd/assay from about 500 s to 390 s.
# -vet=all: go vet's every analyzer, run by go test on the packages it has
# compiled for the race build anyway (`go vet ./...` compiles the whole
# graph a second time, without -race: about 340 CPU-seconds on a cold
# cache). Packages without tests are vetted too.
test-go: ## go tests (real Redis and Docker included) and go vet
	$(GO) test -race -vet=all -count=1 -parallel 4 -timeout 20m ./...

# A count, not a duration: with a duration, Go 1.26's fuzzing coordinator can
# fail a clean run with a bare "context deadline exceeded" as the time runs out
# (golang/go#75804, fixed in Go 1.27). 2000 HTTP inputs take 5-15 s on a CI
# machine; the JUnit parser is about 40 times faster per input.
# Not part of make test: fuzzing instruments every package the fuzz targets'
# tests link, a third build of the whole graph (about 170 s of compiling on
# a cold cache, two cores) for a search, not a test; go test runs each
# target's corpus (testdata/fuzz) as tests. CI runs it after make test.
FUZZTIME ?= 2000x
FUZZTIME_JUNIT ?= 50000x
fuzz: ## a short fuzzing run of each fuzz target (corpora in testdata/fuzz); FUZZTIME=200000x FUZZTIME_JUNIT=5000000x for a long one
	$(GO) test -run '^$$' -fuzz '^FuzzCreateSubmission$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./api/
	$(GO) test -run '^$$' -fuzz '^FuzzGetSubmission$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./api/
	$(GO) test -run '^$$' -fuzz '^FuzzParseJUnit$$' -fuzztime $(FUZZTIME_JUNIT) -fuzzminimizetime 1s ./runner/

# Under gVisor as a publisher's second runtime checks (CheckAlso): without
# the built-in forgeries, which are the same Python against the same tests
# and in-process defences under either runtime (about half of the 104 runs).
check-challenges: build-race image ## validate every built-in challenge in the sandbox, under runc and gVisor
	bin/assay-race challenges check challenges/*/
	@if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then \
	  echo "bin/assay-race challenges check --runtime runsc --adversarial=false challenges/*/"; \
	  bin/assay-race challenges check --runtime runsc --adversarial=false challenges/*/; \
	elif [ -n "$$CI" ]; then echo "gVisor (runsc) is not registered with Docker: run scripts/gvisor.sh" >&2; exit 1; \
	else echo "runsc is not registered: challenges checked under the default runtime only"; fi

bench: build image ## bare pytest vs Assay (latency, throughput, CPU; results in var/bench/) and Go benchmarks
	@/usr/bin/python3 -c 'import pytest, pytest_timeout, openpyxl' 2>/dev/null || { \
	  echo "installing Debian's python3-pytest for the bare baseline"; \
	  apt-get install -y -qq --no-install-recommends python3-pytest python3-pytest-timeout python3-openpyxl >/dev/null; }
	REDIS_URL=$$(scripts/redis.sh start | sed 's#/0$$#/15#') bin/assay bench --small bench/small/suites $(BENCH_FLAGS)
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean: ## remove build output and local data
	-scripts/redis.sh stop
	rm -rf bin var
