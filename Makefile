# kq — make targets. Every Go command carries the build tags kq needs
# (duckdb_arrow enables DuckDB's Arrow interface), so no target fails to build.

GO      ?= go
TAGS    ?= duckdb_arrow
GOFLAGS := -tags=$(TAGS)
BIN     := bin/kq
DEMO_QUERY := SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)

.PHONY: build test check fmt vet race demo fuzz fuzz-short clean bench bench-go

## build: compile the kq binary into bin/kq
build:
	$(GO) build $(GOFLAGS) -o $(BIN) ./cmd/kq

## test: what CI runs (.ci/run): gofmt, vet, then every test with the race detector
test: fmt vet
	$(GO) test $(GOFLAGS) -race -count=1 -timeout 20m ./...

## check: gofmt, vet, the tests with -race, and a short fuzz run
check: test fuzz-short

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(GOFLAGS) ./...

## fuzz: fuzz the parser for 60 s (Parse never panics; printing round-trips)
fuzz:
	$(GO) test $(GOFLAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 60s ./lang

## demo: run kq on the embedded demo broker
demo: build
	./$(BIN) --demo "$(DEMO_QUERY)"

## bench: SPEC §10 on a local broker process seeded with N records (default
## 2M): the raw franz-go loop, kcat, kq COUNT(*), JSON GROUP BY and Parquet
## export, RUNS runs each (median), every count checked; CPU profiles of
## kq's three queries into bin/profiles. Not part of test. See BENCHMARKS.md.
N    ?= 2000000
RUNS ?= 3
bench: build
	$(GO) build $(GOFLAGS) -o bin/kqbench ./bench/cmd/kqbench
	$(GO) test $(GOFLAGS) -c -o bin/bench.test ./bench
	./bin/kqbench run -n $(N) -runs $(RUNS) -kq $(BIN) -testbin bin/bench.test -profile bin/profiles -json bin/bench.json -extra

## bench-go: the Go micro-benchmarks (planner, JSON decoder, Arrow builder, scan)
bench-go:
	$(GO) test $(GOFLAGS) -run '^$$' -bench 'Split|Plan|DecodeJSON|Builder|Scan' -benchmem ./plan ./exec ./bench

## fuzz-short: 10 s of each fuzz target (parser; planner rules), for check
fuzz-short:
	$(GO) test $(GOFLAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 10s ./lang
	$(GO) test $(GOFLAGS) -run '^$$' -fuzz '^FuzzOptimize$$' -fuzztime 10s ./plan

clean:
	rm -rf bin
