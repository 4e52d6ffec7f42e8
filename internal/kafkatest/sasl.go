package kafkatest

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SASL returns the client option that authenticates as user with password
// under mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, the names
// kfake.Superuser takes. Pass it to Start to seed a cluster started with
// kfake.EnableSASL and kfake.Superuser(mechanism, user, password).
func SASL(mechanism, user, password string) (kgo.Opt, error) {
	var m sasl.Mechanism
	switch mechanism {
	case "PLAIN":
		m = plain.Auth{User: user, Pass: password}.AsMechanism()
	case "SCRAM-SHA-256":
		m = scram.Auth{User: user, Pass: password}.AsSha256Mechanism()
	case "SCRAM-SHA-512":
		m = scram.Auth{User: user, Pass: password}.AsSha512Mechanism()
	default:
		return nil, fmt.Errorf("kafkatest: unknown SASL mechanism %q", mechanism)
	}
	return kgo.SASL(m), nil
}
