package ob

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The two contexts of every credential, in this order: OB 3.0 requires the
// VC 2.0 context first and its own second. Both are pinned standard
// documents; recert defines no context of its own, so a verifier needs
// nothing from recert to process the JSON-LD.
const (
	ContextVC = "https://www.w3.org/ns/credentials/v2"
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// SupersededGenre marks the evidence entry that links a renewal to the
// credential it replaces. OB 3.0 and VC 2.0 have no "supersedes" property
// (and recert may not define one); evidence is the closest standard one:
// the earlier credential is the basis on which the renewal is granted.
// VC 2.0's relatedResource would fit the wording but requires a digest of
// the linked resource, which a status-bearing credential page does not have.
const SupersededGenre = "Superseded credential"

// Input is everything a credential says. Times are written in UTC to the
// second: sub-second digits would only make two builds of the same grant
// differ.
type Input struct {
	ID          string // the credential's URL, e.g. https://host/credentials/ID
	Issuer      Issuer
	Subject     Subject
	Achievement Achievement
	AwardedDate time.Time // the first grant, kept on every renewal
	ValidFrom   time.Time // the current term
	ValidUntil  time.Time // the current term's end; zero for none
	Result      *Result   // nil when the term was earned without a score (a renewal by credits)
	Supersedes  string    // the URL of the credential this renewal replaces; empty for none
	// Status are the credentialStatus entries (BitstringStatusListEntry
	// objects) from the status list package, in the order to write them.
	Status []map[string]any
}

// Issuer is the issuing program's profile.
type Issuer struct {
	ID    string // did:web:host
	Name  string
	URL   string // optional
	Email string // optional
}

// Subject is the candidate. OB 3.0 wants an id or at least one identifier:
// ID should be a URI that names the person without revealing them (recert
// uses urn:uuid:<candidate id>); the e-mail address is written salted and
// hashed, and the name in plain text, as IdentityObjects, so that a
// verifier who is told the name or address can check it (see
// IdentityHash) while the credential alone does not publish the address.
type Subject struct {
	ID    string // a URI; optional if Email is given
	Name  string // optional
	Email string // optional if ID is given
}

// Achievement is the certification.
type Achievement struct {
	ID                string // the certification's URL
	Name              string
	Description       string
	HumanCode         string // the exam series code
	CriteriaNarrative string // Markdown
	Image             string // optional: URL or data URI of the badge image
}

// Result is the score of the sitting that earned the term, on the exam's
// scale.
type Result struct {
	Scaled, Passing, Min, Max int
}

// Build writes the OpenBadgeCredential for in. The result is checked
// against the OB 3.0 schema before it is returned, so nothing invalid
// leaves the package.
func Build(in Input) ([]byte, error) {
	doc, err := assemble(in)
	if err != nil {
		return nil, fmt.Errorf("credential/ob: build %s: %w", in.ID, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // names and narratives keep their < > & as written
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("credential/ob: build %s: %w", in.ID, err)
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err := Validate(out); err != nil {
		return nil, fmt.Errorf("credential/ob: build %s: %w", in.ID, err)
	}
	return out, nil
}

func assemble(in Input) (*credential, error) {
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	check(absURI("id", in.ID))
	check(absURI("issuer.id", in.Issuer.ID))
	check(nonEmpty("issuer.name", in.Issuer.Name))
	if in.Issuer.URL != "" {
		check(absURI("issuer.url", in.Issuer.URL))
	}
	if in.Subject.ID == "" && in.Subject.Email == "" {
		errs = append(errs, errors.New("subject: needs an id or an e-mail address"))
	}
	if in.Subject.ID != "" {
		check(absURI("subject.id", in.Subject.ID))
	}
	a := in.Achievement
	check(absURI("achievement.id", a.ID))
	if strings.Contains(a.ID, "#") {
		errs = append(errs, fmt.Errorf("achievement.id %q: has a fragment; the result description's id is the achievement's with #scaled-score", a.ID))
	}
	check(nonEmpty("achievement.name", a.Name))
	check(nonEmpty("achievement.description", a.Description))
	check(nonEmpty("achievement.humanCode", a.HumanCode))
	check(nonEmpty("achievement.criteriaNarrative", a.CriteriaNarrative))
	if a.Image != "" {
		check(absURI("achievement.image", a.Image))
	}
	if in.Supersedes != "" {
		check(absURI("supersedes", in.Supersedes))
		if in.Supersedes == in.ID {
			errs = append(errs, fmt.Errorf("supersedes %q: a credential cannot supersede itself", in.Supersedes))
		}
	}
	switch {
	case in.AwardedDate.IsZero():
		errs = append(errs, errors.New("awardedDate: missing"))
	case in.ValidFrom.IsZero():
		errs = append(errs, errors.New("validFrom: missing"))
	case stamp(in.ValidFrom) < stamp(in.AwardedDate):
		errs = append(errs, fmt.Errorf("validFrom %s is before awardedDate %s: a term starts at or after the first grant", stamp(in.ValidFrom), stamp(in.AwardedDate)))
	case !in.ValidUntil.IsZero() && !in.ValidUntil.Truncate(time.Second).After(in.ValidFrom.Truncate(time.Second)):
		errs = append(errs, fmt.Errorf("validUntil %s is not after validFrom %s", stamp(in.ValidUntil), stamp(in.ValidFrom)))
	}
	if r := in.Result; r != nil {
		switch {
		case r.Min >= r.Max:
			errs = append(errs, fmt.Errorf("result: scale %d..%d is empty", r.Min, r.Max))
		case r.Passing < r.Min || r.Passing > r.Max:
			errs = append(errs, fmt.Errorf("result: passing score %d is outside the scale %d..%d", r.Passing, r.Min, r.Max))
		case r.Scaled < r.Passing || r.Scaled > r.Max:
			errs = append(errs, fmt.Errorf("result: score %d is not a pass on %d..%d with %d to pass", r.Scaled, r.Min, r.Max, r.Passing))
		}
	}
	for i, s := range in.Status {
		id, _ := s["id"].(string)
		typ, _ := s["type"].(string)
		if id == "" || typ == "" {
			errs = append(errs, fmt.Errorf("status[%d]: needs a string id and type", i))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return shape(in), nil
}

func shape(in Input) *credential {
	a := in.Achievement
	c := &credential{
		Context: []string{ContextVC, ContextOB},
		ID:      in.ID,
		Type:    []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:    a.Name,
		Issuer: profile{
			ID: in.Issuer.ID, Type: []string{"Profile"},
			Name: in.Issuer.Name, URL: in.Issuer.URL, Email: in.Issuer.Email,
		},
		ValidFrom:   stamp(in.ValidFrom),
		AwardedDate: stamp(in.AwardedDate),
		Subject: subject{
			ID:   in.Subject.ID,
			Type: []string{"AchievementSubject"},
			Achievement: achievement{
				ID:              a.ID,
				Type:            []string{"Achievement"},
				AchievementType: "Certification",
				Name:            a.Name,
				Description:     a.Description,
				HumanCode:       a.HumanCode,
				Criteria:        criteria{Narrative: a.CriteriaNarrative},
			},
		},
	}
	if !in.ValidUntil.IsZero() {
		c.ValidUntil = stamp(in.ValidUntil)
	}
	if a.Image != "" {
		c.Subject.Achievement.Image = &image{ID: a.Image, Type: "Image", Caption: a.Name}
	}
	if in.Subject.Name != "" {
		c.Subject.Identifier = append(c.Subject.Identifier, identity{
			Type: "IdentityObject", IdentityType: "name", Hashed: false, IdentityHash: in.Subject.Name,
		})
	}
	if in.Subject.Email != "" {
		salt := Salt(in.ID)
		c.Subject.Identifier = append(c.Subject.Identifier, identity{
			Type: "IdentityObject", IdentityType: "emailAddress", Hashed: true,
			IdentityHash: IdentityHash(in.Subject.Email, salt), Salt: salt,
		})
	}
	if r := in.Result; r != nil {
		rdID := a.ID + "#scaled-score"
		c.Subject.Achievement.ResultDescription = []resultDescription{{
			ID: rdID, Type: []string{"ResultDescription"}, Name: "Scaled score",
			ResultType:    "ScaledScore",
			RequiredValue: strconv.Itoa(r.Passing),
			ValueMin:      strconv.Itoa(r.Min),
			ValueMax:      strconv.Itoa(r.Max),
		}}
		c.Subject.Result = []result{{
			Type: []string{"Result"}, ResultDescription: rdID, Value: strconv.Itoa(r.Scaled),
		}}
	}
	if in.Supersedes != "" {
		c.Evidence = []evidence{{
			ID:          in.Supersedes,
			Type:        []string{"Evidence"},
			Name:        "Renewal of an earlier credential",
			Description: "This credential renews the credential at this URL and supersedes it.",
			Genre:       SupersededGenre,
		}}
	}
	switch len(in.Status) {
	case 0:
	case 1:
		c.Status = in.Status[0]
	default:
		c.Status = in.Status // VC 2.0 allows a set; see Validate for OB 3.0's [0..1]
	}
	return c
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func nonEmpty(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s: missing", field)
	}
	return nil
}

// absURI refuses what is not an absolute URI: every id in a credential is
// one, and a relative one would be resolved against whatever page shows it.
func absURI(field, v string) error {
	if v == "" {
		return fmt.Errorf("%s: missing", field)
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("%s %q: %w", field, v, err)
	}
	if u.Scheme == "" {
		return fmt.Errorf("%s %q: not an absolute URI", field, v)
	}
	if strings.ContainsAny(v, " \t\r\n") {
		return fmt.Errorf("%s %q: contains white space", field, v)
	}
	return nil
}
