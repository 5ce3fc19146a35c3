package web

import (
	"net/http"
	"strings"

	"github.com/recert/recert/app"
)

// sourceLine is one numbered line of a definition, with the problems
// found on it.
type sourceLine struct {
	N        int
	Text     string
	Problems []lineProblem
}

// lineProblem is a definition problem numbered for its anchor (#P1...).
type lineProblem struct {
	app.DefinitionProblem
	Index int
}

// sourceView is a definition shown line by line, each line an anchor
// (#L12) the problem list links to.
type sourceView struct {
	Caption  string
	Lines    []sourceLine
	Problems []lineProblem // every problem, in file order
}

// numberedSource splits src into numbered lines and puts each problem
// under its line. A problem past the last line (an unexpected end of
// file) goes under the last line; one at line 0 under the first.
func numberedSource(caption string, src []byte, problems []app.DefinitionProblem) sourceView {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	v := sourceView{Caption: caption, Lines: make([]sourceLine, len(lines))}
	for i, l := range lines {
		v.Lines[i] = sourceLine{N: i + 1, Text: l}
	}
	for i, p := range problems {
		lp := lineProblem{DefinitionProblem: p, Index: i + 1}
		at := min(max(p.Line, 1), len(lines)) - 1
		lp.Line = at + 1
		v.Lines[at].Problems = append(v.Lines[at].Problems, lp)
		v.Problems = append(v.Problems, lp)
	}
	return v
}

// programSourcePage is one version's definition.
type programSourcePage struct {
	ID, Version string
	Uploaded    bool // just uploaded: say so, and that it is not active yet
	Source      sourceView
}

// programSource is /staff/programs/{id}/{version}: the definition as
// stored, with line numbers.
func programSource(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	id, version := r.PathValue("id"), r.PathValue("version")
	src, err := s.app.ProgramVersionSource(r.Context(), pr, id, version)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "program", programSourcePage{ID: id, Version: version, Uploaded: r.URL.Query().Get("uploaded") != "",
		Source: numberedSource("Definition of "+id+" version "+version, src, nil)})
	return nil
}
