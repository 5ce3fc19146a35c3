package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type candidateIn struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"time_zone"`
	Program  string `json:"program"`
}

func createCandidate(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in candidateIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(candidateOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.CreateCandidate(ctx, pr, app.CandidateInput{ID: in.ID, Name: in.Name, Email: in.Email,
			TimeZone: in.TimeZone, Program: in.Program})
	})
}

func listCandidates(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.Candidate, error) {
		return s.app.ListCandidates(r.Context(), principal(r), p)
	}, candidateOut, func(c ledger.Candidate) string { return c.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func getCandidate(s *server, w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.Candidate(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Rev))
	return writeJSON(w, http.StatusOK, candidateOut(c))
}

// candidatePatch is what may change: a candidate's program is fixed once
// registered, because their history is read by it.
type candidatePatch struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"time_zone"`
}

// patchCandidate needs If-Match: two editors must not overwrite each
// other unseen. It is not idempotent by key; If-Match already makes a
// retry harmless (the second attempt is 412).
func patchCandidate(s *server, w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r, true)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, maxJSONBody, "application/json", "application/merge-patch+json")
	if err != nil {
		return err
	}
	var in candidatePatch
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	c, err := s.app.UpdateCandidate(r.Context(), principal(r), app.CandidateInput{ID: r.PathValue("id"), Name: in.Name,
		Email: in.Email, TimeZone: in.TimeZone, IfMatch: rev})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Rev))
	return writeJSON(w, http.StatusOK, candidateOut(c))
}

// listFees pages through a candidate's fee ledger. Its cursor is the seq
// of the last fee, which the store reads as a number: a cursor that is not
// one is the client's mistake, said here as 400.
func listFees(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	if p.After != "" {
		if n, err := strconv.ParseInt(p.After, 10, 64); err != nil || n < 0 {
			return fail(app.CodeInvalid, "after", "after must be the next cursor of a previous page of fees")
		}
	}
	id := r.PathValue("id")
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.Fee, error) {
		return s.app.Fees(r.Context(), principal(r), id, p)
	}, feeOut, func(f ledger.Fee) string { return strconv.FormatInt(f.Seq, 10) })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
