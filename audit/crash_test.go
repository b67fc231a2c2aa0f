package audit

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCrashBeforeCommit kills (SIGKILL) a process that has appended audit
// records and a "posting" inside one open transaction; after the crash
// neither the posting nor any audit record exists and the log verifies.
func TestCrashBeforeCommit(t *testing.T) {
	if path := os.Getenv("AUDIT_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	db := openAt(t, path)
	k := testKey(t, 1)
	l := newLog(t, k, 2)
	fill(t, db, l, 3, 3)
	mustExec(t, db, `CREATE TABLE posting (id INTEGER PRIMARY KEY, amount BIGINT)`)
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBeforeCommit$")
	cmd.Env = append(os.Environ(), "AUDIT_CRASH_CHILD="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "ready") {
		cmd.Process.Kill()
		t.Fatalf("child said %q", line)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	db = openAt(t, path)
	var posts, recs int
	db.QueryRow(`SELECT COUNT(*) FROM posting`).Scan(&posts)
	db.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&recs)
	if posts != 0 || recs != 3 {
		t.Fatalf("after crash: %d postings, %d audit records; want 0 and 3", posts, recs)
	}
	rep, err := l.Verify(context.Background(), db, VerifyOptions{Anchor: &k.PublicKey})
	if err != nil || !rep.OK() {
		t.Fatalf("verify after crash: %v %v", err, rep.Finding)
	}
}

func openAt(t testing.TB, path string) *sql.DB {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(context.Background(), db, SQLite); err != nil {
		t.Fatal(err)
	}
	return db
}

// crashChild posts and audits in one transaction, reports, and waits to be killed.
func crashChild(path string) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		panic(err)
	}
	l, _ := New(Config{Origin: testOrigin, Dialect: SQLite})
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		panic(err)
	}
	if _, err := tx.Exec(`INSERT INTO posting (amount) VALUES (100)`); err != nil {
		panic(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := l.Append(ctx, tx, sampleRecord(i)); err != nil {
			panic(err)
		}
	}
	os.Stdout.WriteString("ready\n")
	select {}
}
