package fetch

import "fmt"

// DataLossError says records a scan had to read are gone from Kafka (below
// the log start offset, or a range that vanished) while failOnDataLoss is
// true. The lost offsets are [From, To).
type DataLossError struct {
	Topic     string
	Partition int32
	From, To  int64
}

// Error implements error.
func (e *DataLossError) Error() string {
	return fmt.Sprintf("data loss in %s-%d: offsets [%d, %d) are no longer available in Kafka "+
		"(deleted or aged out); set failOnDataLoss=false to skip them and count them as lost",
		e.Topic, e.Partition, e.From, e.To)
}
