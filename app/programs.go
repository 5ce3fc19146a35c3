package app

import (
	"context"
	"errors"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/programs"
)

// ProgramInfo describes a stored program version.
type ProgramInfo struct {
	ID, Version, Name string
	Active            bool
	Exams, Certs      int
}

// UploadProgram validates a definition and stores it as a new version,
// inactive until activated. Admin only. A definition that does not load is
// refused with every problem, file:line:column, in the message.
func (a *App) UploadProgram(ctx context.Context, pr Principal, name string, source []byte) (ProgramInfo, error) {
	if err := pr.mustBeAdmin("upload programs"); err != nil {
		return ProgramInfo{}, err
	}
	p, err := definition.Parse(name, source)
	if err != nil {
		return ProgramInfo{}, &Error{Code: CodeInvalid, Field: "definition", Message: err.Error(), Err: err}
	}
	info := ProgramInfo{ID: p.ID, Version: p.Version, Name: p.Name, Exams: len(p.Exams), Certs: len(p.Certifications)}
	_, err = a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		err := w.tx.PutProgram(ctx, ledger.ProgramVersion{ID: p.ID, Version: p.Version, Source: source, UploadedAt: w.now})
		return info, storeErr(err, "program "+p.ID+" version "+p.Version)
	}})
	return info, err
}

// ActivateProgram makes a stored version the one every decision uses from
// now on. Admin only.
func (a *App) ActivateProgram(ctx context.Context, pr Principal, id, version string) (ProgramInfo, error) {
	if err := pr.mustBeAdmin("activate programs"); err != nil {
		return ProgramInfo{}, err
	}
	if err := known("program", id); err != nil {
		return ProgramInfo{}, err
	}
	if err := known("program version", version); err != nil {
		return ProgramInfo{}, err
	}
	v, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		if err := w.tx.ActivateProgram(ctx, id, version); err != nil {
			return nil, storeErr(err, "program "+id+" version "+version)
		}
		p, err := a.program(ctx, w.tx, id)
		if err != nil {
			return nil, err
		}
		return ProgramInfo{ID: p.ID, Version: p.Version, Name: p.Name, Active: true, Exams: len(p.Exams), Certs: len(p.Certifications)}, nil
	}})
	info, _ := v.(ProgramInfo)
	return info, err
}

// Programs lists programs and their versions. The built-in reference
// program is listed even before any upload.
func (a *App) Programs(ctx context.Context, pr Principal) ([]ProgramInfo, error) {
	var out []ProgramInfo
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		ids, err := tx.ProgramIDs(ctx)
		if err != nil {
			return storeErr(err, "programs")
		}
		activeAWS := false
		for _, id := range ids {
			vs, err := tx.ProgramVersions(ctx, id)
			if err != nil {
				return storeErr(err, "program "+id)
			}
			for _, v := range vs {
				p, err := definition.Parse(v.ID+".yaml", v.Source)
				if err != nil {
					continue
				}
				activeAWS = activeAWS || (v.ID == "aws" && v.Active)
				out = append(out, ProgramInfo{ID: v.ID, Version: v.Version, Name: p.Name, Active: v.Active, Exams: len(p.Exams), Certs: len(p.Certifications)})
			}
		}
		if !activeAWS { // decisions use the built-in version until another is activated
			p := definition.AWS()
			out = append([]ProgramInfo{{ID: p.ID, Version: p.Version, Name: p.Name, Active: true, Exams: len(p.Exams), Certs: len(p.Certifications)}}, out...)
		}
		return nil
	})
	return out, err
}

// ProgramSource returns the YAML of the active version of a program.
func (a *App) ProgramSource(ctx context.Context, pr Principal, id string) ([]byte, error) {
	if err := known("program", id); err != nil {
		return nil, err
	}
	var src []byte
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		pv, err := tx.ActiveProgram(ctx, id)
		if errors.Is(err, ledger.ErrNotFound) && id == "aws" {
			src = programs.AWS
			return nil
		}
		if err != nil {
			return storeErr(err, "program "+id)
		}
		src = pv.Source
		return nil
	})
	return src, err
}
