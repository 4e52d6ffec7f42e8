package demo

import (
	"context"
	"testing"

	"github.com/kq-sql/kq"
)

// TestTransactionalTopics: a transactional demo topic of any partition
// count seeds (it used to index a fixed two-partition array and panic with
// three), and read_committed reads exactly the committed records:
// demoTxns transactions of demoTxnSize records, every fifth aborted.
func TestTransactionalTopics(t *testing.T) {
	ctx := context.Background()
	for _, parts := range []int{1, 3, 5} {
		b, err := Start(ctx, WithTopics(Topic{Name: "ledger", Partitions: parts, Transactional: true}))
		if err != nil {
			t.Fatalf("%d partitions: %v", parts, err)
		}
		eng, err := kq.Open(kq.WithBrokers(b.Brokers()))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := eng.Query(ctx, "SELECT COUNT(*) FROM kafka('ledger')")
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for rows.Next() {
			n = rows.RecordBatch().Column(0).(interface{ Value(int) int64 }).Value(0)
		}
		st := rows.Stats()
		rows.Release()
		eng.Close()
		b.Close()
		want := int64(demoTxns * demoTxnSize * 4 / 5)
		if n != want || st == nil || st.AbortedRecords != demoTxns*demoTxnSize/5 || st.ControlRecords != int64(demoTxns*parts) {
			t.Errorf("%d partitions: COUNT(*) %d, stats %+v; want %d rows, %d aborted, a marker per transaction and partition", parts, n, st, want, demoTxns*demoTxnSize/5)
		}
	}
}
