// Package kafkaclient says how the Kafka clients of a kafka() source are
// made: the engine's client configuration (Defaults: WithBrokers,
// WithTimeout, WithSASL, WithTLS, WithKafkaOptions) with the source's
// kafka.* settings (plan.ClientSettings, validated at planning time) over
// it, as franz-go options, plus the scan settings the properties carry
// (the fetch size).
//
// The Java client's properties map as follows:
//
//	kafka.bootstrap.servers                  kgo.SeedBrokers
//	kafka.client.id                          kgo.ClientID
//	kafka.request.timeout.ms                 kgo.RequestTimeoutOverhead
//	kafka.socket.connection.setup.timeout.ms kgo.DialTimeout
//	kafka.fetch.max.bytes                    Config.FetchBytes (the smaller of the two)
//	kafka.max.partition.fetch.bytes          Config.FetchBytes
//	kafka.security.protocol                  TLS (SSL, SASL_SSL) and SASL (SASL_*)
//	kafka.sasl.mechanism, kafka.sasl.username
//	                                         kgo.SASL (PLAIN or SCRAM), password from $KQ_SASL_PASSWORD
//	kafka.ssl.ca.location (or kafka.ssl.truststore.location)
//	                                         kgo.DialTLSConfig with the PEM file's CAs
//
// A source's settings extend the engine's: its clients get the engine's
// options, then its own, which replace the engine's where they name the
// same thing (seed brokers, client id, timeouts). Security is all or
// nothing: a source that sets kafka.security.protocol gets exactly that
// protocol's TLS and SASL, built from its own settings, and none of the
// engine's WithSASL and WithTLS; a source that does not keeps the
// engine's, also when it names other brokers (the common case of two
// clusters with the same users; a query can therefore send the engine's
// credentials to brokers it names). Options given with WithKafkaOptions
// reach every client.
//
// No secret is ever a setting: a source's SASL password is read from the
// environment variable plan.PasswordEnv when its clients' configuration
// is made, is kept only inside the SASL mechanism, and appears in no
// error or message.
package kafkaclient
