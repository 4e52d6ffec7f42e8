package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/kq-sql/kq/internal/output"
)

// cli is the command line. Kong was chosen for flags declared as struct
// tags with environment variables, enums and sub-commands, from the author
// of participle (the grammar library kq already uses).
type cli struct {
	Brokers   string        `short:"b" env:"KQ_BROKERS" default:"localhost:9092" help:"Kafka brokers, host:port[,host:port...]."`
	Demo      bool          `help:"Run against an embedded broker seeded with demo data (orders, payments, ledger)."`
	Format    string        `placeholder:"FORMAT" help:"Result format: table (default on a terminal), csv (default otherwise), json, ndjson, arrow, parquet."`
	Output    string        `short:"o" placeholder:"PATH" help:"Write the result to PATH, whole or not at all (format from the extension unless --format is given: .csv, .json, .ndjson, .arrow, .parquet, .txt)."`
	Workers   int           `help:"Scan tasks run at once, each with its own Kafka client (default: number of CPUs)."`
	File      string        `short:"f" placeholder:"FILE" help:"Run the statements in FILE (';'-separated)."`
	DB        string        `name:"db" placeholder:"FILE" help:"DuckDB database file for CREATE TABLE / INSERT and session tables (default: in memory, gone at exit)."`
	MemLimit  byteSize      `name:"memory-limit" env:"KQ_MEMORY_LIMIT" placeholder:"SIZE" help:"Memory DuckDB may hold for sorts, aggregates, joins and in-memory tables (200MB, 4GiB); beyond it they spill to a private temporary directory removed at exit (default: DuckDB's, 80% of RAM)."`
	Stats     string        `placeholder:"FORMAT" help:"Print scan statistics to stderr after each statement: text or json."`
	Progress  string        `enum:"auto,always,never" default:"auto" help:"Progress bar on stderr: auto (on a terminal, for scans longer than a second), always, never."`
	HugePages bool          `name:"huge-pages" env:"KQ_HUGE_PAGES" default:"true" negatable:"" help:"On Linux, back the heap of a query, an export or kq task run with transparent huge pages where the kernel leaves them to the program (mode madvise): far fewer page faults, a quarter less CPU on a virtual machine (--no-huge-pages: 4 KiB pages)."`
	Timeout   time.Duration `default:"10s" help:"Fail when the cluster does not answer within this time (connecting, authenticating), or keeps failing a fetch or offset lookup for this long; 0 waits forever."`

	SASLMechanism    string `name:"sasl-mechanism" env:"KQ_SASL_MECHANISM" placeholder:"MECH" help:"SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512."`
	SASLUser         string `name:"sasl-user" env:"KQ_SASL_USER" placeholder:"USER" help:"SASL user name."`
	SASLPasswordFile string `name:"sasl-password-file" placeholder:"FILE" help:"Read the SASL password from FILE (else from the environment variable KQ_SASL_PASSWORD); there is no password flag, so it never shows in ps or shell history."`
	TLS              bool   `name:"tls" env:"KQ_TLS" help:"Connect with TLS (implied by the other --tls-* flags)."`
	TLSCA            string `name:"tls-ca" env:"KQ_TLS_CA" placeholder:"FILE" help:"PEM file of CAs to trust (default: the system pool)."`
	TLSCert          string `name:"tls-cert" env:"KQ_TLS_CERT" placeholder:"FILE" help:"PEM client certificate for mutual TLS."`
	TLSKey           string `name:"tls-key" env:"KQ_TLS_KEY" placeholder:"FILE" help:"PEM key of the client certificate."`
	TLSInsecure      bool   `name:"tls-insecure-skip-verify" help:"Do not verify the broker's certificate (testing only)."`

	SchemaRegistry             string `name:"schema-registry" env:"KQ_SCHEMA_REGISTRY" placeholder:"URL" help:"Schema Registry for valueFormat/keyFormat avro, protobuf and jsonschema (http:// or https://)."`
	SchemaRegistryUser         string `name:"schema-registry-user" env:"KQ_SCHEMA_REGISTRY_USER" placeholder:"USER" help:"Schema Registry basic-auth user; the password comes from KQ_SCHEMA_REGISTRY_PASSWORD or --schema-registry-password-file."`
	SchemaRegistryPasswordFile string `name:"schema-registry-password-file" placeholder:"FILE" help:"Read the Schema Registry password from FILE (else from KQ_SCHEMA_REGISTRY_PASSWORD)."`
	SchemaRegistryCA           string `name:"schema-registry-ca" env:"KQ_SCHEMA_REGISTRY_CA" placeholder:"FILE" help:"PEM file of CAs to trust for an https Schema Registry (default: the system pool)."`

	Temporal         string        `env:"KQ_TEMPORAL" placeholder:"HOST:PORT" help:"Temporal frontend: run a per-task COPY's tasks on kq workers (kq worker), and kq worker, kq status."`
	Namespace        string        `default:"default" help:"Temporal namespace."`
	TaskQueue        string        `name:"task-queue" default:"kq" help:"Temporal task queue of the workers and exports."`
	Detach           bool          `help:"With --temporal: print the export's workflow id and return; kq status ID follows it."`
	HeartbeatTimeout time.Duration `name:"heartbeat-timeout" help:"With --temporal: how long a task may go without a heartbeat before it runs on another worker (default 30s)."`
	TaskTimeout      time.Duration `name:"task-timeout" help:"With --temporal: the longest one attempt of one task may take (default 1h)."`
	Retries          int           `help:"With --temporal: attempts of a task before the export fails (default 10)."`
	MaxRunningTasks  int           `name:"max-running-tasks" placeholder:"N" help:"With --temporal: the export's tasks scheduled at once, the next when one ends (default 1000, at most 2000)."`

	Query      queryCmd      `cmd:"" default:"withargs" hidden:"" help:"Run a query."`
	DemoBroker demoBrokerCmd `cmd:"" name:"demo-broker" help:"Run the demo broker for other Kafka clients (kcat, ...)."`
	Serve      serveCmd      `cmd:"" help:"Serve Arrow Flight SQL (ADBC, JDBC, Go clients) on --listen."`
	Plan       planCmd       `cmd:"" help:"Plan a per-task export into a job document for a job array (kq task run, kq task commit)."`
	Task       taskCmd       `cmd:"" help:"Run or commit the tasks of a job document."`
	Worker     workerCmd     `cmd:"" help:"Run a Temporal worker that runs export tasks (needs --temporal)."`
	Status     statusCmd     `cmd:"" help:"Show the state of an export submitted with --temporal."`
}

type queryCmd struct {
	SQL string `arg:"" optional:"" name:"query" help:"SQL to run; several statements may be separated by ';'. Without it, and without -f, kq reads stdin, or starts a REPL on a terminal."`
}

type demoBrokerCmd struct {
	Port int `default:"9092" help:"Port to listen on."`
}

// validate checks the flags whose values kong's enums cannot express: an
// optional value without a default (kong would list "" among the allowed
// values).
func (c *cli) validate() error {
	if c.Format != "" {
		if _, err := output.ParseFormat(c.Format); err != nil {
			return usageError{fmt.Errorf("--format must be one of %s, got %q", output.Names(), c.Format)}
		}
	}
	switch strings.ToLower(c.Stats) {
	case "", "text", "json":
		c.Stats = strings.ToLower(c.Stats)
	default:
		return usageError{fmt.Errorf("--stats must be one of text, json, got %q", c.Stats)}
	}
	return nil
}
