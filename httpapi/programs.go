package httpapi

import (
	"context"
	"net/http"
	"sort"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// yamlTypes are the media types a definition may be sent as: YAML has had
// several unofficial ones before application/yaml (RFC 9512).
var yamlTypes = []string{"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}

// uploadProgram stores a definition, body as written (YAML, up to 8 MiB),
// as a new inactive version. A definition that does not load is 400 with
// every problem, file:line:column, in the detail.
func uploadProgram(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxProgramBody, yamlTypes...)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return fail(app.CodeInvalid, "definition", "the body must be the program definition (YAML)")
	}
	if err := checkDocumentText("definition", body); err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(programOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.UploadProgram(ctx, pr, "definition.yaml", body)
	})
}

func activateProgram(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	if err := decodeJSON(body, &struct{}{}, true); err != nil {
		return err
	}
	id, version := r.PathValue("id"), r.PathValue("version")
	return s.post(w, r, body, http.StatusOK, as(programOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.ActivateProgram(ctx, pr, id, version)
	})
}

// listPrograms pages through program versions. app returns them all (they
// are few); the page is cut here so that every list has the same shape.
// The cursor is id@version.
func listPrograms(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	all, err := s.app.Programs(r.Context(), principal(r))
	if err != nil {
		return err
	}
	label := func(p app.ProgramInfo) string { return p.ID + "@" + p.Version }
	sort.SliceStable(all, func(i, j int) bool { return label(all[i]) < label(all[j]) })
	out, _ := fetchPage(p, func(p ledger.Page) ([]app.ProgramInfo, error) {
		var rows []app.ProgramInfo
		for _, x := range all {
			if label(x) > p.After && len(rows) < p.Limit {
				rows = append(rows, x)
			}
		}
		return rows, nil
	}, programOut, label)
	return writeJSON(w, http.StatusOK, out)
}

// getProgramVersion is one uploaded version: where an upload's Location
// points. app lists them all (they are few), as for listPrograms.
func getProgramVersion(s *server, w http.ResponseWriter, r *http.Request) error {
	all, err := s.app.Programs(r.Context(), principal(r))
	if err != nil {
		return err
	}
	id, version := r.PathValue("id"), r.PathValue("version")
	for _, p := range all {
		if p.ID == id && p.Version == version {
			return writeJSON(w, http.StatusOK, programOut(p))
		}
	}
	return fail(app.CodeNotFound, "", "program "+id+" has no version "+version)
}

// programDefinition is the YAML of a program's active version.
func programDefinition(s *server, w http.ResponseWriter, r *http.Request) error {
	src, err := s.app.ProgramSource(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(src)
	return nil
}
