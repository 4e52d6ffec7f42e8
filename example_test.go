package kq_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

// openDemo starts the demo broker and an engine on it. Examples call it
// so that they run against a real (in-process) Kafka broker.
func openDemo(ctx context.Context) (*kq.Engine, func()) {
	d, err := demo.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(d.Brokers()))
	if err != nil {
		log.Fatal(err)
	}
	return eng, func() { eng.Close(); d.Close() }
}

func ExampleEngine_Query() {
	ctx := context.Background()
	eng, done := openDemo(ctx)
	defer done()

	rr, err := eng.Query(ctx, `
		SELECT status, COUNT(*) AS orders
		FROM kafka('orders') WITH (valueFormat='json', minPartitions=8)
		WHERE status IN ('paid', 'shipped')
		GROUP BY status ORDER BY status`)
	if err != nil {
		log.Fatal(err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Println(rec.Column(0).ValueStr(i), rec.Column(1).ValueStr(i))
		}
	}
	if err := rr.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// paid 51977
	// shipped 52068
}

func ExampleEngine_Prepare() {
	ctx := context.Background()
	eng, done := openDemo(ctx)
	defer done()

	// Parsed once; each run binds its values and plans with the offsets
	// of that moment. The values are never spliced into the SQL.
	st, err := eng.Prepare(ctx, `
		SELECT COUNT(*) AS orders
		FROM kafka($1) WITH (valueFormat='json')
		WHERE status = $2 AND partition = $3`)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	for _, status := range []string{"paid", "shipped"} {
		rr, err := st.Query(ctx, "orders", status, 0)
		if err != nil {
			log.Fatal(err)
		}
		for rr.Next() {
			fmt.Println(status, rr.RecordBatch().Column(0).ValueStr(0))
		}
		if err := rr.Err(); err != nil {
			log.Fatal(err)
		}
		rr.Release()
	}
	// Output:
	// paid 30189
	// shipped 29963
}

func ExampleEngine_Explain() {
	ctx := context.Background()
	eng, done := openDemo(ctx)
	defer done()

	p, err := eng.Explain(ctx, "SELECT COUNT(*) FROM kafka('orders', 'payments') WITH (minPartitions=8, maxRecordsPerPartition=50000)")
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range p.Tasks {
		fmt.Println(t.Range)
	}
	// Output:
	// orders-0 [1000, 26000)
	// orders-0 [26000, 51000)
	// orders-0 [51000, 101000)
	// orders-0 [101000, 151000)
	// orders-1 [2000, 42000)
	// orders-1 [42000, 82000)
	// orders-2 [5000, 35000)
	// payments-0 [100, 40100)
}

func ExampleEngine_Exec() {
	ctx := context.Background()
	eng, done := openDemo(ctx)
	defer done()

	dir, err := os.MkdirTemp("", "kq-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "ledger.parquet")
	st, err := eng.Exec(ctx, fmt.Sprintf("COPY (SELECT * FROM kafka('ledger')) TO '%s' (FORMAT parquet)", out))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Statement, st.Rows, "rows") // committed records only: read_committed
	// Output: COPY 4000 rows
}
