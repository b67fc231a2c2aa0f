package witness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/transparency-dev/merkle/proof"

	"guitai/audit"
)

// Config configures a [Server].
type Config struct {
	Origin    string             // the log's origin
	LogKeys   []*ecdsa.PublicKey // SM2 keys whose note signature is accepted
	Signer    audit.WitnessSigner
	StateFile string           // where the cosigned state is kept
	Now       func() time.Time // default time.Now
}

// state is the state file: the newest cosigned checkpoint.
type state struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Root   string `json:"root"` // hex
	Note   string `json:"note"` // with the witness's cosignature
}

// Server is the witness HTTP handler.
type Server struct {
	cfg Config
	mu  sync.Mutex
	st  state
}

// Error is a witness failure with its HTTP status.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("witness: %d: %s", e.Status, e.Msg) }

// New returns a server, loading the state file if it exists.
func New(cfg Config) (*Server, error) {
	if cfg.Origin == "" || len(cfg.LogKeys) == 0 || cfg.StateFile == "" || cfg.Signer.Name == "" {
		return nil, errors.New("witness: origin, log keys, signer and state file are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, st: state{Origin: cfg.Origin}}
	b, err := os.ReadFile(cfg.StateFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("witness: state: %w", err)
	default:
		if err := json.Unmarshal(b, &s.st); err != nil || s.st.Origin != cfg.Origin {
			return nil, fmt.Errorf("witness: state file %s is not for origin %q: %v", cfg.StateFile, cfg.Origin, err)
		}
	}
	return s, nil
}

// ServeHTTP serves POST /add-checkpoint and GET /checkpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/add-checkpoint" && r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<17))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		line, err := s.AddCheckpoint(body)
		var we *Error
		if errors.As(err, &we) {
			if we.Status == http.StatusConflict {
				w.Header().Set("Content-Type", "text/x.tlog.size")
				w.WriteHeader(we.Status)
				io.WriteString(w, we.Msg+"\n")
				return
			}
			http.Error(w, we.Msg, we.Status)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, line)
	case r.URL.Path == "/checkpoint" && r.Method == http.MethodGet:
		s.mu.Lock()
		st := s.st
		s.mu.Unlock()
		if r.URL.Query().Get("origin") != s.cfg.Origin || st.Note == "" {
			http.Error(w, "no checkpoint for this origin", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, st.Note)
	default:
		http.NotFound(w, r)
	}
}

// AddCheckpoint handles one add-checkpoint request body and returns the
// cosignature line; failures are *Error with the HTTP status.
func (s *Server) AddCheckpoint(body []byte) (string, error) {
	old, hashes, note, err := parseRequest(body)
	if err != nil {
		return "", &Error{http.StatusBadRequest, err.Error()}
	}
	c, _, err := audit.ParseCheckpoint(note)
	if err != nil {
		return "", &Error{http.StatusBadRequest, err.Error()}
	}
	if c.Origin != s.cfg.Origin {
		return "", &Error{http.StatusNotFound, "unknown log " + c.Origin}
	}
	signed := false
	for _, k := range s.cfg.LogKeys {
		if _, err := audit.OpenCheckpoint(note, k); err == nil {
			signed = true
			break
		}
	}
	if !signed {
		return "", &Error{http.StatusForbidden, "checkpoint is not signed by a known log key"}
	}
	if c.Size < old {
		return "", &Error{http.StatusBadRequest, "old size is larger than the checkpoint"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old != s.st.Size {
		return "", &Error{http.StatusConflict, strconv.FormatUint(s.st.Size, 10)}
	}
	oldRoot, err := audit.ParseHash(s.st.Root)
	if s.st.Size == 0 {
		oldRoot, err = audit.EmptyRoot(), nil
	}
	if err != nil {
		return "", fmt.Errorf("witness: state root: %w", err)
	}
	switch {
	case old == 0 && len(hashes) != 0:
		return "", &Error{http.StatusUnprocessableEntity, "proof must be empty from size 0"}
	case old == c.Size && c.Root != oldRoot:
		return "", &Error{http.StatusConflict, strconv.FormatUint(s.st.Size, 10)}
	case old > 0 && old < c.Size:
		if err := proof.VerifyConsistency(audit.Hasher{}, old, c.Size, hashes, oldRoot[:], c.Root[:]); err != nil {
			return "", &Error{http.StatusUnprocessableEntity, "consistency proof: " + err.Error()}
		}
	}
	line := s.cfg.Signer.Cosign(c, uint64(s.cfg.Now().Unix()))
	next := state{Origin: c.Origin, Size: c.Size, Root: c.Root.String(), Note: string(note) + line}
	if err := writeState(s.cfg.StateFile, next); err != nil {
		return "", err
	}
	s.st = next
	return line, nil
}

func parseRequest(body []byte) (old uint64, proof [][]byte, note []byte, err error) {
	head, note, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return 0, nil, nil, errors.New("no blank line after the proof")
	}
	lines := strings.Split(string(head), "\n")
	v, ok := strings.CutPrefix(lines[0], "old ")
	if !ok {
		return 0, nil, nil, errors.New(`first line must be "old <size>"`)
	}
	old, err = strconv.ParseUint(v, 10, 64)
	if err != nil || strconv.FormatUint(old, 10) != v {
		return 0, nil, nil, errors.New("bad old size")
	}
	for _, l := range lines[1:] {
		h, err := base64.StdEncoding.Strict().DecodeString(l)
		if err != nil || len(h) != audit.HashSize {
			return 0, nil, nil, errors.New("bad proof line")
		}
		proof = append(proof, h)
	}
	if len(proof) > 63 {
		return 0, nil, nil, errors.New("proof too long")
	}
	return old, proof, note, nil
}

// writeState replaces path atomically and durably.
func writeState(path string, st state) error {
	b, _ := json.MarshalIndent(st, "", "  ")
	tmp, err := os.CreateTemp(filepath.Dir(path), ".witness-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Latest fetches the newest checkpoint a witness at base cosigned for
// origin (the GET /checkpoint extension). The caller checks the
// cosignature.
func Latest(ctx context.Context, hc *http.Client, base, origin string) ([]byte, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		strings.TrimSuffix(base, "/")+"/checkpoint?origin="+url.QueryEscape(origin), nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("witness: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// Main is the witness program (cmd/witness):
//
//	witness -keygen NAME -key FILE -vkey FILE
//	witness -listen ADDR -origin O -log-key PEM [-log-key PEM...] -key FILE -state FILE
//
// It prints "listening on http://ADDR" once it accepts connections and
// serves until ctx ends.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet(stderr)
	listen := fs.String("listen", "127.0.0.1:8099", "address to listen on")
	origin := fs.String("origin", "", "the log's origin")
	var logKeys multi
	fs.Var(&logKeys, "log-key", "PEM public key of the log (SM2); repeatable, e.g. after a key rotation")
	keyFile := fs.String("key", "", "witness private key file")
	vkeyFile := fs.String("vkey", "", "with -keygen: where to write the verifier key")
	stateFile := fs.String("state", "", "state file")
	keygen := fs.String("keygen", "", "write a new witness key with this name to -key and -vkey, then exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keygen != "" {
		s, skey, err := audit.GenerateWitnessKey(*keygen)
		if err == nil {
			err = writeNew(*keyFile, []byte(skey), 0o600)
		}
		if err == nil {
			err = writeNew(*vkeyFile, []byte(s.WitnessKey.String()+"\n"), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "witness:", err)
			return 1
		}
		fmt.Fprintln(stdout, s.WitnessKey.String())
		return 0
	}
	cfg := Config{Origin: *origin, StateFile: *stateFile}
	for _, p := range logKeys {
		b, err := os.ReadFile(p)
		if err == nil {
			var k *ecdsa.PublicKey
			if k, err = audit.ParsePublicKey(b); err == nil {
				cfg.LogKeys = append(cfg.LogKeys, k)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "witness: -log-key %s: %v\n", p, err)
			return 2
		}
	}
	b, err := os.ReadFile(*keyFile)
	if err == nil {
		cfg.Signer, err = audit.ParseWitnessSigner(string(b))
	}
	if err != nil {
		fmt.Fprintln(stderr, "witness: -key:", err)
		return 2
	}
	srv, err := New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	return serve(ctx, srv, *listen, stdout, stderr)
}

func writeNew(path string, data []byte, mode os.FileMode) error {
	if path == "" {
		return errors.New("-key and -vkey are required")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readLine is used by tests to read "listening on ..." from the child.
func readLine(r *bufio.Reader) (string, error) {
	s, err := r.ReadString('\n')
	return strings.TrimSpace(s), err
}
