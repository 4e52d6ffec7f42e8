package bench

import "fmt"

// DumpQuery is the query of the text-dump measurements: every record of
// topic with its JSON fields as columns.
func DumpQuery(topic string) string {
	return fmt.Sprintf("SELECT * FROM kafka('%s') WITH (valueFormat='json')", topic)
}
