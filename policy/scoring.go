package policy

import (
	"errors"
	"strconv"
)

// Scale converts a raw score taken on a form to the scaled score by the
// form's conversion table (E5: the passing standard is set on one form and
// carried to the others by equating). Between two points of the table the
// scaled score is interpolated linearly, rounded half up.
func (e *Exam) Scale(form string, raw int) (int, error) {
	for i := range e.Forms {
		f := &e.Forms[i]
		if f.ID != form {
			continue
		}
		pts := f.Points
		if len(pts) == 0 {
			return 0, errors.New(e.Code + " form " + form + " has no conversion table")
		}
		if raw < pts[0].Raw || raw > pts[len(pts)-1].Raw {
			return 0, errors.New("raw score " + strconv.Itoa(raw) + " is outside " + e.Code + " form " + form + "'s table (" +
				strconv.Itoa(pts[0].Raw) + "-" + strconv.Itoa(pts[len(pts)-1].Raw) + ")")
		}
		for k := 1; k < len(pts); k++ {
			lo, hi := pts[k-1], pts[k]
			if raw > hi.Raw {
				continue
			}
			// (2*num + den) / (2*den) rounds half up for non-negative values.
			num := (raw - lo.Raw) * (hi.Scaled - lo.Scaled)
			den := hi.Raw - lo.Raw
			return lo.Scaled + (2*num+den)/(2*den), nil
		}
		return pts[len(pts)-1].Scaled, nil
	}
	return 0, errors.New(e.Code + " has no form " + strconv.Quote(form))
}

// DomainResult is how a candidate did in one content domain: the score
// report classifies each domain as meeting the standard or needing
// improvement (E4).
type DomainResult struct {
	Domain string
	Meets  bool
}

// ScoreReport is the result a candidate sees after a sitting (E3, E4).
type ScoreReport struct {
	Exam        string
	Scaled      int
	Passed      bool
	Domains     []DomainResult
	WeakDomains []string // what to study: the domains that need improvement
}

// Report builds the score report for a sitting. The model is compensatory
// (E3): a pass needs only the overall score, whatever the domains say; the
// domains point a candidate who failed to what to study before a retake.
func (e *Exam) Report(scaled int, domains []DomainResult) (ScoreReport, error) {
	if scaled < e.ScoreMin || scaled > e.ScoreMax {
		return ScoreReport{}, errors.New("scaled score " + strconv.Itoa(scaled) + " is not on " + e.Code + "'s scale " +
			strconv.Itoa(e.ScoreMin) + "-" + strconv.Itoa(e.ScoreMax))
	}
	r := ScoreReport{Exam: e.Code, Scaled: scaled, Passed: e.Passes(scaled)}
	for _, d := range domains {
		known := false
		for _, def := range e.Domains {
			known = known || def.Name == d.Domain
		}
		if !known {
			return ScoreReport{}, errors.New(e.Code + " has no content domain " + strconv.Quote(d.Domain))
		}
		r.Domains = append(r.Domains, d)
		if !d.Meets {
			r.WeakDomains = append(r.WeakDomains, d.Domain)
		}
	}
	return r, nil
}
