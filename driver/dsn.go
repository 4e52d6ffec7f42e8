package driver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kq-sql/kq"
)

// The environment variables secrets come from, as for the kq command.
const (
	EnvSASLPassword     = "KQ_SASL_PASSWORD"
	EnvRegistryPassword = "KQ_SCHEMA_REGISTRY_PASSWORD"
)

// dsnKeys are the settings a DSN may give, each with what it sets.
var dsnKeys = map[string]string{
	"schemaRegistry":              "Schema Registry URL (kq.WithSchemaRegistry)",
	"schemaRegistry.username":     "Schema Registry basic-auth user; password from " + EnvRegistryPassword + " or schemaRegistry.passwordFile",
	"schemaRegistry.passwordFile": "file holding the Schema Registry password",
	"schemaRegistry.ca":           "PEM file of CAs for an https Schema Registry",
	"sasl.mechanism":              "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; password from " + EnvSASLPassword + " or sasl.passwordFile",
	"sasl.username":               "SASL user",
	"sasl.passwordFile":           "file holding the SASL password",
	"tls":                         "true to connect with TLS (implied by tls.ca, tls.cert)",
	"tls.ca":                      "PEM file of CAs to trust",
	"tls.cert":                    "PEM client certificate",
	"tls.key":                     "PEM key of the client certificate",
	"workers":                     "scan tasks run at once (kq.WithWorkers)",
	"timeout":                     "bound on reaching the cluster, a Go duration (kq.WithTimeout)",
	"db":                          "DuckDB database file (kq.WithDB)",
}

