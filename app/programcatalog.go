package app

import (
	"context"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/programs"
)

// ProgramVersion is one stored version of a program, for the staff
// program pages.
type ProgramVersion struct {
	ID, Version, Name string
	Active            bool
	BuiltIn           bool      // the embedded reference program, never uploaded
	UploadedAt        time.Time // zero for the built-in one
}

// ProgramCatalog lists every program's versions, oldest upload first,
// with the active one marked. Staff only. A version that no longer parses
// (a stored definition from an older schema) is listed without its name.
func (a *App) ProgramCatalog(ctx context.Context, pr Principal) ([]ProgramVersion, error) {
	if err := pr.mustBeStaff("read the program catalog"); err != nil {
		return nil, err
	}
	var out []ProgramVersion
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		ids, err := tx.ProgramIDs(ctx)
		if err != nil {
			return storeErr(err, "programs")
		}
		awsActive, builtInStored := false, false
		builtIn := definition.AWS()
		for _, id := range ids {
			vs, err := tx.ProgramVersions(ctx, id)
			if err != nil {
				return storeErr(err, "program "+id)
			}
			for _, v := range vs {
				pv := ProgramVersion{ID: v.ID, Version: v.Version, Active: v.Active, UploadedAt: v.UploadedAt}
				if p, err := definition.Parse(v.ID+".yaml", v.Source); err == nil {
					pv.Name = p.Name
				}
				awsActive = awsActive || (v.ID == builtIn.ID && v.Active)
				builtInStored = builtInStored || (v.ID == builtIn.ID && v.Version == builtIn.Version)
				out = append(out, pv)
			}
		}
		if !builtInStored {
			out = append([]ProgramVersion{{ID: builtIn.ID, Version: builtIn.Version, Name: builtIn.Name, Active: !awsActive, BuiltIn: true}}, out...)
		}
		return nil
	})
	return out, err
}

// ProgramVersionSource is the YAML of one version of a program, to read
// or compare. Staff only.
func (a *App) ProgramVersionSource(ctx context.Context, pr Principal, id, version string) ([]byte, error) {
	if err := pr.mustBeStaff("read program sources"); err != nil {
		return nil, err
	}
	if err := known("program", id); err != nil {
		return nil, err
	}
	if err := known("program version", version); err != nil {
		return nil, err
	}
	var src []byte
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		vs, err := tx.ProgramVersions(ctx, id)
		if err != nil {
			return storeErr(err, "program "+id)
		}
		for _, v := range vs {
			if v.Version == version {
				src = v.Source
				return nil
			}
		}
		if b := definition.AWS(); id == b.ID && version == b.Version {
			src = programs.AWS
			return nil
		}
		return storeErr(ledger.ErrNotFound, "program "+id+" version "+version)
	})
	return src, err
}
