package app

import (
	"errors"

	"github.com/recert/recert/definition"
)

// DefinitionProblem is one problem of a definition UploadProgram refused,
// at its place in the file, so that a page can show it beside its line.
type DefinitionProblem struct {
	Line, Column int
	Field        string // the definition's field path; empty for the whole document
	Message      string
}

// DefinitionProblems are the problems behind an UploadProgram refusal, in
// file order; none for any other error.
func DefinitionProblems(err error) []DefinitionProblem {
	var es definition.Errors
	if !errors.As(err, &es) {
		var e *definition.Error
		if !errors.As(err, &e) {
			return nil
		}
		es = definition.Errors{e}
	}
	out := make([]DefinitionProblem, len(es))
	for i, e := range es {
		out[i] = DefinitionProblem{Line: e.Line, Column: e.Column, Field: e.Field, Message: e.Message}
	}
	return out
}
