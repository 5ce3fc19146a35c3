package credential_test

import (
	"context"
	"crypto"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/verify"
	"github.com/recert/recert/ledger"
)

// TestServedStatusListFollowsTheLedger: the status list app serves is the
// ledger's: a credential revoked in the ledger has its bit set in the next
// list served, signed by the issuer, which a verifier accepts.
func TestServedStatusListFollowsTheLedger(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store, _ string) {
		ctx := context.Background()
		ks, err := credential.OpenKeys(ctx, st, masterKey(t), "https://recert.example.org", now)
		if err != nil {
			t.Fatal(err)
		}
		clock := now
		a := app.New(st, app.WithIssuer(ks), app.WithClock(func() time.Time { return clock }))
		c := ledger.IssuedCredential{ID: "cred-1", Candidate: "ada", Certification: "ai-practitioner", IssuedAt: now,
			AwardedDate: now, ValidFrom: now, RevocationIndex: 4242, SuspensionIndex: 77, Document: []byte("{}"), JWT: "x.y.z",
			Status: ledger.CredentialActive, ChangedAt: now}
		if err := st.Update(ctx, func(tx ledger.Tx) error { return tx.CreateCredential(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		v := verify.Verifier{Key: func(vm string) (crypto.PublicKey, error) { return ks.PublicKey(vm) }}
		entry, _ := statuslist.Entry(ks.StatusListURL(statuslist.PurposeRevocation), 4242, statuslist.PurposeRevocation)
		bit := func() bool {
			t.Helper()
			body, ttl, err := a.StatusList(ctx, statuslist.PurposeRevocation)
			if err != nil || ttl <= 0 || ttl > credential.StatusListTTL {
				t.Fatalf("StatusList: %v, ttl %s", err, ttl)
			}
			list, err := v.StatusListCredential(body, ks.DID(), clock)
			if err != nil {
				t.Fatalf("the served list does not verify: %v", err)
			}
			set, err := statuslist.Check(entry, list)
			if err != nil {
				t.Fatal(err)
			}
			return set
		}
		if bit() {
			t.Fatal("an active credential's revocation bit is set")
		}
		err = st.Update(ctx, func(tx ledger.Tx) error {
			cur, err := tx.Credential(ctx, "cred-1")
			if err != nil {
				return err
			}
			cur.Status, cur.Reason, cur.ChangedAt = ledger.CredentialRevoked, "results invalidated", now.Add(time.Minute)
			_, err = tx.SetCredentialStatus(ctx, cur)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		clock = now.Add(time.Minute) // within the cached list's ttl: the change is served at once
		if !bit() {
			t.Fatal("after the revocation the served list does not have its bit set")
		}
		if _, _, err := a.StatusList(ctx, "other"); app.ErrorCode(err) != app.CodeNotFound {
			t.Fatalf("an unknown list: %v; want not found", err)
		}
	})
}
