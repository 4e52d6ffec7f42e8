# kq — make targets. Every Go command carries the build tags kq needs
# (duckdb_arrow enables DuckDB's Arrow interface), so no target fails to build.

GO      ?= go
TAGS    ?= duckdb_arrow
# TAGFLAGS, not GOFLAGS: go reads GOFLAGS from the environment too, and a
# user's own GOFLAGS (-mod=mod, -p=1, ...) must still apply.
TAGFLAGS := -tags=$(TAGS)
BIN     := bin/kq
.DEFAULT_GOAL := build
DEMO_QUERY := SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)

# The S3-compatible server the tests of object storage exports run
# against: installed into bin/ (kept out of go.mod), once.
VERSITYGW := bin/versitygw
VERSITYGW_VERSION := v1.8.0

# The Temporal dev server the scale-out tests run against (the CLI's
# `temporal server start-dev`): installed into bin/ (kept out of go.mod),
# once. v1.9.1 cannot be built from the module proxy; v1.5.1 can.
TEMPORAL := bin/temporal
TEMPORAL_VERSION := v1.5.1

.PHONY: build test check fmt vet demo fuzz fuzz-short clean bench bench-go versitygw temporal

## build: compile the kq binary into bin/kq
build:
	$(GO) build $(TAGFLAGS) -o $(BIN) ./cmd/kq

## test: what CI runs (.ci/run): gofmt, vet, then every test with the race
## detector; the object storage tests need bin/versitygw and the scale-out
## tests bin/temporal (both installed here)
test: fmt vet $(VERSITYGW) $(TEMPORAL)
	KQ_REQUIRE_VERSITYGW=1 KQ_REQUIRE_TEMPORAL=1 $(GO) test $(TAGFLAGS) -race -count=1 -timeout 20m ./...

## versitygw: install the S3-compatible test server into bin/ (once)
versitygw: $(VERSITYGW)
$(VERSITYGW):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

## temporal: install the Temporal CLI (its dev server) into bin/ (once;
## it compiles for several minutes)
temporal: $(TEMPORAL)
$(TEMPORAL):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_VERSION)

## check: gofmt, vet, the tests with -race, and a short fuzz run
check: test fuzz-short

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(TAGFLAGS) ./...

## fuzz: fuzz the parser for 60 s (Parse never panics; printing round-trips)
fuzz:
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 60s ./lang

## demo: run kq on the embedded demo broker
demo: build
	./$(BIN) --demo "$(DEMO_QUERY)"

## bench: the benchmarks of docs/BENCHMARKS.md on a local broker process seeded with N records (default
## 2M): the raw franz-go loop, kcat, kq COUNT(*), JSON and Avro GROUP BY,
## the Parquet export (one file and PER_TASK, locally and on the S3 test
## server bin/versitygw), an INCREMENTAL export of a 10% delta, a filter
## and an ORDER BY that DuckDB runs, text dumps (SELECT * as Arrow, CSV,
## NDJSON, JSON, table), a streamed SELECT * as Arrow IPC on stdout and
## over Flight SQL (kq serve), and the per-task export on three kq workers
## through a Temporal dev server (bin/temporal); RUNS runs each (median),
## every count checked; the targets met or not; CPU profiles of kq's
## queries into bin/profiles; the report as JSON in bin/bench-N.json.
## BASELINE=bin/bench-2000000.json (a run of another N) adds the check
## that every peak RSS stays flat between the two sizes:
##   make bench && make bench N=10000000 RUNS=1 BASELINE=bin/bench-2000000.json
## Not part of test. See docs/BENCHMARKS.md.
N    ?= 2000000
RUNS ?= 3
BASELINE ?=
bench: build $(VERSITYGW) $(TEMPORAL)
	$(GO) build $(TAGFLAGS) -o bin/kqbench ./internal/bench/cmd/kqbench
	$(GO) test $(TAGFLAGS) -c -o bin/bench.test ./internal/bench
	./bin/kqbench run -n $(N) -runs $(RUNS) -kq $(BIN) -testbin bin/bench.test -profile bin/profiles -json bin/bench-$(N).json -extra $(if $(BASELINE),-baseline $(BASELINE))

## bench-go: the Go micro-benchmarks (planner, JSON, Avro and Protobuf decoders, Arrow builder, scan, Parquet file and its zstd bound)
bench-go:
	$(GO) test $(TAGFLAGS) -run '^$$' -bench 'Split|Plan|DecodeJSON|Builder|Scan' -benchmem ./internal/plan ./internal/decode ./internal/bench
	$(GO) test $(TAGFLAGS) -run '^$$' -bench '^BenchmarkFile$$' -benchmem ./internal/parquet
	$(GO) test $(TAGFLAGS) -run '^$$' -bench '^BenchmarkDecode$$' -benchmem ./internal/decode/avro ./internal/decode/protobuf

## fuzz-short: 10 s of each fuzz target (parser; planner rules; the JSON,
## Avro and Protobuf decoders; the text of BLOBs and of floats), for check
fuzz-short:
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 10s ./lang
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzOptimize$$' -fuzztime 10s ./internal/plan
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzDecodeJSON$$' -fuzztime 10s ./internal/decode
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 10s ./internal/decode/avro
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 10s ./internal/decode/protobuf
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzAppendText$$' -fuzztime 10s ./internal/decode
	$(GO) test $(TAGFLAGS) -run '^$$' -fuzz '^FuzzAppendFloat$$' -fuzztime 10s ./internal/output

clean:
	rm -rf bin
