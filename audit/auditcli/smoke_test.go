package auditcli

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"guitai/audit"
)

// TestMakeSmokeFixture writes a key pair (password "pw") and a SQLite log
// of 50,000 records (1,000,000 with $AUDITCLI_SMOKE_MILLION set) to $AUDITCLI_SMOKE_DIR for trying the auditctl binary
// by hand; it is skipped otherwise.
func TestMakeSmokeFixture(t *testing.T) {
	dir := os.Getenv("AUDITCLI_SMOKE_DIR")
	if dir == "" {
		t.Skip("AUDITCLI_SMOKE_DIR not set")
	}
	env := &Env{Stdout: os.Stdout, Stderr: os.Stderr, NoProgress: true, Password: func() ([]byte, error) { return []byte("pw"), nil }}
	key, pub, path := filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem"), filepath.Join(dir, "teller.db")
	if code := Keygen(context.Background(), env, KeygenOptions{Out: key, PubOut: pub}); code != 0 {
		t.Fatal(code)
	}
	os.WriteFile(path, nil, 0o644)
	db, _, _ := OpenDB(path)
	defer db.Close()
	ctx := context.Background()
	if err := audit.Migrate(ctx, db, audit.SQLite); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(key)
	s, err := audit.ParseEncryptedKey(b, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := audit.New(audit.Config{Origin: "guitai.smoke/0101/T07", Dialect: audit.SQLite, Signer: s, CheckpointEvery: 10_000})
	recs := make([]audit.Record, 1000)
	for i := range recs {
		recs[i] = audit.Record{Teller: []string{"T001", "T002", "T003"}[i%3], Terminal: "T07", Branch: "0101",
			Action: []string{"posting", "signon", "authorize", "login.failed"}[i%4], Object: "J", Result: "ok"}
	}
	batches := 50
	if os.Getenv("AUDITCLI_SMOKE_MILLION") != "" {
		batches = 1000
	}
	for i := 0; i < batches; i++ {
		tx, _ := db.Begin()
		if _, err := l.AppendBatch(ctx, tx, recs); err != nil {
			t.Fatal(err)
		}
		tx.Commit()
	}
}
