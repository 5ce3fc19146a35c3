package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/ledger"
)

// defaultKeyFile holds the master key that seals the issuer's keys when
// RECERT_KEY is not set; serve makes it on first start.
const defaultKeyFile = "recert.key"

// masterKey is RECERT_KEY, or the key file, made (mode 0600) when create
// is set and it does not exist yet. made says whether it was just made.
func masterKey(path string, create bool) (key []byte, made bool, err error) {
	if v := os.Getenv("RECERT_KEY"); v != "" {
		k, err := keyring.ParseMasterKey(v)
		if err != nil {
			return nil, false, fmt.Errorf("RECERT_KEY: %w", err)
		}
		return k, false, nil
	}
	if _, err := os.Stat(path); create && errors.Is(err, fs.ErrNotExist) {
		b := make([]byte, keyring.MasterKeySize)
		if _, err := rand.Read(b); err != nil {
			return nil, false, err
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(b)+"\n"), 0o600); err != nil {
			return nil, false, fmt.Errorf("--key-file: %w", err)
		}
		return b, true, nil
	}
	k, err := keyring.LoadMasterKey(path)
	if err != nil {
		return nil, false, fmt.Errorf("--key-file: %w (or set RECERT_KEY)", err)
	}
	return k, false, nil
}

// issuerURL is the public URL the issuer is named by: --public-url, or
// http://localhost:PORT for a server on this machine.
func issuerURL(publicURL, addr string) string {
	if publicURL != "" {
		return publicURL
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return "http://localhost"
	}
	return "http://localhost:" + port
}

// keyFileFor is the master key file a command uses: the one given, else
// recert.key beside a SQLite database, else none (PostgreSQL: RECERT_KEY).
// serve, worker and keys rotate all find it the same way.
func keyFileFor(spec dbSpec, keyFile string) string {
	if keyFile == "" && !spec.postgres {
		return filepath.Join(filepath.Dir(spec.open), defaultKeyFile)
	}
	return keyFile
}

// openIssuer unseals (on first start: makes) the issuer's keys, from
// RECERT_KEY or the key file: the one given, or recert.key beside a SQLite
// database. On PostgreSQL without either it returns nil: no credentials.
// made is the key file it made, if it made one.
func openIssuer(ctx context.Context, st ledger.Store, spec dbSpec, keyFile, publicURL string) (ks *credential.Keys, made string, err error) {
	keyFile = keyFileFor(spec, keyFile)
	if keyFile == "" && os.Getenv("RECERT_KEY") == "" {
		return nil, "", nil
	}
	master, fresh, err := masterKey(keyFile, true)
	if err != nil {
		return nil, "", err
	}
	ks, err = credential.OpenKeys(ctx, st, master, publicURL, time.Now())
	if err != nil {
		return nil, "", scrub(fmt.Errorf("the issuer's keys: %w", err), spec.password)
	}
	if fresh {
		made = keyFile
	}
	return ks, made, nil
}

func newKeys() *cobra.Command {
	keys := &cobra.Command{Use: "keys", Short: "Manage the issuer's signing keys"}
	var db, keyFile, alg string
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Add a new signing key for new credentials; earlier keys still verify what they signed",
		Long: "rotate makes a new key of --alg, sealed under RECERT_KEY (or --key-file), and makes it the one\n" +
			"that signs new credentials. Earlier keys stay in did.json and jwks.json, inactive, so every\n" +
			"credential signed with them still verifies. A running serve uses the new key after a restart.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, spec, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer st.Close()
			path := keyFileFor(spec, keyFile)
			if path == "" && os.Getenv("RECERT_KEY") == "" {
				return errors.New("keys rotate: on PostgreSQL the master key is RECERT_KEY or --key-file; neither is set")
			}
			master, _, err := masterKey(path, false)
			if err != nil {
				return err
			}
			k, err := credential.RotateKeys(cmd.Context(), st, master, alg, time.Now())
			if err != nil {
				return scrub(err, spec.password)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "new %s key %s signs new credentials from now (restart serve to use it)\n", k.Alg, k.ID)
			return nil
		},
	}
	dbFlag(rotate.Flags(), &db)
	rotate.Flags().StringVar(&keyFile, "key-file", "", "the master key file, when RECERT_KEY is not set (default: recert.key beside a SQLite database, as serve finds it)")
	rotate.Flags().StringVar(&alg, "alg", keyring.EdDSA, "the key's algorithm: EdDSA or RS256")
	keys.AddCommand(rotate)
	return keys
}