// ParseDSN returns the kq options a data source name describes:
//
//	kafka://host:port[,host:port...][?key=value&...]
//
// with the keys schemaRegistry, schemaRegistry.username,
// schemaRegistry.passwordFile, schemaRegistry.ca, sasl.mechanism,
// sasl.username, sasl.passwordFile, tls, tls.ca, tls.cert, tls.key,
// workers, timeout and db (case-sensitive; an unknown key is an error
// listing the known ones). The SASL password is read from
// KQ_SASL_PASSWORD or sasl.passwordFile, the Schema Registry password
// from KQ_SCHEMA_REGISTRY_PASSWORD or schemaRegistry.passwordFile, when
// the DSN is parsed. A DSN that carries a password — in its user info or
// as a key holding "password" — is an error that names where, never what.
// Errors never repeat the DSN.
func ParseDSN(dsn string) ([]kq.Option, error) {
	rest, ok := strings.CutPrefix(dsn, "kafka://")
	if !ok {
		return nil, errors.New(`kq: DSN must start with "kafka://" (kafka://host:port?key=value...)`)
	}
	hosts, query, _ := strings.Cut(rest, "?")
	hosts = strings.TrimSuffix(hosts, "/")
	var user string
	if at := strings.LastIndexByte(hosts, '@'); at >= 0 {
		info := hosts[:at]
		hosts = hosts[at+1:]
		if strings.Contains(info, ":") {
			return nil, fmt.Errorf("kq: the DSN carries a password in its user info; give the SASL password in %s or sasl.passwordFile", EnvSASLPassword)
		}
		var err error
		if user, err = url.PathUnescape(info); err != nil {
			return nil, errors.New("kq: DSN user info is not valid URL escaping")
		}
	}
	var opts []kq.Option
	if hosts != "" {
		var brokers []string
		for _, h := range strings.Split(hosts, ",") {
			if h = strings.TrimSpace(h); h == "" || strings.ContainsAny(h, "/ ") {
				return nil, errors.New("kq: DSN brokers must be host:port[,host:port...]")
			}
			brokers = append(brokers, h)
		}
		opts = append(opts, kq.WithBrokers(brokers...))
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return nil, errors.New("kq: DSN settings are not valid URL query syntax")
	}
	get := func(k string) string { return vals.Get(k) }
	for k, v := range vals {
		if strings.Contains(strings.ToLower(k), "password") && !strings.HasSuffix(k, "passwordFile") {
			return nil, fmt.Errorf("kq: the DSN carries a password (%s); give it in the environment (%s, %s) or a file (sasl.passwordFile, schemaRegistry.passwordFile)", k, EnvSASLPassword, EnvRegistryPassword)
		}
		if _, known := dsnKeys[k]; !known {
			return nil, fmt.Errorf("kq: unknown DSN setting %q (known: %s)", k, strings.Join(knownKeys(), ", "))
		}
		if len(v) > 1 {
			return nil, fmt.Errorf("kq: DSN setting %s given %d times", k, len(v))
		}
	}
	if v := get("workers"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("kq: DSN setting workers must be a positive integer, got %q", v)
		}
		opts = append(opts, kq.WithWorkers(n))
	}
	if v := get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("kq: DSN setting timeout must be a duration such as 10s, got %q", v)
		}
		opts = append(opts, kq.WithTimeout(d))
	}
	if v := get("db"); v != "" {
		opts = append(opts, kq.WithDB(v))
	}
	if user == "" {
		user = get("sasl.username")
	} else if get("sasl.username") != "" {
		return nil, errors.New("kq: DSN gives the SASL user twice (user info and sasl.username)")
	}
	if mech := get("sasl.mechanism"); mech != "" || user != "" {
		if mech == "" {
			return nil, errors.New("kq: DSN gives a SASL user without sasl.mechanism")
		}
		pw, err := secret(EnvSASLPassword, get("sasl.passwordFile"), "sasl.passwordFile")
		if err != nil {
			return nil, err
		}
		opts = append(opts, kq.WithSASL(mech, user, pw))
	} else if get("sasl.passwordFile") != "" {
		return nil, errors.New("kq: DSN gives sasl.passwordFile without sasl.mechanism")
	}
	if get("tls") != "" || get("tls.ca") != "" || get("tls.cert") != "" || get("tls.key") != "" {
		on := true
		if v := get("tls"); v != "" {
			if on, err = strconv.ParseBool(v); err != nil {
				return nil, fmt.Errorf("kq: DSN setting tls must be true or false, got %q", v)
			}
		}
		if on {
			cfg, err := tlsConfig(get("tls.ca"), get("tls.cert"), get("tls.key"))
			if err != nil {
				return nil, err
			}
			opts = append(opts, kq.WithTLS(cfg))
		}
	}
	if v := get("schemaRegistry"); v != "" {
		opts = append(opts, kq.WithSchemaRegistry(v))
		if u := get("schemaRegistry.username"); u != "" {
			pw, err := secret(EnvRegistryPassword, get("schemaRegistry.passwordFile"), "schemaRegistry.passwordFile")
			if err != nil {
				return nil, err
			}
			opts = append(opts, kq.WithSchemaRegistryAuth(u, pw))
		}
		if ca := get("schemaRegistry.ca"); ca != "" {
			cfg, err := tlsConfig(ca, "", "")
			if err != nil {
				return nil, err
			}
			opts = append(opts, kq.WithSchemaRegistryTLS(cfg))
		}
	} else {
		for _, k := range []string{"schemaRegistry.username", "schemaRegistry.passwordFile", "schemaRegistry.ca"} {
			if get(k) != "" {
				return nil, fmt.Errorf("kq: DSN gives %s without schemaRegistry", k)
			}
		}
	}
	return opts, nil
}

// secret reads a password from file when given, else from the
// environment variable env; it must not be empty.
func secret(env, file, fileKey string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("kq: DSN setting %s: %w", fileKey, err)
		}
		if pw := strings.TrimRight(string(b), "\r\n"); pw != "" {
			return pw, nil
		}
		return "", fmt.Errorf("kq: DSN setting %s: %s is empty", fileKey, file)
	}
	if pw := os.Getenv(env); pw != "" {
		return pw, nil
	}
	return "", fmt.Errorf("kq: a password is needed: set %s or give %s in the DSN", env, fileKey)
}

// tlsConfig trusts the CAs of caFile (the system pool when "") and
// presents the client certificate of certFile and keyFile when given.
func tlsConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("kq: DSN TLS CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kq: DSN TLS CA file %s holds no PEM certificate", caFile)
		}
		cfg.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("kq: DSN settings tls.cert and tls.key go together")
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("kq: DSN TLS client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func knownKeys() []string {
	keys := make([]string, 0, len(dsnKeys))
	for k := range dsnKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
