package ob

// The JSON shape of an OpenBadgeCredential. Structs, not maps, fix the
// order of the properties, so the same input always gives the same bytes;
// every property is a term of the VC 2.0 or OB 3.0.3 context (a test checks
// this), so JSON-LD processing in safe mode drops nothing.

type credential struct {
	Context     []string   `json:"@context"`
	ID          string     `json:"id"`
	Type        []string   `json:"type"`
	Name        string     `json:"name"`
	Issuer      profile    `json:"issuer"`
	ValidFrom   string     `json:"validFrom"`
	ValidUntil  string     `json:"validUntil,omitempty"`
	AwardedDate string     `json:"awardedDate"`
	Subject     subject    `json:"credentialSubject"`
	Evidence    []evidence `json:"evidence,omitempty"`
	Status      any        `json:"credentialStatus,omitempty"`
}

type profile struct {
	ID    string   `json:"id"`
	Type  []string `json:"type"`
	Name  string   `json:"name"`
	URL   string   `json:"url,omitempty"`
	Email string   `json:"email,omitempty"`
}

type subject struct {
	ID          string      `json:"id,omitempty"`
	Type        []string    `json:"type"`
	Identifier  []identity  `json:"identifier,omitempty"`
	Achievement achievement `json:"achievement"`
	Result      []result    `json:"result,omitempty"`
}

type identity struct {
	Type         string `json:"type"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	Salt         string `json:"salt,omitempty"`
}

type achievement struct {
	ID                string              `json:"id"`
	Type              []string            `json:"type"`
	AchievementType   string              `json:"achievementType"`
	Name              string              `json:"name"`
	Description       string              `json:"description"`
	HumanCode         string              `json:"humanCode"`
	Criteria          criteria            `json:"criteria"`
	Image             *image              `json:"image,omitempty"`
	ResultDescription []resultDescription `json:"resultDescription,omitempty"`
}

type criteria struct {
	Narrative string `json:"narrative"`
}

type image struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Caption string `json:"caption,omitempty"`
}

// OB 3.0 types every score and bound as a string.
type resultDescription struct {
	ID            string   `json:"id"`
	Type          []string `json:"type"`
	Name          string   `json:"name"`
	ResultType    string   `json:"resultType"`
	RequiredValue string   `json:"requiredValue"`
	ValueMin      string   `json:"valueMin"`
	ValueMax      string   `json:"valueMax"`
}

type result struct {
	Type              []string `json:"type"`
	ResultDescription string   `json:"resultDescription"`
	Value             string   `json:"value"`
}

type evidence struct {
	ID          string   `json:"id"`
	Type        []string `json:"type"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Genre       string   `json:"genre"`
}
