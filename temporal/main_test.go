package temporal_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/temporal"
)

// Environment of a worker process: the test binary run again with
// workerEnv set runs a kq worker instead of the tests, until SIGTERM or
// SIGKILL.
const (
	workerEnv         = "KQ_TEST_TEMPORAL_WORKER"
	workerBrokersEnv  = "KQ_TEST_TEMPORAL_BROKERS"
	workerTemporalEnv = "KQ_TEST_TEMPORAL_ADDRESS"
	workerQueueEnv    = "KQ_TEST_TEMPORAL_QUEUE"
	workerConcEnv     = "KQ_TEST_TEMPORAL_CONCURRENCY"
)

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if err := workerMain(); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// workerMain is a worker process as kq worker runs it: its own engine
// (brokers from its environment) and its own Temporal client, whose
// identity names its process id.
func workerMain() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	eng, err := kq.Open(kq.WithBrokers(os.Getenv(workerBrokersEnv)), kq.WithWorkers(1))
	if err != nil {
		return err
	}
	defer eng.Close()
	c, err := client.Dial(client.Options{HostPort: os.Getenv(workerTemporalEnv), Identity: workerIdentity(os.Getpid()), Logger: quietLogger()})
	if err != nil {
		return err
	}
	defer c.Close()
	n, _ := strconv.Atoi(os.Getenv(workerConcEnv))
	w, err := temporal.NewWorker(c, eng, temporal.WithTaskQueue(os.Getenv(workerQueueEnv)), temporal.WithConcurrency(max(n, 1)))
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

func workerIdentity(pid int) string { return fmt.Sprintf("kq-test-worker/%d", pid) }
