package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadTLSConfigBadFiles: each bad --tls* flag is an error naming what
// is wrong.
func TestLoadTLSConfigBadFiles(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		files tlsFiles
		want  string
	}{
		{tlsFiles{CAFile: filepath.Join(dir, "nope.pem")}, "tls CA file"},
		{tlsFiles{CAFile: notPEM}, "no PEM certificates"},
		{tlsFiles{CertFile: notPEM}, "give both a client certificate and its key"},
		{tlsFiles{CertFile: notPEM, KeyFile: notPEM}, "tls client certificate"},
	} {
		if _, err := loadTLSConfig(tc.files); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("loadTLSConfig(%+v): %v, want %q", tc.files, err, tc.want)
		}
	}
	if cfg, err := loadTLSConfig(tlsFiles{}); err != nil || cfg.RootCAs != nil || cfg.InsecureSkipVerify {
		t.Errorf("no files: %+v, %v; want the system roots, verified", cfg, err)
	}
}
