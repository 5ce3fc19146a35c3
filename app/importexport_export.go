package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/recert/recert/ledger"
)

// The rows Export writes. Each kind has its own type, with every field
// written even when empty, so that the output depends on the stored state
// alone and an export read back and exported again is the same bytes.
type (
	exportProgram struct {
		Kind       string `json:"kind"`
		ID         string `json:"id"`
		Version    string `json:"version"`
		Active     bool   `json:"active"`
		UploadedAt string `json:"uploaded_at"`
		Source     string `json:"source"`
	}
	exportCenter struct {
		Kind      string `json:"kind"`
		ID        string `json:"id"`
		Name      string `json:"name"`
		TimeZone  string `json:"time_zone"`
		Online    bool   `json:"online"`
		Seats     int    `json:"seats"`
		CreatedAt string `json:"created_at"`
	}
	exportCandidate struct {
		Kind      string `json:"kind"`
		ID        string `json:"id"`
		Name      string `json:"name"`
		Email     string `json:"email"`
		TimeZone  string `json:"time_zone"`
		Program   string `json:"program"`
		CreatedAt string `json:"created_at"`
	}
	exportEvent struct {
		Kind       string          `json:"kind"`
		Candidate  string          `json:"candidate"`
		Seq        int64           `json:"seq"`
		Type       string          `json:"type"`
		Data       json.RawMessage `json:"data,omitempty"`
		RecordedAt string          `json:"recorded_at"`
		Program    string          `json:"program"`
		Decision   json.RawMessage `json:"decision,omitempty"`
	}
)

// exportPage is how many records one store call lists.
const exportPage = 500

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Export writes the whole system of record as JSONL: every program version,
// test center and candidate, then every stream, event by event in order.
// Read models are left out (they are derived: import projects them again)
// and so are tokens, whose secrets must not leave the database, and
// idempotency keys and import positions, which only matter to the running
// system. It reads one snapshot, so the export is consistent while writes
// go on. Admin only.
func (a *App) Export(ctx context.Context, pr Principal, w io.Writer) error {
	if err := pr.mustBeAdmin("export"); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		ids, err := tx.ProgramIDs(ctx)
		if err != nil {
			return storeErr(err, "programs")
		}
		for _, id := range ids {
			vs, err := tx.ProgramVersions(ctx, id)
			if err != nil {
				return storeErr(err, "program "+id)
			}
			for _, v := range vs {
				if err := enc.Encode(exportProgram{"program", v.ID, v.Version, v.Active, stampOf(v.UploadedAt), string(v.Source)}); err != nil {
					return err
				}
			}
		}
		for after := ""; ; {
			cs, err := tx.ListCenters(ctx, ledger.Page{After: after, Limit: exportPage})
			if err != nil {
				return storeErr(err, "test centers")
			}
			for _, c := range cs {
				if err := enc.Encode(exportCenter{"center", c.ID, c.Name, c.TimeZone, c.Online, c.Seats, stampOf(c.CreatedAt)}); err != nil {
					return err
				}
			}
			if len(cs) == 0 {
				break
			}
			after = cs[len(cs)-1].ID
		}
		for after := ""; ; {
			cs, err := tx.ListCandidates(ctx, ledger.Page{After: after, Limit: exportPage})
			if err != nil {
				return storeErr(err, "candidates")
			}
			for _, c := range cs {
				if err := enc.Encode(exportCandidate{"candidate", c.ID, c.Name, c.Email, c.TimeZone, c.Program, stampOf(c.CreatedAt)}); err != nil {
					return err
				}
			}
			if len(cs) == 0 {
				break
			}
			after = cs[len(cs)-1].ID
		}
		for after := ""; ; {
			ids, err := tx.StreamIDs(ctx, after, exportPage)
			if err != nil {
				return storeErr(err, "streams")
			}
			for _, id := range ids {
				evs, _, err := tx.Stream(ctx, id)
				if err != nil {
					return storeErr(err, "stream of "+id)
				}
				for _, e := range evs {
					if err := enc.Encode(exportEvent{"event", id, e.Seq, e.Type, e.Data, stampOf(e.RecordedAt), e.Program, e.Decision}); err != nil {
						return err
					}
				}
			}
			if len(ids) == 0 {
				break
			}
			after = ids[len(ids)-1]
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
