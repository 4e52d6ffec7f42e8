SELECT COUNT(*) FROM kafka('orders') WITH (kafka.security.protocol='SASL_SSL', "kafka.sasl.password"='hunter2')
