package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"syscall"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// FlightQuery is the streamed query the Flight SQL measurement and its
// Arrow IPC baseline both run: every record, as the scan produces it.
func FlightQuery(topic string) string { return fmt.Sprintf("SELECT * FROM kafka('%s')", topic) }

// FlightResult is what `kqbench flight` read.
type FlightResult struct {
	Rows    int64 `json:"rows"`
	Batches int64 `json:"batches"`
}

// FlightCount runs sql on the Flight SQL server at addr with arrow-go's
// client and counts the rows of every endpoint's stream (each batch is
// received and decoded from IPC, as any client does).
func FlightCount(ctx context.Context, addr, sql string) (FlightResult, error) {
	var r FlightResult
	cl, err := flightsql.NewClient(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30)))
	if err != nil {
		return r, err
	}
	defer cl.Close()
	info, err := cl.Execute(ctx, sql)
	if err != nil {
		return r, err
	}
	for _, ep := range info.Endpoint {
		rdr, err := cl.DoGet(ctx, ep.Ticket)
		if err != nil {
			return r, err
		}
		for rdr.Next() {
			r.Rows += rdr.RecordBatch().NumRows()
			r.Batches++
		}
		err = rdr.Err()
		rdr.Release()
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// flightMeasurements measures the Flight SQL path: `kq serve` started
// once (untimed) on the bench broker, and per run `kqbench flight`, a
// client process that runs FlightQuery and reads every batch; beside it
// kq-arrow, the same query written by `kq --format arrow` to stdout.
// The target is kq-flightsql ≥ 0.8× kq-arrow.
func (c *Config) flightMeasurements(ctx context.Context, addr string) ([]*measurement, error) {
	sql := FlightQuery(c.Topic)
	var ms []*measurement
	if c.want("kq-arrow") {
		ms = append(ms, &measurement{
			name: "kq-arrow",
			what: sql + " (--format arrow, IPC on stdout)",
			argv: []string{c.KQ, "-b", addr, "--format", "arrow", "--progress", "never", sql},
			// Streamed into a counting reader, not kept: holding the
			// whole stream grew kqbench itself by gigabytes at 2M, and
			// a child's ru_maxrss starts at its parent's peak.
			sink: func() dumpSink {
				return newArrowDumpCheck(c.N, func(map[string]string) error { return nil })
			},
		})
	}
	if c.want("kq-flightsql") {
		served, pid, stop, err := startServe(ctx, c.KQ, addr, c.Log)
		if err != nil {
			return nil, err
		}
		c.cleanup = append(c.cleanup, stop)
		ms = append(ms, &measurement{
			name: "kq-flightsql",
			what: sql + " over Flight SQL (kq serve; the client process is timed)",
			argv: []string{c.Self, "flight", "-addr", served, "-sql", sql},
			kq:   func() []int { return []int{pid} },
			check: func(out []byte) error {
				var r FlightResult
				if err := json.Unmarshal(out, &r); err != nil {
					return fmt.Errorf("flight output %q: %w", excerpt(out), err)
				}
				if r.Rows != c.N {
					return fmt.Errorf("read %d rows over Flight SQL, want %d", r.Rows, c.N)
				}
				return nil
			},
		})
	}
	return ms, nil
}

var serveAddr = regexp.MustCompile(`grpc://(\S+)`)

// startServe starts `kq serve` on a free loopback port against brokers
// and returns its address, its process id and a func that stops it.
func startServe(ctx context.Context, kq, brokers string, log io.Writer) (string, int, func(), error) {
	cmd := exec.CommandContext(ctx, kq, "serve", "-b", brokers, "--listen", "127.0.0.1:0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start kq serve: %w", err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		waitOrKill(cmd)
	}
	line, err := bufio.NewReader(stderr).ReadString('\n')
	m := serveAddr.FindStringSubmatch(line)
	if err != nil || m == nil {
		stop()
		return "", 0, nil, fmt.Errorf("kq serve: no address in %q: %v", line, err)
	}
	go io.Copy(log, stderr)
	return m[1], cmd.Process.Pid, stop, nil
}
