package teller

import (
	"crypto"
	"fmt"

	"guitai/audit"
)

// AuditState is how much of the audit log a signed checkpoint anchors:
// Records appended in all, Anchored covered by the latest checkpoint.
type AuditState struct {
	Records, Anchored uint64
}

// Text is the status bar's word on the log, in lang: anchored in full, or
// how many records wait for the next checkpoint.
func (st AuditState) Text(lang string) string {
	pending := st.Records - min(st.Anchored, st.Records)
	switch {
	case pending == 0 && lang == "en":
		return fmt.Sprintf("Audit ✓ anchored (%d)", st.Records)
	case pending == 0:
		return fmt.Sprintf("审计 ✓ 已锚定 %d 条", st.Records)
	case lang == "en":
		return fmt.Sprintf("Audit: %d of %d to anchor", pending, st.Records)
	default:
		return fmt.Sprintf("审计 %d/%d 条待锚定", pending, st.Records)
	}
}

// TerminalKey loads the terminal's SM2 signing key, creating it on first
// use: audit.OpenKeyFile.
func TerminalKey(path string, passphrase []byte) (crypto.Signer, error) {
	return audit.OpenKeyFile(path, passphrase)
}
