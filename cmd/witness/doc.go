// Command witness is the branch server's C2SP tlog-witness for Guitai
// terminals' audit logs; see package guitai/witness.
//
//	witness -keygen witness.branch-0101 -key witness.key -vkey witness.vkey
//	witness -listen 127.0.0.1:8099 -origin guitai/ledger -log-key terminal.key.pub -key witness.key -state witness.state
package main
