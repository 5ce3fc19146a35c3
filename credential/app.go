package credential

import (
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/statuslist"
)

var _ app.CredentialIssuer = (*Keys)(nil)

// CredentialURL is where a credential is found.
func (ks *Keys) CredentialURL(id string) string { return ks.base + "/credentials/" + id }

// IssueCredential is app.CredentialIssuer: the OB 3.0 credential of in,
// pointing at both status lists, in both securing forms.
func (ks *Keys) IssueCredential(in app.CredentialInput) ([]byte, string, error) {
	var status []map[string]any
	for _, p := range []struct {
		purpose string
		index   int
	}{{statuslist.PurposeRevocation, in.RevocationIndex}, {statuslist.PurposeSuspension, in.SuspensionIndex}} {
		e, err := statuslist.Entry(ks.StatusListURL(p.purpose), p.index, p.purpose)
		if err != nil {
			return nil, "", err
		}
		status = append(status, e)
	}
	oi := ob.Input{
		ID:      ks.CredentialURL(in.ID),
		Issuer:  ob.Issuer{Name: ks.host, URL: ks.base},
		Subject: ob.Subject{ID: "urn:recert:candidate:" + in.CandidateID, Name: in.CandidateName, Email: in.Email},
		Achievement: ob.Achievement{ID: ks.base + "/certifications/" + in.Certification, Name: in.CertificationName,
			Description: in.CertificationName + " (" + in.Certification + ")", HumanCode: in.Exam,
			CriteriaNarrative: "Pass " + in.Exam + " or another exam that earns or renews " + in.Certification + "."},
		AwardedDate: in.AwardedDate, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Status: status,
	}
	if in.Scored {
		oi.Result = &ob.Result{Scaled: in.Scaled, Passing: in.Passing, Min: in.ScoreMin, Max: in.ScoreMax}
	}
	if in.Supersedes != "" {
		oi.Supersedes = ks.CredentialURL(in.Supersedes)
	}
	s, err := ks.Issuer().Issue(oi, in.IssuedAt.Truncate(time.Second))
	if err != nil {
		return nil, "", err
	}
	return s.Document, s.JWT, nil
}
