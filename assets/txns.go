package assets

import (
	"embed"
	"io/fs"
)

//go:embed txns/*.txn.json
var txns embed.FS

// Txns returns the transaction catalog files (*.txn.json) at the root of
// the returned file system; ledger.LoadCatalog reads them.
func Txns() fs.FS {
	sub, err := fs.Sub(txns, "txns")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}
